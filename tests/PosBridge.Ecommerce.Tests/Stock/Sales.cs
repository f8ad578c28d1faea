using PosBridge.Core.Sales;
using PosBridge.Core.Taxes;

namespace PosBridge.Ecommerce.Tests.Stock;

/// <summary>Sales with only what stock cares about filled in meaningfully (lines' SKUs and quantities).</summary>
internal static class Sales
{
    public static Sale Of(Guid id, params (string? Sku, decimal Quantity)[] lines) => new()
    {
        SchemaVersion = 1,
        Id = id,
        StoreId = "WH1",
        TillId = "T1",
        ShiftId = "S1",
        SaleNumber = "WH1-T1-0001-000001",
        CreatedAtUtc = new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero),
        StoreUtcOffset = TimeSpan.FromHours(2),
        Currency = "EGP",
        TaxRounding = TaxRoundingMethod.RoundPerLine,
        Cashier = new Cashier { Id = "c1", Name = "Mona" },
        Taxes = [],
        Lines = [.. lines.Select((l, i) => new SaleLine
        {
            LineNumber = i + 1,
            ProductId = "p-" + (l.Sku ?? "service"),
            Sku = l.Sku,
            Name = l.Sku ?? "Gift wrapping",
            Quantity = l.Quantity,
            Unit = "Units",
            UnitPrice = 10m,
            TaxIds = [],
            TotalExcluded = 10m * l.Quantity,
            TotalIncluded = 10m * l.Quantity,
            TaxAmounts = [],
        })],
        Payments = [],
        Totals = new SaleTotals { Untaxed = 0m, Taxes = [], Tax = 0m, Total = 0m, AmountDue = 0m, Paid = 0m },
    };
}
