using OpenQA.Selenium;
using OpenQA.Selenium.Interactions;
using PosBridge.Terminal.Tests.Sync;
using PosBridge.Terminal.Sync;

namespace PosBridge.Terminal.Screen.Tests.Screen;

/// <summary>
/// A whole shift at the cashier screen in real headless Chromium, against a real connector: open with a
/// float, sell by scan and by search, pay cash and split, refund, sell on with the connector stopped, watch the
/// waiting count drain when it returns, close with the Z report. Every step is photographed at phone
/// (360×740) and tablet (1024×768) sizes in English and Arabic, into TestResults/screens/.
/// </summary>
public sealed class ShiftBrowserTests
{

    [Fact]
    public async Task WholeShift_InChromium_SellsOnlineAndOfflineAndClosesWithZReport()
    {
        var ct = TestContext.Current.CancellationToken;
        using var connector = await ConnectorProcess.StartAsync(ct);
        var code = await connector.PairingCodeAsync("CAI1", "T1", ct);
        // The shop's thermal printer: a loopback listener that keeps what each print job sends.
        using var printer = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        printer.Start();
        var printed = Task.Run(async () =>
        {
            using var job = await printer.AcceptTcpClientAsync(ct);
            using var bytes = new MemoryStream();
            await job.GetStream().CopyToAsync(bytes, ct);
            return bytes.ToArray();
        }, ct);
        await using var till = await TestTillHost.StartAsync(
            null,
            "--Printer:Kind", "network",
            "--Printer:Host", "127.0.0.1",
            "--Printer:Port", ((System.Net.IPEndPoint)printer.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--connector", $"http://127.0.0.1:{connector.Port}",
            "--pair", code,
            "--digits", "arabic",
            "--Screen:SyncInterval", "00:00:00.5",
            "--Screen:UploadMaxRetryDelay", "00:00:01",
            "--Screen:UploadWarningAge", "00:00:02");
        using var browser = new Browser();
        var shots = new Shots(browser);
        browser.Driver.Navigate().GoToUrl(till.Address);

        // Open the shift with a float.
        Browser.Until(() => browser.Find("open-shift").Displayed, "the open-shift card");
        Browser.Until(() => Net(browser) == "online", "the till to find its connector");
        shots.Take("01-open-shift");
        // Headless Chromium on Linux has no BarcodeDetector: the camera button stays hidden, the wedge scans.
        Assert.False(Browser.Read(() => browser.Find("camera").Displayed, "camera"));
        Assert.False((bool)browser.Js("return window.posbridge.camera")!);
        browser.Type("float", "500");
        browser.Click("open-shift-btn");
        Browser.Until(() => !browser.Find("open-shift").Displayed, "the sell screen");

        // Sell by scan: a keyboard-wedge scanner types digits and Enter anywhere on the page.
        Wedge(browser, DemoCatalog.WaterBarcode);
        Wedge(browser, DemoCatalog.WaterBarcode);
        Wedge(browser, DemoCatalog.GoudaLabel);
        Browser.Until(() => Lines(browser) == 2 && browser.All("line")[0].Text.Contains("2 ×", StringComparison.Ordinal), "two scanned lines, water ×2");
        Assert.Equal("EGP 164.00", Browser.Read(() => browser.Find("total").Text, "total"));
        shots.Take("02-sell-by-scan");

        // Sell by search, typed in Latin for an Arabic name.
        browser.Type("scan", "qahwa");
        Browser.Until(() => Tiles(browser) is [var only] && only.GetAttribute("data-id") == "hot-1", "one search result: قهوة تركي");
        shots.Take("03-sell-by-search");
        browser.Click("tile", 0);
        Browser.Until(() => Lines(browser) == 3, "the searched product in the cart");
        Assert.Equal("EGP 209.00", Browser.Read(() => browser.Find("total").Text, "total"));

        // Pay cash with a quick-tender note; the change is shown large.
        browser.Click("pay");
        Browser.Until(() => browser.Find("pay-dialog").Displayed && browser.All("quick").Count >= 4, "the pay dialog with quick tenders");
        Assert.Equal(["Exact 209.00", "210.00", "220.00", "250.00", "300.00", "400.00"], Browser.Read(() => browser.All("quick").Select(b => b.Text).ToList(), "quick"));
        shots.Take("04-pay-cash");
        browser.Click("quick", 3);
        Browser.Until(() => browser.Find("done").Displayed, "the sale-complete screen");
        Assert.Equal("EGP 41.00", Browser.Read(() => browser.Find("change").Text, "change"));
        shots.Take("05-cash-change");
        // The receipt on screen, as the engine renders it (with the sale's code, scanned for refunds).
        browser.Click("receipt");
        Browser.Until(() => browser.Find("receipt-dialog").Displayed, "the receipt");
        browser.Driver.SwitchTo().Frame(browser.Find("receipt-frame"));
        Browser.Until(() => browser.Driver.FindElement(By.TagName("body")).Text.Contains("CAI1-T1-0001-000001", StringComparison.Ordinal), "the sale number on the receipt");
        browser.Driver.SwitchTo().DefaultContent();
        shots.Take("05b-receipt");
        browser.Click("receipt-close");

        // Print it on the shop's printer: the engine's ESC/POS bytes arrive there.
        browser.Click("print");
        Browser.Until(() => browser.Find("done-answer").Text == "Receipt printed.", "the printer's answer");
        var job = await printed;
        Assert.Equal([0x1B, 0x40], job[..2]);
        Assert.Equal([0x1D, 0x56, 66, 3], job[^4..]);
        shots.Take("05c-printed");

        // Send it by SMS: a number without its country code is refused with why; then queued.
        browser.Click("send");
        Browser.Until(() => browser.Find("send-dialog").Displayed, "the send dialog");
        browser.Type("send-to", "0100 123 4567");
        browser.Click("send-ok");
        Browser.Until(() => browser.Find("send-answer").Text == "Type the number with + and the country code.", "the phone number refused");
        shots.Take("05d-send-refused");
        browser.Find("send-to").Clear();
        browser.Type("send-to", "+20 100 123 4567");
        browser.Click("send-ok");
        Browser.Until(() => browser.Find("done-answer").Text.Contains("+201001234567", StringComparison.Ordinal) && browser.Find("done-answer").Text.StartsWith("Receipt queued for", StringComparison.Ordinal), "the receipt queued");
        shots.Take("05e-send-queued");
        Browser.Until(() => till.Service<ReceiptRequests>().PendingCount == 0, "the receipt request uploaded to the connector", TimeSpan.FromSeconds(15));
        Assert.Empty(till.Service<ReceiptRequests>().Problems());
        NextSale(browser);

        // A line changed (quantity, discount, a manager-approved price), then split cash + card.
        AddTile(browser, "hot", "hot-3");
        AddTile(browser, "bakery", "bak-1");
        Browser.Until(() => Lines(browser) == 2, "two tiles in the cart");
        browser.Click("line", 0);
        browser.Find("qty").Clear();
        browser.Type("qty", "2");
        browser.Click("qty-set");
        Browser.Until(() => !browser.Find("line-dialog").Displayed, "the quantity set");
        browser.Click("line", 1);
        browser.Type("disc", "10");
        shots.Take("06-line-edit");
        browser.Click("disc-set");
        Browser.Until(() => !browser.Find("line-dialog").Displayed, "the discount applied");
        browser.Click("line", 0);
        browser.Type("price", "55");
        browser.Click("price-set");
        Browser.Until(() => browser.Find("pin-dialog").Displayed, "the manager PIN prompt");
        browser.Type("pin", "1234");
        shots.Take("07-manager-pin");
        browser.Click("pin-ok");
        Browser.Until(() => browser.Find("total").Text == "EGP 141.50", "2 × 55.00 + 35.00 − 10 %");
        browser.Click("pay");
        Browser.Until(() => browser.Find("pay-dialog").Displayed, "the pay dialog");
        browser.Type("tendered", "100");
        browser.Click("take-cash");
        Browser.Until(() => browser.Find("remaining").Text == "EGP 41.50", "41.50 left after 100 in cash");
        browser.Click("method-card");
        shots.Take("08-split-tender");
        browser.Click("charge");
        Browser.Until(() => browser.Find("done").Displayed, "the split sale complete");
        Assert.Contains("•••• 4242", Browser.Read(() => browser.Find("done").Text, "done"), StringComparison.Ordinal);
        shots.Take("09-split-done");
        NextSale(browser);

        // The connector goes away: the payment provider has its own network, so card, wallet and QR stay offered; cash sells on.
        connector.Kill();
        Browser.Until(() => Net(browser) == "offline", "the till to notice the connector is gone", TimeSpan.FromSeconds(15));
        AddTile(browser, "hot", "hot-2");
        browser.Click("pay");
        Browser.Until(() => browser.Find("pay-dialog").Displayed, "the pay dialog offline");
        Assert.True(Browser.Read(() => browser.Find("method-card").Enabled, "method-card"));
        Assert.True(Browser.Read(() => browser.Find("method-qr").Enabled, "method-qr"));
        shots.Take("10-offline-pay");
        browser.Click("quick", 0);
        NextSale(browser);
        Wedge(browser, DemoCatalog.ChipsBarcode);
        Browser.Until(() => Lines(browser) == 1, "a scan while offline");
        browser.Click("pay");
        Browser.Until(() => browser.All("quick").Count > 0, "quick tenders");
        browser.Click("quick", 0);
        NextSale(browser);
        Browser.Until(() => Pending(browser) == 2 && browser.Find("warn").Displayed, "two sales waiting, and the warning that they are old", TimeSpan.FromSeconds(15));
        shots.Take("11-offline-waiting");

        // The connector returns: the waiting count drains to zero on its own.
        await connector.RestartAsync(ct);
        Browser.Until(() => Net(browser) == "online" && Pending(browser) == 0, "the backlog uploaded", TimeSpan.FromSeconds(30));
        shots.Take("12-back-online");
        Assert.Equal(4, till.Service<Outbox>().SentCount);

        // A reload and a language switch keep the cart in progress.
        Wedge(browser, DemoCatalog.MilkBarcode);
        Browser.Until(() => Lines(browser) == 1, "milk scanned");
        browser.Driver.Navigate().Refresh();
        Browser.Until(() => Lines(browser) == 1 && browser.Find("total").Text == "EGP 38.50", "the cart back after a reload");
        browser.Click("lang");
        Browser.Until(() => (string?)browser.Js("return document.documentElement.dir") == "rtl" && Lines(browser) == 1, "Arabic, right to left, same cart");
        Assert.Equal("٣٨٫٥٠ ج.م", Browser.Read(() => browser.Find("total").Text, "total"));
        browser.Click("lang");
        Browser.Until(() => (string?)browser.Js("return document.documentElement.dir") == "ltr" && Lines(browser) == 1, "English again, same cart");
        shots.Take("13-reload-and-language-keep-cart");
        browser.Click("pay");
        Browser.Until(() => browser.All("quick").Count > 0, "quick tenders");
        browser.Click("quick", 0);
        NextSale(browser);

        // Refund one milk of the last sale, found without its receipt (by its amount), in cash, with a manager's PIN.
        browser.Click("menu");
        browser.Click("refund");
        Browser.Until(() => browser.Find("refund-dialog").Displayed, "the refund dialog");
        Browser.Retry(() => browser.Driver.FindElement(By.CssSelector("[data-test='refund-search'] summary")).Click(), "open the sale search");
        browser.Type("refund-amount", "38.50");
        browser.Click("refund-search-btn");
        Browser.Until(() => browser.All("refund-found-sale").Count > 0, "sales of 38.50 found");
        Assert.StartsWith("CAI1-T1-0001-000005", Browser.Read(() => browser.All("refund-found-sale")[0].Text, "refund-found-sale"), StringComparison.Ordinal);
        shots.Take("14a-refund-search");
        browser.Click("refund-found-sale", 0);
        Browser.Until(() => browser.All("refund-qty").Count == 1, "the sale's refundable lines");
        browser.All("refund-qty")[0].Clear();
        Browser.Retry(() => browser.All("refund-qty")[0].SendKeys("1"), "type the refund quantity");
        Browser.Retry(() => browser.Driver.FindElement(By.XPath("//div[@id='refundPayout']/button[2]")).Click(), "choose the cash payout");
        shots.Take("14-refund");
        browser.Click("refund-ok");
        Browser.Until(() => browser.Find("pin-dialog").Displayed, "the manager PIN prompt");
        browser.Type("pin", "1234");
        browser.Click("pin-ok");
        Browser.Until(() => browser.Find("done").Displayed, "the refund complete");
        Assert.Equal("EGP 38.50", Browser.Read(() => browser.Find("change").Text, "change"));
        shots.Take("15-refund-done");
        NextSale(browser);

        // X report mid-shift, then close with the count: the Z report.
        browser.Click("menu");
        browser.Click("x-report");
        Browser.Until(() => browser.Find("report").Displayed, "the X report");
        shots.Take("16-x-report");
        browser.Click("report-close");
        browser.Click("menu");
        browser.Click("close-shift");
        Browser.Until(() => browser.Find("close-dialog").Displayed, "the close-shift dialog");
        browser.Type("count", "860");
        browser.Click("close-ok");
        Browser.Until(() => browser.Find("report").Displayed, "the Z report");
        var z = browser.Find("report-table").Text;
        Assert.Contains("Sales (5) EGP 444.00", z, StringComparison.Ordinal);
        Assert.Contains("Refunds (1) EGP -38.50", z, StringComparison.Ordinal);
        Assert.Contains("Expected cash EGP 864.00", z, StringComparison.Ordinal);
        Assert.Contains("Difference EGP -4.00", z, StringComparison.Ordinal);
        shots.Take("17-z-report");
        Browser.Until(() => Pending(browser) == 0, "the last sale uploaded");
    }

    private static void Wedge(Browser browser, string code)
    {
        browser.Js("document.activeElement && document.activeElement.blur()");
        new Actions(browser.Driver).SendKeys(code + Keys.Enter).Perform();
    }

    private static void AddTile(Browser browser, string category, string productId)
    {
        Browser.Retry(() => browser.Driver.FindElement(By.XPath($"//nav[@id='cats']/button[{Categories.IndexOf(category) + 1}]")).Click(), "pick the category");
        var lines = Lines(browser);
        Browser.Retry(() => browser.Driver.FindElement(By.CssSelector($"[data-test='tile'][data-id='{productId}']")).Click(), "tap the tile");
        Browser.Until(() => Lines(browser) > lines || browser.All("line").Any(l => l.Text.Contains("2 ×", StringComparison.Ordinal)), $"{productId} added");
    }

    private static readonly List<string> Categories = ["hot", "cold", "bakery", "grocery"];

    private static void NextSale(Browser browser)
    {
        Browser.Until(() => browser.Find("done").Displayed, "the sale-complete screen");
        browser.Click("new-sale");
        Browser.Until(() => !browser.Find("done").Displayed && Lines(browser) == 0, "an empty cart for the next customer");
    }

    private static int Lines(Browser browser) => browser.All("line").Count;

    private static IReadOnlyList<IWebElement> Tiles(Browser browser) => browser.All("tile");

    private static string Net(Browser browser) => browser.Find("net").GetAttribute("class")!.Split(' ')[^1];

    private static int Pending(Browser browser) => int.Parse(browser.Find("waiting").GetAttribute("data-pending")!, System.Globalization.CultureInfo.InvariantCulture);
}
