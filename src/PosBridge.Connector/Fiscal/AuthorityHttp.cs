using System.Net;

namespace PosBridge.Connector.Fiscal;

/// <summary>How a call to a tax authority went wrong, the same way for ZATCA and the ETA.</summary>
internal static class AuthorityHttp
{
    /// <summary>
    /// Sends <paramref name="request"/>; no answer, a timeout, 429 and 5xx become <see cref="ZatcaUnavailableException"/>
    /// (try again later), 401 and 403 <see cref="ZatcaUnauthorizedException"/> (credentials: retrying will not help).
    /// </summary>
    public static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpRequestMessage request, string authority, string credentials, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new ZatcaUnavailableException($"{authority} could not be reached ({e.Message}); the documents stay waiting and are sent again.", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ZatcaUnavailableException($"{authority} did not answer in time; the documents stay waiting and are sent again.", e);
        }

        var status = (int)response.StatusCode;
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            response.Dispose();
            throw new ZatcaUnauthorizedException($"{authority} refused {credentials} ({status}).");
        }

        if (response.StatusCode == HttpStatusCode.TooManyRequests || status >= 500)
        {
            response.Dispose();
            throw new ZatcaUnavailableException($"{authority} answered {status}; the documents stay waiting and are sent again.");
        }

        return response;
    }
}
