using System.Net;
using System.Net.Http.Headers;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace PosBridge.Erp.Odoo.Rpc;

/// <summary>What both transports do with an HTTP answer before reading Odoo's own envelope.</summary>
internal static class HttpAnswers
{
    public static async Task<HttpResponseMessage> SendAsync(Func<Task<HttpResponseMessage>> send, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await send().ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new OdooException(OdooErrorKind.Transport, $"Odoo could not be reached for {what}: {ex.Message}", innerException: ex);
        }
        catch (Refit.ApiRequestException ex)
        {
            // Refit 9+ wraps a refused or broken connection in its own exception around the HttpRequestException.
            throw new OdooException(OdooErrorKind.Transport, $"Odoo could not be reached for {what}: {ex.InnerException?.Message ?? ex.Message}", innerException: ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new OdooException(OdooErrorKind.Transport, $"Odoo did not answer {what} in time.", innerException: ex);
        }
    }

    public static async Task<JToken?> ReadJsonAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            using var reader = new JsonTextReader(new StringReader(text)) { DateParseHandling = DateParseHandling.None, FloatParseHandling = FloatParseHandling.Decimal };
            return JToken.ReadFrom(reader);
        }
        catch (JsonReaderException ex)
        {
            // A proxy's error page or a maintenance notice: not Odoo talking.
            throw new OdooException(OdooErrorKind.Transport, $"Odoo's answer to {what} is not JSON (HTTP {(int)response.StatusCode}): {Abbreviate(text)}", innerException: ex);
        }
    }

    /// <summary>Statuses that mean "try again later": 408, 425, 429 and every 5xx.</summary>
    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests or (HttpStatusCode)425 || (int)status >= 500;

    public static TimeSpan? RetryAfter(HttpResponseHeaders headers, TimeProvider timeProvider)
    {
        var retryAfter = headers.RetryAfter;
        if (retryAfter?.Delta is { } delta)
        {
            return delta;
        }

        if (retryAfter?.Date is { } date)
        {
            var wait = date - timeProvider.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    public static string Abbreviate(string text) => text.Length <= 200 ? text.Trim() : string.Concat(text.AsSpan(0, 200).Trim(), "…");
}
