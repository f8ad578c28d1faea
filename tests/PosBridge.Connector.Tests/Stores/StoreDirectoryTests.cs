using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PosBridge.Connector.Cli;
using PosBridge.Connector.Stores;
using PosBridge.Connector.Tests.Hosting;
using PosBridge.Core.Amounts;
using PosBridge.Core.Sync;

namespace PosBridge.Connector.Tests.Stores;

public sealed class StoreDirectoryTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private static StoreOptions Options(Dictionary<string, StoreSettings>? own = null, Dictionary<string, StoreSettings>? accounting = null)
    {
        var options = new StoreOptions();
        foreach (var (id, store) in own ?? [])
        {
            options.Stores[id] = store;
        }

        foreach (var (id, store) in accounting ?? [])
        {
            options.AccountingStores[id] = store;
        }

        return options;
    }

    [Fact]
    public void Validate_EveryProblem_IsReportedNamingTheSetting()
    {
        var options = Options(
            new()
            {
                ["CAI1"] = new() { Currency = "egp", TimeZone = "Egypt Standard Time" },
                ["ALX 1"] = new() { Currency = "EGP", TimeZone = "Africa/Cairo" },
                ["RUH1"] = new() { Name = "الرياض\u0007", TimeZone = "Asia/Riyadh" },
                ["JED1"] = new() { Currency = "SAR" },
            });

        var result = new StoreOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        Assert.Contains(failures, f => f.StartsWith("PosBridge:Stores:CAI1:Currency 'egp' is not a currency", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("PosBridge:Stores:CAI1:TimeZone 'Egypt Standard Time' is not an IANA time zone", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("the store id 'ALX 1' must be", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("PosBridge:Stores:RUH1:Name must be", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("PosBridge:Stores:RUH1:Currency is missing", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("PosBridge:Stores:JED1:TimeZone is missing", StringComparison.Ordinal));
        Assert.Equal(6, failures.Count);
    }

    [Fact]
    public void Validate_AccountingDisagrees_IsRefusedNamingBoth()
    {
        var options = Options(
            new() { ["CAI1"] = new() { Currency = "EGP", TimeZone = "Africa/Cairo" } },
            new() { ["CAI1"] = new() { Currency = "USD", TimeZone = "Africa/Cairo" } });

        var failure = Assert.Single(new StoreOptionsValidator().Validate(null, options).Failures!);

        Assert.Equal("PosBridge:Stores:CAI1:Currency is 'EGP' but Accounting:Stores:CAI1:Currency is 'USD'; a store has one Currency: make them the same or remove the Accounting:Stores one.", failure);
    }

    [Fact]
    public void Find_FactsFromEitherSection_AreMerged()
    {
        var options = Options(
            new() { ["CAI1"] = new() { Name = "القاهرة", Currency = "EGP" } },
            new()
            {
                ["CAI1"] = new() { Currency = "EGP", TimeZone = "Africa/Cairo" },
                ["RUH1"] = new() { Currency = "SAR", TimeZone = "Asia/Riyadh" },
            });
        Assert.True(new StoreOptionsValidator().Validate(null, options).Succeeded);

        var directory = new StoreDirectory(Microsoft.Extensions.Options.Options.Create(options));

        Assert.Equal(new[] { "CAI1", "RUH1" }, directory.All.Select(s => s.Id));
        var cairo = directory.Find("CAI1")!;
        Assert.Equal(("القاهرة", Currency.EGP, "Africa/Cairo"), (cairo.Name, cairo.Currency, cairo.TimeZone.Id));
        Assert.Equal(("RUH1", Currency.SAR), (directory.Find("RUH1")!.Name, directory.Find("RUH1")!.Currency));
        Assert.Null(directory.Find("cai1"));
    }

    [Fact]
    public async Task Start_StoreSectionWithOtherFeaturesKeys_StartsAndLeavesThemAlone()
    {
        await using var host = await ConnectorHost.StartAsync(new()
        {
            ["PosBridge:Stores:GIZ1:Currency"] = "EGP",
            ["PosBridge:Stores:GIZ1:TimeZone"] = "Africa/Cairo",
            ["PosBridge:Stores:GIZ1:Catalog:Source"] = "file",
        });

        Assert.Equal(Currency.EGP, host.Services.GetRequiredService<StoreDirectory>().Find("GIZ1")!.Currency);
    }

    [Fact]
    public async Task Start_StoresDisagreeWithAccounting_IsRefused()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => ConnectorHost.StartAsync(new()
        {
            ["Accounting:Stores:CAI1:Currency"] = "SAR",
            ["Accounting:Stores:CAI1:TimeZone"] = "Africa/Cairo",
        }));

        var validation = failure as OptionsValidationException ?? Assert.IsType<OptionsValidationException>(Assert.IsType<AggregateException>(failure).InnerExceptions.OfType<OptionsValidationException>().First());
        Assert.Contains(validation.Failures, f => f.StartsWith("PosBridge:Stores:CAI1:Currency is 'EGP' but Accounting:Stores:CAI1:Currency is 'SAR'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PairCommand_UnconfiguredStore_IsRefusedNamingHowToConfigureIt()
    {
        var data = Directory.CreateTempSubdirectory("posbridge-stores-").FullName;
        try
        {
            var output = new StringWriter();
            var error = new StringWriter();

            var exit = await CommandLine.RunAsync(["tills", "pair", "--store", "GIZ1", "--till", "T1", "--name", "Front", "--data", data], output, error, TimeProvider.System, TestContext.Current.CancellationToken);

            Assert.Equal(CommandLine.Usage, exit);
            Assert.Contains("store 'GIZ1' is not configured on this connector; add PosBridge:Stores:GIZ1:Currency (ISO 4217, e.g. EGP) and PosBridge:Stores:GIZ1:TimeZone (IANA, e.g. Africa/Cairo)", error.ToString(), StringComparison.Ordinal);
            Assert.Empty(output.ToString());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Upload_SaleInAnotherCurrency_IsRejectedNamingCurrency()
    {
        await using var host = await ConnectorHost.StartAsync();
        var till = await host.PairTillAsync();
        var sales = new Sales(host.Clock);
        var good = sales.Next();
        var dollars = sales.Next() with { Currency = "USD" };

        var results = (await TestTill.ResultsAsync(await till.UploadAsync([dollars, good]))).Results;

        Assert.Equal(UploadStatus.Rejected, results[0].Status);
        var error = Assert.Single(results[0].Errors!);
        Assert.Equal("currency", error.Field);
        Assert.Contains("store 'CAI1' sells in EGP", error.Message, StringComparison.Ordinal);
        Assert.Equal(UploadStatus.Accepted, results[1].Status);
    }

    [Fact]
    public async Task Upload_TillOfAStoreNoLongerConfigured_IsRefusedAndTheTillKeepsItsSales()
    {
        var data = Directory.CreateTempSubdirectory("posbridge-stores-").FullName;
        try
        {
            TestTill till;
            await using (var first = await ConnectorHost.StartAsync(new() { ["PosBridge:Stores:GIZ1:Currency"] = "EGP", ["PosBridge:Stores:GIZ1:TimeZone"] = "Africa/Cairo" }, null, data))
            {
                till = await first.PairTillAsync("GIZ1", "T1");
            }

            await using var host = await ConnectorHost.StartAsync(null, null, data);
            var response = await new TestTill(host, till.Pairing).UploadAsync([new Sales(host.Clock, "GIZ1", "T1").Next()]);

            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            Assert.Equal("urn:posbridge:problem:store-not-configured", await TestTill.ProblemTypeAsync(response));
            Assert.Equal(0, await host.Services.GetRequiredService<PosBridge.Connector.Ingestion.IInbox>().CountAsync(TestContext.Current.CancellationToken));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task CloseShift_InAnotherCurrency_IsRefusedNamingCurrency()
    {
        await using var host = await ConnectorHost.StartAsync();
        var till = await host.PairTillAsync();
        var now = host.Clock.GetUtcNow();
        var closing = new ShiftClosing
        {
            StoreId = "CAI1", TillId = "T2", ShiftId = "0001", OpenedAtUtc = now.AddHours(-8), ClosedAtUtc = now,
            Currency = "SAR", OpeningFloat = 200m, ExpectedCash = 500m, CountedCash = 500m, SaleCount = 3,
        };

        var response = await till.SendAsync(HttpMethod.Post, "/api/v1/shifts/close", JsonSerializer.SerializeToUtf8Bytes(closing, Web));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("currency 'SAR' is not the currency of store 'CAI1' (EGP)", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    /// <summary>A ledger's store set only under PosBridge:Stores (as the README and the demo configure stores) starts and exports.</summary>
    [Fact]
    public async Task Ledger_StoreOnlyUnderPosBridgeStores_StartsWithTheSameFacts()
    {
        var settings = PosBridge.Connector.Tests.Dashboard.DashboardClient.Settings;
        settings["PosBridge:Stores:CAI1:TimeZone"] = "Africa/Cairo";
        settings["PosBridge:Stores:CAI1:Currency"] = "EGP";
        settings["Accounting:Ledgers:books:Store"] = "CAI1";
        settings["Accounting:Ledgers:books:Dialect"] = "generic";
        settings["Accounting:Ledgers:books:Taxes:vat14:Rate"] = "14";
        settings["Accounting:Ledgers:books:Taxes:vat14:Name"] = "VAT 14%";
        settings["PosBridge:CloseOfDay:Enabled"] = "false";

        await using var host = await ConnectorHost.StartAsync(settings);

        var accounting = host.Services.GetRequiredService<IOptions<PosBridge.Accounting.Setup.AccountingOptions>>().Value;
        Assert.Equal("EGP", accounting.Stores["CAI1"].Currency);
        Assert.Equal("Africa/Cairo", accounting.Stores["CAI1"].TimeZone);
    }
}
