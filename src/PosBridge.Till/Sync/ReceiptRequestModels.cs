namespace PosBridge.Till.Sync;

/// <summary>A receipt request as the till keeps it.</summary>
public sealed record ReceiptRequestEntry(Guid Id, Guid SaleId, string Channel, string Recipient, OutboxState State, int Attempts, string? LastError);

/// <summary>What the connector did with a receipt request.</summary>
public enum ReceiptRequestStatus
{
    Accepted,
    Duplicate,

    /// <summary>The same request id is stored with other content (409); never overwritten.</summary>
    Conflict,

    /// <summary>The connector found the request invalid (400).</summary>
    Invalid,
}

/// <summary>The connector's answer to a receipt request, with its reason when refused.</summary>
public sealed record ReceiptRequestOutcome(ReceiptRequestStatus Status, string? Reason);

/// <summary>What one upload of receipt requests did.</summary>
public sealed record ReceiptUploadReport(int Sent, int Rejected, int Pending, bool ConnectorUnavailable);
