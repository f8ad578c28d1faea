using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PosBridge.Connector.Catalog;
using PosBridge.Connector.Cli;
using PosBridge.Connector.Dispatch;
using PosBridge.Connector.Receipts;
using PosBridge.Connector.Tests.Dashboard;
using PosBridge.Connector.Tests.Dispatch;
using PosBridge.Connector.Tests.Hosting;
using PosBridge.Core.Loyalty;
using PosBridge.Core.Sales;
using PosBridge.Core.Sync;

namespace PosBridge.Connector.Tests.Customers;

/// <summary>
/// A customer asks the shop what it holds about them (PDPL art. 4, GDPR art. 15): <c>posbridge customers export</c>, as the
/// owner runs it beside the serving connector, on a day with sales of several customers, one a near namesake.
/// </summary>
public sealed class CustomersExportTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Export_ByPhoneInAnotherForm_HasTheirSalesWhereEachWent_TheirReceiptsAndCard_AndNoOneElses()
    {
        var sink = new FakeSalesSink("books");
        await using var host = await ConnectorHost.StartAsync(null, null, null, [sink]);
        var till = await host.PairTillAsync();
        var made = new Sales(host.Clock);
        var mona = new Customer { Id = "c-17", Name = "منى عبد الله", Phone = "010 0123 4567", Email = "mona@example.com" };
        var neighbour = new Customer { Id = "c-18", Name = "منى عبد الله", Phone = "01001234568" };
        var hers = new[] { made.Next() with { Customer = mona }, made.Next() with { Customer = mona with { Email = null } } };
        var others = new[] { made.Next() with { Customer = neighbour }, made.Next() };
        (await till.UploadAsync([.. hers, .. others])).EnsureSuccessStatusCode();
        await host.Services.GetRequiredService<SalesDispatcher>().DeliverAsync("books", Token);
        var receipts = host.Services.GetRequiredService<IReceiptMessageStore>();
        await receipts.ReceiveAsync("CAI1", "T2", Request(hers[0], "sms", "+201001234567"), TimeSpan.FromDays(90), Token);
        await receipts.ReceiveAsync("CAI1", "T2", Request(others[0], "sms", "+201001234568"), TimeSpan.FromDays(90), Token);
        await host.Services.GetRequiredService<ICatalogSnapshot>().SaveLoyaltyCardsAsync(
            [
                new LoyaltyCard { Id = "card-1", ProgramId = "p1", Code = "LC-0042", Customer = mona with { Phone = "+20 100 123 4567" }, Points = 120m, AsOf = host.Clock.GetUtcNow() },
                new LoyaltyCard { Id = "card-2", ProgramId = "p1", Code = "LC-0043", Customer = neighbour, Points = 5m, AsOf = host.Clock.GetUtcNow() },
            ],
            [],
            Token);
        var file = Path.Combine(host.Directory, "mona.json");

        var (code, output, error) = await RunAsync(["customers", "export", "--phone", "+20 100 123 4567", "--out", file, "--data", host.Directory]);

        Assert.Equal((CommandLine.Ok, string.Empty), (code, error));
        Assert.Contains("2 sales, 1 receipt messages, 1 loyalty cards", output, StringComparison.Ordinal);
        using var export = JsonDocument.Parse(await File.ReadAllTextAsync(file, Token));
        var root = export.RootElement;
        var sales = root.GetProperty("sales").EnumerateArray().ToList();
        Assert.Equal(hers.Select(s => s.SaleNumber), sales.Select(s => s.GetProperty("saleNumber").GetString()));
        Assert.Equal("منى عبد الله", sales[0].GetProperty("sale").GetProperty("customer").GetProperty("name").GetString());
        Assert.Equal(hers[0].Totals.Total, sales[0].GetProperty("sale").GetProperty("totals").GetProperty("total").GetDecimal());
        var sent = Assert.Single(sales[0].GetProperty("sentTo").EnumerateArray());
        Assert.Equal(("books", "sent"), (sent.GetProperty("backOffice").GetString(), sent.GetProperty("state").GetString()));
        Assert.Equal("+201001234567", Assert.Single(root.GetProperty("receiptMessages").EnumerateArray()).GetProperty("recipient").GetString());
        Assert.Equal("LC-0042", Assert.Single(root.GetProperty("loyaltyCards").EnumerateArray()).GetProperty("code").GetString());
        Assert.Contains("CAI1/T2", root.GetProperty("heldElsewhere")[0].GetString(), StringComparison.Ordinal);
        var text = root.GetRawText();
        Assert.DoesNotContain("01001234568", text, StringComparison.Ordinal); // the neighbour's number appears nowhere
        Assert.DoesNotContain(others[0].SaleNumber, text, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        var audit = await DashboardClient.AuditAsync(host);
        Assert.Contains("cli customers.export phone …567", audit);
        Assert.DoesNotContain(audit, row => row.Contains("1234567", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Export_ByEmailOrCard_FindsTheSamePerson_AndSomeoneUnknownGetsAnEmptyAnswer()
    {
        await using var host = await ConnectorHost.StartAsync();
        var till = await host.PairTillAsync();
        var made = new Sales(host.Clock);
        var sale = made.Next() with { Customer = new Customer { Id = "c-9", Email = "Omar@Example.com", LoyaltyCardCode = "LC-7" } };
        (await till.UploadAsync([sale])).EnsureSuccessStatusCode();

        var byEmail = await ExportAsync(host, "--email", "omar@example.com");
        var byCard = await ExportAsync(host, "--card", "LC-7");
        var unknown = await ExportAsync(host, "--email", "nobody@example.com");

        Assert.Equal(sale.SaleNumber, Assert.Single(byEmail.GetProperty("sales").EnumerateArray()).GetProperty("saleNumber").GetString());
        Assert.Equal(sale.SaleNumber, Assert.Single(byCard.GetProperty("sales").EnumerateArray()).GetProperty("saleNumber").GetString());
        Assert.Empty(unknown.GetProperty("sales").EnumerateArray());
        Assert.Empty(unknown.GetProperty("heldElsewhere").EnumerateArray());
    }

    [Fact]
    public async Task Erase_KeepsAmountsUnderAPseudonym_EndsTheirReceiptLinks_AndNamesWhatIsLeftToErase()
    {
        var sink = new FakeSalesSink("books");
        await using var host = await ConnectorHost.StartAsync(null, null, null, [sink]);
        var till = await host.PairTillAsync();
        var made = new Sales(host.Clock);
        var mona = new Customer { Id = "c-17", Name = "منى عبد الله", Phone = "01001234567", Email = "mona@example.com" };
        var neighbour = new Customer { Id = "c-18", Name = "منى عبد الله", Phone = "01001234568" };
        var hers = new[] { made.Next() with { Customer = mona }, made.Next(price: 12m) with { Customer = mona } };
        var theirs = made.Next() with { Customer = neighbour };
        (await till.UploadAsync([hers[0], theirs])).EnsureSuccessStatusCode();
        await host.Services.GetRequiredService<SalesDispatcher>().DeliverAsync("books", Token);
        (await till.UploadAsync([hers[1]])).EnsureSuccessStatusCode(); // not yet delivered when she asks
        var receipts = host.Services.GetRequiredService<IReceiptMessageStore>();
        await receipts.ReceiveAsync("CAI1", "T2", Request(hers[0], "email", "mona@example.com"), TimeSpan.FromDays(90), Token);
        var token = Assert.Single(await receipts.DueAsync([ReceiptChannel.Email], 10, Token)).Token;
        Assert.NotNull(await receipts.PageAsync(token, Token));
        await host.Services.GetRequiredService<ICatalogSnapshot>().SaveLoyaltyCardsAsync(
            [new LoyaltyCard { Id = "card-1", ProgramId = "p1", Code = "LC-0042", Customer = mona, Points = 120m, AsOf = host.Clock.GetUtcNow() }], [], Token);
        var reportsBefore = await CustomerRowsAsync(host);

        var (dryCode, dryRun, _) = await RunAsync(["customers", "erase", "--phone", "+201001234567", "--data", host.Directory]);
        var afterDryRun = await ExportAsync(host, "--phone", "01001234567");
        var (code, output, error) = await RunAsync(["customers", "erase", "--phone", "+201001234567", "--confirm", "yes", "--data", host.Directory]);

        Assert.Equal((CommandLine.Ok, CommandLine.Ok, string.Empty), (dryCode, code, error));
        Assert.Contains("Nothing is changed yet: run again with --confirm yes.", dryRun, StringComparison.Ordinal);
        Assert.Equal(2, afterDryRun.GetProperty("sales").GetArrayLength()); // the dry run changed nothing
        Assert.Contains("Erased phone …567: 2 sales keep their amounts, taxes and numbers as erased-", output, StringComparison.Ordinal);
        Assert.Contains("still to do: books received 1 of these sales before", output, StringComparison.Ordinal);
        Assert.Contains("loyalty card LC-0042 comes from the catalog's back office", output, StringComparison.Ordinal);

        // Nothing of hers is found by anything she gave, and none of it is stored any more.
        foreach (var (option, value) in new[] { ("--phone", "01001234567"), ("--email", "mona@example.com"), ("--customer", "c-17") })
        {
            var export = await ExportAsync(host, option, value);
            Assert.Empty(export.GetProperty("sales").EnumerateArray());
            Assert.Empty(export.GetProperty("receiptMessages").EnumerateArray());
        }

        var documents = await DocumentsAsync(host);
        Assert.DoesNotContain(documents, d => d.Contains("mona@example.com", StringComparison.Ordinal) || d.Contains("01001234567", StringComparison.Ordinal) || d.Contains("\"c-17\"", StringComparison.Ordinal));
        Assert.Single(documents, d => d.Contains("01001234568", StringComparison.Ordinal)); // the neighbour's sale as it was
        Assert.Null(await receipts.PageAsync(token, Token));
        Assert.Empty(await receipts.DueAsync([ReceiptChannel.Email], 10, Token)); // never sent now

        // Tax law's part stays: the same totals; a till sending her sale again is answered "already here".
        var inbox = host.Services.GetRequiredService<PosBridge.Connector.Ingestion.IInbox>();
        Assert.Equal(3, await inbox.CountAsync(Token));
        var again = await till.UploadAsync([hers[0]]);
        var result = Assert.Single(JsonSerializer.Deserialize<SalesUploadResponse>(await again.Content.ReadAsStringAsync(Token), PosBridge.Connector.Hosting.TerminalApi.Json)!.Results);
        Assert.Equal(UploadStatus.Duplicate, result.Status);

        // The report figures keep her as one customer under the pseudonym, as a rebuild from the sales gives them.
        var reportsAfter = await CustomerRowsAsync(host);
        Assert.Equal(reportsBefore.Count, reportsAfter.Count);
        Assert.Contains(reportsBefore, r => r.Contains("c-17", StringComparison.Ordinal));
        Assert.DoesNotContain(reportsAfter, r => r.Contains("c-17", StringComparison.Ordinal));
        Assert.Contains(reportsAfter, r => r.Contains("erased-", StringComparison.Ordinal));
        await host.Services.GetRequiredService<PosBridge.Connector.Reports.IReportAggregates>().RebuildAsync(Token);
        Assert.Equal(reportsAfter, await CustomerRowsAsync(host));

        // The sale she bought after the first delivery goes to the back office without her.
        await host.Services.GetRequiredService<SalesDispatcher>().DeliverAsync("books", Token);
        Assert.Contains(hers[1].Id, sink.Delivered);
        var audit = await DashboardClient.AuditAsync(host);
        Assert.Contains("cli customers.erase phone …567", audit);
    }

    [Theory]
    [InlineData(new[] { "customers", "export", "--out", "x.json" }, "needs at least one of --phone, --email, --customer or --card")]
    [InlineData(new[] { "customers", "export", "--phone", "12-34", "--out", "x.json" }, "is not a phone number")]
    [InlineData(new[] { "customers", "export", "--email", "mona", "--out", "x.json" }, "is not an e-mail address")]
    [InlineData(new[] { "customers", "export", "--email", "mona@example.com" }, "customers export needs --out")]
    [InlineData(new[] { "customers", "forget", "--email", "mona@example.com" }, "use 'customers export")]
    [InlineData(new[] { "customers", "erase", "--confirm", "yes" }, "customers erase needs at least one of --phone")]
    [InlineData(new[] { "customers", "erase", "--email", "mona@example.com", "--confirm", "true" }, "--confirm takes 'yes'")]
    public async Task Export_AskedWrongly_SaysWhatToGive_WithExitCode2(string[] args, string expected)
    {
        var (code, _, error) = await RunAsync(args);

        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_OverAnExistingFile_IsRefused_AndTheFileKept()
    {
        await using var host = await ConnectorHost.StartAsync();
        var file = Path.Combine(host.Directory, "taken.json");
        await File.WriteAllTextAsync(file, "the accountant's notes", Token);

        var (code, _, error) = await RunAsync(["customers", "export", "--email", "a@b.co", "--out", file, "--data", host.Directory]);

        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains("exists; name a new file", error, StringComparison.Ordinal);
        Assert.Equal("the accountant's notes", await File.ReadAllTextAsync(file, Token));
    }

    private static Task<List<string>> DocumentsAsync(ConnectorHost host) =>
        host.Services.GetRequiredService<PosBridge.Connector.Storage.Sqlite.ConnectorDatabase>().ReadAsync(async connection =>
        {
            await using var command = PosBridge.Connector.Storage.Sqlite.Sql.Command(connection, null, "SELECT document FROM sales ORDER BY seq");
            await using var reader = await command.ExecuteReaderAsync(Token);
            var list = new List<string>();
            while (await reader.ReadAsync(Token))
            {
                list.Add(reader.GetString(0));
            }

            return list;
        });

    private static Task<List<string>> CustomerRowsAsync(ConnectorHost host) =>
        host.Services.GetRequiredService<PosBridge.Connector.Storage.Sqlite.ConnectorDatabase>().ReadAsync(async connection =>
        {
            await using var command = PosBridge.Connector.Storage.Sqlite.Sql.Command(
                connection,
                null,
                "SELECT store_id || ' ' || day || ' ' || customer_id || ' ' || sale_count || ' ' || net FROM report_customers UNION ALL SELECT 'first ' || customer_id || ' ' || day FROM report_customer_first ORDER BY 1");
            await using var reader = await command.ExecuteReaderAsync(Token);
            var list = new List<string>();
            while (await reader.ReadAsync(Token))
            {
                list.Add(reader.GetString(0));
            }

            return list;
        });

    private static async Task<JsonElement> ExportAsync(ConnectorHost host, string option, string value)
    {
        var file = Path.Combine(host.Directory, Guid.NewGuid() + ".json");
        var (code, _, error) = await RunAsync(["customers", "export", option, value, "--out", file, "--data", host.Directory]);
        Assert.True(code == CommandLine.Ok, error);
        return JsonDocument.Parse(await File.ReadAllTextAsync(file, Token)).RootElement.Clone();
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CommandLine.RunAsync(args, output, error, TimeProvider.System, Token);
        return (code, output.ToString(), error.ToString());
    }

    private static ReceiptMessageRequest Request(Sale sale, string channel, string to) => new()
    {
        RequestId = Guid.CreateVersion7(), SaleId = sale.Id, SaleNumber = sale.SaleNumber, Channel = channel, To = to,
        Language = "ar", StoreName = "مقهى النيل", ReceiptHtml = "<html><body>receipt</body></html>",
    };
}
