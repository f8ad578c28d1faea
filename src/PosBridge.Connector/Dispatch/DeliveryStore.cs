using PosBridge.Core.Sales;

namespace PosBridge.Connector.Dispatch;

internal enum DeliveryState
{
    Done,
    Duplicate,
    Retry,
    Dead,
}

/// <summary>A sale waiting for an adapter: its inbox position, the document, and the attempts so far.</summary>
internal sealed record PendingSale(long Seq, Sale Sale, int Attempts);

/// <summary>What happened to one sale at one adapter.</summary>
internal sealed record DeliveryRecord(long Seq, DeliveryState State, int Attempts, DateTimeOffset? NextAttemptAt, string? Error, string? ExternalId);

internal sealed record DeadLetter(string Adapter, Guid SaleId, string SaleNumber, string TillId, int Attempts, string? Reason, DateTimeOffset At);

/// <summary>
/// An adapter's queue as a manager sees it: sales waiting, the oldest one's sale time and, as <c>OldestWaitingReceivedAt</c>, when the
/// connector received it (for a sale made offline, much later), dead letters, and the last success and error.
/// </summary>
internal sealed record AdapterBacklog(string Adapter, long Waiting, DateTimeOffset? OldestWaitingSaleAt, long DeadLetters, DateTimeOffset? LastSuccessAt, string? LastError, DateTimeOffset? LastErrorAt, DateTimeOffset? OldestWaitingReceivedAt = null);

/// <summary>
/// Per adapter: which sales are delivered, waiting, or dead-lettered. The cursor is the inbox position
/// below which every sale is finished for the adapter, so finding work never rescans old sales.
/// </summary>
internal interface IDeliveryStore
{
    /// <summary>
    /// Sales to deliver now, in inbox order. When <paramref name="ordered"/>, a sale waiting for a retry
    /// holds back every later one.
    /// </summary>
    Task<IReadOnlyList<PendingSale>> GetDueAsync(string adapter, int limit, bool ordered, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Records outcomes in one transaction and moves the cursor past finished sales.</summary>
    Task RecordAsync(string adapter, IReadOnlyList<DeliveryRecord> records, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Remembers a failure of the adapter as a whole (it threw, or is unreachable).</summary>
    Task RecordAdapterErrorAsync(string adapter, string error, DateTimeOffset now, CancellationToken cancellationToken = default);

    Task<AdapterBacklog> GetBacklogAsync(string adapter, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<DeadLetter>> GetDeadLettersAsync(string? adapter, CancellationToken cancellationToken = default);

    /// <summary>Puts dead-lettered sales back in the queue (all of an adapter's, or one sale's); returns how many.</summary>
    Task<int> RetryDeadLettersAsync(string? adapter, Guid? saleId, DateTimeOffset now, CancellationToken cancellationToken = default);
}
