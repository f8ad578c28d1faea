using PosBridge.Core.Taxes;

namespace PosBridge.Core.Sales;

/// <summary>
/// A completed sale or refund as a till hands it over: the document every hop (till → connector →
/// Odoo, ledger, web store) carries, keyed by <see cref="Id"/>. Amounts are in <see cref="Currency"/>;
/// quantities and amounts are negative on a refund. Build one with <see cref="SaleBuilder"/> on the till;
/// check one with <see cref="SaleValidator"/>; read and write it with <see cref="SaleJson"/>.
/// </summary>
public sealed record Sale
{
    /// <summary>The version of this document's shape. Readers refuse versions they do not know.</summary>
    public required int SchemaVersion { get; init; }

    /// <summary>UUID version 7 made on the till (time-ordered): the idempotency key at every hop.</summary>
    public required Guid Id { get; init; }

    public required string StoreId { get; init; }

    public required string TillId { get; init; }

    public required string ShiftId { get; init; }

    /// <summary>Gap-free per till and shift, e.g. "CAI1-T2-0031-000045"; printed on the receipt.</summary>
    public required string SaleNumber { get; init; }

    /// <summary>The instant the sale was completed, in UTC (offset zero).</summary>
    public required DateTimeOffset CreatedAtUtc { get; init; }

    /// <summary>The store's UTC offset at that instant, e.g. +02:00 in Cairo, so the business day is known.</summary>
    public required TimeSpan StoreUtcOffset { get; init; }

    /// <summary>ISO 4217 code; every amount in the document is in it.</summary>
    public required string Currency { get; init; }

    /// <summary>The company's rounding method the totals were computed with.</summary>
    public required TaxRoundingMethod TaxRounding { get; init; }

    public required Cashier Cashier { get; init; }

    public Customer? Customer { get; init; }

    /// <summary>Every tax a line refers to (and the children of groups), so totals can be checked anywhere.</summary>
    public required IReadOnlyList<TaxDefinition> Taxes { get; init; }

    public required IReadOnlyList<SaleLine> Lines { get; init; }

    /// <summary>A discount on the whole order in percent, applied to every line before tax.</summary>
    public decimal OrderDiscountPercent { get; init; }

    /// <summary>Cash rounding applied to the amount due, when the store uses it.</summary>
    public CashRounding? CashRounding { get; init; }

    public required IReadOnlyList<Payment> Payments { get; init; }

    /// <summary>Set on a refund: the sale it gives money back for.</summary>
    public RefundOf? RefundOf { get; init; }

    public required SaleTotals Totals { get; init; }

    public LoyaltyPoints? Loyalty { get; init; }

    /// <summary>Free text from the cashier, printed on the receipt.</summary>
    public string? Note { get; init; }

    /// <summary>The customer asked for an invoice (needs <see cref="Customer"/>); the back office issues it and its number comes back.</summary>
    public bool InvoiceRequested { get; init; }

    /// <summary>A refund gives money back for an earlier sale; its quantities and totals are negative.</summary>
    public bool IsRefund => RefundOf is not null;

    /// <summary>Checks the whole document; see <see cref="SaleValidator"/>.</summary>
    public SaleValidationResult Validate(RefundHistory? refundHistory = null) => SaleValidator.Validate(this, refundHistory);

    /// <summary>The store's local time of the sale, for business days and shifts.</summary>
    public DateTimeOffset CreatedAtStoreTime => CreatedAtUtc.ToOffset(StoreUtcOffset);
}

public sealed record Cashier
{
    public required string Id { get; init; }

    public required string Name { get; init; }
}

public sealed record Customer
{
    public required string Id { get; init; }

    public string? Name { get; init; }

    public string? Phone { get; init; }

    public string? Email { get; init; }

    /// <summary>The loyalty card's code (printed, scanned or read from an NFC tag).</summary>
    public string? LoyaltyCardCode { get; init; }
}

public sealed record SaleLine
{
    /// <summary>1-based position in the sale; refunds point at it.</summary>
    public required int LineNumber { get; init; }

    /// <summary>The product's id in the catalog the till sells from.</summary>
    public required string ProductId { get; init; }

    public string? Sku { get; init; }

    public string? Barcode { get; init; }

    public required string Name { get; init; }

    /// <summary>Positive on a sale, negative on a refund; decimal for weighed goods (0.375 kg).</summary>
    public required decimal Quantity { get; init; }

    /// <summary>Unit of measure as the catalog names it: "Units", "kg", "L".</summary>
    public required string Unit { get; init; }

    /// <summary>Price per unit before discounts, as the catalog gives it (tax included or not per the taxes).</summary>
    public required decimal UnitPrice { get; init; }

    /// <summary>The line's own discount in percent (0–100).</summary>
    public decimal DiscountPercent { get; init; }

