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
        var manager = new DashboardClient(host);

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

    /// <summary>
    /// A receipt the ETA rejected was never registered: a return receipt would refer to a receipt the ETA does not hold,
    /// and sending it again as it is gets the same refusal. The owner is told to fix the cause (the till's ETA settings or
    /// the item codes) and not to refund it — not ZATCA's "credit note and sell again".
    /// </summary>
    [Fact]
    public async Task Fiscal_EtaReceiptRejected_SaysItIsNotRegisteredAndNotToIssueAReturnReceipt()
    {
        await using var host = await ConnectorHost.StartAsync(DashboardClient.Settings);
        var store = host.Services.GetRequiredService<IFiscalDocumentStore>();
        var receipt = new System.Text.Json.Nodes.JsonObject { ["header"] = new System.Text.Json.Nodes.JsonObject { ["receiptNumber"] = "CAI1-T02-0001-000001", ["uuid"] = string.Empty }, ["totalAmount"] = 114.0m };
        var uuid = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(receipt.ToJsonString())));
        receipt["header"]!["uuid"] = uuid;
        var id = new Guid(Convert.FromHexString(uuid[..32]), bigEndian: true);
        await store.ReceiveAsync("CAI1", "T02", new FiscalUpload("ETA", id, "CAI1-T02-0001-000001", 1, uuid, receipt.ToJsonString(), host.Clock.GetUtcNow()), Token);
        await store.RecordAsync(id, "rejected", [], [new ZatcaMessage("ValidationError", "receipt", "Activity code 4711 is not registered for this taxpayer")], "submission SUB-1", null, Token);
        var manager = new DashboardClient(host);
        (await manager.LoginAsync()).EnsureSuccessStatusCode();

        using var response = await manager.GetAsync("/dashboard/api/fiscal");

        var document = Assert.Single(JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token)).RootElement.GetProperty("documents").EnumerateArray());
        Assert.Equal("rejected", document.GetProperty("state").GetString());
        Assert.Equal("eta-rejected", document.GetProperty("advice").GetString());
        var whatToDo = document.GetProperty("whatToDo").GetString()!;
        Assert.Contains("not registered", whatToDo, StringComparison.Ordinal);
        Assert.Contains("Do not issue a return receipt", whatToDo, StringComparison.Ordinal);
        Assert.Contains("Till:Fiscal:Eta", whatToDo, StringComparison.Ordinal);
        Assert.DoesNotContain("credit note", whatToDo, StringComparison.Ordinal);

        // The page says it in both languages under the same advice.
        var script = await (await host.Client.GetAsync("/dashboard/dashboard.js", Token)).Content.ReadAsStringAsync(Token);
        Assert.Equal(2, script.Split("'fd_eta-rejected':").Length - 1);
        Assert.Equal(2, script.Split("'f_eta-rejected':").Length - 1);
    }
}
