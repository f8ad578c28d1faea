using System.Globalization;
using PosBridge.Core.Amounts;
using PosBridge.Core.Sales;
using PosBridge.Core.Taxes;

namespace PosBridge.Accounting.Tests.Fixtures;

/// <summary>A store as the tests sell in it: its taxes (two rates and a zero rate), currency and UTC offset.</summary>
public sealed record TestStore(string Id, Currency Currency, TimeSpan UtcOffset, string TimeZone, TaxDefinition RateA, TaxDefinition RateB, TaxDefinition Zero)
{
    public static readonly TestStore Cairo = new(
        "CAI1", Currency.EGP, TimeSpan.FromHours(2), "Africa/Cairo",
        Tax("vat14", "VAT 14%", 14m), Tax("vat5", "Table tax 5%", 5m), Tax("vat0", "Zero rated", 0m));

    public static readonly TestStore Riyadh = new(
        "RUH1", Currency.SAR, TimeSpan.FromHours(3), "Asia/Riyadh",
        Tax("vat15", "VAT 15%", 15m), Tax("vat5r", "Levy 5%", 5m), Tax("vat0r", "Zero rated", 0m));

    public static readonly TestStore Berlin = new(
        "BER1", Currency.EUR, TimeSpan.FromHours(1), "Europe/Berlin",
        Tax("ust19", "Umsatzsteuer 19 %", 19m), Tax("ust7", "Umsatzsteuer 7 %", 7m), Tax("ust0", "Steuerfrei", 0m));

    public IEnumerable<TaxDefinition> Taxes => [RateA, RateB, Zero];

    public static TaxDefinition Tax(string id, string name, decimal percent, bool priceIncluded = true) => new()
    {
        Id = id,
        Name = name,
        AmountType = TaxAmountType.Percent,
        Amount = percent,
        PriceInclude = priceIncluded,
    };
}

/// <summary>
/// The fixed set of sales every dialect's golden files are made from: cash with change, card, split
/// cash and card with a zero-rated line, discounts, two tax rates, a pay-later sale to a named customer,
/// cash rounding, and a refund. All on one business day, the last at 23:30 local time.
/// </summary>
public static class FixedSales
{
    public static readonly DateOnly Day = new(2026, 11, 23);

    public static readonly CardDetails Visa = new() { Scheme = "visa", Last4 = "4242", AuthorizationCode = "A1B2C3", ProviderReference = "prov-001" };

    /// <summary>A deterministic version-7 UUID, so golden files never change between runs.</summary>
    public static Guid Id(int store, int n) => Guid.Parse(string.Create(CultureInfo.InvariantCulture, $"0193a000-{store:x4}-7000-8000-{n:x12}"));

    public static IReadOnlyList<Sale> For(TestStore store, TaxRoundingMethod rounding = TaxRoundingMethod.RoundPerLine)
    {
        var s = store.Id switch { "CAI1" => 1, "RUH1" => 2, _ => 3 };
        var a = store.RateA.Id;
        var b = store.RateB.Id;
        var z = store.Zero.Id;
        var sales = new List<Sale>();
        SaleBuilder New(int n, int localHour, int localMinute = 0)
        {
            var local = new DateTimeOffset(Day.Year, Day.Month, Day.Day, localHour, localMinute, 0, store.UtcOffset);
            var builder = new SaleBuilder(store.Currency, rounding)
            {
                Id = Id(s, n),
                StoreId = store.Id,
                TillId = "T1",
                ShiftId = "S1",
                SaleNumber = string.Create(CultureInfo.InvariantCulture, $"{store.Id}-T1-0001-{n:000000}"),
                CreatedAtUtc = local.ToUniversalTime(),
                StoreUtcOffset = store.UtcOffset,
                Cashier = new Cashier { Id = "c1", Name = "Mona" },
            };
            foreach (var tax in store.Taxes)
            {
                builder.AddTax(tax);
            }

            return builder;
        }

        // 1. Cash with change: 2 × 45.00 at rate A, 100 tendered.
        var cash = New(1, 9).AddLine("p1", "Koshari", 2m, 45.00m, [a]).PayCash(100m).Build();
        sales.Add(cash);

        // 2. Card at rate B.
        sales.Add(New(2, 10).AddLine("p2", "Tea", 3m, 12.50m, [b]).PayRemaining("card", PaymentKind.Card, Visa).Build());

        // 3. Split cash and card, with a zero-rated line.
        sales.Add(New(3, 11).AddLine("p1", "Koshari", 1m, 45.00m, [a]).AddLine("p9", "Bread", 4m, 2.25m, [z])
            .PayCash(20m).PayRemaining("card", PaymentKind.Card, Visa).Build());

        // 4. Line and order discounts.
        var discounted = New(4, 12);
        discounted.OrderDiscountPercent = 5m;
        sales.Add(discounted.AddLine("p3", "Falafel box", 3m, 19.99m, [a], discountPercent: 10m).PayRemaining("wallet", PaymentKind.Wallet, reference: "w-77").Build());

        // 5. Two tax rates on one receipt.
        sales.Add(New(5, 13).AddLine("p1", "Koshari", 1m, 45.00m, [a]).AddLine("p2", "Tea", 2m, 12.50m, [b])
            .PayRemaining("card", PaymentKind.Card, Visa).Build());

        // 6. Pay later, to a named customer.
        var account = New(6, 14);
        account.Customer = new Customer { Id = "cust-7", Name = "Nadia Hassan" };
        sales.Add(account.AddLine("p4", "Catering tray", 1m, 350.00m, [a]).PayRemaining("account", PaymentKind.CustomerAccount).Build());

        // 7. Cash rounding to 0.50.
        var rounded = New(7, 15);
        rounded.CashRounding = new CashRounding { Step = 0.50m, Mode = RoundingMode.HalfUp };
        sales.Add(rounded.AddLine("p5", "Juice", 1m, 10.99m, [b]).PayCash(20m).Build());

        // 8. Refund of one Koshari from sale 1, cash paid back.
        var refund = New(8, 16);
        refund.RefundOf = new RefundOf { SaleId = cash.Id, SaleNumber = cash.SaleNumber };
        sales.Add(refund.AddLine("p1", "Koshari", -1m, 45.00m, [a], refundOfLine: 1).PayCash(0m).Build());

        // 9. Late sale: 23:30 local is still this business day although UTC may say otherwise.
        sales.Add(New(9, 23, 30).AddLine("p2", "Tea", 1m, 12.50m, [b]).PayCash(20m).Build());

        foreach (var sale in sales)
        {
            var result = sale.Validate();
            if (!result.IsValid)
            {
                throw new InvalidOperationException($"Fixture sale {sale.SaleNumber} is not valid: {result}");
            }
        }

        return sales;
    }

    public static async IAsyncEnumerable<Sale> Stream(IEnumerable<Sale> sales)
    {
        foreach (var sale in sales)
        {
            yield return sale;
        }

        await Task.CompletedTask;
    }
}
