using Microsoft.Extensions.DependencyInjection;
using PosBridge.Connector.Cli;
using PosBridge.Connector.Shifts;
using PosBridge.Connector.Tests.Hosting;
using PosBridge.Core.Sync;

namespace PosBridge.Connector.Tests.Cli;

public sealed class ExportCommandTests
{
    private static readonly Dictionary<string, string?> Ledger = new()
    {
        ["Accounting:Stores:CAI1:TimeZone"] = "Africa/Cairo",
        ["Accounting:Stores:CAI1:Currency"] = "EGP",
        ["Accounting:Ledgers:books:Store"] = "CAI1",
        ["Accounting:Ledgers:books:Dialect"] = "generic",
        ["Accounting:Ledgers:books:Chart"] = "generic",
        ["Accounting:Ledgers:books:Mode"] = "PerSale",
        ["Accounting:Ledgers:books:Taxes:vat14:Rate"] = "14",
        ["Accounting:Ledgers:books:Taxes:vat14:Name"] = "VAT 14%",
    };

    [Fact]
    public async Task Export_ReceivedSales_WritesTheLedgerAndTheSameBytesAgain()
    {
        await using var host = await ConnectorHost.StartAsync(Ledger);
        var till = await host.PairTillAsync();
        var sales = new Sales(host.Clock).Many(5);
        (await till.UploadAsync(sales)).EnsureSuccessStatusCode();
        var day = Cairo(host.Clock.GetUtcNow());
        var output = Path.Combine(host.Directory, "ledger");
        var options = Options(("ledger", "books"), ("from", day), ("to", day), ("out", output));

        var (code, text, error) = await RunAsync(host, options);
        var files = Directory.GetFiles(output);
        var first = files.ToDictionary(f => f, File.ReadAllBytes);
        var (again, _, _) = await RunAsync(host, options);

        Assert.Equal(CommandLine.Ok, code);
        Assert.Equal(string.Empty, error);
        Assert.Contains("5 journals", text, StringComparison.Ordinal);
        var written = string.Join('\n', first.Values.Select(b => System.Text.Encoding.UTF8.GetString(b)));
        Assert.All(sales, s => Assert.Contains(s.Id.ToString(), written, StringComparison.OrdinalIgnoreCase));
        Assert.Equal(CommandLine.Ok, again);
        Assert.All(first, f => Assert.Equal(f.Value, File.ReadAllBytes(f.Key)));
    }