    /// <summary>Ids of the taxes applied, from <see cref="Sale.Taxes"/>.</summary>
    public required IReadOnlyList<string> TaxIds { get; init; }

    /// <summary>The line total without tax, rounded to the currency.</summary>
    public required decimal TotalExcluded { get; init; }

    /// <summary>The line total with tax, rounded to the currency.</summary>
    public required decimal TotalIncluded { get; init; }

    /// <summary>Each tax's base and amount on this line, in computation order.</summary>
    public required IReadOnlyList<LineTaxAmount> TaxAmounts { get; init; }

    /// <summary>On a refund line: the <see cref="LineNumber"/> of the original sale's line.</summary>
    public int? RefundOfLine { get; init; }

    public string? Note { get; init; }
}

/// <summary>A tax on a line. Under global rounding the amount keeps five extra digits.</summary>
public sealed record LineTaxAmount
{
    public required string TaxId { get; init; }

    public required decimal Base { get; init; }

    public required decimal Amount { get; init; }
}

/// <summary>How a payment was made; decides what details it must carry.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(Catalog.CamelCaseEnumConverter<PaymentKind>))]
public enum PaymentKind
{
    Cash,
    Card,
    Wallet,
    Qr,

    /// <summary>"Pay later": charged to the customer's account.</summary>
    CustomerAccount,
}

public sealed record Payment
{
    /// <summary>The store's payment method id (maps to e.g. Odoo's pos.payment.method).</summary>
    public required string MethodId { get; init; }

    public required PaymentKind Kind { get; init; }

    /// <summary>What this payment contributes to the sale: for cash, tendered minus change.</summary>
    public required decimal Amount { get; init; }

    /// <summary>Cash only: what the customer handed over.</summary>
    public decimal? Tendered { get; init; }

    /// <summary>Cash only: what was given back.</summary>
    public decimal? Change { get; init; }

    /// <summary>Card and wallet payments: what a receipt and a refund need, never the card number.</summary>
    public CardDetails? Card { get; init; }

    /// <summary>The provider's or bank's reference (QR and instant transfers; wallets).</summary>
    public string? Reference { get; init; }
}

/// <summary>
/// The only card data PosBridge keeps: no full number, track data or PIN is ever part of a sale.
/// </summary>
public sealed record CardDetails
{
    /// <summary>"visa", "mastercard", "mada", "meeza", …</summary>
    public required string Scheme { get; init; }

    /// <summary>The last four digits of the card number.</summary>
    public required string Last4 { get; init; }

    public required string AuthorizationCode { get; init; }

    /// <summary>The payment provider's reference for this transaction, used for refunds.</summary>
    public required string ProviderReference { get; init; }

    /// <summary>A provider token for refunds, when the provider issues one.</summary>
    public string? Token { get; init; }
}

/// <summary>Cash rounding of the amount due (Odoo's <c>account.cash.rounding</c>).</summary>
public sealed record CashRounding
{
    /// <summary>The step, e.g. 0.05, 0.25 or 1.00.</summary>
    public required decimal Step { get; init; }

    public required Amounts.RoundingMode Mode { get; init; }
}

public sealed record RefundOf
{
    public required Guid SaleId { get; init; }

    public required string SaleNumber { get; init; }
}

public sealed record SaleTotals
{
    /// <summary>Sum of the lines' excluded totals.</summary>
    public required decimal Untaxed { get; init; }

    /// <summary>Per tax, as the document rounds it.</summary>
    public required IReadOnlyList<SaleTaxTotal> Taxes { get; init; }

    /// <summary>Sum of <see cref="Taxes"/>.</summary>
    public required decimal Tax { get; init; }

    /// <summary>Untaxed plus tax.</summary>
    public required decimal Total { get; init; }

    /// <summary>The cash-rounding adjustment (may be negative); zero without cash rounding.</summary>
    public decimal Rounding { get; init; }

    /// <summary>Total plus rounding: what the customer pays (or is paid back, on a refund).</summary>
    public required decimal AmountDue { get; init; }

    /// <summary>Sum of the payments' amounts; equals <see cref="AmountDue"/>.</summary>
    public required decimal Paid { get; init; }

    /// <summary>Cash given back, the sum of the payments' change.</summary>
    public decimal Change { get; init; }

    /// <summary>The discounts given, tax included: what the lines would cost without them minus what they cost.</summary>
    public decimal Discount { get; init; }
}

public sealed record SaleTaxTotal
{
    public required string TaxId { get; init; }

    public required string Name { get; init; }

    public required decimal Base { get; init; }

    public required decimal Amount { get; init; }
}

public sealed record LoyaltyPoints
{
    public required string ProgramId { get; init; }

    public decimal Earned { get; init; }

    public decimal Spent { get; init; }
}
