using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using PosBridge.Terminal.Sales;
using PosBridge.Terminal.Staff;
using PosBridge.Terminal.Sync;
using PosBridge.Terminal.Tests.Sync;
using static PosBridge.Terminal.Screen.Tests.Screen.ScreenApiTests;
using PosBridge.Till;
using PosBridge.Till.Receipts;
using PosBridge.Till.Sales;
using PosBridge.Till.Sync;

namespace PosBridge.Terminal.Screen.Tests.Screen;

/// <summary>
/// After the sale: printing to a network thermal printer (a loopback listener stands in for it), receipts by
/// e-mail or SMS queued on the till and uploaded to a real connector, finding a sale to refund by search, and
/// manager approvals from the engine's staff.
/// </summary>
public sealed class ReceiptsAndApprovalsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Print_NetworkPrinter_ReceivesTheSalesEscPosBytes()
    {
        using var printer = new TcpListener(IPAddress.Loopback, 0);
        printer.Start();
        var port = ((IPEndPoint)printer.LocalEndpoint).Port;
        await using var till = await TestTillHost.StartAsync(null, "--Printer:Kind", "network", "--Printer:Host", "127.0.0.1", "--Printer:Port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--Printer:Paper", "58mm");
        var sale = await SellAsync(till);
        // The printer: takes one connection, reads to the end, closes, as a port-9100 printer does.
        var received = Task.Run(async () =>
        {
            using var client = await printer.AcceptTcpClientAsync(Ct);
            using var bytes = new MemoryStream();
            await client.GetStream().CopyToAsync(bytes, Ct);
            return bytes.ToArray();
        }, Ct);

        var answer = await PrintAsync(till, sale, HttpStatusCode.OK);

        Assert.True(answer.Printed, answer.Message);
        var stored = till.Service<SaleStore>().FindById(Guid.Parse(sale))!;
        var expected = ReceiptRenderer.RenderEscPos(Receipt.From(stored, till.Service<TillOptions>().Receipt), EscPosOptions.Paper58mm);
        Assert.Equal(expected, await received);
        Assert.Equal([0x1B, 0x40], expected[..2]);
        Assert.Equal([0x1D, 0x56, 66, 3], expected[^4..]);
    }

    [Fact]
    public async Task Print_PrinterOff_SaysOfflineClearly()
    {
        var port = FreePort();
        await using var till = await TestTillHost.StartAsync(null, "--Printer:Kind", "network", "--Printer:Host", "127.0.0.1", "--Printer:Port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var sale = await SellAsync(till);

        var answer = await PrintAsync(till, sale, HttpStatusCode.UnprocessableEntity);

        Assert.Equal("printer-offline", answer.Error!.Code);
        Assert.Contains($"127.0.0.1:{port}", answer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Print_PrinterNeverTakesTheReceipt_TimesOut()
    {
        // Accepts the connection and never finishes with it: a printer out of paper with a full buffer.
        using var printer = new TcpListener(IPAddress.Loopback, 0);
        printer.Start();
        var port = ((IPEndPoint)printer.LocalEndpoint).Port;
        await using var till = await TestTillHost.StartAsync(null, "--Printer:Kind", "network", "--Printer:Host", "127.0.0.1", "--Printer:Port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--Printer:Timeout", "00:00:01");
        var sale = await SellAsync(till);
        var hold = printer.AcceptTcpClientAsync(Ct);

        var answer = await PrintAsync(till, sale, HttpStatusCode.UnprocessableEntity);

        Assert.Equal("printer-timeout", answer.Error!.Code);
        (await hold).Dispose();
    }

    [Fact]
    public async Task Print_NoPrinterConfigured_SaysSo()
    {
        await using var till = await TestTillHost.StartAsync();
        var sale = await SellAsync(till);

        var answer = await PrintAsync(till, sale, HttpStatusCode.UnprocessableEntity);

        Assert.Equal("printer-none", answer.Error!.Code);
    }

    [Fact]
    public void Build_BadPrinterSettings_NamesEveryOne()
    {
        var e = Assert.Throws<InvalidOperationException>(() => TillHost.Build(["--data", Path.GetTempPath(), "--Printer:Kind", "network", "--Printer:Port", "70000", "--Printer:Paper", "70mm"], demo: true));

        Assert.Contains("Printer:Host", e.Message, StringComparison.Ordinal);
        Assert.Contains("Printer:Port", e.Message, StringComparison.Ordinal);
        Assert.Contains("Printer:Paper", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sms", "0100 123 4567", "bad-phone")]
    [InlineData("sms", "+20 call me", "bad-phone")]
    [InlineData("email", "layla@", "bad-email")]
    [InlineData("fax", "+201001234567", "invalid")]
    public async Task SendReceipt_BadAddress_IsRefusedAndQueuesNothing(string channel, string to, string code)
    {
        await using var till = await TestTillHost.StartAsync();
        var sale = await SellAsync(till);

        var answer = await SendAsync(till, sale, channel, to, HttpStatusCode.UnprocessableEntity);

        Assert.False(answer.Queued);
        Assert.Equal(code, answer.Error!.Code);
        Assert.Equal(0, till.Service<ReceiptRequests>().PendingCount);
    }

    [Fact]
    public async Task SendReceipt_Offline_IsKeptAcrossRestart()
    {
        var data = Directory.CreateTempSubdirectory("posbridge-screen-").FullName;
        string sale;
        await using (var till = await TestTillHost.StartAsync(data))
        {
            sale = await SellAsync(till);

            var answer = await SendAsync(till, sale, "sms", "+20 100 123 4567", HttpStatusCode.OK);

            Assert.True(answer.Queued);
            Assert.Equal("+201001234567", answer.To);
            Assert.Equal(1, answer.Sync!.ReceiptsWaiting);
        }

        await using var again = await TestTillHost.StartAsync(data);
        var kept = Assert.Single(again.Service<ReceiptRequests>().ForSale(Guid.Parse(sale)));
        Assert.Equal(("sms", "+201001234567", OutboxState.Pending), (kept.Channel, kept.Recipient, kept.State));
    }

    [Fact]
    public async Task SendReceipt_Online_IsUploadedToTheConnectorOnce()
    {
        using var connector = await ConnectorProcess.StartAsync(Ct);
        var code = await connector.PairingCodeAsync("CAI1", "T1", Ct);
        await using var till = await TestTillHost.StartAsync(null, "--connector", $"http://127.0.0.1:{connector.Port}", "--pair", code, "--Screen:SyncInterval", "00:00:00.3");
        var sale = await SellAsync(till);

        await SendAsync(till, sale, "email", "Layla@Example.com", HttpStatusCode.OK);
        await WaitAsync(() => Task.FromResult(till.Service<ReceiptRequests>().PendingCount == 0));

        var sent = Assert.Single(till.Service<ReceiptRequests>().ForSale(Guid.Parse(sale)));
        Assert.Equal(OutboxState.Sent, sent.State);
        Assert.Equal(1, sent.Attempts);
        Assert.Equal("Layla@example.com", sent.Recipient);
        Assert.Equal(0, (await till.Http.GetFromJsonAsync<ScreenSync>("/api/sync", Json, Ct))!.ReceiptsWaiting);
    }

    [Fact]
    public async Task RefundSearch_ByAmount_PagesNewestFirst_AndByNumberPart()
    {
        await using var till = await TestTillHost.StartAsync();
        for (var i = 0; i < 12; i++)
        {
            await SellAsync(till, openShift: i == 0);
        }

        var first = await SearchAsync(till, "amount=35&page=0");
        var second = await SearchAsync(till, "amount=35&page=1");
        var byNumber = await SearchAsync(till, "q=000003");
        var none = await SearchAsync(till, "amount=36");

        Assert.Equal(10, first.Sales.Count);
        Assert.True(first.HasMore);
        Assert.Equal("CAI1-T1-0001-000012", first.Sales[0].Number);
        Assert.Equal(["CAI1-T1-0001-000002", "CAI1-T1-0001-000001"], second.Sales.Select(s => s.Number));
        Assert.False(second.HasMore);
        Assert.Equal("CAI1-T1-0001-000003", Assert.Single(byNumber.Sales).Number);
        Assert.Empty(none.Sales);
    }

    [Fact]
    public async Task RefundSearch_NothingToSearchOrBadDate_SaysWhy()
    {
        await using var till = await TestTillHost.StartAsync();

        using var empty = await till.Http.GetAsync("/api/refund/search?q=", Ct);
        using var badDate = await till.Http.GetAsync("/api/refund/search?date=31/12/2026", Ct);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, empty.StatusCode);
        Assert.Equal("search-empty", (await empty.Content.ReadFromJsonAsync<ScreenSaleSearchResponse>(Json, Ct))!.Error!.Code);
        Assert.Equal("invalid", (await badDate.Content.ReadFromJsonAsync<ScreenSaleSearchResponse>(Json, Ct))!.Error!.Code);
    }

    [Fact]
    public async Task ManagerPin_ComesFromStaffWithThePermissionTheActionNeeds()
    {
        await using var till = await TestTillHost.StartAsync();
        // A supervisor may approve refunds only; the demo's manager (configured, kept hashed) may do all.
        till.Service<StaffStore>().Save(new StaffMember("sup", "Supervisor", TillPermissions.Refund), "5555");
        await PostAsync(till, "shift/open", new { openingFloat = 100 });
        await PostAsync(till, "cart/add", new { productId = "bak-1" });

        var supervisorPrice = await PostAsync(till, "cart/lines/0/price", new { price = 20, managerPin = "5555" }, HttpStatusCode.UnprocessableEntity);
        var supervisorCashOut = await PostAsync(till, "shift/cash", new { amount = -10, reason = "bank", managerPin = "5555" }, HttpStatusCode.UnprocessableEntity);
        var managerPrice = await PostAsync(till, "cart/lines/0/price", new { price = 20, managerPin = "1234" });
        var sold = await PostAsync(till, "pay/cash", new { tendered = 20 });
        using var refund = await till.Http.PostAsJsonAsync("/api/refund", new { saleId = sold.State.LastSale!.Id, lines = new[] { new { lineNumber = 1, quantity = 1 } }, payout = "cash", managerPin = "5555" }, Json, Ct);

        Assert.Equal("pin-wrong", supervisorPrice.Error!.Code);
        Assert.Equal("pin-wrong", supervisorCashOut.Error!.Code);
        Assert.Null(managerPrice.Error);
        Assert.Equal(HttpStatusCode.OK, refund.StatusCode);
        // The configured manager is in the engine's staff as a salted hash, not as typed.
        Assert.Equal(1, till.Service<Storage.TillDatabase>().Scalar<int>("SELECT COUNT(*) FROM Staff WHERE Id = 'manager' AND PinHash <> '1234' AND LENGTH(PinSalt) > 0"));
    }

    [Fact]
    public async Task Sync_NoConnectorOrUnreachable_SaysWhichAndTheCircuit()
    {
        await using var alone = await TestTillHost.StartAsync();
        await using var cut = await TestTillHost.StartAsync(null, "--connector", "http://127.0.0.1:9", "--pair", "NOPE", "--Screen:SyncInterval", "00:00:00.2");

        await WaitAsync(async () => (await cut.Http.GetFromJsonAsync<ScreenSync>("/api/sync", Json, Ct))!.Connection == "unreachable");
        var local = (await alone.Http.GetFromJsonAsync<ScreenSync>("/api/sync", Json, Ct))!;
        var down = (await cut.Http.GetFromJsonAsync<ScreenSync>("/api/sync", Json, Ct))!;

        Assert.Equal(("local", true), (local.Connection, local.Online));
        Assert.False(down.Online);
        Assert.Contains(down.Circuit, new[] { "closed", "open", "half-open" });
    }

    private static async Task<string> SellAsync(TestTillHost till, bool openShift = true)
    {
        if (openShift)
        {
            await PostAsync(till, "shift/open", new { openingFloat = 0 });
        }

        await PostAsync(till, "cart/add", new { productId = "bak-1" });
        var sold = await PostAsync(till, "pay/cash", new { tendered = 50 });
        await PostAsync(till, "sale/next", new { });
        return sold.State.LastSale!.Id;
    }

    private static async Task<ScreenPrintResponse> PrintAsync(TestTillHost till, string saleId, HttpStatusCode expected)
    {
        using var response = await till.Http.PostAsync($"/api/receipts/{saleId}/print", null, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode} {text}");
        return System.Text.Json.JsonSerializer.Deserialize<ScreenPrintResponse>(text, Json)!;
    }

    private static async Task<ScreenSendResponse> SendAsync(TestTillHost till, string saleId, string channel, string to, HttpStatusCode expected)
    {
        using var response = await till.Http.PostAsJsonAsync($"/api/receipts/{saleId}/send", new { channel, to, language = "en" }, Json, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode} {text}");
        return System.Text.Json.JsonSerializer.Deserialize<ScreenSendResponse>(text, Json)!;
    }

    private static async Task<ScreenSaleSearchResponse> SearchAsync(TestTillHost till, string query) =>
        (await till.Http.GetFromJsonAsync<ScreenSaleSearchResponse>("/api/refund/search?" + query, Json, Ct))!;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
