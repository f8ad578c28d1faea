using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using PosBridge.Terminal.Storage;

namespace PosBridge.Terminal.Screen.Tests.Screen;

/// <summary>The screen's API over a real till process (in-process, on loopback), without a browser.</summary>
public sealed class ScreenApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    [Fact]
    public void Build_BoundBeyondLoopbackWithoutPin_RefusesToStartAndSaysWhy()
    {
        var e = Assert.Throws<InvalidOperationException>(() => TillHost.Build(["--data", Path.GetTempPath(), "--urls", "http://0.0.0.0:5090"], demo: true));

        Assert.Contains("Screen:LoginPin", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_SeveralBadSettings_NamesEveryOne()
    {
        var e = Assert.Throws<InvalidOperationException>(() => TillHost.Build(["--data", Path.GetTempPath(), "--lang", "fr", "--digits", "roman", "--currency", "XXX"], demo: true));

        Assert.Contains("Screen:Language", e.Message, StringComparison.Ordinal);
        Assert.Contains("Screen:Digits", e.Message, StringComparison.Ordinal);
        Assert.Contains("Till:Currency", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1", true)]
    [InlineData("127.0.0.1", "localhost", true)]
    [InlineData("::1", "[::1]", true)]
    [InlineData("192.168.1.20", "192.168.1.5", false)]
    [InlineData("127.0.0.1", "rebound.example.com", false)]
    public void IsAllowed_WithoutLogin_OnlyLoopbackNamingLoopback(string remote, string host, bool allowed)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        context.Request.Host = new HostString(host, 5090);

        Assert.Equal(allowed, new ScreenLogin().IsAllowed(context));
    }

    [Fact]
    public void IsAllowed_OtherDeviceWithSessionFromPin_IsLetIn()
    {
        var login = new ScreenLogin();
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse("192.168.1.20");
        context.Request.Headers.Cookie = $"{ScreenLogin.Cookie}={login.Open()}";

        Assert.True(login.IsAllowed(context));
    }

    [Fact]
    public async Task Scan_Barcode_AddsLineWithEngineTotals()
    {
        await using var till = await TestTillHost.StartAsync();
        await PostAsync(till, "shift/open", new { openingFloat = 500 });

        var water = await PostAsync(till, "cart/scan", new { code = DemoCatalog.WaterBarcode });
        var gouda = await PostAsync(till, "cart/scan", new { code = DemoCatalog.GoudaLabel });

        Assert.Null(water.Error);
        var lines = gouda.State.Cart.Lines;
        Assert.Equal(["Water 0.5 L", "Gouda"], lines.Select(l => l.Name));
        Assert.Equal("0.45", lines[1].Quantity);
        Assert.Equal("144.00", lines[1].Total);
        // 10.00 VAT-included water + 144.00 untaxed cheese.
        Assert.Equal("154.00", gouda.State.Cart.AmountDue);
        Assert.Equal("1.23", gouda.State.Cart.Tax);
    }

    [Fact]
    public async Task Scan_UnknownOrMisread_SaysSoAndChangesNothing()
    {
        await using var till = await TestTillHost.StartAsync();
        await PostAsync(till, "shift/open", new { openingFloat = 0 });

        var unknown = await PostAsync(till, "cart/scan", new { code = "4006381333931" }, HttpStatusCode.UnprocessableEntity);
        var misread = await PostAsync(till, "cart/scan", new { code = "6221000001018" }, HttpStatusCode.UnprocessableEntity);

        Assert.Equal("not-found", unknown.Error!.Code);
        Assert.Equal("bad-barcode", misread.Error!.Code);
        Assert.Empty(misread.State.Cart.Lines);
    }

    [Fact]
    public async Task Search_ArabicOrLatin_FindsTheSameProduct()
    {
        await using var till = await TestTillHost.StartAsync();

        var arabic = await till.Http.GetFromJsonAsync<List<ScreenProduct>>("/api/search?q=" + Uri.EscapeDataString("قهوه"), Json, Ct);
        var latin = await till.Http.GetFromJsonAsync<List<ScreenProduct>>("/api/search?q=qahwa", Json, Ct);

        Assert.Equal("hot-1", Assert.Single(arabic!).Id);
        Assert.Equal("hot-1", Assert.Single(latin!).Id);
    }

    [Fact]
    public async Task Cart_AfterTillRestart_IsThereWithItsCashPayment()
    {
        string data;
        await using (var till = await TestTillHost.StartAsync())
        {
            data = till.DataDirectory;
            await PostAsync(till, "shift/open", new { openingFloat = 500 });
            await PostAsync(till, "cart/add", new { productId = "hot-3" });
            await PostAsync(till, "cart/scan", new { code = DemoCatalog.MilkBarcode });
            var partly = await PostAsync(till, "pay/cash", new { tendered = 50 });
            Assert.Equal("48.50", partly.State.Cart.Remaining);
        }

        await using var again = await TestTillHost.StartAsync(data);
        var state = await again.Http.GetFromJsonAsync<ScreenState>("/api/state", Json, Ct);

        Assert.Equal(["Cappuccino", "Milk 1 L"], state!.Cart.Lines.Select(l => l.Name));
        Assert.Equal("50.00", Assert.Single(state.Cart.Payments).Amount);
        Assert.Equal("48.50", state.Cart.Remaining);
        var done = await PostAsync(again, "pay/cash", new { tendered = 50 });
        Assert.Equal("1.50", done.State.LastSale!.Change);
    }

    [Fact]
    public async Task Restart_AfterCommitBeforeCartCleared_DoesNotSellTheCartAgain()
    {
        string data;
        await using (var till = await TestTillHost.StartAsync())
        {
            data = till.DataDirectory;
            await PostAsync(till, "shift/open", new { openingFloat = 500 });
            await PostAsync(till, "cart/add", new { productId = "hot-2" });
            var saved = till.Service<TillDatabase>().GetSetting("screen.cart")!;
            await PostAsync(till, "pay/cash", new { tendered = 40 });
            // As if the till died right after the commit: the cart is still saved, marked as committing.
            var marked = saved.TrimEnd('}') + ",\"committing\":{\"shiftId\":\"CAI1-T1-0001\",\"salesBefore\":0}}";
            till.Service<TillDatabase>().SetSetting("screen.cart", marked);
            till.Service<TillDatabase>().SetSetting("screen.last-sale", string.Empty);
        }

        await using var again = await TestTillHost.StartAsync(data);
        var state = await again.Http.GetFromJsonAsync<ScreenState>("/api/state", Json, Ct);

        Assert.Empty(state!.Cart.Lines);
        Assert.Equal("CAI1-T1-0001-000001", state.LastSale!.Number);
        Assert.Equal(1, again.Service<PosBridge.Terminal.Sales.SaleStore>().Count());
    }

    [Fact]
    public async Task OverridePrice_WithoutManagerPin_IsRefused_WithPin_Changes()
    {
        await using var till = await TestTillHost.StartAsync();
        await PostAsync(till, "shift/open", new { openingFloat = 0 });
        await PostAsync(till, "cart/add", new { productId = "bak-1" });

        var refused = await PostAsync(till, "cart/lines/0/price", new { price = 20, managerPin = "0000" }, HttpStatusCode.UnprocessableEntity);
        var done = await PostAsync(till, "cart/lines/0/price", new { price = 20, managerPin = "1234" });

        Assert.Equal("pin-wrong", refused.Error!.Code);
        Assert.Equal("35.00", refused.State.Cart.AmountDue);
        Assert.True(done.State.Cart.Lines[0].PriceOverridden);
        Assert.Equal("20.00", done.State.Cart.AmountDue);
    }

    [Fact]
    public async Task ManagerPin_TooManyWrong_LocksEvenTheRightOne()
    {
        await using var till = await TestTillHost.StartAsync(null, "--Screen:PinAttempts", "3");
        await PostAsync(till, "shift/open", new { openingFloat = 0 });
        await PostAsync(till, "cart/add", new { productId = "bak-1" });
        for (var i = 0; i < 3; i++)
        {
            await PostAsync(till, "cart/lines/0/price", new { price = 1, managerPin = "9999" }, HttpStatusCode.UnprocessableEntity);
        }

        var locked = await PostAsync(till, "cart/lines/0/price", new { price = 1, managerPin = "1234" }, HttpStatusCode.UnprocessableEntity);

        Assert.Equal("pin-locked", locked.Error!.Code);
    }

    [Fact]
    public async Task Card_WhenConnectorUnreachable_IsStillOfferedAndTaken()
    {
        // A connector address nothing listens on: the till finds it offline at its first check. The payment provider
        // has its own network, so card, wallet and QR are still offered and a card sale goes through.
        await using var till = await TestTillHost.StartAsync(null, "--connector", "http://127.0.0.1:9", "--pair", "NOPE", "--Screen:SyncInterval", "00:00:00.2");
        await PostAsync(till, "shift/open", new { openingFloat = 0 });
        await PostAsync(till, "cart/add", new { productId = "bak-1" });
        await WaitAsync(async () => !(await till.Http.GetFromJsonAsync<ScreenSync>("/api/sync", Json, Ct))!.Online);

        var offered = (await till.Http.GetFromJsonAsync<ScreenState>("/api/state", Json, Ct))!;
        var card = await PostAsync(till, "pay/terminal", new { kind = "card" });

        Assert.All(offered.Methods.Where(m => m.Kind is "card" or "wallet" or "qr"), m => Assert.True(m.Available, m.Kind));
        Assert.True(offered.Sync.Payments);
        Assert.Equal(["card"], card.State.LastSale!.Payments.Select(p => p.Kind));
        Assert.Equal(1, card.State.Sync.Pending);
    }

    [Fact]
    public async Task Card_WhenPaymentProviderUnreachable_IsShownUnavailableAndRefused()
    {
        // The connector is fine (none configured: this till only); the provider's network is not.
        var provider = new PosBridge.Till.Payments.SimulatedPaymentTerminal { IsReachable = false };
        await using var till = await TestTillHost.StartWithAsync(s => s.AddSingleton<PosBridge.Till.Payments.IPaymentTerminal>(provider));
        await PostAsync(till, "shift/open", new { openingFloat = 0 });
        await PostAsync(till, "cart/add", new { productId = "bak-1" });

        var refused = await PostAsync(till, "pay/terminal", new { kind = "card" }, HttpStatusCode.UnprocessableEntity);
        var cash = await PostAsync(till, "pay/cash", new { tendered = 50 });

        Assert.Equal("offline", refused.Error!.Code);
        Assert.All(refused.State.Methods.Where(m => m.Kind is "card" or "wallet" or "qr"), m => Assert.False(m.Available, m.Kind));
        Assert.False(refused.State.Sync.Payments);
        Assert.Empty(provider.Requests);
        Assert.Equal("15.00", cash.State.LastSale!.Change);

        // The provider's network comes back: offered again at the next look, without a restart.
        provider.IsReachable = true;
        Assert.True((await till.Http.GetFromJsonAsync<ScreenSync>("/api/sync", Json, Ct))!.Payments);
    }

    [Fact]
    public async Task Split_CashThenCard_CompletesOneSale()
    {
        await using var till = await TestTillHost.StartAsync();
        await PostAsync(till, "shift/open", new { openingFloat = 0 });
        await PostAsync(till, "cart/add", new { productId = "cold-1" });
        await PostAsync(till, "cart/add", new { productId = "bak-4" });

        var cash = await PostAsync(till, "pay/cash", new { tendered = 100 });
        var card = await PostAsync(till, "pay/terminal", new { kind = "card" });

        Assert.Equal("35.00", cash.State.Cart.Remaining);
        var sale = card.State.LastSale!;
        Assert.Equal("135.00", sale.AmountDue);
        Assert.Equal(["cash", "card"], sale.Payments.Select(p => p.Kind));
        Assert.Equal("4242", sale.Payments[1].Last4);
    }

    [Fact]
    public async Task CloseShift_WithCount_GivesZReportWithDifference()
    {
        await using var till = await TestTillHost.StartAsync();
        await PostAsync(till, "shift/open", new { openingFloat = 500 });
        await PostAsync(till, "cart/add", new { productId = "hot-1" });
        await PostAsync(till, "pay/cash", new { tendered = 50 });
        await PostAsync(till, "shift/cash", new { amount = -100, reason = "bank", managerPin = "1234" });

        using var response = await till.Http.PostAsJsonAsync("/api/shift/close", new { countedCash = 440 }, Json, Ct);
        var z = (await response.Content.ReadFromJsonAsync<ScreenReportResponse>(Json, Ct))!.Report!;

        Assert.Equal("Z", z.Kind);
        Assert.Equal(1, z.SalesCount);
        Assert.Equal("445.00", z.ExpectedCash);
        Assert.Equal("-5.00", z.Difference);
        Assert.Null((await till.Http.GetFromJsonAsync<ScreenState>("/api/state", Json, Ct))!.Shift);
    }

    [Fact]
    public async Task XReport_MethodFromBackOfficeCatalog_CarriesItsName()
    {
        await using var till = await TestTillHost.StartAsync();
        till.Service<Catalog.CatalogStore>().Upsert(new Core.Catalog.PaymentMethod { Id = "9", Name = "نقدي الفرع", Kind = Core.Sales.PaymentKind.Cash });
        await PostAsync(till, "shift/open", new { openingFloat = 500 });
        await PostAsync(till, "cart/add", new { productId = "hot-1" });
        await PostAsync(till, "pay/cash", new { tendered = 50 });

        var x = (await till.Http.GetFromJsonAsync<ScreenReportResponse>("/api/shift/x", Json, Ct))!.Report!;

        var cash = Assert.Single(x.Payments);
        Assert.Equal(("9", "نقدي الفرع", "cash"), (cash.MethodId, cash.Name, cash.Kind));
    }

    [Fact]
    public async Task Page_FirstLoad_IsUnder300KilobytesCompressed()
    {
        await using var till = await TestTillHost.StartAsync();
        var assets = till.Service<StaticAssets>();

        var firstLoad = new[] { "index.html", "app.css", "app.js", "manifest.webmanifest", "icon.svg", "sw.js" }.Sum(f => assets.Files[f].Gzip.Length);

        Assert.InRange(firstLoad, 1, 300 * 1024);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.AcceptEncoding.ParseAdd("gzip");
        using var page = await till.Http.SendAsync(request, Ct);
        Assert.Equal("gzip", Assert.Single(page.Content.Headers.ContentEncoding));
        Assert.Contains("default-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    internal static async Task<ScreenResponse> PostAsync(TestTillHost till, string path, object body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await till.Http.PostAsJsonAsync("/api/" + path, body, Json, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == expected, $"{path}: {(int)response.StatusCode} {text}");
        return JsonSerializer.Deserialize<ScreenResponse>(text, Json)!;
    }

    internal static async Task WaitAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 200; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(50, Ct);
        }

        Assert.Fail("the condition never held");
    }
}
