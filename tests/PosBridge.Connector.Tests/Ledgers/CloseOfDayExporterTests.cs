using Microsoft.Extensions.DependencyInjection;
using PosBridge.Connector.Catalog;
using PosBridge.Connector.Ledgers;
using PosBridge.Connector.Shifts;
using PosBridge.Connector.Tests.Hosting;
using PosBridge.Core.Catalog;
using PosBridge.Core.Sync;

namespace PosBridge.Connector.Tests.Ledgers;

public sealed class CloseOfDayExporterTests
{
    /// <summary>A Cairo store with a generic ledger and no scheduled close of day (the tests drive it).</summary>
    internal static readonly Dictionary<string, string?> Settings = new()
    {
        ["Accounting:Stores:CAI1:TimeZone"] = "Africa/Cairo",
        ["Accounting:Stores:CAI1:Currency"] = "EGP",
        ["Accounting:Ledgers:books:Store"] = "CAI1",
        ["Accounting:Ledgers:books:Dialect"] = "generic",
        ["Accounting:Ledgers:books:Chart"] = "generic",
        ["Accounting:Ledgers:books:Taxes:vat14:Rate"] = "14",
        ["Accounting:Ledgers:books:Taxes:vat14:Name"] = "VAT 14%",
        ["PosBridge:CloseOfDay:CloseDelay"] = "01:00:00",
        // The test drives the exporter itself; the scheduled job would fire as the clock jumps months.
        ["PosBridge:CloseOfDay:Enabled"] = "false",
    };

