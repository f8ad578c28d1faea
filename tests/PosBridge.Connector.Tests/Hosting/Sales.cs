using Microsoft.Extensions.Time.Testing;
using PosBridge.Core.Amounts;
using PosBridge.Core.Sales;
using PosBridge.Core.Taxes;

namespace PosBridge.Connector.Tests.Hosting;

/// <summary>Valid sales from a till, numbered in order, for upload tests.</summary>
internal sealed class Sales(TimeProvider clock, string storeId = "CAI1", string tillId = "T2")
{
    private static readonly TaxDefinition Vat = new() { Id = "vat14", Name = "VAT 14%", AmountType = TaxAmountType.Percent, Amount = 14m, PriceInclude = true };
    private int _number;

    public Sale Next(decimal price = 35.50m, decimal quantity = 2m, string? sku = null)
    {
        var builder = Builder();
        return builder.AddTax(Vat).AddLine(sku is null ? "p-coffee" : "p-" + sku, "قهوة تركي", quantity, price, ["vat14"], sku: sku).PayCash(Math.Max(100m, Math.Ceiling(price * quantity))).Build();
    }

    public Sale RefundOf(Sale original, decimal quantity = -1m)
    {
        var builder = Builder();
        builder.RefundOf = new RefundOf { SaleId = original.Id, SaleNumber = original.SaleNumber };
        var line = original.Lines[0];
        return builder.AddTax(Vat).AddLine(line.ProductId, line.Name, quantity, line.UnitPrice, line.TaxIds, refundOfLine: line.LineNumber).PayCash(0m).Build();
    }

    public List<Sale> Many(int count) => Enumerable.Range(0, count).Select(_ => Next()).ToList();

    private SaleBuilder Builder()
    {
        _number++;
        if (clock is FakeTimeProvider fake)
        {
            fake.Advance(TimeSpan.FromMilliseconds(10));
        }

        var now = clock.GetUtcNow();
        return new SaleBuilder(Currency.EGP, TaxRoundingMethod.RoundPerLine)
        {
            Id = SaleId.At(now),
            StoreId = storeId,
            TillId = tillId,
            ShiftId = "0001",
            SaleNumber = $"{storeId}-{tillId}-0001-{_number:000000}",
            CreatedAtUtc = now,
            StoreUtcOffset = TimeSpan.FromHours(2),
            Cashier = new Cashier { Id = "c1", Name = "Mona" },
        };
    }
}
