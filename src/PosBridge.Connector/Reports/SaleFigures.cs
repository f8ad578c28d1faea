using System.Globalization;
using PosBridge.Core.Amounts;
using PosBridge.Core.Sales;

namespace PosBridge.Connector.Reports;

/// <summary>
/// What one sale adds to the report aggregates: one row per table key, amounts in the currency's minor units and
/// quantities and points in millionths (integers, so every sum in SQL is exact). Ingestion and the rebuild both use
/// this, so the aggregates kept as sales arrive and those rebuilt from raw sales cannot differ.
/// </summary>
internal sealed record SaleFigures(
    HourRow Hour,
    IReadOnlyList<ProductRow> Products,
    IReadOnlyList<PaymentRow> Payments,
    TillRow Till,
    CustomerRow? Customer)
{
    /// <summary>Quantities and points are kept in millionths: a sale's have at most six decimals.</summary>
    public const long MillionthsPerUnit = 1_000_000;

    /// <summary>The figures of <paramref name="sale"/>, cut into the local day and hour of <paramref name="zone"/>.</summary>
    public static SaleFigures Of(Sale sale, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(sale);
        ArgumentNullException.ThrowIfNull(zone);
        var currency = Currency.FromCode(sale.Currency);
        var local = TimeZoneInfo.ConvertTime(sale.CreatedAtUtc, zone);
        var day = local.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var key = new DayKey(sale.StoreId, day, sale.Currency);
        var refund = sale.IsRefund;
        var total = Minor(sale.Totals.Total, currency);
        var discount = Minor(sale.Totals.Discount, currency);
        var hour = new HourRow(
            key,
            local.Hour,
            new HourFigures(
                refund ? 0 : 1,
                refund ? 1 : 0,
                refund ? 0 : total,
                refund ? total : 0,
                discount,
                Minor(sale.Totals.Untaxed, currency),
                Minor(sale.Totals.Tax, currency),
                Minor(sale.Totals.Rounding, currency)));

        // A product sold on two lines of one sale is one row.
        var products = sale.Lines
            .GroupBy(l => l.ProductId, StringComparer.Ordinal)
            .Select(g => new ProductRow(key, g.Key, g.Last().Name, Millionths(g.Sum(l => l.Quantity)), Minor(g.Sum(l => l.TotalIncluded), currency), Minor(g.Sum(l => l.TotalExcluded), currency)))
            .ToList();
        var payments = sale.Payments
            .GroupBy(p => (Kind: KindName(p.Kind), p.MethodId))
            .Select(g => new PaymentRow(key, g.Key.Kind, g.Key.MethodId, g.Count(), Minor(g.Sum(p => p.Amount), currency)))
            .ToList();
        var till = new TillRow(key, sale.TillId, sale.Cashier.Id, sale.Cashier.Name, new TillFigures(refund ? 0 : 1, refund ? 1 : 0, refund ? 0 : total, refund ? total : 0, discount));
        var customer = sale.Customer is { } who
            ? new CustomerRow(key, who.Id, 1, total, Millionths(sale.Loyalty?.Earned ?? 0m), Millionths(sale.Loyalty?.Spent ?? 0m))
            : null;
        return new SaleFigures(hour, products, payments, till, customer);
    }

    /// <summary>The payment kind as the reports and the sale document name it (camelCase).</summary>
    public static string KindName(PaymentKind kind) => kind switch
    {
        PaymentKind.Cash => "cash",
        PaymentKind.Card => "card",
        PaymentKind.Wallet => "wallet",
        PaymentKind.Qr => "qr",
        PaymentKind.CustomerAccount => "customerAccount",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "A payment kind the reports do not know."),
    };

    /// <summary>
    /// An amount in minor units. A stored sale's totals are rounded to its currency (the validator checks them against
    /// the calculator), so anything finer is a bug, not something to round away.
    /// </summary>
    public static long Minor(decimal amount, Currency currency)
    {
        ArgumentNullException.ThrowIfNull(currency);
        var scaled = amount * Pow10(currency.MinorUnits);
        return scaled == decimal.Truncate(scaled)
            ? decimal.ToInt64(scaled)
            : throw new InvalidOperationException($"The amount {amount.ToString(CultureInfo.InvariantCulture)} has more decimals than {currency.Code} has.");
    }

    public static decimal FromMinor(long minor, string currencyCode) =>
        minor / Pow10(Currency.TryFromCode(currencyCode, out var currency) ? currency.MinorUnits : 2);

    public static long Millionths(decimal value) => decimal.ToInt64(decimal.Round(value * MillionthsPerUnit, 0, MidpointRounding.AwayFromZero));

    public static decimal FromMillionths(long value) => value / (decimal)MillionthsPerUnit;

    private static decimal Pow10(int digits)
    {
        var result = 1m;
        for (var i = 0; i < digits; i++)
        {
            result *= 10m;
        }

        return result;
    }
}

/// <summary>A store's local business day in one currency: the key every aggregate row starts with.</summary>
internal readonly record struct DayKey(string StoreId, string Day, string Currency);

internal readonly record struct HourFigures(long SaleCount, long RefundCount, long Sales, long Refunds, long Discounts, long Untaxed, long Tax, long Rounding)
{
    public static HourFigures operator +(HourFigures a, HourFigures b) => new(
        a.SaleCount + b.SaleCount, a.RefundCount + b.RefundCount, a.Sales + b.Sales, a.Refunds + b.Refunds, a.Discounts + b.Discounts, a.Untaxed + b.Untaxed, a.Tax + b.Tax, a.Rounding + b.Rounding);
}

internal sealed record HourRow(DayKey Key, int Hour, HourFigures Figures);

internal sealed record ProductRow(DayKey Key, string ProductId, string Name, long Quantity, long Revenue, long Untaxed);

internal sealed record PaymentRow(DayKey Key, string Kind, string MethodId, long Count, long Amount);

internal readonly record struct TillFigures(long SaleCount, long RefundCount, long Sales, long Refunds, long Discounts)
{
    public static TillFigures operator +(TillFigures a, TillFigures b) => new(a.SaleCount + b.SaleCount, a.RefundCount + b.RefundCount, a.Sales + b.Sales, a.Refunds + b.Refunds, a.Discounts + b.Discounts);
}

internal sealed record TillRow(DayKey Key, string TillId, string CashierId, string CashierName, TillFigures Figures);

internal sealed record CustomerRow(DayKey Key, string CustomerId, long SaleCount, long Net, long PointsEarned, long PointsSpent);
