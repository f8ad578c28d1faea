using System.Globalization;
using CsvHelper;
using Microsoft.Extensions.DependencyInjection;
using PosBridge.Connector.Catalog;
using PosBridge.Connector.Cli;
using PosBridge.Connector.Fees;
using PosBridge.Connector.Ledgers;
using PosBridge.Connector.Tests.Hosting;
using PosBridge.Core.Catalog;
using PosBridge.Core.Sales;

namespace PosBridge.Connector.Tests.Fees;

public sealed class FeesCommandTests
{
    // 10 March 2027, 10:00 in Cairo (UTC+2): the fees below were reported on the 9th and 10th.
    private static readonly DateTimeOffset Now = new(2027, 3, 10, 8, 0, 0, TimeSpan.Zero);

    private static readonly Dictionary<string, string?> Settings = new(PosBridge.Connector.Tests.Ledgers.CloseOfDayExporterTests.Settings)
    {
        ["Accounting:Ledgers:books:PaymentMethods:card-nbe"] = "1105",
        ["Accounting:Ledgers:books:AccountNames:1105"] = "NBE card clearing",
    };

    private const string Header = "date,reference,method,amount";

    [Fact]
    public async Task Import_ThenExport_BooksEachFeeAsABalancedJournalOnItsDayAndTheSameBytesAgain()
    {
        await using var host = await StartAsync();
        var till = await host.PairTillAsync();
        (await till.UploadAsync(new Sales(host.Clock).Many(2))).EnsureSuccessStatusCode();
        var file = Write(host, "paymob-20270310.csv", Header, "2027-03-10,STL-881,card-nbe,12.35", "2027-03-10T14:05:00+02:00,STL-882,card-nbe,3.40", "2027-03-09,STL-870,card,1.10");

        var (imported, text, importError) = await ImportAsync(host, ("file", file), ("store", "CAI1"));
        var output = Path.Combine(host.Directory, "ledger");
        var (exported, _, exportError) = await ExportAsync(host, "2027-03-10", "2027-03-10", output);
        var path = Assert.Single(Directory.GetFiles(output));
        var first = await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken);
        await ExportAsync(host, "2027-03-10", "2027-03-10", output);

