using PosBridge.Core.Sync;

namespace PosBridge.Connector.Receipts;

/// <summary>How a receipt request was taken in.</summary>
internal enum ReceiptRequestReceipt
{
    Accepted,
    Duplicate,

    /// <summary>The same request id arrived before with other content (or from another till): never overwritten.</summary>
    Conflict,

    /// <summary>The sale it names is stored for another store: a till sends receipts of its own store's sales only.</summary>
    OtherStoresSale,
}

/// <summary>A stored receipt message as the send job needs it.</summary>
internal sealed record StoredReceiptMessage(Guid RequestId, string TillId, string SaleNumber, string Channel, string Recipient, string Language, string? StoreName, string Token, int Attempts);

/// <summary>Receipt messages by state, for status and tests.</summary>
internal sealed record ReceiptMessageCounts(int Pending, int Sent, int Dead, int Uncertain);

/// <summary>
/// A receipt message that needs a person: 'dead' (the gateway refused it or every try failed) or 'uncertain' (the
/// connector stopped while sending it, so it may or may not have gone). The recipient is as stored; mask it for display.
/// </summary>
internal sealed record ReceiptProblem(Guid RequestId, string StoreId, string TillId, string SaleNumber, string Channel, string Recipient, string State, int Attempts, string? LastError, DateTimeOffset ReceivedAt, DateTimeOffset ExpiresAt);

internal enum ResendOutcome
{
    Queued,
    NotFound,

    /// <summary>Pending, sending or sent: nothing to send again.</summary>
    NotStuck,

    /// <summary>The link in the message would no longer open.</summary>
    Expired,
}

/// <summary>
/// Receipt requests from tills, stored durably before they are acknowledged, with the receipt page each links
/// to. The link's token is random (256 bits), kept as its SHA-256 for look-up and encrypted with the
/// connector's secrets key so a retry can send the same link; the database alone never gives the link away.
/// </summary>
internal interface IReceiptMessageStore
{
    Task<ReceiptRequestReceipt> ReceiveAsync(string storeId, string tillId, ReceiptMessageRequest request, TimeSpan linkLifetime, CancellationToken cancellationToken = default);

    /// <summary>The receipt page a link names, while the link lasts; null for an unknown or expired token.</summary>
    Task<string?> PageAsync(string token, CancellationToken cancellationToken = default);

    /// <summary>
    /// Messages left 'sending' by a run that never finished (the process died mid-send): whether the customer got
    /// them is unknown, so they become 'uncertain' and are not sent again. Answers how many.
    /// </summary>
    Task<int> SettleInterruptedAsync(CancellationToken cancellationToken = default);

    /// <summary>Pending messages on <paramref name="channels"/> whose next try is due, oldest first.</summary>
    Task<List<StoredReceiptMessage>> DueAsync(IReadOnlyCollection<string> channels, int limit, CancellationToken cancellationToken = default);

    /// <summary>Marks the message 'sending' (one more try) before anything leaves; false if another run took it.</summary>
    Task<bool> ClaimAsync(Guid requestId, CancellationToken cancellationToken = default);

    /// <summary>Records a try's outcome: 'sent', 'dead', or 'pending' again from <paramref name="nextAttempt"/>.</summary>
    Task RecordAsync(Guid requestId, string state, DateTimeOffset? nextAttempt, string? error, CancellationToken cancellationToken = default);

    Task<ReceiptMessageCounts> CountsAsync(CancellationToken cancellationToken = default);

    /// <summary>Dead and uncertain messages, newest first.</summary>
    Task<List<ReceiptProblem>> ProblemsAsync(int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Puts a dead or uncertain message back in the queue, due now with its tries counted from zero: a manager's
    /// decision (an uncertain one may reach the customer twice). Refused while its link would no longer open.
    /// </summary>
    Task<ResendOutcome> ResendAsync(Guid requestId, CancellationToken cancellationToken = default);
}
