namespace PosBridge.Erp.Odoo.Emulator;

/// <summary>What can go wrong with a call, injected by a test.</summary>
public enum FaultKind
{
    /// <summary>A proxy answers 502 before Odoo sees the call.</summary>
    BadGateway,

    /// <summary>Odoo does the work and commits, but the answer is lost (502): the crash between create and read-back.</summary>
    AnswerLost,

    /// <summary>Odoo's serialisation failure after its own retries (psycopg2 SerializationFailure ≤17, ConcurrencyError 18+).</summary>
    Concurrency,

    /// <summary>The session behind the call expired.</summary>
    SessionExpired,

    /// <summary>The call hangs for <see cref="Fault.Delay"/> before being served.</summary>
    Slow,
}

/// <summary>A fault for the next <see cref="Times"/> calls of <see cref="Method"/> ("model.method"; null: any call).</summary>
public sealed record Fault(FaultKind Kind, string? Method = null, int Times = 1)
{
    public TimeSpan Delay { get; init; } = TimeSpan.FromSeconds(5);
}
