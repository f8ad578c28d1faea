using PosBridge.Accounting.Dialects;
using PosBridge.Accounting.Dialects.Generic;
using PosBridge.Accounting.Export;
using PosBridge.Accounting.Journals;
using PosBridge.Accounting.Tests.Fixtures;
using PosBridge.Core.Adapters;

namespace PosBridge.Accounting.Tests.Export;

public sealed class LedgerExportTests
{
    private static readonly CancellationToken Token = TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("generic-cai", "CAI1")]
    [InlineData("generic-cai-daily", "CAI1")]
    [InlineData("xero-cai", "CAI1")]
    [InlineData("xero-inv-cai", "CAI1")]
    [InlineData("qbo-cai", "CAI1")]
    [InlineData("sage-cai", "CAI1")]
    [InlineData("sage50-cai", "CAI1")]
    [InlineData("zoho-cai", "CAI1")]
    [InlineData("datev-ber", "BER1")]
    [InlineData("datev-cai", "CAI1")]
    public async Task WriteAsync_SamePeriodTwiceInAnotherOrder_GivesByteIdenticalFiles(string ledger, string storeId)
    {
        var store = storeId == "BER1" ? TestStore.Berlin : TestStore.Cairo;
        var sales = FixedSales.For(store);
        var period = new LedgerPeriod(storeId, FixedSales.Day, FixedSales.Day);
        var export = TestLedgers.Get(ledger);
        var first = TestLedgers.NewDirectory();
        var second = TestLedgers.NewDirectory();

        var a = await export.WriteAsync(period, sales, first, Token);
        var b = await export.WriteAsync(period, [.. sales.Reverse()], second, Token);

        Assert.Equal(a.Files.Select(Path.GetFileName), b.Files.Select(Path.GetFileName));
        foreach (var (x, y) in a.Files.Zip(b.Files))
        {
            Assert.Equal(await File.ReadAllBytesAsync(x, Token), await File.ReadAllBytesAsync(y, Token));
        }

        Assert.Equal(Directory.GetFiles(first).Length, a.Files.Count); // no staging folder or stray file left
        Assert.Empty(Directory.GetDirectories(first));
    }

    [Fact]
    public async Task WriteAsync_PeriodWithNoSales_FailsSayingSo()
    {
        var period = new LedgerPeriod("CAI1", new DateOnly(2026, 12, 1), new DateOnly(2026, 12, 31));

        var result = await TestLedgers.Get("generic-cai").WriteAsync(period, FixedSales.For(TestStore.Cairo), TestLedgers.NewDirectory(), Token);

        Assert.Equal(LedgerWriteOutcome.Failed, result.Outcome);
        Assert.Equal("No sales, shift counts or provider fees of store CAI1 fall on business days 2026-12-01 to 2026-12-31; there is nothing to export.", result.Reason);
    }

    [Fact]
    public async Task WriteAsync_PeriodOfAnotherStore_IsRefused()
    {
        var result = await TestLedgers.Get("generic-cai").WriteAsync(new LedgerPeriod("RUH1", FixedSales.Day, FixedSales.Day), FixedSales.For(TestStore.Riyadh), TestLedgers.NewDirectory(), Token);

        Assert.Equal(LedgerWriteOutcome.Failed, result.Outcome);
        Assert.Contains("exports store CAI1, not RUH1", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_TaxWithNoMapping_FailsNamingEverySaleAndLeavesEarlierFilesAlone()
    {
        var directory = TestLedgers.NewDirectory();
        var export = TestLedgers.Get("generic-cai", c =>
        {
            c.Remove("Accounting:Ledgers:generic-cai:Taxes:vat5:Rate");
            c.Remove("Accounting:Ledgers:generic-cai:Taxes:vat5:Name");
        });
        var previous = Path.Combine(directory, "generic_CAI1_20261123_20261123.csv");
        await File.WriteAllTextAsync(previous, "an earlier export", Token);
        var sales = FixedSales.For(TestStore.Cairo);
        var withVat5 = sales.Where(s => s.Lines.Any(l => l.TaxIds.Contains("vat5"))).Select(s => s.Id).ToHashSet();

        var result = await export.WriteAsync(TestLedgers.CairoDay, sales, directory, Token);

        Assert.Equal(LedgerWriteOutcome.Failed, result.Outcome);
        Assert.Equal(withVat5.Order(), result.SaleIds.Order());
        Assert.Contains("has tax 'vat5' on line", result.Reason, StringComparison.Ordinal);
        Assert.Equal("an earlier export", await File.ReadAllTextAsync(previous, Token));
        Assert.Single(Directory.EnumerateFileSystemEntries(directory));
    }

    [Fact]
    public async Task WriteAsync_SalesOfOtherDaysAndStores_AreLeftOut()
    {
        var sales = FixedSales.For(TestStore.Cairo).Concat(FixedSales.For(TestStore.Riyadh)).ToList();
        var nextDay = sales[0] with { Id = FixedSales.Id(1, 99), CreatedAtUtc = sales[0].CreatedAtUtc.AddDays(1) };
        sales.Add(nextDay);

        var result = await TestLedgers.Get("generic-cai").WriteAsync(TestLedgers.CairoDay, sales, TestLedgers.NewDirectory(), Token);

        var rows = CsvFiles.ReadAll<GenericRow>(result.Files[0], CsvFiles.Utf8);
        Assert.Equal(9, result.JournalCount);
        Assert.All(rows, r => Assert.Equal("CAI1", r.Store));
        Assert.DoesNotContain(rows, r => r.SaleId == nextDay.Id.ToString("D"));
    }

    [Fact]
    public async Task WriteAsync_ShiftCashCount_BooksOverShortAndTipsToTheirAccounts()
    {
        var count = new ShiftCashCount
        {
            StoreId = "CAI1",
            TillId = "T1",
            ShiftId = "S1",
            ClosedAtUtc = new DateTimeOffset(2026, 11, 23, 21, 45, 0, TimeSpan.Zero), // 23:45 in Cairo
            ExpectedCash = 1000.00m,
            CountedCash = 997.50m,
            Tips = 20.00m,
        };
        var directory = TestLedgers.NewDirectory();

        var result = await TestLedgers.Get("generic-cai").WriteAsync(
            TestLedgers.CairoDay, FixedSales.Stream(FixedSales.For(TestStore.Cairo)), new LedgerAdjustments { ShiftCounts = [count] }, directory, Token);

        var rows = CsvFiles.ReadAll<GenericRow>(result.Files[0], CsvFiles.Utf8).Where(r => r.JournalId == "CAI1-T1-S1").ToList();
        Assert.Equal(10, result.JournalCount);
        Assert.Equal(2.50m, rows.Single(r => r.AccountCode == "4920").Debit);
        Assert.Equal(20.00m, rows.Single(r => r.AccountCode == "2300").Credit);
        Assert.Equal(0m, rows.Sum(r => (r.Debit ?? 0m) - (r.Credit ?? 0m)));
        Assert.All(rows, r => Assert.Equal(FixedSales.Day, r.Date));
    }

    [Fact]
    public async Task WriteAsync_DayWithOnlyAShiftCount_BooksItsOverShort()
    {
        // A till opened and closed without a sale, short by 5.00: the accountant still needs the shortfall.
        var count = new ShiftCashCount
        {
            StoreId = "CAI1",
            TillId = "T1",
            ShiftId = "S9",
            ClosedAtUtc = new DateTimeOffset(2026, 11, 23, 21, 45, 0, TimeSpan.Zero), // 23:45 in Cairo
            ExpectedCash = 500.00m,
            CountedCash = 495.00m,
        };
        var noSales = FixedSales.Stream([]);

        var result = await TestLedgers.Get("generic-cai").WriteAsync(
            TestLedgers.CairoDay, noSales, new LedgerAdjustments { ShiftCounts = [count] }, TestLedgers.NewDirectory(), Token);

        Assert.Equal(LedgerWriteOutcome.Written, result.Outcome);
        Assert.Equal(1, result.JournalCount);
        var rows = CsvFiles.ReadAll<GenericRow>(result.Files[0], CsvFiles.Utf8);
        Assert.All(rows, r => Assert.Equal("CAI1-T1-S9", r.JournalId));
        Assert.Equal(5.00m, rows.Single(r => r.AccountCode == "4920").Debit);
        Assert.Equal(0m, rows.Sum(r => (r.Debit ?? 0m) - (r.Credit ?? 0m)));
    }

    [Fact]
    public async Task WriteAsync_ProviderFee_DebitsFeesAndCreditsTheMethodsClearingAccount()
    {
        var fee = new ProviderFee
        {
            StoreId = "CAI1",
            MethodId = "card",
            Kind = PosBridge.Core.Sales.PaymentKind.Card,
            ReportedAtUtc = new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero),
            Reference = "STL-20261123",
            Amount = 3.37m,
        };

        var result = await TestLedgers.Get("generic-cai").WriteAsync(
            TestLedgers.CairoDay, FixedSales.Stream(FixedSales.For(TestStore.Cairo)), new LedgerAdjustments { ProviderFees = [fee] }, TestLedgers.NewDirectory(), Token);

        var rows = CsvFiles.ReadAll<GenericRow>(result.Files[0], CsvFiles.Utf8).Where(r => r.JournalId == "CAI1-FEE-STL-20261123").ToList();
        Assert.Equal(3.37m, rows.Single(r => r.AccountCode == "6100").Debit);
        Assert.Equal(3.37m, rows.Single(r => r.AccountCode == "1100").Credit);
    }

    [Fact]
    public async Task WriteAsync_ProviderFeeInAnotherCurrency_IsRefusedByReference()
    {
        var fee = Fee("STL-USD-1") with { Currency = "USD" };

        var result = await TestLedgers.Get("generic-cai").WriteAsync(
            TestLedgers.CairoDay, FixedSales.Stream(FixedSales.For(TestStore.Cairo)), new LedgerAdjustments { ProviderFees = [fee] }, TestLedgers.NewDirectory(), Token);

        Assert.Equal(LedgerWriteOutcome.Failed, result.Outcome);
        Assert.Contains("provider fee STL-USD-1 is in USD but store CAI1 sells in EGP", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckFee_FeeTheLedgerCanBook_HasNoProblem()
    {
        Assert.Null(TestLedgers.Get("generic-cai").CheckFee(Fee("STL-20261123") with { Currency = "EGP" }));
        Assert.Null(TestLedgers.Get("qbo-cai").CheckFee(Fee("STL-1123")));
    }

    [Theory]
    [InlineData("datev-cai", "STL 2026 1", "Belegfeld 1")]
    [InlineData("generic-cai", "STL-1", "more decimals than EGP has")]
    public void CheckFee_FeeTheDialectOrCurrencyCannotHold_SaysWhy(string ledger, string reference, string expected)
    {
        var fee = Fee(reference) with { Amount = reference == "STL-1" ? 1.005m : 2.50m };

        var problem = TestLedgers.Get(ledger).CheckFee(fee);

        Assert.NotNull(problem);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    private static ProviderFee Fee(string reference) => new()
    {
        StoreId = "CAI1",
        MethodId = "card",
        Kind = PosBridge.Core.Sales.PaymentKind.Card,
        ReportedAtUtc = new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero),
        Reference = reference,
        Amount = 3.37m,
    };

    [Fact]
    public async Task WriteAsync_ManySalesThatCannotBeBooked_NamesTheFirstTwentyAndReturnsEveryId()
    {
        var template = FixedSales.For(TestStore.Cairo)[1];
        var broken = Enumerable.Range(1, 25)
            .Select(n => template with { Id = FixedSales.Id(5, n), SaleNumber = $"CAI1-T1-0005-{n:000000}", CreatedAtUtc = template.CreatedAtUtc.AddMinutes(n), Currency = "SAR" })
            .ToList();

        var result = await TestLedgers.Get("generic-cai").WriteAsync(TestLedgers.CairoDay, broken, TestLedgers.NewDirectory(), Token);

        Assert.Equal(LedgerWriteOutcome.Failed, result.Outcome);
        Assert.Equal(broken.Select(s => s.Id), result.SaleIds);
        Assert.StartsWith("25 journal(s) cannot be written, so nothing was: sale CAI1-T1-0005-000001 (", result.Reason, StringComparison.Ordinal);
        Assert.Contains("is in SAR but store CAI1 sells in EGP", result.Reason, StringComparison.Ordinal);
        Assert.EndsWith("; and 5 more.", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JournalsAsync_TillOffsetDisagreesWithTheStoresZone_CountsItAndFollowsTheZone()
    {
        var sales = FixedSales.For(TestStore.Cairo).ToList();
        sales[8] = sales[8] with { StoreUtcOffset = TimeSpan.FromHours(3) }; // 23:30 in Cairo, but the till says +03:00
        var run = new JournalRun();

        var journals = await TestLedgers.Get("generic-cai").JournalsAsync(TestLedgers.CairoDay, FixedSales.Stream(sales), LedgerAdjustments.None, run, Token).ToListAsync(Token);

        Assert.Equal(1, run.OffsetMismatches);
        Assert.Equal(FixedSales.Day, journals.Single(j => j.SaleIds.Contains(sales[8].Id)).Date);
    }
}
