using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;
using PosBridge.Connector.Dispatch;
using PosBridge.Connector.Hosting;
using PosBridge.Connector.Ingestion;
using PosBridge.Connector.Tests.Dispatch;
using PosBridge.Connector.Tests.Hosting;
using PosBridge.Connector.Tills;
using PosBridge.Core.Adapters;
using PosBridge.Core.Sync;
using PosBridge.Terminal.Screen.Tests;

namespace PosBridge.Connector.Tests.Dashboard;

/// <summary>
/// What a manager sees and does, in real headless Chromium against the connector on a loopback port: sign in,
/// find a till and an adapter with a dead letter and its reason, retry it, create a pairing code, revoke the till.
/// Each step is photographed at 1280×800 in English and Arabic into TestResults/dashboard/.
/// </summary>
public sealed class DashboardBrowserTests
{
    [Fact]
    public async Task Manager_InChromium_SeesDeadLetterRetriesItPairsATillAndRevokesOne()
    {
        var ct = TestContext.Current.CancellationToken;
        var odoo = new FakeSalesSink("odoo");
        var directory = Directory.CreateTempSubdirectory("posbridge-dashboard-").FullName;
        await using var app = ConnectorApp.Build(
            ["--urls", "http://127.0.0.1:0"],
            builder =>
            {
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(DashboardClient.Settings)
                {
                    ["PosBridge:DataDirectory"] = directory,
                    ["PosBridge:Dispatch:Interval"] = "01:00:00",
                    ["Logging:LogLevel:Default"] = "Warning",
                    ["Accounting:Stores:CAI1:TimeZone"] = "Africa/Cairo",
                    ["Accounting:Stores:CAI1:Currency"] = "EGP",
                    ["Accounting:Ledgers:books:Store"] = "CAI1",
                    ["Accounting:Ledgers:books:Dialect"] = "generic",
                    ["Accounting:Ledgers:books:Taxes:vat14:Rate"] = "14",
                    ["Accounting:Ledgers:books:Taxes:vat14:Name"] = "VAT 14%",
                    ["PosBridge:CloseOfDay:Enabled"] = "false",
                    ["PosBridge:CloseOfDay:Downloads"] = "true",
                });
                builder.Services.AddSingleton<ISalesSink>(odoo);
            });
        await app.StartAsync(ct);
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var till = await PairAndUploadAsync(app.Services, odoo, ct);
            // A day's file as the close-of-day run leaves it in the ledger's folder.
            const string ledgerFile = "generic_CAI1_20261122_20261122.csv";
            Directory.CreateDirectory(Path.Combine(directory, "ledgers", "books"));
            await File.WriteAllTextAsync(Path.Combine(directory, "ledgers", "books", ledgerFile), "journal_id\r\n", ct);

            // A receipt SMS the gateway refused.
            var receipts = app.Services.GetRequiredService<PosBridge.Connector.Receipts.IReceiptMessageStore>();
            var sms = new PosBridge.Core.Sync.ReceiptMessageRequest
            {
                RequestId = Guid.CreateVersion7(), SaleId = Guid.CreateVersion7(), SaleNumber = "CAI1-T1-0001-000002", Channel = "sms", To = "+201001234567",
                Language = "ar", StoreName = "مقهى النيل", ReceiptHtml = "<html><body>receipt</body></html>",
            };
            await receipts.ReceiveAsync("CAI1", "T1", sms, TimeSpan.FromDays(90), ct);
            Assert.True(await receipts.ClaimAsync(sms.RequestId, ct));
            await receipts.RecordAsync(sms.RequestId, "dead", null, "gateway: number not reachable", ct);

            using var browser = new Browser(1280, 800);
            var shots = new Shots(browser);
            browser.Driver.Navigate().GoToUrl(address + "/dashboard");

            // Sign in.
            Browser.Until(() => browser.Find("login").Displayed, "the sign-in card");
            shots.Take("01-sign-in");
            var signIn = new BrowserSignIn(browser);
            signIn.TypeNameAndPassword("not-the-password-0");
            Browser.Until(() => browser.Find("message").Displayed && browser.Find("message").Text.Contains("Wrong name or password", StringComparison.Ordinal), "the wrong-password message");
            signIn.TypeNameAndPassword();

            // The owner's first sign-in: an authenticator app is set up before anything else.
            signIn.Enrol(step => shots.Take("01b-" + step));
            Browser.Until(() => browser.Find("board").Displayed && browser.All("adapter").Count == 1 && browser.All("till-row").Count == 1, "the adapter and the till");

