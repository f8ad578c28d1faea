using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PosBridge.Connector.Catalog;
using PosBridge.Connector.Cli;
using PosBridge.Connector.Setup;
using PosBridge.Connector.Tests.Dashboard;
using PosBridge.Connector.Tests.Hosting;
using PosBridge.Connector.Tests.Odoo;
using PosBridge.Core.Adapters;
using PosBridge.Core.Catalog;
using PosBridge.Core.Sales;
using PosBridge.Erp.Odoo.Emulator;

namespace PosBridge.Connector.Tests.Setup;

/// <summary>
/// "What must I still map": the back office's set-up check as a manager meets it, in <c>posbridge status</c> and on the
/// dashboard, for what the connector knows of the shop (its paired tills, their stores' currencies, methods and taxes).
/// </summary>
public sealed class BackOfficeSetupTests
{
    [Fact]
    public async Task Status_NamesTheTillOdooDoesNotKnow_WithTheSettingToMapIt()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var odoo = await OdooEmulator.StartAsync(17);
        await using var host = await ConnectorHost.StartAsync(OdooDeliveryTests.Settings(odoo));
        await host.PairTillAsync(tillId: "T2");
        await host.PairTillAsync(tillId: "T3");
        var output = new StringWriter();

        var code = await ManagerCommands.StatusAsync(host.Services, output, ct);

