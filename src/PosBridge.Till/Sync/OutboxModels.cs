namespace PosBridge.Till.Sync;

public enum OutboxState
{
    Pending = 0,
    Sent = 1,

    /// <summary>Refused by the connector: kept, not retried, shown to the manager.</summary>
    Rejected = 2,
}

/// <summary>What an outbox row carries.</summary>
public enum OutboxKind
{
    /// <summary>A sale or refund document.</summary>
    Sale = 0,

    /// <summary>A shift's close (<see cref="Core.Sync.ShiftClosing"/>), sent only once every row before it has been answered.</summary>
    ShiftClosing = 1,
}

/// <summary>
/// A row waiting to go, or refused, with the connector's reason. For a shift close <see cref="SaleId"/> is
/// empty and <see cref="SaleNumber"/> holds the shift's id.
/// </summary>
public sealed record OutboxEntry(long Seq, Guid SaleId, string SaleNumber, OutboxState State, int Attempts, string? LastError, OutboxKind Kind = OutboxKind.Sale);
