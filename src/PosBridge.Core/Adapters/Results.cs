namespace PosBridge.Core.Adapters;

public enum DeliveryOutcome
{
    /// <summary>The back office now has the sale.</summary>
    Done,

    /// <summary>The back office already had it (same id); nothing new was created.</summary>
    Duplicate,

    /// <summary>The back office refuses the sale; it is dead-lettered with the reason until someone fixes it.</summary>
    Rejected,

    /// <summary>A passing failure (network, lock, rate limit): deliver again later.</summary>
    RetryLater,
}

/// <summary>A sink's answer for one sale.</summary>
public sealed record SaleDeliveryResult
{
    public required Guid SaleId { get; init; }

    public required DeliveryOutcome Outcome { get; init; }

    /// <summary>Why it was rejected or must be retried, in words a manager can act on.</summary>
    public string? Reason { get; init; }

    /// <summary>The back office's id for the sale (e.g. Odoo's pos.order id), when it has one.</summary>
    public string? ExternalId { get; init; }

    /// <summary>The invoice the back office issued for the sale, when the customer asked for one (for the receipt).</summary>
    public string? InvoiceNumber { get; init; }

    /// <summary>For <see cref="DeliveryOutcome.RetryLater"/>: the earliest useful retry, when the back office says.</summary>
    public TimeSpan? RetryAfter { get; init; }

    public static SaleDeliveryResult Done(Guid saleId, string? externalId = null) =>
        new() { SaleId = saleId, Outcome = DeliveryOutcome.Done, ExternalId = externalId };

    public static SaleDeliveryResult Duplicate(Guid saleId, string? externalId = null) =>
        new() { SaleId = saleId, Outcome = DeliveryOutcome.Duplicate, ExternalId = externalId };

    public static SaleDeliveryResult Rejected(Guid saleId, string reason) =>
        new() { SaleId = saleId, Outcome = DeliveryOutcome.Rejected, Reason = reason };

    public static SaleDeliveryResult RetryLater(Guid saleId, string reason, TimeSpan? retryAfter = null) =>
        new() { SaleId = saleId, Outcome = DeliveryOutcome.RetryLater, Reason = reason, RetryAfter = retryAfter };
}

/// <summary>Business days <see cref="From"/> to <see cref="To"/> inclusive, in the store's time zone.</summary>
public sealed record LedgerPeriod
{
    public LedgerPeriod(string storeId, DateOnly from, DateOnly to)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(storeId);
        if (to < from)
        {
            throw new ArgumentException($"The period ends ({to:yyyy-MM-dd}) before it starts ({from:yyyy-MM-dd}).", nameof(to));
        }

        StoreId = storeId;
        From = from;
        To = to;
    }

    public string StoreId { get; }

    public DateOnly From { get; }

    public DateOnly To { get; }
}

public enum LedgerWriteOutcome
{
    Written,

    /// <summary>No journal could be written (e.g. one would not balance); nothing was left half-written.</summary>
    Failed,
}

public sealed record LedgerWriteResult
{
    public required LedgerWriteOutcome Outcome { get; init; }

    /// <summary>The files written, full paths.</summary>
    public IReadOnlyList<string> Files { get; init; } = [];

    public int JournalCount { get; init; }

    public string? Reason { get; init; }

    /// <summary>The sales the failure concerns.</summary>
    public IReadOnlyList<Guid> SaleIds { get; init; } = [];

    /// <summary>What a written export left out on purpose and why (a shift count is no Xero invoice); never a sale.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    public static LedgerWriteResult Written(IReadOnlyList<string> files, int journalCount, IReadOnlyList<string>? notes = null) =>
        new() { Outcome = LedgerWriteOutcome.Written, Files = files, JournalCount = journalCount, Notes = notes ?? [] };

    public static LedgerWriteResult Failed(string reason, IReadOnlyList<Guid> saleIds) =>
        new() { Outcome = LedgerWriteOutcome.Failed, Reason = reason, SaleIds = saleIds };
}