        var text = output.ToString();
        Assert.Equal(CommandLine.Ok, code);
        Assert.Contains("Set-up of odoo: 1 to fix before sales go through, 0 warnings.", text, StringComparison.Ordinal);
        Assert.Contains("to fix: Till CAI1/T3 is paired but has no pos.config in Odoo", text, StringComparison.Ordinal);
        Assert.Contains("Odoo:Pos:Tills:CAI1/T3", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Till CAI1/T2", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_OfAShopOdooKnowsWhole_SaysNothingToFix()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var odoo = await OdooEmulator.StartAsync(17);
        await using var host = await ConnectorHost.StartAsync(OdooDeliveryTests.Settings(odoo));
        await host.PairTillAsync(tillId: "T2");
        await host.Services.GetRequiredService<CatalogPuller>().PullAsync(ct);
        var output = new StringWriter();

        await ManagerCommands.StatusAsync(host.Services, output, ct);

        Assert.Contains("Set-up of odoo: nothing to fix.", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_WhileOdooIsDown_SaysItCouldNotAsk_AndStillAnswers()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var odoo = await OdooEmulator.StartAsync(17);
        await using var host = await ConnectorHost.StartAsync(OdooDeliveryTests.Settings(odoo));
        await host.PairTillAsync(tillId: "T3");
        odoo.Inject(new Fault(FaultKind.BadGateway, Times: 1000));
        var output = new StringWriter();

        var code = await ManagerCommands.StatusAsync(host.Services, output, ct);

        var text = output.ToString();
        Assert.Equal(CommandLine.Ok, code);
        Assert.Contains("Sales received: 0", text, StringComparison.Ordinal);
        Assert.Contains("Set-up of odoo: not checked, odoo could not be asked:", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dashboard_ShowsTheLastCheck_AndChecksAgainAfterTheFix()
    {
        await using var odoo = await OdooEmulator.StartAsync(17);
        var settings = new Dictionary<string, string?>(OdooDeliveryTests.Settings(odoo));
        foreach (var (key, value) in DashboardClient.Settings)
        {
            settings[key] = value;
        }

        await using var host = await ConnectorHost.StartAsync(settings);
        await host.PairTillAsync(tillId: "T3");
        var manager = new DashboardClient(host);
        (await manager.LoginAsync()).EnsureSuccessStatusCode();

        var before = (await manager.OverviewAsync()).GetProperty("setup");
        var checkedNow = await manager.PostAsync("/dashboard/api/setup/check");
        var after = (await manager.OverviewAsync()).GetProperty("setup");
        var unsigned = await new DashboardClient(host).PostAsync("/dashboard/api/setup/check");

        Assert.Equal(0, before.GetArrayLength()); // the service's first check runs a little after start
        Assert.Equal(HttpStatusCode.OK, checkedNow.StatusCode);
        var answer = Assert.Single((await checkedNow.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).EnumerateArray());
        Assert.Equal("odoo", answer.GetProperty("adapter").GetString());
        var finding = Assert.Single(answer.GetProperty("findings").EnumerateArray());
        Assert.Equal(("blocking", "Till CAI1/T3"), (finding.GetProperty("severity").GetString(), finding.GetProperty("subject").GetString()));
        Assert.Contains("Odoo:Pos:Tills:CAI1/T3", finding.GetProperty("fix").GetString(), StringComparison.Ordinal);
        Assert.Equal(answer.GetRawText(), Assert.Single(after.EnumerateArray()).GetRawText());
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
    }

    [Fact]
    public async Task Scope_IsThePairedTillsInTheirStoresCurrencies_WithTheMethodsAndTaxesTheySellWith()
    {
        var ct = TestContext.Current.CancellationToken;
        var check = new RecordingCheck();
        await using var host = await ConnectorHost.StartAsync(null, s => s.AddSingleton<ISetupCheck>(check), null);
        await host.PairTillAsync("CAI1", "T2");
        await host.PairTillAsync("RUH1", "T5");
        await host.PairTillAsync("CAI1", "T7");
        await host.Services.GetRequiredService<Tills.ITillStore>().RevokeAsync("T7", host.Clock.GetUtcNow(), ct);
        await host.Services.GetRequiredService<Tills.Pairing>().CreateCodeAsync("ALX1", "T9", "Not paired yet", ct);
        var catalog = host.Services.GetRequiredService<ICatalogSnapshot>();
        await catalog.SavePaymentMethodsAsync(
            [
                new PaymentMethod { Id = "cash", Name = "Cash", Kind = PaymentKind.Cash },
                new PaymentMethod { Id = "mada", Name = "mada", Kind = PaymentKind.Card, OfferedAt = ["RUH1/T5"] },
                new PaymentMethod { Id = "valu", Name = "valU", Kind = PaymentKind.Wallet, OfferedAt = ["ALX1"] },
            ],
            [],
            ct);
        await catalog.SaveProductsAsync(
            [
                Product("coffee", "EGP", ["vat14"], ["CAI1"]),
                Product("dates", "SAR", ["vat15"], ["RUH1"]),
                Product("koshary", "EGP", ["vat14-alx"], ["ALX1"]),
                Product("old", "EGP", ["vat10"], []) with { Active = false },
            ],
            [],
            ct);

        var reports = await host.Services.GetRequiredService<BackOfficeSetup>().CheckAsync(ct);

        var scope = Assert.Single(check.Scopes);
        Assert.Equal([new SetupTill("CAI1", "T2", "EGP"), new SetupTill("RUH1", "T5", "SAR")], scope.Tills.OrderBy(t => t.TillId));
        Assert.Equal([new SetupPaymentMethod("cash", PaymentKind.Cash), new SetupPaymentMethod("mada", PaymentKind.Card)], scope.PaymentMethods);
        Assert.Equal(["vat14", "vat15"], scope.TaxIds);
        Assert.Equal("recording: nothing to fix.", string.Join('\n', BackOfficeSetup.Lines(Assert.Single(reports))).Replace("Set-up of ", string.Empty, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ABackOfficeThatHangs_IsReportedUnreachable_AndTheOthersStillAnswer()
    {
        var ct = TestContext.Current.CancellationToken;
        var hanging = new HangingCheck();
        var answering = new RecordingCheck([new SetupFinding(SetupSeverity.Warning, "Payment method 'card'", "is offered twice.", "Remove one.")]);
        await using var host = await ConnectorHost.StartAsync(null, s => s.AddSingleton<ISetupCheck>(hanging).AddSingleton<ISetupCheck>(answering), null);
        var setup = host.Services.GetRequiredService<BackOfficeSetup>();

        var checking = setup.CheckAsync(ct);
        await hanging.Started.Task.WaitAsync(ct);
        var stillRunning = !checking.IsCompleted;
        hanging.GiveUp.Cancel(); // stands for the 20 s limit: the check's own token ends it

        var reports = await checking;
        Assert.True(stillRunning);
        Assert.Equal(["hanging", "recording"], reports.Select(r => r.Adapter));
        Assert.NotNull(reports[0].Unreachable);
        Assert.Equal(
            ["Set-up of recording: 0 to fix before sales go through, 1 warning.", "  warning: Payment method 'card' is offered twice. Remove one."],
            BackOfficeSetup.Lines(reports[1]));
        Assert.Equal(reports, setup.Last);
    }

    private static Product Product(string id, string currency, string[] taxes, string[] stores) =>
        new() { Id = id, Name = id, Unit = "Units", ListPrice = 10m, Currency = currency, TaxIds = taxes, Stores = stores };

    private sealed class RecordingCheck(IReadOnlyList<SetupFinding>? findings = null) : ISetupCheck
    {
        public List<SetupScope> Scopes { get; } = [];

        public string Name => "recording";

        public Task<IReadOnlyList<SetupFinding>> CheckSetupAsync(SetupScope scope, CancellationToken cancellationToken = default)
        {
            Scopes.Add(scope);
            return Task.FromResult(findings ?? []);
        }
    }

    private sealed class HangingCheck : ISetupCheck
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationTokenSource GiveUp { get; } = new();

        public string Name => "hanging";

        public async Task<IReadOnlyList<SetupFinding>> CheckSetupAsync(SetupScope scope, CancellationToken cancellationToken = default)
        {
            Started.SetResult();
            using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, GiveUp.Token);
            await Task.Delay(Timeout.Infinite, either.Token);
            return [];
        }
    }
}