    [Fact]
    public async Task Run_AfterTheStoresDayCloses_WritesThatDayOnce()
    {
        await using var host = await ConnectorHost.StartAsync(Settings);
        // 10 March 2027, 10:00 in Cairo (UTC+2).
        host.Clock.SetUtcNow(new DateTimeOffset(2027, 3, 10, 8, 0, 0, TimeSpan.Zero));
        var till = await host.PairTillAsync();
        (await till.UploadAsync(new Sales(host.Clock).Many(5))).EnsureSuccessStatusCode();
        var exporter = host.Services.GetRequiredService<CloseOfDayExporter>();

        var firstRun = await exporter.RunAsync(TestContext.Current.CancellationToken);
        host.Clock.SetUtcNow(new DateTimeOffset(2027, 3, 10, 22, 30, 0, TimeSpan.Zero)); // 00:30 in Cairo: closed, but within the delay
        var withinDelay = await exporter.RunAsync(TestContext.Current.CancellationToken);
        host.Clock.SetUtcNow(new DateTimeOffset(2027, 3, 10, 23, 30, 0, TimeSpan.Zero)); // 01:30 in Cairo
        var closed = await exporter.RunAsync(TestContext.Current.CancellationToken);
        var again = await exporter.RunAsync(TestContext.Current.CancellationToken);

        Assert.Equal(new DateOnly(2027, 3, 9), Assert.Single(firstRun).Day);
        Assert.Empty(withinDelay);
        var day = Assert.Single(closed);
        Assert.Equal(new DateOnly(2027, 3, 10), day.Day);
        Assert.Equal(5, day.Journals);
        Assert.Null(day.Error);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(host.Directory, "ledgers", "books")));
        Assert.Empty(again);
    }

    [Fact]
    public async Task Run_DayWithASaleTheLedgerCannotBook_WritesNothingAndShowsTheDayOnTheDashboard()
    {
        var settings = new Dictionary<string, string?>(Settings)
        {
            ["Accounting:Ledgers:books:Dialect"] = "sage50",
            ["Accounting:Ledgers:books:Region"] = "UK",
            ["Accounting:Ledgers:books:UnencodableText"] = "Refuse",
            ["Accounting:Ledgers:books:Taxes:vat14:Name"] = "ضريبة القيمة المضافة",
            ["Accounting:Ledgers:books:Taxes:vat14:Code"] = "T1",
        };
        foreach (var (key, value) in Dashboard.DashboardClient.Settings)
        {
            settings[key] = value;
        }

        await using var host = await ConnectorHost.StartAsync(settings);
        host.Clock.SetUtcNow(new DateTimeOffset(2027, 3, 10, 8, 0, 0, TimeSpan.Zero));
        var till = await host.PairTillAsync();
        (await till.UploadAsync(new Sales(host.Clock).Many(2))).EnsureSuccessStatusCode();
        host.Clock.SetUtcNow(new DateTimeOffset(2027, 3, 10, 23, 30, 0, TimeSpan.Zero)); // 01:30 in Cairo: the 10th has closed
        var exporter = host.Services.GetRequiredService<CloseOfDayExporter>();

        await exporter.RunAsync(TestContext.Current.CancellationToken);
        var manager = new Dashboard.DashboardClient(host);
        (await manager.LoginAsync()).EnsureSuccessStatusCode();
        var overview = await manager.OverviewAsync();

        var stuck = Assert.Single(exporter.Stuck);
        Assert.Equal(new DateOnly(2027, 3, 10), stuck.Day);
        var problem = Assert.Single(overview.GetProperty("ledgerProblems").EnumerateArray());
        Assert.Equal("books", problem.GetProperty("ledger").GetString());
        Assert.Equal("2027-03-10", problem.GetProperty("day").GetString());
        Assert.Contains("Windows-1252", problem.GetProperty("reason").GetString(), StringComparison.Ordinal);
        var folder = Path.Combine(host.Directory, "ledgers", "books");
        Assert.True(!Directory.Exists(folder) || !Directory.EnumerateFiles(folder, "*.csv").Any());
    }

    [Fact]
    public async Task Run_WithShiftCloseAndRevenueByCategory_BooksOverShortAndTheCategorysRevenueAccount()
    {
        var settings = new Dictionary<string, string?>(Settings) { ["Accounting:Ledgers:books:RevenueCategories:drinks:vat14"] = "4020" };
        await using var host = await ConnectorHost.StartAsync(settings);
        host.Clock.SetUtcNow(new DateTimeOffset(2027, 3, 10, 8, 0, 0, TimeSpan.Zero));
        await host.Services.GetRequiredService<ICatalogSnapshot>().SaveProductsAsync(
            [new Product { Id = "p-coffee", Name = "قهوة تركي", CategoryId = "drinks", Unit = "Units", ListPrice = 30m, Currency = "EGP", TaxIds = ["vat14"] }],
            [],
            TestContext.Current.CancellationToken);
        var till = await host.PairTillAsync();
        (await till.UploadAsync(new Sales(host.Clock).Many(2))).EnsureSuccessStatusCode();
        // 23:30 in Cairo (UTC+2 in March): the shift closes on the 10th though UTC is still the 10th at 21:30.
        await host.Services.GetRequiredService<ShiftClosings>().ReceiveAsync(
            new ShiftClosing
            {
                StoreId = "CAI1", TillId = "T1", ShiftId = "S7", OpenedAtUtc = host.Clock.GetUtcNow(), ClosedAtUtc = new DateTimeOffset(2027, 3, 10, 21, 30, 0, TimeSpan.Zero),
                Currency = "EGP", OpeningFloat = 100m, ExpectedCash = 300m, CountedCash = 302m, SaleCount = 2,
            },
            TestContext.Current.CancellationToken);
        host.Clock.SetUtcNow(new DateTimeOffset(2027, 3, 10, 23, 30, 0, TimeSpan.Zero));

        var day = Assert.Single(await host.Services.GetRequiredService<CloseOfDayExporter>().RunAsync(TestContext.Current.CancellationToken));

        Assert.Null(day.Error);
        Assert.Equal(3, day.Journals);
        var lines = File.ReadAllLines(Assert.Single(Directory.GetFiles(Path.Combine(host.Directory, "ledgers", "books"))));
        Assert.Equal(2, lines.Count(l => l.Split(',')[3] == "4020"));
        Assert.Contains(lines, l => l.StartsWith("CAI1-T1-S7,", StringComparison.Ordinal) && l.Contains(",2.00,,", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_DayWithAShiftCloseButNoSales_BooksItsShortfallAndLeavesTheNextDayAlone()
    {
        await using var host = await ConnectorHost.StartAsync(Settings);
        host.Clock.SetUtcNow(new DateTimeOffset(2027, 3, 10, 8, 0, 0, TimeSpan.Zero));
        // Opened and closed at 23:30 Cairo time with no sale, 4.00 short.
        await host.Services.GetRequiredService<ShiftClosings>().ReceiveAsync(
            new ShiftClosing
            {
                StoreId = "CAI1", TillId = "T1", ShiftId = "S8", OpenedAtUtc = host.Clock.GetUtcNow(), ClosedAtUtc = new DateTimeOffset(2027, 3, 10, 21, 30, 0, TimeSpan.Zero),
                Currency = "EGP", OpeningFloat = 100m, ExpectedCash = 100m, CountedCash = 96m, SaleCount = 0,
            },
            TestContext.Current.CancellationToken);
        var exporter = host.Services.GetRequiredService<CloseOfDayExporter>();
        host.Clock.SetUtcNow(new DateTimeOffset(2027, 3, 10, 23, 30, 0, TimeSpan.Zero)); // 01:30 on the 11th in Cairo
        var closeDay = await exporter.RunAsync(TestContext.Current.CancellationToken);
        host.Clock.Advance(TimeSpan.FromDays(1));
        var nextDay = await exporter.RunAsync(TestContext.Current.CancellationToken);

        var days = closeDay.Concat(nextDay).ToList();
        Assert.Equal([new DateOnly(2027, 3, 10), new DateOnly(2027, 3, 11)], days.Select(d => d.Day));
        Assert.All(days, d => Assert.Null(d.Error));
        Assert.Equal([1, 0], days.Select(d => d.Journals));
        var lines = File.ReadAllLines(Assert.Single(Directory.GetFiles(Path.Combine(host.Directory, "ledgers", "books"))));
        Assert.Contains(lines, l => l.StartsWith("CAI1-T1-S8,", StringComparison.Ordinal) && l.Contains(",4.00,,", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_AfterDaysDown_CatchesUpEveryClosedDayInOrder()
    {
        await using var host = await ConnectorHost.StartAsync(Settings);
        host.Clock.SetUtcNow(new DateTimeOffset(2027, 3, 10, 23, 30, 0, TimeSpan.Zero));
        var exporter = host.Services.GetRequiredService<CloseOfDayExporter>();
        await exporter.RunAsync(TestContext.Current.CancellationToken);

        host.Clock.Advance(TimeSpan.FromDays(3));
        var caughtUp = await exporter.RunAsync(TestContext.Current.CancellationToken);

        Assert.Equal([new DateOnly(2027, 3, 11), new DateOnly(2027, 3, 12), new DateOnly(2027, 3, 13)], caughtUp.Select(d => d.Day));
        Assert.All(caughtUp, d => Assert.Equal(0, d.Journals));
    }
}
