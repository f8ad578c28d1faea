using PosBridge.Core.Amounts;
using PosBridge.Core.Taxes;

namespace PosBridge.Core.Tests.Taxes;

/// <summary>
/// The engine computes single-percent-tax lines on a faster path; it must give exactly what the general
/// algorithm (the one checked against Odoo) gives, for any price, quantity, rate and currency.
/// </summary>
public sealed class TaxEngineFastPathTests
{
    private static readonly decimal[] Rates = [14m, 15m, 5m, 0m, 10m, 12.5m, 7.75m, 100m, 0.001m, -5m, 33.333333m];

    [Theory]
    [InlineData(TaxRoundingMethod.RoundPerLine)]
    [InlineData(TaxRoundingMethod.RoundGlobally)]
    public void ComputeLine_SinglePercentTax_EqualsTheGeneralAlgorithm(TaxRoundingMethod method)
    {
        var random = new Random(7);
        Currency[] currencies = [Currency.EGP, Currency.KWD, Currency.JPY];
        for (var n = 0; n < 200_000; n++)
        {
            var currency = currencies[n % currencies.Length];
            var engine = new TaxEngine(currency, method);
            var tax = new TaxDefinition
            {
                Id = "t",
                Name = "t",
                AmountType = TaxAmountType.Percent,
                Amount = Rates[random.Next(Rates.Length)],
                PriceInclude = random.Next(2) == 0,
            };
            var set = TaxSet.Create(tax);
            var price = RandomDecimal(random, maxDigits: random.Next(1, 12), scale: random.Next(0, 5));
            var quantity = RandomDecimal(random, maxDigits: random.Next(1, 7), scale: random.Next(0, 4)) * (random.Next(8) == 0 ? -1 : 1);
            var discount = random.Next(4) == 0 ? random.Next(0, 10001) / 100m : 0m;

            var fast = engine.ComputeLine(set, price, quantity, discount);
            var general = engine.ComputeLineGeneral(set, price, quantity, discount);

            var context = $"{currency} {method} {tax.Amount}% {(tax.PriceInclude ? "incl" : "excl")} price {price} qty {quantity} disc {discount}";
            Assert.True(fast.TotalExcluded == general.TotalExcluded, $"excluded {fast.TotalExcluded} vs {general.TotalExcluded}: {context}");
            Assert.True(fast.TotalIncluded == general.TotalIncluded, $"included {fast.TotalIncluded} vs {general.TotalIncluded}: {context}");
            Assert.True(fast.Taxes[0].Amount == general.Taxes[0].Amount, $"amount {fast.Taxes[0].Amount} vs {general.Taxes[0].Amount}: {context}");
            Assert.True(fast.Taxes[0].Base == general.Taxes[0].Base, $"base {fast.Taxes[0].Base} vs {general.Taxes[0].Base}: {context}");
        }
    }

    [Fact]
    public void ComputeLine_HugeAmounts_StillExact()
    {
        var engine = new TaxEngine(Currency.EGP, TaxRoundingMethod.RoundPerLine);
        var set = TaxSet.Create(new TaxDefinition { Id = "t", Name = "t", AmountType = TaxAmountType.Percent, Amount = 14m, PriceInclude = true });

        var line = engine.ComputeLine(set, 2_000_000_000m, 2_000_000_000m);

        Assert.Equal(4_000_000_000_000_000_000m, line.TotalIncluded);
        Assert.Equal(engine.ComputeLineGeneral(set, 2_000_000_000m, 2_000_000_000m).TotalExcluded, line.TotalExcluded);
    }

    private static decimal RandomDecimal(Random random, int maxDigits, int scale)
    {
        var mantissa = random.NextInt64(0, (long)Math.Pow(10, maxDigits));
        return new decimal(mantissa) / (decimal)Math.Pow(10, scale);
    }
}