    [Fact]
    public async Task Export_ByDialect_FindsTheStoresLedger()
    {
        await using var host = await ConnectorHost.StartAsync(Ledger);
        var till = await host.PairTillAsync();
        (await till.UploadAsync(new Sales(host.Clock).Many(2))).EnsureSuccessStatusCode();
        var day = Cairo(host.Clock.GetUtcNow());

        var (code, text, _) = await RunAsync(host, Options(("dialect", "generic"), ("from", day), ("to", day), ("out", Path.Combine(host.Directory, "out"))));

        Assert.Equal(CommandLine.Ok, code);
        Assert.Contains("Ledger books (CAI1)", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ledger", "nope", "No ledger is named 'nope'")]
    [InlineData("dialect", "datev", "has no")]
    [InlineData("dialect", "lotus123", "lotus123")]
    public async Task Export_UnknownLedgerOrDialect_SaysWhatExists(string option, string value, string message)
    {
        await using var host = await ConnectorHost.StartAsync(Ledger);

        var (code, _, error) = await RunAsync(host, Options((option, value), ("from", "2026-11-01"), ("to", "2026-11-30"), ("out", Path.Combine(host.Directory, "x"))));

        Assert.Equal(CommandLine.InputProblems, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(host.Directory, "x")) && Directory.EnumerateFiles(Path.Combine(host.Directory, "x")).Any());
    }

    [Fact]
    public async Task Export_NoLedgersConfigured_SaysWhereToConfigureThem()
    {
        await using var host = await ConnectorHost.StartAsync();

        var (code, _, error) = await RunAsync(host, Options(("dialect", "generic"), ("from", "2026-11-01"), ("to", "2026-11-30"), ("out", host.Directory)));

        Assert.Equal(CommandLine.InputProblems, code);
        Assert.Contains("Accounting:Ledgers", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_PeriodWithoutSales_WritesNothingAndSaysSo()
    {
        await using var host = await ConnectorHost.StartAsync(Ledger);
        var output = Path.Combine(host.Directory, "empty");

        var (code, _, error) = await RunAsync(host, Options(("ledger", "books"), ("from", "2020-01-01"), ("to", "2020-01-31"), ("out", output)));

        Assert.Equal(CommandLine.InputProblems, code);
        Assert.Contains("nothing was written", error, StringComparison.Ordinal);
        Assert.True(!Directory.Exists(output) || !Directory.EnumerateFiles(output).Any());
    }

    [Fact]
    public async Task Export_ShiftClosedThatDay_AddsItsCashOverShortJournal()
    {
        await using var host = await ConnectorHost.StartAsync(Ledger);
        var till = await host.PairTillAsync();
        (await till.UploadAsync(new Sales(host.Clock).Many(2))).EnsureSuccessStatusCode();
        var now = host.Clock.GetUtcNow();
        await host.Services.GetRequiredService<ShiftClosings>().ReceiveAsync(
            new ShiftClosing
            {
                StoreId = "CAI1", TillId = "T9", ShiftId = "S42", OpenedAtUtc = now.AddHours(-8), ClosedAtUtc = now, Currency = "EGP",
                OpeningFloat = 200m, ExpectedCash = 1250.00m, CountedCash = 1248.50m, SaleCount = 2,
            },
            TestContext.Current.CancellationToken);
        var day = Cairo(now);
        var output = Path.Combine(host.Directory, "ledger");

        var (code, text, error) = await RunAsync(host, Options(("ledger", "books"), ("from", day), ("to", day), ("out", output)));

        Assert.Equal(CommandLine.Ok, code);
        Assert.Equal(string.Empty, error);
        Assert.Contains("3 journals", text, StringComparison.Ordinal);
        var lines = File.ReadAllLines(Assert.Single(Directory.GetFiles(output))).Where(l => l.StartsWith("CAI1-T9-S42,", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Contains(lines, l => l.Contains(",,1.50,", StringComparison.Ordinal)); // cash credited: 1.50 short
        Assert.Contains(lines, l => l.Contains(",1.50,,", StringComparison.Ordinal)); // over/short debited
    }

    [Fact]
    public async Task Export_DatevPeriodAcrossFiscalYears_SaysTheDialectCannotHoldIt()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Accounting:Stores:BER1:TimeZone"] = "Europe/Berlin",
            ["Accounting:Stores:BER1:Currency"] = "EUR",
            ["Accounting:Ledgers:books:Store"] = "BER1",
            ["Accounting:Ledgers:books:Dialect"] = "datev",
            ["Accounting:Ledgers:books:Chart"] = "skr03",
            ["Accounting:Ledgers:books:Taxes:ust19:Rate"] = "19",
            ["Accounting:Ledgers:books:Taxes:ust19:Name"] = "USt 19 %",
            ["Accounting:Ledgers:books:Datev:ConsultantNumber"] = "1234567",
            ["Accounting:Ledgers:books:Datev:ClientNumber"] = "10001",
            ["Accounting:Ledgers:books:Datev:UnencodableText"] = "Transliterate",
        };
        await using var host = await ConnectorHost.StartAsync(settings);
        var output = Path.Combine(host.Directory, "datev");

        var (code, _, error) = await RunAsync(host, Options(("ledger", "books"), ("from", "2026-12-01"), ("to", "2027-01-31"), ("out", output)));

        Assert.Equal(CommandLine.InputProblems, code);
        Assert.Contains("one fiscal year per file", error, StringComparison.Ordinal);
        Assert.True(!Directory.Exists(output) || !Directory.EnumerateFiles(output).Any());
    }

    [Fact]
    public async Task Export_SaleWithUnmappedTax_NamesTheSaleAndWritesNothing()
    {
        var settings = new Dictionary<string, string?>(Ledger);
        settings.Remove("Accounting:Ledgers:books:Taxes:vat14:Rate");
        settings.Remove("Accounting:Ledgers:books:Taxes:vat14:Name");
        settings["Accounting:Ledgers:books:Taxes:other:Rate"] = "5";
        settings["Accounting:Ledgers:books:Taxes:other:Name"] = "Other 5%";
        await using var host = await ConnectorHost.StartAsync(settings);
        var till = await host.PairTillAsync();
        var sales = new Sales(host.Clock).Many(1);
        (await till.UploadAsync(sales)).EnsureSuccessStatusCode();
        var day = Cairo(host.Clock.GetUtcNow());
        var output = Path.Combine(host.Directory, "unmapped");

        var (code, _, error) = await RunAsync(host, Options(("ledger", "books"), ("from", day), ("to", day), ("out", output)));

        Assert.Equal(CommandLine.InputProblems, code);
        Assert.Contains("no mapping", error, StringComparison.Ordinal);
        Assert.Contains(sales[0].Id.ToString(), error, StringComparison.OrdinalIgnoreCase);
        Assert.True(!Directory.Exists(output) || !Directory.EnumerateFiles(output).Any());
    }

    [Fact]
    public async Task Export_XeroInvoicesOfWalkInSales_WritesEveryInvoiceNotJustTheHeader()
    {
        var settings = new Dictionary<string, string?>(Ledger)
        {
            ["Accounting:Ledgers:books:Dialect"] = "xero-invoices",
            ["Accounting:Ledgers:books:Region"] = "UK",
        };
        await using var host = await ConnectorHost.StartAsync(settings);
        var till = await host.PairTillAsync();
        var sales = new Sales(host.Clock).Many(3);
        (await till.UploadAsync(sales)).EnsureSuccessStatusCode();
        var day = Cairo(host.Clock.GetUtcNow());
        var output = Path.Combine(host.Directory, "xero");

        var (code, text, error) = await RunAsync(host, Options(("ledger", "books"), ("from", day), ("to", day), ("out", output)));

        Assert.Equal(CommandLine.Ok, code);
        Assert.Equal(string.Empty, error);
        Assert.Contains("3 journals", text, StringComparison.Ordinal);
        var lines = File.ReadAllLines(Assert.Single(Directory.GetFiles(output)));
        Assert.All(sales, s => Assert.Contains(lines, l => l.StartsWith($"Walk-in customer,{s.SaleNumber},", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Export_SaleTheDialectCannotHold_ListsWhyWritesNothingAndExitsNonZero()
    {
        var settings = new Dictionary<string, string?>(Ledger)
        {
            ["Accounting:Ledgers:books:Dialect"] = "sage50",
            ["Accounting:Ledgers:books:Region"] = "UK",
            ["Accounting:Ledgers:books:UnencodableText"] = "Refuse",
            ["Accounting:Ledgers:books:Taxes:vat14:Name"] = "ضريبة القيمة المضافة",
            ["Accounting:Ledgers:books:Taxes:vat14:Code"] = "T1",
        };
        await using var host = await ConnectorHost.StartAsync(settings);
        var till = await host.PairTillAsync();
        var sales = new Sales(host.Clock).Many(2);
        (await till.UploadAsync(sales)).EnsureSuccessStatusCode();
        var day = Cairo(host.Clock.GetUtcNow());
        var output = Path.Combine(host.Directory, "sage50");

        var (code, _, error) = await RunAsync(host, Options(("ledger", "books"), ("from", day), ("to", day), ("out", output)));

        Assert.Equal(CommandLine.InputProblems, code);
        Assert.Contains("nothing was written", error, StringComparison.Ordinal);
        Assert.Contains("Windows-1252", error, StringComparison.Ordinal);
        Assert.All(sales, s => Assert.Contains(s.Id.ToString(), error, StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain("Parameter", error, StringComparison.Ordinal);
        Assert.True(!Directory.Exists(output) || !Directory.EnumerateFiles(output).Any());
    }

    [Fact]
    public async Task Export_UnknownDialect_SaysSoWithoutDotNetText()
    {
        await using var host = await ConnectorHost.StartAsync(Ledger);

        var (_, _, error) = await RunAsync(host, Options(("dialect", "lotus123"), ("from", "2026-11-01"), ("to", "2026-11-30"), ("out", Path.Combine(host.Directory, "x"))));

        Assert.DoesNotContain("(Parameter", error, StringComparison.Ordinal);
        Assert.Contains("is not a ledger dialect", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-11-30", "2026-11-01", "before")]
    [InlineData("30/11/2026", "2026-11-30", "not a date")]
    public async Task Export_BadPeriod_IsAUsageError(string from, string to, string message)
    {
        await using var host = await ConnectorHost.StartAsync(Ledger);

        var (code, _, error) = await RunAsync(host, Options(("ledger", "books"), ("from", from), ("to", to), ("out", host.Directory)));

        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(ConnectorHost host, Dictionary<string, string> options)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await ExportCommand.RunAsync(host.Services, options, output, error, TestContext.Current.CancellationToken);
        return (code, output.ToString(), error.ToString());
    }

    private static Dictionary<string, string> Options(params (string Key, string Value)[] pairs) =>
        pairs.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    private static string Cairo(DateTimeOffset instant) =>
        TimeZoneInfo.ConvertTime(instant, TimeZoneInfo.FindSystemTimeZoneById("Africa/Cairo")).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
