using Newtonsoft.Json.Linq;
using Refit;

namespace PosBridge.Erp.Odoo.Rpc;

/// <summary>Odoo 19's JSON-2 API, as Refit sees it.</summary>
public interface IOdooJson2Api
{
    [Post("/json/2/{model}/{method}")]
    Task<HttpResponseMessage> CallAsync(string model, string method, [Body] JObject arguments, [Header("Authorization")] string authorization, [Header("X-Odoo-Database")] string database, CancellationToken cancellationToken = default);

    [Get("/web/version")]
    Task<HttpResponseMessage> VersionAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// Odoo 19's JSON-2: <c>POST /json/2/&lt;model&gt;/&lt;method&gt;</c> with a bearer API key and named
/// arguments; the result is the raw body; errors are 4xx/5xx with <c>{name, message, …}</c>. Each call is
/// its own transaction. Needs an API key (no password login on this route).
/// </summary>
internal sealed class Json2Transport(IOdooJson2Api api, OdooConnectionOptions options, TimeProvider timeProvider) : IOdooTransport
{
    public async Task<OdooServerVersion> VersionAsync(CancellationToken cancellationToken = default)
    {
        using var response = await HttpAnswers.SendAsync(() => api.VersionAsync(cancellationToken), "/web/version", cancellationToken).ConfigureAwait(false);
        var body = await ReadAsync(response, "/web/version", cancellationToken).ConfigureAwait(false);
        return OdooServerVersion.Parse(body);
    }

    public async Task<long> AuthenticateAsync(CancellationToken cancellationToken = default)
    {
        // JSON-2 has no login step: the key is checked on every call. Asking for our own user both checks
        // the key and gives the uid.
        var call = new OdooCall("res.users", "search")
        {
            Arguments = new Dictionary<string, JToken?> { ["domain"] = new JArray((object)new JArray("login", "=", options.User)), ["limit"] = 1 },
        };
        var result = await ExecuteAsync(0, call, new JObject(), cancellationToken).ConfigureAwait(false);
        return result is JArray { Count: 1 } ids
            ? ids[0].Value<long>()
            : throw new OdooException(OdooErrorKind.AccessDenied, $"The API key does not belong to user '{options.User}' on database '{options.Database}'.");
    }

    public async Task<JToken?> ExecuteAsync(long uid, OdooCall request, JObject context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var call = request;
        if (string.IsNullOrEmpty(options.ApiKey))
        {
            throw new OdooException(OdooErrorKind.AccessDenied, "Odoo's JSON-2 API needs an API key (Odoo:ApiKey); passwords are not accepted there.");
        }

        var body = new JObject();
        if (call.Ids is not null)
        {
            body["ids"] = new JArray(call.Ids);
        }

        foreach (var (name, value) in call.Arguments)
        {
            body[name] = value ?? JValue.CreateNull();
        }

        body["context"] = context;
        var what = call.ToString();
        using var response = await HttpAnswers.SendAsync(
            () => api.CallAsync(call.Model, call.Method, body, "bearer " + options.ApiKey, options.Database, cancellationToken), what, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, what, cancellationToken).ConfigureAwait(false);
    }

    private async Task<JToken?> ReadAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return await HttpAnswers.ReadJsonAsync(response, what, cancellationToken).ConfigureAwait(false);
        }

        JToken? body;
        try
        {
            body = await HttpAnswers.ReadJsonAsync(response, what, cancellationToken).ConfigureAwait(false);
        }
        catch (OdooException) when (HttpAnswers.IsTransient(response.StatusCode))
        {
            body = null;
        }

        var name = (body as JObject)?["name"]?.Value<string>();
        var message = (body as JObject)?["message"]?.Value<string>() ?? $"HTTP {(int)response.StatusCode}";
        var kind = name is not null ? OdooException.Classify(name, message)
            : response.StatusCode == System.Net.HttpStatusCode.Unauthorized ? OdooErrorKind.AccessDenied
            : HttpAnswers.IsTransient(response.StatusCode) ? OdooErrorKind.Transport
            : OdooErrorKind.ServerError;
        throw new OdooException(kind, $"Odoo refused {what}: {message}", name) { RetryAfter = HttpAnswers.RetryAfter(response.Headers, timeProvider) };
    }
}
