using Newtonsoft.Json.Linq;

namespace PosBridge.Erp.Odoo.Rpc;

/// <summary>
/// One of Odoo's external APIs: <c>/jsonrpc</c> (every version we support) or JSON-2 (19 and later).
/// Failures are <see cref="OdooException"/>s; nothing here retries (the client's pipeline does).
/// </summary>
public interface IOdooTransport
{
    /// <summary>The server's version, asked without logging in.</summary>
    Task<OdooServerVersion> VersionAsync(CancellationToken cancellationToken = default);

    /// <summary>Logs in; returns the user id. A refused login is an <see cref="OdooErrorKind.AccessDenied"/> failure.</summary>
    Task<long> AuthenticateAsync(CancellationToken cancellationToken = default);

    /// <summary>Runs <paramref name="request"/> as user <paramref name="uid"/> with <paramref name="context"/>; null when the method returned nothing.</summary>
    Task<JToken?> ExecuteAsync(long uid, OdooCall request, JObject context, CancellationToken cancellationToken = default);
}
