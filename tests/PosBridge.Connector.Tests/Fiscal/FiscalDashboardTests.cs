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

    /// <summary>
    /// The ETA validates a receipt after it took it: the dashboard shows the receipt waiting for validation, then valid, or
    /// invalid with the ETA's reasons and what to do (not a valid tax document: correct and issue a new receipt).
    /// </summary>
    [Fact]
    public async Task Fiscal_EtaReceiptsTakenByTheEta_ShowWaitingForValidationAndInvalidWithTheEtasReasons()
    {
        await using var host = await ConnectorHost.StartAsync(DashboardClient.Settings);
        var store = host.Services.GetRequiredService<IFiscalDocumentStore>();
        var waiting = await EtaReceiptAsync(store, host, 1);
        var valid = await EtaReceiptAsync(store, host, 2);
        var invalid = await EtaReceiptAsync(store, host, 3);
        foreach (var id in new[] { waiting, valid, invalid })
        {
            await store.RecordEtaSubmittedAsync(id, "SUB-7", Token);
        }

        await store.RecordEtaValidationAsync(valid, EtaValidationStatus.Valid, [], null, TimeSpan.Zero, Token);
        await store.RecordEtaValidationAsync(invalid, EtaValidationStatus.Invalid, [new ZatcaMessage("ActivityCodeNotRegistered", "receipt.seller.activityCode", "The activity code is not registered for this taxpayer")], null, TimeSpan.Zero, Token);
        var manager = new DashboardClient(host);
        (await manager.LoginAsync()).EnsureSuccessStatusCode();

        using var response = await manager.GetAsync("/dashboard/api/fiscal");

        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token)).RootElement;
        var documents = body.GetProperty("documents").EnumerateArray().ToDictionary(d => d.GetProperty("uuid").GetGuid());
        Assert.Equal("eta-validating", documents[waiting].GetProperty("advice").GetString());
        Assert.Equal("waiting", documents[waiting].GetProperty("validation").GetProperty("status").GetString());
        Assert.Equal("SUB-7", documents[waiting].GetProperty("validation").GetProperty("submission").GetString());
        Assert.Equal("eta-valid", documents[valid].GetProperty("advice").GetString());
        var refused = documents[invalid];
        Assert.Equal("eta-invalid", refused.GetProperty("advice").GetString());
        Assert.Equal("ActivityCodeNotRegistered", refused.GetProperty("errors")[0].GetProperty("code").GetString());
        Assert.Contains("not a valid tax document", refused.GetProperty("whatToDo").GetString(), StringComparison.Ordinal);
        Assert.Contains("issue a new receipt", refused.GetProperty("whatToDo").GetString(), StringComparison.Ordinal);
        Assert.Equal(invalid, body.GetProperty("documents")[0].GetProperty("uuid").GetGuid());
        Assert.Equal(1, body.GetProperty("validations").GetProperty("invalid").GetInt32());
        Assert.Equal(1, body.GetProperty("validations").GetProperty("waiting").GetInt32());

        // The page says each in both languages under the same advice the API gives.
        var script = await (await host.Client.GetAsync("/dashboard/dashboard.js", Token)).Content.ReadAsStringAsync(Token);
        foreach (var advice in new[] { "eta-validating", "eta-valid", "eta-invalid", "eta-cancelled" })
        {
            Assert.Equal(2, script.Split($"'fd_{advice}':").Length - 1);
            Assert.Equal(2, script.Split($"'f_{advice}':").Length - 1);
        }
    }

    private static async Task<Guid> EtaReceiptAsync(IFiscalDocumentStore store, ConnectorHost host, int counter)
    {
        var receipt = new System.Text.Json.Nodes.JsonObject { ["header"] = new System.Text.Json.Nodes.JsonObject { ["receiptNumber"] = $"CAI1-T02-0001-00000{counter}", ["uuid"] = string.Empty }, ["totalAmount"] = 114.0m };
        var uuid = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(receipt.ToJsonString())));
        receipt["header"]!["uuid"] = uuid;
        var id = new Guid(Convert.FromHexString(uuid[..32]), bigEndian: true);
        await store.ReceiveAsync("CAI1", "T02", new FiscalUpload("ETA", id, $"CAI1-T02-0001-00000{counter}", counter, uuid, receipt.ToJsonString(), host.Clock.GetUtcNow()), Token);
        return id;
    }
}
