using PosBridge.Core.Amounts;
using PosBridge.Core.Taxes;

namespace PosBridge.Core.Sales;

/// <summary>What a line is before its totals are known: what the cashier rang up.</summary>
public sealed record LineInput
{
    public required decimal Quantity { get; init; }

    public required decimal UnitPrice { get; init; }

    public decimal DiscountPercent { get; init; }

    public required IReadOnlyList<string> TaxIds { get; init; }
}

/// <summary>A line's computed totals, in the shape the sale document carries them.</summary>
public sealed record LineTotals(decimal TotalExcluded, decimal TotalIncluded, IReadOnlyList<LineTaxAmount> TaxAmounts, decimal Discount);

/// <summary>A sale's computed totals before payment.</summary>
public sealed record ComputedTotals(
    IReadOnlyList<LineTotals> Lines,
    decimal Untaxed,
    IReadOnlyList<SaleTaxTotal> Taxes,
    decimal Tax,
    decimal Total,
    decimal Rounding,
    decimal AmountDue,
    decimal Discount);

/// <summary>
/// The one place a sale's totals come from: the tax engine over its lines, the order discount folded
/// into each line's discount, and cash rounding on the total. The till uses it to build a sale and
/// <see cref="SaleValidator"/> uses it to check one, so the two can never disagree.
/// </summary>
public static class SaleCalculator
{
    /// <summary>
    /// The discount a line is computed with: its own, then the order's on what is left
    /// (10 % then 5 % is 14.5 %), exact in decimal.
    /// </summary>
    public static decimal EffectiveDiscountPercent(decimal lineDiscountPercent, decimal orderDiscountPercent) =>
        orderDiscountPercent == 0m
            ? lineDiscountPercent
            : 100m - ((100m - lineDiscountPercent) * (100m - orderDiscountPercent) / 100m);

    /// <exception cref="ArgumentException">A tax id is unknown or a group is nested (validate first).</exception>
    public static ComputedTotals Compute(
        Currency currency,
        TaxRoundingMethod roundingMethod,
        IReadOnlyList<TaxDefinition> taxes,
        IReadOnlyList<LineInput> lines,
        decimal orderDiscountPercent,
        CashRounding? cashRounding)
    {
        ArgumentNullException.ThrowIfNull(currency);
        ArgumentNullException.ThrowIfNull(taxes);
        ArgumentNullException.ThrowIfNull(lines);
        var engine = new TaxEngine(currency, roundingMethod);
        var taxSets = new Dictionary<string, TaxSet>(StringComparer.Ordinal);
        var document = engine.StartDocument();
        var lineTotals = new LineTotals[lines.Count];
        var discountTotal = 0m;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var taxSet = TaxSetFor(line.TaxIds, taxes, taxSets);
            var discount = EffectiveDiscountPercent(line.DiscountPercent, orderDiscountPercent);
            var result = engine.ComputeLine(taxSet, line.UnitPrice, line.Quantity, discount);
            document.Add(result);

            var lineDiscount = 0m;
            if (discount != 0m)
            {
                lineDiscount = engine.ComputeLine(taxSet, line.UnitPrice, line.Quantity).TotalIncluded - result.TotalIncluded;
                discountTotal += lineDiscount;
            }

            var amounts = new LineTaxAmount[result.Taxes.Count];
            for (var t = 0; t < amounts.Length; t++)
            {
                var tax = result.Taxes[t];
                amounts[t] = new LineTaxAmount { TaxId = tax.Tax.Id, Base = tax.Base, Amount = tax.Amount };
            }

            lineTotals[i] = new LineTotals(result.TotalExcluded, result.TotalIncluded, amounts, lineDiscount);
        }

        var totals = document.Build();
        var taxTotals = totals.Taxes
            .Select(t => new SaleTaxTotal { TaxId = t.Tax.Id, Name = t.Tax.Name, Base = t.Base, Amount = t.Amount })
            .ToArray();
        var amountDue = cashRounding is null
            ? totals.Total
            : Amounts.Rounding.ToStep(totals.Total, cashRounding.Step, cashRounding.Mode);
        return new ComputedTotals(
            lineTotals,
            totals.Untaxed,
            taxTotals,
            totals.Tax,
            totals.Total,
            amountDue - totals.Total,
            amountDue,
            discountTotal);
    }

    /// <summary>Computes the totals of an existing document from its inputs (what validation compares with).</summary>
    public static ComputedTotals Compute(Sale sale)
    {
        ArgumentNullException.ThrowIfNull(sale);
        var inputs = sale.Lines
            .Select(l => new LineInput { Quantity = l.Quantity, UnitPrice = l.UnitPrice, DiscountPercent = l.DiscountPercent, TaxIds = l.TaxIds })
            .ToArray();
        return Compute(Currency.FromCode(sale.Currency), sale.TaxRounding, sale.Taxes, inputs, sale.OrderDiscountPercent, sale.CashRounding);
    }

    private static TaxSet TaxSetFor(
        IReadOnlyList<string> taxIds,
        IReadOnlyList<TaxDefinition> definitions,
        Dictionary<string, TaxSet> cache)
    {
        // Most receipts use one or two tax combinations: flatten each once.
        var key = string.Join('\u001f', taxIds);
        if (!cache.TryGetValue(key, out var set))
        {
            set = TaxSet.Create(taxIds, definitions);
            cache[key] = set;
        }

        return set;
    }
}