            // The adapter with its dead letter and reason, and the till with its last upload.
            var adapter = browser.All("adapter")[0];
            Assert.Equal("odoo", adapter.GetAttribute("data-name"));
            Assert.Equal("2", adapter.FindElement(By.CssSelector("[data-test='delivered']")).Text);
            Assert.Equal("Product p-coffee has no mapping in Odoo", adapter.FindElement(By.CssSelector("[data-test='reason']")).Text);
            var row = browser.All("till-row")[0];
            Assert.Equal(till, row.GetAttribute("data-id"));
            Assert.Equal("paired", row.FindElement(By.CssSelector("[data-test='till-state']")).GetAttribute("data-state"));
            shots.Take("02-dead-letter");

            // The ledger file, offered for download from the signed-in page.
            Browser.Until(() => browser.Find("ledger-section").Displayed && browser.All("ledger-file").Count == 1, "the ledger file");
            var download = browser.Find("ledger-download");
            Assert.Equal(ledgerFile, download.Text);
            Assert.EndsWith($"/dashboard/api/ledger-files/books/{ledgerFile}", download.GetAttribute("href"), StringComparison.Ordinal);

            // The refused SMS, with its masked number and reason; sent again, it leaves the list.
            Browser.Until(() => browser.Find("receipt-section").Displayed && browser.All("receipt-problem").Count == 1, "the refused receipt SMS");
            var stuck = browser.All("receipt-problem")[0];
            Assert.Contains("•••••4567", stuck.Text, StringComparison.Ordinal);
            Assert.Contains("gateway: number not reachable", stuck.Text, StringComparison.Ordinal);
            Assert.Equal("dead", stuck.FindElement(By.CssSelector("[data-test='receipt-state']")).GetAttribute("data-state"));
            ((OpenQA.Selenium.IJavaScriptExecutor)browser.Driver).ExecuteScript("arguments[0].scrollIntoView({block: 'center'})", stuck);
            shots.Take("02b-receipt-not-sent");
            Retry(() => browser.Find("resend").Click());
            Browser.Until(() => !browser.Find("receipt-section").Displayed && browser.Find("message").Text.Contains("CAI1-T1-0001-000002", StringComparison.Ordinal), "the receipt queued again");
            Assert.Equal(1, (await receipts.CountsAsync(ct)).Pending);

            // Retry after the fix: the dead letter leaves the list and waits for the next delivery run.
            odoo.Refuse.Clear();
            Retry(() => browser.Find("retry").Click());
            Browser.Until(() => browser.All("dead-letter").Count == 0 && browser.Find("waiting").Text == "1", "the dead letter queued again");
            Assert.Contains("1 dead letters queued again for odoo", browser.Find("message").Text, StringComparison.Ordinal);
            shots.Take("03-retried");

            // A pairing code for a new till.
            Retry(() => browser.Find("pair-store").SendKeys("CAI1"));
            Retry(() => browser.Find("pair-till").SendKeys("T9"));
            Retry(() => browser.Find("pair-name").SendKeys("Back counter"));
            Retry(() => browser.Find("pair-btn").Click());
            Browser.Until(() => browser.Find("pair-result").Displayed && browser.All("till-row").Count == 2, "the pairing code and the waiting till");
            Assert.Matches("^[A-Z2-9]{5}-[A-Z2-9]{5}$", browser.Find("pair-code").Text);
            shots.Take("04-pairing-code");

            // Revoke the paired till: two clicks, so a stray tap never does it.
            // The page redraws every 10 s, which disarms a first click: click twice on the same button until it takes.
            Browser.Until(
                () =>
                {
                    try
                    {
                        var revoke = browser.Driver.FindElement(By.CssSelector($"[data-test='till-row'][data-id='{till}'] [data-test='revoke']"));
                        revoke.Click();
                        Assert.Equal("paired", State(browser, till));
                        revoke.Click();
                    }
                    catch (Exception ex) when (ex is StaleElementReferenceException or NoSuchElementException)
                    {
                    }

                    return State(browser, till) == "revoked";
                },
                "the till revoked");
            shots.Take("05-revoked");

