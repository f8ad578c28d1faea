using PosBridge.Core.Sales;
using PosBridge.Till.Sales;

namespace PosBridge.Till.Refunds;

/// <summary>A line of an earlier sale and how much of it can still be refunded.</summary>
public sealed record RefundableLine(
    int LineNumber,
    string ProductId,
    string Name,
    string Unit,
    decimal UnitPrice,
    decimal DiscountPercent,
    decimal Sold,
    decimal Refunded,
    decimal TotalIncluded)
{
    /// <summary>What can still be given back: sold minus earlier refunds.</summary>
    public decimal Left => Sold - Refunded;
}

/// <summary>How much of a line to give back; a positive quantity, at most what is left.</summary>
public sealed record RefundLineRequest(int LineNumber, decimal Quantity);

/// <summary>Where the money of a refund goes.</summary>
public enum RefundPayout
{
    /// <summary>
    /// Back the way it came: card and wallet payments through the provider by their reference (up to
    /// what each has left), then the customer's account, then QR transfers (with the reference of the
    /// transfer sent back), then cash for the rest.
    /// </summary>
    OriginalMethods,

    /// <summary>All in cash from the drawer (e.g. the till is offline, or the customer asks).</summary>
    Cash,
}

/// <summary>A refund of all or part of an earlier sale.</summary>
public sealed record RefundRequest
{
    /// <summary>The original sale's id (from RefundService.FindSaleAsync in the till host).</summary>
    public required Guid SaleId { get; init; }

    /// <summary>The lines and quantities to give back; null for everything still refundable.</summary>
    public IReadOnlyList<RefundLineRequest>? Lines { get; init; }

    /// <summary>Who is at the till; the refund document names them as its cashier.</summary>
    public required Cashier Cashier { get; init; }

    /// <summary>The permissions approved for this refund (a manager's, after their PIN): must include <see cref="TillPermissions.Refund"/>.</summary>
    public required TillPermissions Permissions { get; init; }

    public RefundPayout Payout { get; init; } = RefundPayout.OriginalMethods;

    /// <summary>Why the goods came back; kept as the refund's note and printed on its receipt.</summary>
    public string? Reason { get; init; }

    /// <summary>The bank reference of the transfer sent back, when part of the sale was paid by QR/instant transfer.</summary>
    public string? TransferReference { get; init; }
}

public enum RefundStatus
{
    Refunded,

    /// <summary>The permissions given do not include refunds: ask for a manager's PIN.</summary>
    NotAllowed,

    /// <summary>No such sale on this till, or it is itself a refund.</summary>
    NotFound,

    /// <summary>The lines or quantities asked for cannot be refunded (more than is left, unknown line); nothing was done.</summary>
    Invalid,

    /// <summary>Refused before any money moved (offline card refund, missing transfer reference).</summary>
    Refused,

    /// <summary>The provider did not give the money back; nothing was recorded.</summary>
    PaymentFailed,

    /// <summary>
    /// Money went back through the provider (see <see cref="RefundResult.ProviderReferences"/>), or may have, but no
    /// refund document could be written: it is kept as an unresolved refund (RefundService.UnresolvedRefunds)
    /// for a manager, and the sale cannot be refunded again until it is resolved. Happens when another till process
    /// refunded the same items at the same moment, a second card of a split refund was declined, or the provider
    /// cannot say what became of a request a killed till sent.
    /// </summary>
    NotRecorded,
}

/// <summary>
/// The outcome of a refund: the committed refund document, or why there is none. <see cref="Message"/>
/// is for the cashier; <see cref="Errors"/> name each refused field.
/// </summary>
public sealed record RefundResult(
    RefundStatus Status,
    string Message,
    Sale? Refund = null,
    IReadOnlyList<ValidationError>? Errors = null,
    IReadOnlyList<string>? ProviderReferences = null)
{
    public bool IsRefunded => Status == RefundStatus.Refunded;
}

/// <summary>What a cashier can type to find a sale to refund. Every part given must match.</summary>
public sealed record SaleSearch
{
    /// <summary>
    /// Part of the sale number, the customer's name, phone, e-mail or card code, a product's name
    /// (folded like catalog search), or a card's last four digits.
    /// </summary>
    public string? Text { get; init; }

    /// <summary>First business day (store time) to look in; default 30 days before <see cref="To"/>.</summary>
    public DateOnly? From { get; init; }

    /// <summary>Last business day (store time) to look in, inclusive; default today.</summary>
    public DateOnly? To { get; init; }

    /// <summary>The amount paid, exactly.</summary>
    public decimal? Amount { get; init; }

    public int Limit { get; init; } = 50;

    /// <summary>Matches to pass over first (newest first), for the next page: ask with <c>Skip + Limit</c>.</summary>
    public int Skip { get; init; }
}

/// <summary>
/// A refund whose money moved (or may have) but that could not be recorded, kept for a manager: <see cref="Id"/> is the
/// till's reference stem sent to the provider (<c>&lt;sale number&gt;-R&lt;attempt&gt;</c>, each part <c>-1</c>, <c>-2</c> …).
/// </summary>
public sealed record UnresolvedRefund(string Id, Guid SaleId, string SaleNumber, decimal Amount, string Problem, IReadOnlyList<string> ProviderReferences);
