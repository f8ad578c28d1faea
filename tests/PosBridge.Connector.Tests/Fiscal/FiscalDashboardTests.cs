using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PosBridge.Connector.Fiscal;
using PosBridge.Connector.Tests.Dashboard;
using PosBridge.Connector.Tests.Hosting;

namespace PosBridge.Connector.Tests.Fiscal;

public sealed class FiscalDashboardTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Fiscal_ForASignedInManager_ListsEachInvoicesStateWithWhatToDo()
    {
        await using var host = await ConnectorHost.StartAsync(DashboardClient.Settings);
        var store = host.Services.GetRequiredService<IFiscalDocumentStore>();
        var waiting = ZatcaReportingTests.Sample("simplified-invoice");
        var rejected = ZatcaReportingTests.Sample("simplified-invoice");
        await store.ReceiveAsync("RUH1", "T01", new FiscalUpload("ZATCA", waiting.Uuid, "RUH1-T01-0001-000001", 1, waiting.InvoiceHash, waiting.Xml, host.Clock.GetUtcNow().AddHours(-30)), Token);
        await store.ReceiveAsync("RUH1", "T01", new FiscalUpload("ZATCA", rejected.Uuid, "RUH1-T01-0001-000002", 2, rejected.InvoiceHash, rejected.Xml, host.Clock.GetUtcNow()), Token);
        await store.RecordAsync(rejected.Uuid, "rejected", [], [new ZatcaMessage("BR-KSA-27", "KSA", "The value provided in KSA-2 is invalid")], null, null, Token);
        var manager = new DashboardClient(host.Client);

        var anonymous = await manager.GetAsync("/dashboard/api/fiscal");
        (await manager.LoginAsync()).EnsureSuccessStatusCode();
        using var response = await manager.GetAsync("/dashboard/api/fiscal");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token)).RootElement;
        var documents = body.GetProperty("documents").EnumerateArray().ToList();
        Assert.Equal("rejected", documents[0].GetProperty("state").GetString());
        Assert.Equal("BR-KSA-27", documents[0].GetProperty("errors")[0].GetProperty("code").GetString());
        Assert.Contains("credit note", documents[0].GetProperty("whatToDo").GetString(), StringComparison.Ordinal);
        Assert.Equal("waiting", documents[1].GetProperty("state").GetString());
        Assert.True(documents[1].GetProperty("overdue").GetBoolean());
        Assert.Equal(1, body.GetProperty("counts").GetProperty("rejected").GetInt32());
    }
}
