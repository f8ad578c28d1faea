using Newtonsoft.Json.Linq;

namespace PosBridge.Erp.Odoo.Rpc;

/// <summary>
/// One call of a model method, in the shape both of Odoo's transports can carry: the records it runs on
/// (<see cref="Ids"/>, for record methods) and its arguments by name. Over <c>/jsonrpc</c> the ids become
/// <c>execute_kw</c>'s first positional argument and the rest travel as keyword arguments; over Odoo 19's
/// JSON-2 everything is named. The context is added by the client on every call.
/// </summary>
public sealed record OdooCall
{
    public OdooCall(string model, string method)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(method);
        Model = model;
        Method = method;
    }

    public string Model { get; }

    public string Method { get; }

    /// <summary>The records a record method runs on; null for a model method (<c>@api.model</c>).</summary>
    public IReadOnlyList<long>? Ids { get; init; }

    /// <summary>The method's arguments by their Python names.</summary>
    public IReadOnlyDictionary<string, JToken?> Arguments { get; init; } = new Dictionary<string, JToken?>();

    /// <summary>Keys added to the client's context for this call only (e.g. <c>inventory_mode</c>).</summary>
    public IReadOnlyDictionary<string, JToken?> ExtraContext { get; init; } = new Dictionary<string, JToken?>();

    /// <summary>
    /// Over <c>/jsonrpc</c>, send <see cref="Arguments"/> positionally, in the order given. Needed where
    /// overrides rename parameters (<c>write(vals)</c> in the ORM is <c>write(values)</c> in mail.thread).
    /// JSON-2 always sends names.
    /// </summary>
    public bool ByPosition { get; init; }

    /// <summary>Safe to send again after a lost answer: reads, and writes Odoo itself de-duplicates.</summary>
    public bool Idempotent { get; init; }

    public override string ToString() => $"{Model}.{Method}";
}