        Assert.Equal(CommandLine.Ok, imported);
        Assert.Equal(string.Empty, importError);
        Assert.Contains("3 fee(s) of store CAI1, 16.85 EGP: 3 added, 0 already there.", text, StringComparison.Ordinal);
        Assert.Equal(CommandLine.Ok, exported);
        Assert.Equal(string.Empty, exportError);
        var rows = ReadGeneric(path);
        var fees = rows.Where(r => r.JournalId.StartsWith("CAI1-FEE-", StringComparison.Ordinal)).ToList();
        Assert.Equal(["CAI1-FEE-STL-881", "CAI1-FEE-STL-882"], fees.Select(r => r.JournalId).Distinct());
        Assert.All(fees.GroupBy(r => r.JournalId), j => Assert.Equal(j.Sum(r => r.Debit), j.Sum(r => r.Credit)));
        Assert.All(fees, r => Assert.Equal("2027-03-10", r.Date));
        Assert.Equal(12.35m, fees.Single(r => r.JournalId == "CAI1-FEE-STL-881" && r.AccountCode == "1105").Credit);
        Assert.Equal(12.35m, fees.Single(r => r.JournalId == "CAI1-FEE-STL-881" && r.AccountCode == "6100").Debit);
        Assert.Equal(rows.Sum(r => r.Debit), rows.Sum(r => r.Credit));
        Assert.Equal(first, await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Export_DayWithOnlyAFee_WritesTheFeeJournal()
    {
        await using var host = await StartAsync();
        var file = Write(host, "fees.csv", Header, "2027-03-09,STL-870,card,1.10");
        await ImportAsync(host, ("file", file), ("store", "CAI1"));
        var output = Path.Combine(host.Directory, "ledger");

        var (code, text, error) = await ExportAsync(host, "2027-03-09", "2027-03-09", output);

        Assert.Equal(CommandLine.Ok, code);
        Assert.Equal(string.Empty, error);
        Assert.Contains("1 journals", text, StringComparison.Ordinal);
        var rows = ReadGeneric(Assert.Single(Directory.GetFiles(output)));
        Assert.Equal(1.10m, rows.Single(r => r.AccountCode == "1100").Credit);
        Assert.Equal(1.10m, rows.Single(r => r.AccountCode == "6100").Debit);
    }

    [Fact]
    public async Task Import_SameReportTwice_AddsNothingTheSecondTime()
    {
        await using var host = await StartAsync();
        var file = Write(host, "fees.csv", Header, "2027-03-10,STL-881,card-nbe,12.35", "2027-03-10,STL-882,card-nbe,3.40");
        await ImportAsync(host, ("file", file), ("store", "CAI1"));
        // The provider's next report repeats one fee (written with another number of decimals) and adds one.
        var next = Write(host, "fees-2.csv", Header, "2027-03-10,STL-882,card-nbe,3.4", "2027-03-10,STL-883,card-nbe,2.00");

        var (again, text, _) = await ImportAsync(host, ("file", file), ("store", "CAI1"));
        var (overlap, overlapText, _) = await ImportAsync(host, ("file", next), ("store", "CAI1"));

        Assert.Equal(CommandLine.Ok, again);
        Assert.Contains("0 added, 2 already there", text, StringComparison.Ordinal);
        Assert.Equal(CommandLine.Ok, overlap);
        Assert.Contains("1 added, 1 already there", overlapText, StringComparison.Ordinal);
        Assert.Equal(["STL-881", "STL-882", "STL-883"], (await StoredAsync(host)).Select(f => f.Fee.Reference));
    }

    [Fact]
    public async Task Import_FeeStoredWithOtherFigures_IsRefusedWithBothSourcesAndNothingOfTheFileIsStored()
    {
        await using var host = await StartAsync();
        await ImportAsync(host, ("file", Write(host, "monday.csv", Header, "2027-03-10,STL-881,card-nbe,12.35")), ("store", "CAI1"));
        var changed = Write(host, "tuesday.csv", Header, "2027-03-10,STL-890,card-nbe,1.00", "2027-03-10,STL-881,card-nbe,12.53");

        var (code, _, error) = await ImportAsync(host, ("file", changed), ("store", "CAI1"));

        Assert.Equal(CommandLine.InputProblems, code);
        Assert.Contains("tuesday.csv:3: reference 'STL-881' of method 'card-nbe' was imported", error, StringComparison.Ordinal);
        Assert.Contains("from monday.csv line 2", error, StringComparison.Ordinal);
        Assert.Contains("nothing was imported", error, StringComparison.Ordinal);
        var stored = Assert.Single(await StoredAsync(host));
        Assert.Equal(12.35m, stored.Fee.Amount);
    }

    [Theory]
    [InlineData("2027-03-10,STL-9,wallet-vf,1.00", "method 'wallet-vf' is not a payment method of store CAI1 (card-nbe)")]
    [InlineData("2027-03-10,STL-9,cash,1.00", "method 'cash' is cash; providers charge fees on card, wallet and QR payments only")]
    [InlineData("2027-03-10,STL-9,card,-1.00", "amount '-1.00' is negative")]
    [InlineData("2027-03-10,STL-9,card,0.00", "amount '0.00' is zero")]
    [InlineData("2027-03-10,STL-9,card,1.2.3", "amount '1.2.3' is not a number")]
    [InlineData("2027-03-10,STL-9,card,\"1,000.00\"", "amount '1,000.00' is not a number")]
    [InlineData("2027-03-10,STL-9,card,EGP 5", "amount 'EGP 5' is not a number")]
    [InlineData("2027-03-10,STL-9,card,1.005", "amount '1.005' has more decimals than EGP has (2)")]
    [InlineData("2027-03-10,,card,1.00", "reference is empty")]
    [InlineData("2027-03-10,STL 9/a,card,1.00", "reference 'STL 9/a' must be at most 64 letters, digits and '-'")]
    [InlineData("10/03/2027,STL-9,card,1.00", "date '10/03/2027' is neither a date like 2026-11-23")]
    [InlineData("2027-03-10T23:30:00,STL-9,card,1.00", "date '2027-03-10T23:30:00' is neither")]
    [InlineData("2027-03-11,STL-9,card,1.00", "date '2027-03-11' is business day 2027-03-11, after today (2027-03-10 in Africa/Cairo)")]
    [InlineData("2027-03-10,STL-1,card,1.00", "reference 'STL-1' of method 'card' is also on line 2")]
    [InlineData("2027-03-10,STL-9,card", "3 fields, but the header has 4")]
    public async Task Import_BadRow_NamesTheLineAndStoresNothing(string row, string expected)
    {
        await using var host = await StartAsync();
        var file = Write(host, "fees.csv", Header, "2027-03-10,STL-1,card,2.00", row, "2027-03-10,STL-2,card-nbe,2.00");

        var (code, output, error) = await ImportAsync(host, ("file", file), ("store", "CAI1"));

        Assert.Equal(CommandLine.InputProblems, code);
        Assert.Equal(string.Empty, output);
        Assert.Contains($"fees.csv:3: {expected}", error, StringComparison.Ordinal);
        Assert.Contains("1 problem(s); nothing was imported.", error, StringComparison.Ordinal);
        Assert.Empty(await StoredAsync(host));
    }

    [Fact]
    public async Task Import_CurrencyColumnOtherThanTheStores_IsRefusedByLine()
    {
        await using var host = await StartAsync();
        var file = Write(host, "fees.csv", "amount,currency,reference,date,method,provider", "2.00,EGP,STL-1,2027-03-10,card,Paymob", "2.00,USD,STL-2,2027-03-10,card,Paymob");

        var (code, _, error) = await ImportAsync(host, ("file", file), ("store", "CAI1"));

        Assert.Equal(CommandLine.InputProblems, code);
        Assert.Contains("fees.csv:3: currency 'USD' is not the store's (EGP)", error, StringComparison.Ordinal);
        Assert.Empty(await StoredAsync(host));
    }

    [Fact]
    public async Task Import_ReferenceLongerThanAQuickBooksJournalNumber_IsImportedForTheLedgerToShorten()
    {
        var settings = new Dictionary<string, string?>(Settings)
        {
            ["Accounting:Ledgers:qbo:Store"] = "CAI1",
            ["Accounting:Ledgers:qbo:Dialect"] = "quickbooks",
            ["Accounting:Ledgers:qbo:Region"] = "US",
            ["Accounting:Ledgers:qbo:Chart"] = "generic",
            ["Accounting:Ledgers:qbo:Taxes:vat14:Rate"] = "14",
            ["Accounting:Ledgers:qbo:Taxes:vat14:Name"] = "VAT 14%",
        };
        await using var host = await StartAsync(settings);
        var file = Write(host, "fees.csv", Header, "2027-03-10,STL-1,card,2.00", "2027-03-10,0b7e4c1a-3f9d-4c1e-9a51-2f0c8d1e7a44,card,2.00");

        var (code, _, error) = await ImportAsync(host, ("file", file), ("store", "CAI1"));

        Assert.Equal(CommandLine.Ok, code);
        Assert.Equal(string.Empty, error);
        Assert.Equal(2, (await StoredAsync(host)).Count);
    }

    [Theory]
    [InlineData("GIZ9", "store 'GIZ9' is not configured under PosBridge:Stores; configured: ALX1, CAI1, RUH1")]
    [InlineData("CAI1", "no file")]
    public async Task Import_UnknownStoreOrMissingFile_SaysSo(string store, string expected)
    {
        await using var host = await StartAsync();
        var file = store == "CAI1" ? Path.Combine(host.Directory, "missing.csv") : Write(host, "fees.csv", Header, "2027-03-10,STL-1,card,2.00");

        var (code, _, error) = await ImportAsync(host, ("file", file), ("store", store));

        Assert.Equal(CommandLine.InputProblems, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Empty(await StoredAsync(host));
    }

    [Fact]
    public async Task Import_FileWithoutMethodColumn_TakesTheMethodOption()
    {
        await using var host = await StartAsync();
        var file = Write(host, "geidea.csv", "\uFEFFDate,Reference,Amount", "2027-03-10,G-1,0.75");

        var (without, _, withoutError) = await ImportAsync(host, ("file", file), ("store", "CAI1"));
        var (with, _, _) = await ImportAsync(host, ("file", file), ("store", "CAI1"), ("method", "card-nbe"));
        var (both, _, bothError) = await ImportAsync(host, ("file", Write(host, "both.csv", Header, "2027-03-10,G-2,card,1.00")), ("store", "CAI1"), ("method", "card-nbe"));

        Assert.Equal(CommandLine.InputProblems, without);
        Assert.Contains("geidea.csv:1: no column method (or give --method)", withoutError, StringComparison.Ordinal);
        Assert.Equal(CommandLine.Ok, with);
        var fee = Assert.Single(await StoredAsync(host)).Fee;
        Assert.Equal(("card-nbe", PaymentKind.Card, 0.75m), (fee.MethodId, fee.Kind, fee.Amount));
        Assert.Equal(CommandLine.InputProblems, both);
        Assert.Contains("leave it out", bothError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_FeeAt2330InCairo_IsBookedOnThatDayThoughUtcSaysTheNext()
    {
        await using var host = await StartAsync();
        host.Clock.SetUtcNow(new DateTimeOffset(2027, 3, 12, 8, 0, 0, TimeSpan.Zero));
        // 23:30 on the 10th in Cairo is 21:30 UTC; 00:30 on the 11th is 22:30 UTC, still the 10th in UTC.
        var file = Write(host, "fees.csv", Header, "2027-03-10T21:30:00Z,STL-LATE,card,4.00", "2027-03-10T22:30:00Z,STL-EARLY,card,1.00");
        await ImportAsync(host, ("file", file), ("store", "CAI1"));

        var (tenth, _, _) = await ExportAsync(host, "2027-03-10", "2027-03-10", Path.Combine(host.Directory, "tenth"));
        var (eleventh, _, _) = await ExportAsync(host, "2027-03-11", "2027-03-11", Path.Combine(host.Directory, "eleventh"));
        var (twelfth, _, twelfthError) = await ExportAsync(host, "2027-03-12", "2027-03-12", Path.Combine(host.Directory, "twelfth"));
        var (list, listed, _) = await ListAsync(host, ("from", "2027-03-10"), ("to", "2027-03-10"));

        Assert.Equal(CommandLine.Ok, tenth);
        var tenthRows = ReadGeneric(Assert.Single(Directory.GetFiles(Path.Combine(host.Directory, "tenth"))));
        Assert.Equal(["CAI1-FEE-STL-LATE"], tenthRows.Select(r => r.JournalId).Distinct());
        Assert.All(tenthRows, r => Assert.Equal("2027-03-10", r.Date));
        Assert.Equal(CommandLine.Ok, eleventh);
        var eleventhRows = ReadGeneric(Assert.Single(Directory.GetFiles(Path.Combine(host.Directory, "eleventh"))));
        Assert.Equal(["CAI1-FEE-STL-EARLY"], eleventhRows.Select(r => r.JournalId).Distinct());
        Assert.All(eleventhRows, r => Assert.Equal("2027-03-11", r.Date));
        Assert.Equal(CommandLine.InputProblems, twelfth);
        Assert.Contains("nothing to export", twelfthError, StringComparison.Ordinal);
        Assert.Equal(CommandLine.Ok, list);
        Assert.Contains("CAI1     2027-03-10 card", listed, StringComparison.Ordinal);
        Assert.DoesNotContain("STL-EARLY", listed, StringComparison.Ordinal);
        Assert.Contains("Total CAI1: 1 fee(s), 4.00 EGP", listed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CloseOfDay_DayWithOnlyAFee_WritesItsFeeJournal()
    {
        await using var host = await StartAsync();
        var exporter = host.Services.GetRequiredService<CloseOfDayExporter>();
        await exporter.RunAsync(TestContext.Current.CancellationToken); // writes the 9th, which is empty
        await ImportAsync(host, ("file", Write(host, "fees.csv", Header, "2027-03-10T23:30:00+02:00,STL-881,card,2.50")), ("store", "CAI1"));
        host.Clock.SetUtcNow(new DateTimeOffset(2027, 3, 10, 23, 30, 0, TimeSpan.Zero)); // 01:30 on the 11th in Cairo

        var day = Assert.Single(await exporter.RunAsync(TestContext.Current.CancellationToken));

        Assert.Equal(new DateOnly(2027, 3, 10), day.Day);
        Assert.Null(day.Error);
        Assert.Equal(1, day.Journals);
        var rows = ReadGeneric(Assert.Single(Directory.GetFiles(Path.Combine(host.Directory, "ledgers", "books"))));
        Assert.Equal(["CAI1-FEE-STL-881"], rows.Select(r => r.JournalId).Distinct());
        Assert.Equal(2.50m, rows.Sum(r => r.Debit));
        Assert.Equal(2.50m, rows.Sum(r => r.Credit));
    }

    [Fact]
    public async Task Import_FeeOfADayTheCloseOfDayWrote_SaysHowToWriteItAgain()
    {
        await using var host = await StartAsync();
        await host.Services.GetRequiredService<CloseOfDayExporter>().RunAsync(TestContext.Current.CancellationToken); // writes the 9th

        var (code, text, _) = await ImportAsync(host, ("file", Write(host, "fees.csv", Header, "2027-03-09,STL-870,card,1.10")), ("store", "CAI1"));

        Assert.Equal(CommandLine.Ok, code);
        Assert.Contains("already written ledger books for 2027-03-09", text, StringComparison.Ordinal);
        Assert.Contains("posbridge export --ledger books --from 2027-03-09 --to 2027-03-09", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "fees", "import", "--store", "CAI1" }, "fees import needs --file")]
    [InlineData(new[] { "fees", "list", "--from", "2027-03-01" }, "fees list needs --to")]
    [InlineData(new[] { "fees", "drop", "--store", "CAI1" }, "use 'fees import --file FILE")]
    public async Task CommandLine_FeesUsedWrongly_IsAUsageError(string[] args, string expected)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await CommandLine.RunAsync(args, output, error, TimeProvider.System, TestContext.Current.CancellationToken);

        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains(expected, error.ToString(), StringComparison.Ordinal);
    }

    private static async Task<ConnectorHost> StartAsync(Dictionary<string, string?>? settings = null)
    {
        var host = await ConnectorHost.StartAsync(settings ?? Settings);
        host.Clock.SetUtcNow(Now);
        await host.Services.GetRequiredService<ICatalogSnapshot>().SavePaymentMethodsAsync(
            [
                new PaymentMethod { Id = "card-nbe", Name = "NBE card", Kind = PaymentKind.Card, OfferedAt = ["CAI1"] },
                new PaymentMethod { Id = "cash", Name = "Cash", Kind = PaymentKind.Cash },
                new PaymentMethod { Id = "wallet-vf", Name = "Vodafone Cash", Kind = PaymentKind.Wallet, OfferedAt = ["ALX1"] },
            ],
            [],
            TestContext.Current.CancellationToken);
        return host;
    }

    private static string Write(ConnectorHost host, string name, params string[] lines)
    {
        var path = Path.Combine(host.Directory, name);
        File.WriteAllText(path, string.Join("\r\n", lines) + "\r\n");
        return path;
    }

    private static Task<IReadOnlyList<StoredFee>> StoredAsync(ConnectorHost host) =>
        host.Services.GetRequiredService<IProviderFeeStore>().ForStoreAsync("CAI1", DateTimeOffset.MinValue.AddYears(1), DateTimeOffset.MaxValue.AddYears(-1), TestContext.Current.CancellationToken);

    private static Task<(int Code, string Output, string Error)> ImportAsync(ConnectorHost host, params (string Key, string Value)[] options) =>
        RunAsync((services, o, output, error) => FeesCommand.ImportAsync(services, o, output, error, TestContext.Current.CancellationToken), host, options);

    private static Task<(int Code, string Output, string Error)> ListAsync(ConnectorHost host, params (string Key, string Value)[] options) =>
        RunAsync((services, o, output, error) => FeesCommand.ListAsync(services, o, output, error, TestContext.Current.CancellationToken), host, options);

    private static Task<(int Code, string Output, string Error)> ExportAsync(ConnectorHost host, string from, string to, string output) =>
        RunAsync((services, o, text, error) => ExportCommand.RunAsync(services, o, text, error, TestContext.Current.CancellationToken), host, [("ledger", "books"), ("from", from), ("to", to), ("out", output)]);

    private static async Task<(int Code, string Output, string Error)> RunAsync(
        Func<IServiceProvider, Dictionary<string, string>, TextWriter, TextWriter, Task<int>> command, ConnectorHost host, (string Key, string Value)[] options)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await command(host.Services, options.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal), output, error);
        return (code, output.ToString(), error.ToString());
    }

    private sealed record GenericLine(string JournalId, string Date, string AccountCode, decimal? Debit, decimal? Credit);

    /// <summary>Reads a generic ledger file back strictly, by its column names.</summary>
    private static List<GenericLine> ReadGeneric(string path)
    {
        using var csv = CsvReader.FromFile(path, new CsvReaderOptions
        {
            Separator = ',',
            MalformedData = CsvMalformedDataHandling.Throw,
            FieldCountMismatch = CsvFieldCountHandling.Throw,
        });
        var lines = new List<GenericLine>();
        while (csv.Read())
        {
            decimal? Number(string column) => csv.GetString(column) is { Length: > 0 } text ? decimal.Parse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture) : null;
            lines.Add(new GenericLine(csv.GetString("journal_id"), csv.GetString("date"), csv.GetString("account_code"), Number("debit"), Number("credit")));
        }

        return lines;
    }
}
