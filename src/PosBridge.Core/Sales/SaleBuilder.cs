using PosBridge.Core.Amounts;
using PosBridge.Core.Taxes;

namespace PosBridge.Core.Sales;

/// <summary>
/// Assembles a sale document whose totals come from <see cref="SaleCalculator"/>: add taxes and lines,
/// add payments, then <see cref="Build"/>. It does not validate; call <see cref="Sale.Validate"/>.
/// </summary>
public sealed class SaleBuilder
{
    private readonly List<TaxDefinition> _taxes = [];
    private readonly List<(SaleLine Line, LineInput Input)> _lines = [];
    private readonly List<Payment> _payments = [];

    public SaleBuilder(Currency currency, TaxRoundingMethod taxRounding)
    {
        ArgumentNullException.ThrowIfNull(currency);
        Currency = currency;
        TaxRounding = taxRounding;
    }

    public Currency Currency { get; }

    public TaxRoundingMethod TaxRounding { get; }

    public Guid Id { get; set; }

    public string StoreId { get; set; } = string.Empty;

    public string TillId { get; set; } = string.Empty;

    public string ShiftId { get; set; } = string.Empty;

    public string SaleNumber { get; set; } = string.Empty;

    public DateTimeOffset CreatedAtUtc { get; set; }

    public TimeSpan StoreUtcOffset { get; set; }

    public Cashier Cashier { get; set; } = new() { Id = string.Empty, Name = string.Empty };

    public Customer? Customer { get; set; }

    public decimal OrderDiscountPercent { get; set; }

    public CashRounding? CashRounding { get; set; }

    public RefundOf? RefundOf { get; set; }

    public LoyaltyPoints? Loyalty { get; set; }

    public string? Note { get; set; }

    public bool InvoiceRequested { get; set; }

    public IReadOnlyList<SaleLine> Lines => _lines.ConvertAll(l => l.Line);

    /// <summary>Adds a tax definition (once per id; later adds of the same id are ignored).</summary>
    public SaleBuilder AddTax(TaxDefinition tax)
    {
        ArgumentNullException.ThrowIfNull(tax);
        if (!_taxes.Exists(t => string.Equals(t.Id, tax.Id, StringComparison.Ordinal)))
        {
            _taxes.Add(tax);
        }

        return this;
    }

    /// <summary>Adds a line; its totals are filled in by <see cref="Build"/>.</summary>
    public SaleBuilder AddLine(
        string productId,
        string name,
        decimal quantity,
        decimal unitPrice,
        IReadOnlyList<string> taxIds,
        decimal discountPercent = 0m,
        string unit = "Units",
        string? sku = null,
        string? barcode = null,
        int? refundOfLine = null)
    {
        ArgumentNullException.ThrowIfNull(taxIds);
        var line = new SaleLine
        {
            LineNumber = _lines.Count + 1,
            ProductId = productId,
            Sku = sku,
            Barcode = barcode,
            Name = name,
            Quantity = quantity,
            Unit = unit,
            UnitPrice = unitPrice,
            DiscountPercent = discountPercent,
            TaxIds = [.. taxIds],
            TotalExcluded = 0m,
            TotalIncluded = 0m,
            TaxAmounts = [],
            RefundOfLine = refundOfLine,
        };
        _lines.Add((line, new LineInput { Quantity = quantity, UnitPrice = unitPrice, DiscountPercent = discountPercent, TaxIds = line.TaxIds }));
        return this;
    }

    /// <summary>The totals the lines give now (before payments).</summary>
    public ComputedTotals ComputeTotals() =>
        SaleCalculator.Compute(Currency, TaxRounding, _taxes, _lines.ConvertAll(l => l.Input), OrderDiscountPercent, CashRounding);

    /// <summary>What is still to pay (negative on a refund: what is still to give back).</summary>
    public decimal Remaining => ComputeTotals().AmountDue - _payments.Sum(p => p.Amount);

    public SaleBuilder AddPayment(Payment payment)
    {
        ArgumentNullException.ThrowIfNull(payment);
        _payments.Add(payment);
        return this;
    }

    /// <summary>
    /// Takes <paramref name="tendered"/> in cash toward what remains; any excess is change. On a refund,
    /// pays back what remains.
    /// </summary>
    public SaleBuilder PayCash(decimal tendered, string methodId = "cash")
    {
        var remaining = Remaining;
        if (remaining < 0m)
        {
            return AddPayment(new Payment { MethodId = methodId, Kind = PaymentKind.Cash, Amount = remaining });
        }

        var amount = Math.Min(tendered, remaining);
        return AddPayment(new Payment
        {
            MethodId = methodId,
            Kind = PaymentKind.Cash,
            Amount = amount,
            Tendered = tendered,
            Change = tendered - amount,
        });
    }

    /// <summary>Pays what remains with a non-cash method (card details for cards, a reference for QR).</summary>
    public SaleBuilder PayRemaining(string methodId, PaymentKind kind, CardDetails? card = null, string? reference = null) =>
        AddPayment(new Payment { MethodId = methodId, Kind = kind, Amount = Remaining, Card = card, Reference = reference });

    public Sale Build()
    {
        var computed = ComputeTotals();
        var lines = new SaleLine[_lines.Count];
        for (var i = 0; i < lines.Length; i++)
        {
            var totals = computed.Lines[i];
            lines[i] = _lines[i].Line with
            {
                TotalExcluded = totals.TotalExcluded,
                TotalIncluded = totals.TotalIncluded,
                TaxAmounts = totals.TaxAmounts,
            };
        }

        return new Sale
        {
            SchemaVersion = SaleValidator.CurrentSchemaVersion,
            Id = Id,
            StoreId = StoreId,
            TillId = TillId,
            ShiftId = ShiftId,
            SaleNumber = SaleNumber,
            CreatedAtUtc = CreatedAtUtc,
            StoreUtcOffset = StoreUtcOffset,
            Currency = Currency.Code,
            TaxRounding = TaxRounding,
            Cashier = Cashier,
            Customer = Customer,
            Taxes = [.. _taxes],
            Lines = lines,
            OrderDiscountPercent = OrderDiscountPercent,
            CashRounding = CashRounding,
            Payments = [.. _payments],
            RefundOf = RefundOf,
            Loyalty = Loyalty,
            Note = Note,
            InvoiceRequested = InvoiceRequested,
            Totals = new SaleTotals
            {
                Untaxed = computed.Untaxed,
                Taxes = computed.Taxes,
                Tax = computed.Tax,
                Total = computed.Total,
                Rounding = computed.Rounding,
                AmountDue = computed.AmountDue,
                Paid = _payments.Sum(p => p.Amount),
                Change = _payments.Sum(p => p.Change ?? 0m),
                Discount = computed.Discount,
            },
        };
    }
}
