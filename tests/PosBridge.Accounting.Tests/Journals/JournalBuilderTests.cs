using PosBridge.Accounting.Accounts;
using PosBridge.Accounting.Dialects;
using PosBridge.Accounting.Journals;
using PosBridge.Accounting.Setup;
using PosBridge.Accounting.Tests.Fixtures;
using PosBridge.Core.Adapters;
using PosBridge.Core.Amounts;
using PosBridge.Core.Sales;
using PosBridge.Core.Taxes;

namespace PosBridge.Accounting.Tests.Journals;

public sealed class JournalBuilderTests
{
    private static readonly CancellationToken Token = TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("generic-cai", TaxRoundingMethod.RoundPerLine)]
    [InlineData("generic-cai", TaxRoundingMethod.RoundGlobally)]
    [InlineData("generic-cai-daily", TaxRoundingMethod.RoundPerLine)]
    [InlineData("generic-cai-daily", TaxRoundingMethod.RoundGlobally)]
    public async Task Journals_FixedSales_BalanceExactlyAndCarryTheReceiptsTax(string ledger, TaxRoundingMethod rounding)
    {
        var sales = FixedSales.For(TestStore.Cairo, rounding);

        var journals = await TestLedgers.JournalsAsync(TestLedgers.Get(ledger), TestLedgers.CairoDay, sales);

        Assert.NotEmpty(journals);
        Assert.All(journals, j => Assert.Equal(0L, JournalBalance.Imbalance(j.Lines, Currency.EGP)));
        foreach (var tax in TestStore.Cairo.Taxes.Where(t => t.Amount != 0m))
        {
            var onReceipts = sales.SelectMany(s => s.Totals.Taxes).Where(t => t.TaxId == tax.Id).Sum(t => t.Amount);
            var inJournals = -journals.SelectMany(j => j.Lines).Where(l => l.Kind == JournalLineKind.OutputTax && l.Tax!.TaxId == tax.Id).Sum(l => l.Amount);
            Assert.Equal(onReceipts, inJournals);
        }
    }

    [Fact]
    public async Task Journals_PerSale_OutputTaxPerTaxIsTheDocumentsTotalsTaxes()
    {
        var sales = FixedSales.For(TestStore.Cairo);

        var journals = await TestLedgers.JournalsAsync(TestLedgers.Get("generic-cai"), TestLedgers.CairoDay, sales);

        foreach (var sale in sales)
        {
            var journal = Assert.Single(journals, j => j.SaleIds.Contains(sale.Id));
            var taxLines = journal.Lines.Where(l => l.Kind == JournalLineKind.OutputTax).ToDictionary(l => l.Tax!.TaxId, l => -l.Amount);
            Assert.Equal(sale.Totals.Taxes.Where(t => t.Amount != 0m).ToDictionary(t => t.TaxId, t => t.Amount), taxLines);
            Assert.Equal(-sale.Totals.Untaxed, journal.Lines.Where(l => l.Kind == JournalLineKind.Revenue).Sum(l => l.Amount));
            Assert.Equal(sale.Totals.Paid, journal.Lines.Where(l => l.Kind == JournalLineKind.Payment).Sum(l => l.Amount));
        }
    }

    [Fact]
    public async Task Journals_Refund_DebitsRevenueAndTaxAndCreditsCash()
    {
        var sales = FixedSales.For(TestStore.Cairo);
        var refund = sales.Single(s => s.IsRefund);

        var journals = await TestLedgers.JournalsAsync(TestLedgers.Get("generic-cai"), TestLedgers.CairoDay, sales);

        var journal = Assert.Single(journals, j => j.SaleIds.Contains(refund.Id));
        Assert.Contains("refund", journal.Narration, StringComparison.Ordinal);
        Assert.All(journal.Lines.Where(l => l.Kind is JournalLineKind.Revenue or JournalLineKind.OutputTax), l => Assert.True(l.Debit > 0m));
        var cash = Assert.Single(journal.Lines, l => l.Kind == JournalLineKind.Payment);
        Assert.Equal("1000", cash.Account.Code);
        Assert.Equal(-refund.Totals.AmountDue, cash.Credit);
    }

    [Fact]
    public async Task Journals_DailySummary_KeepsRefundsApartFromSales()
    {
        var sales = FixedSales.For(TestStore.Cairo);

        var journals = await TestLedgers.JournalsAsync(TestLedgers.Get("generic-cai-daily"), TestLedgers.CairoDay, sales);

        var day = Assert.Single(journals);
        Assert.Equal(sales.Count, day.SaleIds.Count);
        Assert.Contains(day.Lines, l => l.Kind == JournalLineKind.Revenue && l.Debit > 0m && l.Description.Contains("refunds", StringComparison.Ordinal));
        Assert.Contains(day.Lines, l => l.Kind == JournalLineKind.Revenue && l.Credit > 0m && l.Description.Contains("sales", StringComparison.Ordinal));
        Assert.All(day.Lines, l => Assert.Null(l.SaleId));
    }

    [Fact]
    public async Task Journals_CashRounding_GoesToTheRoundingAccount()
    {
        var sales = FixedSales.For(TestStore.Cairo);
        var rounded = sales.Single(s => s.Totals.Rounding != 0m);

        var journals = await TestLedgers.JournalsAsync(TestLedgers.Get("generic-cai"), TestLedgers.CairoDay, sales);

        var line = Assert.Single(journals.Single(j => j.SaleIds.Contains(rounded.Id)).Lines, l => l.Kind == JournalLineKind.CashRounding);
        Assert.Equal("4910", line.Account.Code);
        Assert.Equal(-rounded.Totals.Rounding, line.Amount);
    }

    public static TheoryData<string, decimal, int, decimal, bool, TaxRoundingMethod> OneCentTraps() => new()
    {
        { "3 x 1.99 at 14% included", 1.99m, 3, 14m, true, TaxRoundingMethod.RoundPerLine },
        { "3 x 1.99 at 14% included", 1.99m, 3, 14m, true, TaxRoundingMethod.RoundGlobally },
        { "0.01 lines at 15% on top", 0.01m, 1, 15m, false, TaxRoundingMethod.RoundPerLine },
        { "0.01 lines at 15% on top", 0.01m, 1, 15m, false, TaxRoundingMethod.RoundGlobally },
        { "0.01 lines at 15% included", 0.01m, 1, 15m, true, TaxRoundingMethod.RoundGlobally },
        { "0.07 lines at 14% included", 0.07m, 1, 14m, true, TaxRoundingMethod.RoundGlobally },
    };

    [Theory]
    [MemberData(nameof(OneCentTraps))]
    public async Task Journals_OneCentTraps_BalanceWithTheDocumentsTax(string trap, decimal price, int quantity, decimal rate, bool included, TaxRoundingMethod rounding)
    {
        var tax = TestStore.Tax("trap", trap, rate, included);
        var sales = new List<Sale>();
        for (var n = 1; n <= 7; n++)
        {
            var builder = new SaleBuilder(Currency.EGP, rounding)
            {
                Id = FixedSales.Id(9, n),
                StoreId = "CAI1",
                TillId = "T1",
                ShiftId = "S1",
                SaleNumber = $"CAI1-T1-0009-{n:000000}",
                CreatedAtUtc = new DateTimeOffset(2026, 11, 23, 8, n, 0, TimeSpan.Zero),
                StoreUtcOffset = TimeSpan.FromHours(2),
                Cashier = new Cashier { Id = "c1", Name = "Mona" },
            }.AddTax(tax);
            for (var line = 0; line < n; line++)
            {
                builder.AddLine($"p{line}", "Sweet", quantity, price, ["trap"]);
            }

            var sale = builder.PayCash(1000m).Build();
            Assert.True(sale.Validate().IsValid, sale.Validate().ToString());
            sales.Add(sale);
        }

        var export = TestLedgers.Get("generic-cai", c =>
        {
            c["Accounting:Ledgers:generic-cai:Taxes:trap:Rate"] = rate.ToString(System.Globalization.CultureInfo.InvariantCulture);
            c["Accounting:Ledgers:generic-cai:Taxes:trap:Name"] = trap;
        });

        var journals = await TestLedgers.JournalsAsync(export, TestLedgers.CairoDay, sales);

        Assert.Equal(sales.Count, journals.Count);
        foreach (var (sale, journal) in sales.Zip(journals))
        {
            Assert.Equal(0L, JournalBalance.Imbalance(journal.Lines, Currency.EGP));
            Assert.Equal(sale.Totals.Tax, -journal.Lines.Where(l => l.Kind == JournalLineKind.OutputTax).Sum(l => l.Amount));
        }
    }

    [Fact]
    public void OneCentTrap_GlobalRounding_LineTaxesRoundedOneByOneWouldDrift()
    {
        // Proves the trap above is real: rounding each line's tax and summing is not the document's tax.
        var builder = new SaleBuilder(Currency.EGP, TaxRoundingMethod.RoundGlobally).AddTax(TestStore.Tax("t", "15%", 15m, priceIncluded: false));
        for (var i = 0; i < 7; i++)
        {
            builder.AddLine($"p{i}", "Sweet", 1m, 0.01m, ["t"]);
        }

        var sale = builder.PayCash(1m).Build();
        var lineByLine = sale.Lines.Sum(l => Currency.EGP.Round(l.TaxAmounts.Sum(t => t.Amount)));

        Assert.Equal(0.01m, sale.Totals.Tax);
        Assert.NotEqual(sale.Totals.Tax, lineByLine);
    }

    [Theory]
    [InlineData("Africa/Cairo", "2026-11-23T21:30:00Z", "2026-11-23")] // 23:30 at UTC+2 (winter)
    [InlineData("Africa/Cairo", "2026-11-23T22:30:00Z", "2026-11-24")] // 00:30 the next day
    [InlineData("Africa/Cairo", "2026-07-15T20:30:00Z", "2026-07-15")] // 23:30 at UTC+3 (summer time)
    [InlineData("Africa/Cairo", "2026-07-15T21:30:00Z", "2026-07-16")] // 00:30 the next day in summer
    [InlineData("Asia/Riyadh", "2026-11-23T20:30:00Z", "2026-11-23")] // 23:30 at UTC+3
    [InlineData("Asia/Riyadh", "2026-11-23T21:30:00Z", "2026-11-24")]
    public void BusinessDay_LateLocalSale_LandsOnTheStoresDay(string zone, string utc, string expected)
    {
        var errors = new List<string>();
        var map = AccountMap.TryCreate("test", new LedgerOptions(), LedgerDialects.Generic, errors)!;
        var builder = new JournalBuilder(map, "S", Currency.EGP, TimeZoneInfo.FindSystemTimeZoneById(zone));

        var day = builder.BusinessDay(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), day);
    }

    [Theory]
    [InlineData("Africa/Cairo", "2026-04-23T18:00:00Z")] // Egypt's summer time starts at midnight on 24 April 2026
    [InlineData("Africa/Cairo", "2026-10-29T18:00:00Z")] // and ends at midnight on 30 October 2026
    [InlineData("Australia/Lord_Howe", "2026-04-04T12:00:00Z")] // a half-hour change, inside an hour of UTC
    public void BusinessDay_SalesInTimeOrderAcrossAClockChange_MatchTheTimeZone(string zone, string fromUtc)
    {
        var errors = new List<string>();
        var map = AccountMap.TryCreate("test", new LedgerOptions(), LedgerDialects.Generic, errors)!;
        var timeZone = TimeZoneInfo.FindSystemTimeZoneById(zone);
        var builder = new JournalBuilder(map, "S", Currency.EGP, timeZone);
        var start = DateTimeOffset.Parse(fromUtc, System.Globalization.CultureInfo.InvariantCulture);

        for (var minutes = 0; minutes < 12 * 60; minutes += 5)
        {
            var utc = start.AddMinutes(minutes);
            Assert.Equal(DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(utc, timeZone).DateTime), builder.BusinessDay(utc));
        }
    }

    [Fact]
    public async Task Export_SaleAt2330InRiyadh_IsInThatDaysFile()
    {
        var sales = FixedSales.For(TestStore.Riyadh);
        var late = sales.Single(s => s.CreatedAtStoreTime.Hour == 23);
        Assert.Equal(FixedSales.Day, DateOnly.FromDateTime(late.CreatedAtUtc.UtcDateTime)); // 20:30Z: same date in UTC
        var nextDay = new LedgerPeriod("RUH1", FixedSales.Day.AddDays(1), FixedSales.Day.AddDays(1));

        var result = await TestLedgers.Get("generic-ruh").WriteAsync(nextDay, sales, TestLedgers.NewDirectory(), Token);

        Assert.Equal(LedgerWriteOutcome.Failed, result.Outcome);
        Assert.Contains("No sales", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_SaleAt2330InCairoWinter_IsNotInTheNextUtcDay()
    {
        // The fixed set's last sale is at 23:30 in Cairo (21:30Z): it belongs to the 23rd with the others.
        var sales = FixedSales.For(TestStore.Cairo);
        var export = TestLedgers.Get("generic-cai");

        var journals = await TestLedgers.JournalsAsync(export, TestLedgers.CairoDay, sales);

        Assert.Equal(sales.Count, journals.Count);
        Assert.All(journals, j => Assert.Equal(FixedSales.Day, j.Date));
    }

    [Fact]
    public async Task Export_SaleAt2330InCairoSummerTime_IsInThatDaysFileNotTheNext()
    {
        // 15 July 2026, 23:30 in Cairo at UTC+3 (summer time) is 20:30Z; 00:30 on the 16th is 21:30Z.
        Sale At(int n, int hour) => new SaleBuilder(Currency.EGP, TaxRoundingMethod.RoundPerLine)
        {
            Id = FixedSales.Id(8, n),
            StoreId = "CAI1",
            TillId = "T1",
            ShiftId = "S1",
            SaleNumber = $"CAI1-T1-0008-{n:000000}",
            CreatedAtUtc = new DateTimeOffset(2026, 7, 15, hour, 30, 0, TimeSpan.Zero),
            StoreUtcOffset = TimeSpan.FromHours(3),
            Cashier = new Cashier { Id = "c1", Name = "Mona" },
        }.AddTax(TestStore.Cairo.RateA).AddLine("p1", "Koshari", 1m, 45.00m, [TestStore.Cairo.RateA.Id]).PayCash(50m).Build();
        var late = At(1, 20);
        var afterMidnight = At(2, 21);
        var day = new DateOnly(2026, 7, 15);

        var journals = await TestLedgers.JournalsAsync(TestLedgers.Get("generic-cai"), new LedgerPeriod("CAI1", day, day), [late, afterMidnight]);

        var journal = Assert.Single(journals);
        Assert.Equal([late.Id], journal.SaleIds);
        Assert.Equal(day, journal.Date);
    }

    [Fact]
    public async Task Export_SaleThatDoesNotBalance_FailsNamingTheSaleAndWritesNothing()
    {
        var sales = FixedSales.For(TestStore.Cairo).ToList();
        var broken = sales[1] with { Payments = [sales[1].Payments[0] with { Amount = sales[1].Payments[0].Amount + 0.01m }] };
        sales[1] = broken;
        var directory = TestLedgers.NewDirectory();

        var result = await TestLedgers.Get("generic-cai").WriteAsync(TestLedgers.CairoDay, sales, directory, Token);

        Assert.Equal(LedgerWriteOutcome.Failed, result.Outcome);
        Assert.Equal([broken.Id], result.SaleIds);
        Assert.Contains(broken.SaleNumber, result.Reason, StringComparison.Ordinal);
        Assert.Contains("does not balance", result.Reason, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(directory));
    }
}
