using PosBridge.Core.Amounts;
using PosBridge.Core.Sales;
using PosBridge.Core.Taxes;

namespace PosBridge.Core.Tests.Sales;

/// <summary>
/// 10,000 random receipts (fixed seed, so a failure is reproducible), each built under both rounding
/// methods: the document the builder makes must validate, and lines, tax per rate and totals must agree.
/// </summary>
public sealed class SaleTotalsPropertyTests
{
    private const int Receipts = 10_000;
    private const int Seed = 20261123;

    private static readonly TaxDefinition[] Pool =
    [
        new() { Id = "vat14i", Name = "VAT 14%", AmountType = TaxAmountType.Percent, Amount = 14m, PriceInclude = true },
        new() { Id = "vat14e", Name = "VAT 14% excl", AmountType = TaxAmountType.Percent, Amount = 14m },
        new() { Id = "vat15i", Name = "VAT 15%", AmountType = TaxAmountType.Percent, Amount = 15m, PriceInclude = true },
        new() { Id = "vat15e", Name = "VAT 15% excl", AmountType = TaxAmountType.Percent, Amount = 15m },
        new() { Id = "vat5e", Name = "VAT 5%", AmountType = TaxAmountType.Percent, Amount = 5m },
        new() { Id = "zero", Name = "Zero-rated", AmountType = TaxAmountType.Percent, Amount = 0m },
        new() { Id = "fee", Name = "Bottle fee", AmountType = TaxAmountType.Fixed, Amount = 0.25m },
        new() { Id = "excise", Name = "Excise 10%", AmountType = TaxAmountType.Percent, Amount = 10m, IncludeBaseAmount = true, Sequence = 0 },
        new() { Id = "svc", Name = "Service 12%", AmountType = TaxAmountType.Division, Amount = 12m },
    ];

    private static readonly string[][] Combinations =
    [
        ["vat14i"], ["vat14e"], ["vat15i"], ["vat15e"], ["vat5e"], ["zero"], [],
        ["vat15e", "fee"], ["excise", "vat14e"], ["vat14e", "svc"],
    ];

    private static readonly decimal[] Discounts = [0m, 0m, 0m, 5m, 10m, 33.33m, 100m];

    private static readonly Currency[] Currencies = [Currency.EGP, Currency.SAR, Currency.KWD, Currency.JPY];

    [Theory]
    [InlineData(TaxRoundingMethod.RoundPerLine)]
    [InlineData(TaxRoundingMethod.RoundGlobally)]
    public void Build_RandomReceipts_LinesTaxesAndTotalsAgree(TaxRoundingMethod method)
    {
        var random = new Random(Seed);
        var clock = SampleSales.Clock();
        for (var n = 0; n < Receipts; n++)
        {
            var sale = RandomSale(random, clock, method, out var includedOnly, out var shelfTotal);
            var context = $"receipt {n} (seed {Seed}, {method}): {SaleJson.Serialize(sale)}";

            var validation = sale.Validate();
            Assert.True(validation.IsValid, $"{context}\n{validation}");

            var currency = Currency.FromCode(sale.Currency);
            foreach (var line in sale.Lines)
            {
                var taxSum = line.TaxAmounts.Sum(t => t.Amount);
                var expectedIncluded = method == TaxRoundingMethod.RoundPerLine
                    ? line.TotalExcluded + taxSum
                    : currency.Round(line.TotalExcluded + taxSum);
                Assert.True(line.TotalIncluded == expectedIncluded, $"line {line.LineNumber} included {line.TotalIncluded} vs {expectedIncluded}: {context}");
            }

            var totals = sale.Totals;
            Assert.True(totals.Untaxed == sale.Lines.Sum(l => l.TotalExcluded), context);
            Assert.True(totals.Tax == totals.Taxes.Sum(t => t.Amount), context);
            Assert.True(totals.Total == totals.Untaxed + totals.Tax, context);
            foreach (var rate in totals.Taxes)
            {
                var lineSum = sale.Lines.SelectMany(l => l.TaxAmounts).Where(t => t.TaxId == rate.TaxId).Sum(t => t.Amount);
                if (method == TaxRoundingMethod.RoundPerLine)
                {
                    Assert.True(rate.Amount == lineSum, $"{rate.TaxId}: {rate.Amount} vs lines {lineSum}: {context}");
                }
                else
                {
                    // One rounding of the exact sum: never more than half a unit away, however many lines.
                    Assert.True(Math.Abs(rate.Amount - lineSum) <= currency.Unit / 2, $"{rate.TaxId}: {rate.Amount} vs lines {lineSum}: {context}");
                }
            }

            if (method == TaxRoundingMethod.RoundPerLine)
            {
                Assert.True(totals.Total == sale.Lines.Sum(l => l.TotalIncluded), $"document {totals.Total} vs lines: {context}");
            }

            if (includedOnly)
            {
                // Prices with tax included: the customer pays the sum of the shelf prices, in both modes.
                Assert.True(totals.Total == shelfTotal, $"total {totals.Total} vs shelf {shelfTotal}: {context}");
            }

            Assert.True(totals.Paid == totals.AmountDue, context);
            if (n % 100 == 0)
            {
                var parsed = SaleJson.Parse(SaleJson.Serialize(sale));
                Assert.True(parsed.IsValid, $"{context}\n{parsed}");
            }
        }
    }

    private static Sale RandomSale(Random random, TimeProvider clock, TaxRoundingMethod method, out bool includedOnly, out decimal shelfTotal)
    {
        var currency = Currencies[random.Next(Currencies.Length)];
        var builder = SampleSales.Builder(clock, currency, method);
        foreach (var tax in Pool)
        {
            builder.AddTax(tax);
        }

        includedOnly = random.Next(4) == 0;
        shelfTotal = 0m;
        var lines = random.Next(1, 61);
        for (var i = 0; i < lines; i++)
        {
            var weighed = random.Next(5) == 0;
            var quantity = weighed ? random.Next(5, 5000) / 1000m : random.Next(1, 11);
            var price = random.Next(1, 100_000) * currency.Unit;
            var taxes = includedOnly
                ? (random.Next(2) == 0 ? ["vat14i"] : ["vat15i"])
                : Combinations[random.Next(Combinations.Length)];
            var discount = includedOnly ? 0m : Discounts[random.Next(Discounts.Length)];
            builder.AddLine($"p{i}", $"Product {i}", quantity, price, taxes, discount, weighed ? "kg" : "Units");
            shelfTotal += currency.Round(price * quantity);
        }

        if (!includedOnly && random.Next(5) == 0)
        {
            builder.OrderDiscountPercent = Discounts[random.Next(Discounts.Length)];
        }

        if (random.Next(4) == 0)
        {
            builder.CashRounding = new CashRounding { Step = currency.MinorUnits == 0 ? 5m : 0.05m, Mode = RoundingMode.HalfUp };
            shelfTotal = builder.ComputeTotals().AmountDue;
            includedOnly = false;
        }

        var due = builder.ComputeTotals().AmountDue;
        if (due > 0m && random.Next(3) == 0)
        {
            builder.AddPayment(new Payment
            {
                MethodId = "card",
                Kind = PaymentKind.Card,
                Amount = currency.Round(due / 2),
                Card = new CardDetails { Scheme = "visa", Last4 = "0042", AuthorizationCode = "OK1", ProviderReference = "ref" },
            });
        }

        return builder.PayCash(currency.Round(due + (random.Next(3) * 10m))).Build();
    }
}