            // The owner's accounts, then signing out and in again: the password, then the app's code.
            Browser.Until(() => browser.Find("accounts-section").Displayed && browser.All("account-row").Count == 1, "the accounts page");
            Assert.Equal("yes", browser.Find("account-mfa").Text);
            shots.Take("06-accounts");
            browser.Click("logout");
            Browser.Until(() => browser.Find("login").Displayed, "the sign-in card again");
            signIn.TypeNameAndPassword();
            signIn.TypeCode();
            Browser.Until(() => browser.Find("board").Displayed && browser.All("till-row").Count == 2, "the dashboard after the code");

            var audit = await DashboardClient.AuditAsync(app.Services);
            Assert.Contains("dashboard:owner dashboard.mfa.enrolled owner", audit);
            Assert.Equal(2, audit.Count(r => r.StartsWith("dashboard:owner dashboard.login ", StringComparison.Ordinal)));
            Assert.Contains("dashboard:owner dashboard.delivery.retry odoo", audit);
            Assert.Contains($"dashboard:owner dashboard.receipt.resend {sms.RequestId}", audit);
            Assert.Contains("dashboard:owner dashboard.till.pairing-code T9", audit);
            Assert.Contains($"dashboard:owner dashboard.till.revoke {till}", audit);
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>A paired till whose three sales reached the connector; odoo took two and refused one.</summary>
    private static async Task<string> PairAndUploadAsync(IServiceProvider services, FakeSalesSink odoo, CancellationToken cancellationToken)
    {
        var pairing = services.GetRequiredService<Pairing>();
        var (_, code, _) = await pairing.CreateCodeAsync("CAI1", "T1", "Front counter", cancellationToken);
        var (response, problem) = await pairing.RedeemAsync(new PairingRequest { Code = code, DeviceName = "tablet" }, cancellationToken);
        Assert.Null(problem);
        var till = (await services.GetRequiredService<ITillStore>().ListAsync(cancellationToken)).Single(t => t.Id == response!.TillId);
        var sales = new Sales(services.GetRequiredService<TimeProvider>(), "CAI1", "T1").Many(3);
        odoo.Refuse[sales[1].SaleNumber] = "Product p-coffee has no mapping in Odoo";
        var result = await services.GetRequiredService<SalesIngestion>().IngestAsync(till, TestTill.Body(sales), cancellationToken);
        Assert.Null(result.Problem);
        var run = await services.GetRequiredService<SalesDispatcher>().DeliverAsync("odoo", cancellationToken);
        Assert.Equal((2, 1), (run.Delivered, run.DeadLettered));
        return till.Id;
    }

    /// <summary>Where screenshots go: POSBRIDGE_SCREENS_DIR, or the test project's TestResults folder.</summary>
    internal static string TestResultsDirectory()
    {
        if (Environment.GetEnvironmentVariable("POSBRIDGE_SCREENS_DIR") is { Length: > 0 } configured)
        {
            return configured;
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "PosBridge.Connector.Tests.csproj")))
            {
                return Path.Combine(directory.FullName, "TestResults");
            }
        }

        return Path.Combine(AppContext.BaseDirectory, "TestResults");
    }

    private static string? State(Browser browser, string till) =>
        browser.Driver.FindElement(By.CssSelector($"[data-test='till-row'][data-id='{till}'] [data-test='till-state']")).GetAttribute("data-state");

    /// <summary>Screenshots of each step in English and Arabic (right to left).</summary>
    private sealed class Shots
    {
        private readonly Browser _browser;
        private readonly string _directory;

        public Shots(Browser browser)
        {
            _browser = browser;
            _directory = Path.Combine(DashboardBrowserTests.TestResultsDirectory(), "dashboard");
            Directory.CreateDirectory(_directory);
            foreach (var old in Directory.GetFiles(_directory, "*.png"))
            {
                File.Delete(old);
            }
        }

        public void Take(string step)
        {
            foreach (var language in new[] { "en", "ar" })
            {
                _browser.Js("window.posbridgeDashboard.setLanguage(arguments[0])", language);
                // Two frames: layout and paint in the new language.
                _browser.Driver.ExecuteAsyncScript("const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(done));");
                _browser.Screenshot(Path.Combine(_directory, $"{step}-{language}.png"));
            }

            _browser.Js("window.posbridgeDashboard.setLanguage('en')");
        }
    }

    // The page redraws from each refresh, so an element found a moment ago may have been replaced.
    private static void Retry(Action action)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                action();
                return;
            }
            catch (Exception ex) when (attempt < 50 && ex is StaleElementReferenceException or ElementClickInterceptedException or ElementNotInteractableException)
            {
                Thread.Sleep(100);
            }
        }
    }
}
