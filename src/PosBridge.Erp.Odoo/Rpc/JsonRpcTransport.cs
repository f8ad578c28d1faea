using Newtonsoft.Json.Linq;
using Refit;

namespace PosBridge.Erp.Odoo.Rpc;

/// <summary>Odoo's <c>/jsonrpc</c> endpoint, as Refit sees it.</summary>
public interface IOdooJsonRpcApi
{
    [Post("/jsonrpc")]
    Task<HttpResponseMessage> PostAsync([Body] JObject request, CancellationToken cancellationToken = default);
}

/// <summary>
/// <c>POST /jsonrpc</c>: <c>common.version</c>, <c>common.authenticate</c> and <c>object.execute_kw</c>.
/// Odoo answers errors with HTTP 200 and an <c>error</c> member, classified on <c>error.data.name</c>;
/// an answer with neither <c>result</c> nor <c>error</c> is a method that returned nothing.
/// </summary>
internal sealed class JsonRpcTransport(IOdooJsonRpcApi api, OdooConnectionOptions options, TimeProvider timeProvider) : IOdooTransport
{
    private long _nextId;

    public async Task<OdooServerVersion> VersionAsync(CancellationToken cancellationToken = default) =>
        OdooServerVersion.Parse(await CallAsync("common", "version", [], cancellationToken).ConfigureAwait(false));

    public async Task<long> AuthenticateAsync(CancellationToken cancellationToken = default)
    {
        var result = await CallAsync("common", "authenticate", [options.Database, options.User, options.Secret, new JObject()], cancellationToken).ConfigureAwait(false);

        // A wrong password answers result false, not an error.
        return OdooValues.IsUnset(result) || result!.Type != JTokenType.Integer
            ? throw new OdooException(OdooErrorKind.AccessDenied, $"Odoo refused the login '{options.User}' on database '{options.Database}': check the user and its API key or password.")
            : result.Value<long>();
    }

    public Task<JToken?> ExecuteAsync(long uid, OdooCall request, JObject context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var call = request;
        var args = new JArray();
        if (call.Ids is not null)
        {
            args.Add(new JArray(call.Ids));
        }

        var kwargs = new JObject();
        foreach (var (name, value) in call.Arguments)
        {
            if (call.ByPosition)
            {
                args.Add(value ?? JValue.CreateNull());
            }
            else
            {
                kwargs[name] = value ?? JValue.CreateNull();
            }
        }

        kwargs["context"] = context;
        return CallAsync("object", "execute_kw", [options.Database, uid, options.Secret, call.Model, call.Method, args, kwargs], cancellationToken, call.ToString());
    }

    private async Task<JToken?> CallAsync(string service, string method, JArray args, CancellationToken cancellationToken, string? what = null)
    {
        what ??= $"{service}.{method}";
        var id = Interlocked.Increment(ref _nextId);
        var request = new JObject
        {
            ["jsonrpc"] = "2.0",
            ["method"] = "call",
            ["params"] = new JObject { ["service"] = service, ["method"] = method, ["args"] = args },
            ["id"] = id,
        };

        using var response = await HttpAnswers.SendAsync(() => api.PostAsync(request, cancellationToken), what, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var message = $"Odoo answered {what} with HTTP {(int)response.StatusCode}: {HttpAnswers.Abbreviate(body)}";
            throw HttpAnswers.IsTransient(response.StatusCode)
                ? new OdooException(OdooErrorKind.Transport, message) { RetryAfter = HttpAnswers.RetryAfter(response.Headers, timeProvider) }
                : new OdooException(OdooErrorKind.ServerError, message);
        }

        var answer = await HttpAnswers.ReadJsonAsync(response, what, cancellationToken).ConfigureAwait(false) as JObject
            ?? throw new OdooException(OdooErrorKind.Transport, $"Odoo's answer to {what} is not a JSON-RPC object.");
        if (answer["error"] is JObject error)
        {
            var data = error["data"] as JObject;
            var name = data?["name"]?.Value<string>();
            var message = data?["message"]?.Value<string>() ?? error["message"]?.Value<string>() ?? "Odoo Server Error";
            throw new OdooException(OdooException.Classify(name, message), $"Odoo refused {what}: {message}", name);
        }

        return answer.TryGetValue("result", out var result) ? result : null;
    }
}
