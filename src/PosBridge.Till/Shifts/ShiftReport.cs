using PosBridge.Core.Amounts;
using PosBridge.Core.Sales;

namespace PosBridge.Till.Shifts;

public enum ShiftReportKind
{
    /// <summary>Running, mid-shift; closes nothing.</summary>
    X,

    /// <summary>Closing: the shift is over.</summary>
    Z,
}

public sealed record TaxRateTotal(string TaxId, string Name, decimal Base, decimal Amount);

/// <summary>One payment method's takings; <paramref name="Name"/> is the back office's name for it (or its kind in words).</summary>
public sealed record PaymentMethodTotal(string MethodId, string Name, PaymentKind Kind, int Count, decimal Amount);

/// <summary>
/// What a shift took, from its committed sale documents (never recomputed from lines): sales, refunds,
/// discounts, taxes per rate, payments per method, and the drawer's expected and counted cash.
/// </summary>
public sealed record ShiftReport
{
    public required ShiftReportKind Kind { get; init; }

    public required Shift Shift { get; init; }

    public required int SalesCount { get; init; }

    /// <summary>Sum of the sales' amounts due.</summary>
    public required decimal SalesTotal { get; init; }

    public required int RefundsCount { get; init; }

    /// <summary>Sum of the refunds' amounts due (negative).</summary>
    public required decimal RefundsTotal { get; init; }

    public required decimal Discounts { get; init; }

    /// <summary>Cash paid out of the drawer for refunds (negative); already part of <see cref="CashFromSales"/>.</summary>
    public required decimal CashRefunded { get; init; }

    /// <summary>Carts cancelled before payment completed (no sale document exists for them).</summary>
    public required int VoidsCount { get; init; }

    /// <summary>What the voided carts came to.</summary>
    public required decimal VoidsTotal { get; init; }

    public required IReadOnlyList<TaxRateTotal> Taxes { get; init; }

    public required IReadOnlyList<PaymentMethodTotal> Payments { get; init; }

    public required decimal OpeningFloat { get; init; }

    /// <summary>Cash kept from sales less cash paid out for refunds (tendered minus change).</summary>
    public required decimal CashFromSales { get; init; }

    public required decimal CashIn { get; init; }

    /// <summary>Cash taken out (negative).</summary>
    public required decimal CashOut { get; init; }

    public required decimal ExpectedCash { get; init; }

    public decimal? CountedCash { get; init; }

    /// <summary>Counted minus expected: negative when the drawer is short.</summary>
    public decimal? Difference { get; init; }

    internal static ShiftReport Build(ShiftReportKind kind, Shift shift, IReadOnlyList<Sale> sales, IReadOnlyList<CashMovement> movements, IReadOnlyList<decimal> voids, Currency currency, Func<string, PaymentKind, string> methodName)
    {
        var refunds = sales.Where(s => s.IsRefund).ToList();
        var plain = sales.Where(s => !s.IsRefund).ToList();
        var taxes = sales.SelectMany(s => s.Totals.Taxes)
            .GroupBy(t => (t.TaxId, t.Name))
            .Select(g => new TaxRateTotal(g.Key.TaxId, g.Key.Name, g.Sum(t => t.Base), g.Sum(t => t.Amount)))
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .ToList();
        var payments = sales.SelectMany(s => s.Payments)
            .GroupBy(p => (p.MethodId, p.Kind))
            .Select(g => new PaymentMethodTotal(g.Key.MethodId, methodName(g.Key.MethodId, g.Key.Kind), g.Key.Kind, g.Count(), g.Sum(p => p.Amount)))
            .OrderBy(p => p.MethodId, StringComparer.Ordinal)
            .ToList();
        var cashFromSales = sales.SelectMany(s => s.Payments).Where(p => p.Kind == PaymentKind.Cash).Sum(p => p.Amount);
        var cashIn = movements.Where(m => m.Amount > 0m).Sum(m => m.Amount);
        var cashOut = movements.Where(m => m.Amount < 0m).Sum(m => m.Amount);
        var expected = currency.Round(shift.OpeningFloat + cashFromSales + cashIn + cashOut);
        return new ShiftReport
        {
            Kind = kind,
            Shift = shift,
            SalesCount = plain.Count,
            SalesTotal = plain.Sum(s => s.Totals.AmountDue),
            RefundsCount = refunds.Count,
            RefundsTotal = refunds.Sum(s => s.Totals.AmountDue),
            Discounts = sales.Sum(s => s.Totals.Discount),
            CashRefunded = refunds.SelectMany(s => s.Payments).Where(p => p.Kind == PaymentKind.Cash).Sum(p => p.Amount),
            VoidsCount = voids.Count,
            VoidsTotal = voids.Sum(),
            Taxes = taxes,
            Payments = payments,
            OpeningFloat = shift.OpeningFloat,
            CashFromSales = cashFromSales,
            CashIn = cashIn,
            CashOut = cashOut,
            ExpectedCash = expected,
            CountedCash = shift.CountedCash,
            Difference = shift.CountedCash is { } counted ? counted - expected : null,
        };
    }
}
