using Microsoft.Extensions.Time.Testing;
using PosBridge.Core.Amounts;
using PosBridge.Core.Sales;
using PosBridge.Core.Taxes;

namespace PosBridge.Core.Tests.Sales;

/// <summary>Valid sales to start tests from; each test breaks exactly one thing.</summary>
internal static class SampleSales
{
    public static readonly TaxDefinition Vat14Included = new()
    {
        Id = "vat14i", Name = "VAT 14%", AmountType = TaxAmountType.Percent, Amount = 14m, PriceInclude = true,
    };

    public static readonly TaxDefinition Vat14Excluded = new()
    {
        Id = "vat14e", Name = "VAT 14% (excl.)", AmountType = TaxAmountType.Percent, Amount = 14m,
    };

    public static readonly TaxDefinition ZeroRated = new()
    {
        Id = "zero", Name = "Zero-rated", AmountType = TaxAmountType.Percent, Amount = 0m,
    };

    public static FakeTimeProvider Clock() => new(new DateTimeOffset(2026, 11, 23, 8, 15, 0, TimeSpan.Zero));

    public static SaleBuilder Builder(TimeProvider? clock = null, Currency? currency = null, TaxRoundingMethod rounding = TaxRoundingMethod.RoundPerLine)
    {
        clock ??= Clock();
        return new SaleBuilder(currency ?? Currency.EGP, rounding)
        {
            Id = SaleId.New(clock),
            StoreId = "CAI1",
            TillId = "T2",
            ShiftId = "0031",
            SaleNumber = "CAI1-T2-0031-000045",
            CreatedAtUtc = clock.GetUtcNow(),
            StoreUtcOffset = TimeSpan.FromHours(2),
            Cashier = new Cashier { Id = "c7", Name = "Mona" },
        };
    }

    /// <summary>Coffee and bread at 14 % included, water zero-rated, a card and a cash payment.</summary>
    public static Sale CafeSale(TimeProvider? clock = null)
    {
        var builder = Builder(clock)
            .AddTax(Vat14Included)
            .AddTax(ZeroRated)
            .AddLine("p-coffee", "قهوة تركي", 2m, 35.50m, ["vat14i"], sku: "COF-TR", barcode: "6221234567892")
            .AddLine("p-bread", "Baladi bread", 10m, 1.25m, ["vat14i"], discountPercent: 10m, sku: "BRD-01")
            .AddLine("p-water", "Water 600 ml", 3m, 7m, ["zero"], sku: "WTR-06");
        builder.AddPayment(new Payment
        {
            MethodId = "card",
            Kind = PaymentKind.Card,
            Amount = 50m,
            Card = new CardDetails { Scheme = "meeza", Last4 = "4242", AuthorizationCode = "A1B2C3", ProviderReference = "geidea-889911" },
        });
        return builder.PayCash(100m).Build();
    }

    /// <summary>Refunds one coffee of <paramref name="original"/> in cash.</summary>
    public static Sale RefundOneCoffee(Sale original, TimeProvider clock, decimal quantity = -1m)
    {
        var builder = Builder(clock);
        builder.SaleNumber = "CAI1-T2-0031-000046";
        builder.RefundOf = new RefundOf { SaleId = original.Id, SaleNumber = original.SaleNumber };
        return builder
            .AddTax(Vat14Included)
            .AddLine("p-coffee", "قهوة تركي", quantity, 35.50m, ["vat14i"], refundOfLine: 1)
            .PayCash(0m)
            .Build();
    }
}
