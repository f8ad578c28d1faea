using System.Globalization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;
using PosBridge.Connector.Hosting;
using PosBridge.Connector.Receipts;
using PosBridge.Connector.Shifts;
using PosBridge.Connector.Tills;
using PosBridge.Core.Sync;
using PosBridge.Terminal.Screen.Tests;

namespace PosBridge.Connector.Tests.Dashboard;

/// <summary>
/// The dashboard on a phone (360×740 CSS pixels, headless Chromium) in Arabic: two stores, one writing Arabic-Indic
/// digits (Cairo, the default) and one Latin digits (Riyadh, <c>Digits: latin</c>), with tills, Z reports, a
/// receipt that was not sent and a ledger file. Every cell must be on screen, every word Arabic, every amount in
/// its store's digits. Screenshots go to TestResults/dashboard-phone/.
/// </summary>
public sealed class DashboardPhoneBrowserTests
{
    private const int PhoneWidth = 360;

    [Fact]
    public async Task Dashboard_OnAPhoneInArabic_ShowsEveryCellInArabicWithEachStoresDigits()
    {
        var ct = TestContext.Current.CancellationToken;
        var directory = Directory.CreateTempSubdirectory("posbridge-dashboard-phone-").FullName;
        await using var app = ConnectorApp.Build(
            ["--urls", "http://127.0.0.1:0"],
            builder =>
            {
            builder.Services.AddSingleton<PosBridge.Core.Adapters.ISetupCheck>(new UnmappedTill());
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(DashboardClient.Settings)
            {
                ["PosBridge:DataDirectory"] = directory,
                ["PosBridge:Dispatch:Interval"] = "01:00:00",
                ["Logging:LogLevel:Default"] = "Warning",
                ["PosBridge:Stores:CAI1-DOWNTOWN:Name"] = "القاهرة — وسط البلد",
                ["PosBridge:Stores:CAI1-DOWNTOWN:Currency"] = "EGP",
                ["PosBridge:Stores:CAI1-DOWNTOWN:TimeZone"] = "Africa/Cairo",
                ["PosBridge:Stores:CAI1-DOWNTOWN:Catalog:Source"] = "File",
                ["PosBridge:Stores:CAI1-DOWNTOWN:Catalog:Taxes:0:Id"] = "vat14",
                ["PosBridge:Stores:CAI1-DOWNTOWN:Catalog:Taxes:0:Name"] = "VAT 14%",
                ["PosBridge:Stores:CAI1-DOWNTOWN:Catalog:Taxes:0:Percent"] = "14",
                ["PosBridge:Stores:RUH1-OLAYA:Name"] = "الرياض — العليا",
                ["PosBridge:Stores:RUH1-OLAYA:Currency"] = "SAR",
                ["PosBridge:Stores:RUH1-OLAYA:TimeZone"] = "Asia/Riyadh",
                ["PosBridge:Stores:RUH1-OLAYA:Digits"] = "latin",
                ["PosBridge:CloseOfDay:Enabled"] = "false",
                ["PosBridge:CloseOfDay:Downloads"] = "true",
                // The ledger export still reads its store from its own section (the same facts, which must agree).
                ["Accounting:Stores:CAI1-DOWNTOWN:Currency"] = "EGP",
                ["Accounting:Stores:CAI1-DOWNTOWN:TimeZone"] = "Africa/Cairo",
                ["Accounting:Ledgers:books:Store"] = "CAI1-DOWNTOWN",
                ["Accounting:Ledgers:books:Dialect"] = "generic",
                ["Accounting:Ledgers:books:Taxes:vat14:Rate"] = "14",
                ["Accounting:Ledgers:books:Taxes:vat14:Name"] = "VAT 14%",
            });
            });
        await app.StartAsync(ct);
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            await SeedAsync(app.Services, directory, ct);
            await app.Services.GetRequiredService<PosBridge.Connector.Setup.BackOfficeSetup>().CheckAsync(ct);

            using var browser = new Browser(PhoneWidth, 740);
            browser.Driver.Navigate().GoToUrl(address + "/dashboard");
            Browser.Until(() => browser.Find("login").Displayed, "the sign-in card");
            browser.Js("window.posbridgeDashboard.setLanguage('ar')");
            new BrowserSignIn(browser).FirstTime();
            Browser.Until(() => browser.Find("board").Displayed && browser.All("till-row").Count == 2 && browser.All("shift-close").Count == 2, "the tills and Z reports");
            Browser.Until(() => browser.All("receipt-problem").Count == 1 && browser.All("ledger-file").Count == 1, "the receipt and the ledger file");
            Browser.Until(() => browser.All("fiscal-document").Count == 3, "the tax-authority documents not accepted");
            Browser.Until(() => browser.All("setup-finding").Count == 1, "the back-office set-up to fix");
            Assert.Contains("المبيعات تنتظر", browser.Driver.FindElement(By.CssSelector("[data-test='setup-finding'][data-severity='blocking']")).Text, StringComparison.Ordinal);
            Assert.Contains("أصدر إشعارًا دائنًا", browser.Driver.FindElement(By.CssSelector("[data-test='fiscal-document'][data-state='rejected'] [data-test='fiscal-what-to-do']")).Text, StringComparison.Ordinal);
            Assert.Contains("BR-KSA-27", browser.Driver.FindElement(By.CssSelector("[data-test='fiscal-document'][data-state='rejected']")).Text, StringComparison.Ordinal);
            Assert.Contains("أكثر من ٢٤ ساعة", browser.Driver.FindElement(By.CssSelector("[data-test='fiscal-document'][data-state='waiting'] [data-test='fiscal-state']")).Text, StringComparison.Ordinal);
            var invalid = browser.Driver.FindElement(By.CssSelector("[data-test='fiscal-document'][data-advice='eta-invalid']"));
            Assert.Equal("غير صالح", invalid.FindElement(By.CssSelector("[data-test='fiscal-state']")).Text);
            Assert.Contains("ليس مستندًا ضريبيًا صالحًا", invalid.FindElement(By.CssSelector("[data-test='fiscal-what-to-do']")).Text, StringComparison.Ordinal);
            Assert.Contains("ActivityCodeNotRegistered", invalid.Text, StringComparison.Ordinal);
            Assert.Contains("المصلحة: غير صالح: ١", browser.Driver.FindElement(By.CssSelector("[data-test='fiscal-validation-count'][data-status='invalid']")).Text, StringComparison.Ordinal);
            var shots = Path.Combine(DashboardBrowserTests.TestResultsDirectory(), "dashboard-phone");
            Directory.CreateDirectory(shots);
            FullPageShot(browser, Path.Combine(shots, "01-board-ar.png"));

            // Nothing is cut off: the page does not scroll sideways and every cell of every table is on screen.
            Assert.True(Width(browser) <= PhoneWidth, $"the page is {Width(browser)} px wide on a {PhoneWidth} px phone");
            var offscreen = Browser.Read(() => (IReadOnlyCollection<object>)browser.Js(
                """
                const out = [];
                for (const cell of document.querySelectorAll('.table-wrap td, .table-wrap td button')) {
                  const r = cell.getBoundingClientRect();
                  if (r.width > 0 && (r.left < -1 || r.right > arguments[0] + 1)) out.push(`${cell.closest('table').dataset.test}: '${cell.textContent}' at ${Math.round(r.left)}–${Math.round(r.right)}`);
                }
                return out;
                """,
                PhoneWidth)!, "cells off screen");
            Assert.Empty(offscreen);

            // Each cell says which column it is, in Arabic, now that the header row is folded away.
            var revoke = browser.Driver.FindElement(By.CssSelector("[data-test='till-row'][data-id='CAI1-DOWNTOWN-T1'] [data-test='revoke']"));
            Assert.Equal("إبطال", revoke.Text);
            Assert.Equal("الحالة", browser.Driver.FindElement(By.CssSelector("[data-test='till-row'] [data-test='till-state']")).GetAttribute("data-label"));

            // Fully Arabic: no Latin word outside ids, codes and what back offices wrote (marked as such).
            var latin = Browser.Read(() => (IReadOnlyCollection<object>)browser.Js(
                """
                const out = [];
                const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
                while (walk.nextNode()) {
                  const node = walk.currentNode, at = node.parentElement;
                  if (!node.textContent.trim() || at.closest('bdi, [dir="ltr"], [dir="auto"], .id, script, style, [data-test="language"]')) continue;
                  if (at.getClientRects().length === 0) continue;
                  if (/[A-Za-z]/.test(node.textContent.replace(/PosBridge/g, ''))) out.push(node.textContent.trim());
                }
                for (const cell of document.querySelectorAll('[data-label]')) if (/[A-Za-z]/.test(cell.dataset.label)) out.push('label ' + cell.dataset.label);
                return out;
                """)!, "Latin text");
            Assert.Empty(latin);

            // Z amounts in each store's digits: Cairo Arabic-Indic, Riyadh Latin.
            var cairo = ZText(browser, "0007");
            Assert.Contains("١٬٢٥٠٫٥٠", cairo, StringComparison.Ordinal);
            Assert.DoesNotMatch("[0-9]", cairo);
            var riyadh = ZText(browser, "0003");
            Assert.Contains("980.00", riyadh, StringComparison.Ordinal);
            Assert.DoesNotMatch("[٠-٩]", riyadh);

            browser.Js("window.posbridgeDashboard.setLanguage('en')");
            Browser.Until(() => browser.Find("revoke").Text == "Revoke", "English again");
            Assert.True(Width(browser) <= PhoneWidth, $"the English page is {Width(browser)} px wide on a {PhoneWidth} px phone");
            Assert.Contains("1,250.50", ZText(browser, "0007"), StringComparison.Ordinal);
            FullPageShot(browser, Path.Combine(shots, "02-board-en.png"));

            // The product file uploaded from the phone: a bad one lists each problem by row and column and imports
            // nothing; the corrected one is published.
            var bad = Path.Combine(directory, "products.csv");
            await File.WriteAllTextAsync(bad, "name_ar,name_en,sku,barcode,price,tax,category,unit,weighed,stock\r\nقهوة,Coffee,HOT-1,,35.50,vat14,,,no,\r\nكوب,Cup,HOT-1,,12.345,vat15,,,maybe,-3\r\n", ct);
            Browser.Until(() => browser.Find("product-file-section").Displayed, "the product file card");
            browser.Type("product-file-input", bad);
            browser.Click("product-file-btn");
            Browser.Until(() => browser.All("product-file-problem").Count >= 5, "the file's problems");
            Assert.Contains("nothing was imported", browser.Find("message").Text, StringComparison.Ordinal);
            Assert.Empty(await app.Services.GetRequiredService<PosBridge.Connector.Catalog.ICatalogSnapshot>().ProductsAsync(ct));
            FullPageShot(browser, Path.Combine(shots, "03-product-file-problems-en.png"));
            await File.WriteAllTextAsync(bad, "name_ar,name_en,sku,barcode,price,tax,category,unit,weighed,stock\r\nقهوة,Coffee,HOT-1,,35.50,vat14,,,no,\r\nكوب,Cup,CUP-1,,12.00,vat14,,,no,30\r\n", ct);
            browser.Type("product-file-input", bad);
            browser.Click("product-file-btn");
            Browser.Until(() => browser.Find("message").Text.Contains("2 products", StringComparison.Ordinal), "the file published");
            Assert.False(browser.Find("product-file-problems-wrap").Displayed);
            Assert.Equal(2, (await app.Services.GetRequiredService<PosBridge.Connector.Catalog.ICatalogSnapshot>().ProductsAsync(ct)).Count);
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>A till at each store with a Z report, a receipt SMS the gateway refused, and a day's ledger file.</summary>
    private static async Task SeedAsync(IServiceProvider services, string directory, CancellationToken cancellationToken)
    {
        var pairing = services.GetRequiredService<Pairing>();
        await pairing.CreateCodeAsync("CAI1-DOWNTOWN", "CAI1-DOWNTOWN-T1", "الكاشير الأمامي", cancellationToken);
        await pairing.CreateCodeAsync("RUH1-OLAYA", "RUH1-OLAYA-T2", "Counter 2", cancellationToken);
        var closings = services.GetRequiredService<ShiftClosings>();
        await closings.ReceiveAsync(Closing("CAI1-DOWNTOWN", "CAI1-DOWNTOWN-T1", "0007", "EGP", 1250.50m, 1248m), cancellationToken);
        await closings.ReceiveAsync(Closing("RUH1-OLAYA", "RUH1-OLAYA-T2", "0003", "SAR", 980m, 980m), cancellationToken);

        // Tax-authority documents: one ZATCA refused with its business rule, one waiting for over a day; one reported (not listed).
        var fiscal = services.GetRequiredService<PosBridge.Connector.Fiscal.IFiscalDocumentStore>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var invoices = Enumerable.Range(0, 3).Select(_ => PosBridge.Connector.Tests.Fiscal.ZatcaReportingTests.Sample("simplified-invoice")).ToList();
        for (var i = 0; i < invoices.Count; i++)
        {
            await fiscal.ReceiveAsync("RUH1-OLAYA", "RUH1-OLAYA-T2", new PosBridge.Connector.Fiscal.FiscalUpload("ZATCA", invoices[i].Uuid, $"RUH1-OLAYA-RUH1-OLAYA-T2-0003-00000{i + 1}", i + 1, invoices[i].InvoiceHash, invoices[i].Xml, i == 1 ? now.AddHours(-30) : now.AddMinutes(-5)), cancellationToken);
        }

        await fiscal.RecordAsync(invoices[0].Uuid, "rejected", [], [new PosBridge.Connector.Fiscal.ZatcaMessage("BR-KSA-27", "KSA", "The value provided in KSA-2 is invalid")], null, null, cancellationToken);
        await fiscal.RecordAsync(invoices[2].Uuid, "reported", [], [], null, null, cancellationToken);

        // Two ETA e-receipts the ETA took: one it validated (not listed), one it found invalid with its reason.
        foreach (var (counter, status) in new[] { (1, PosBridge.Connector.Fiscal.EtaValidationStatus.Valid), (2, PosBridge.Connector.Fiscal.EtaValidationStatus.Invalid) })
        {
            var receipt = new System.Text.Json.Nodes.JsonObject { ["header"] = new System.Text.Json.Nodes.JsonObject { ["receiptNumber"] = $"CAI1-DOWNTOWN-T1-0007-00000{counter}", ["uuid"] = string.Empty } };
            var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(receipt.ToJsonString())));
            receipt["header"]!["uuid"] = hash;
            var id = new Guid(Convert.FromHexString(hash[..32]), bigEndian: true);
            await fiscal.ReceiveAsync("CAI1-DOWNTOWN", "CAI1-DOWNTOWN-T1", new PosBridge.Connector.Fiscal.FiscalUpload("ETA", id, $"CAI1-DOWNTOWN-T1-0007-00000{counter}", counter, hash, receipt.ToJsonString(), now.AddMinutes(-10)), cancellationToken);
            await fiscal.RecordEtaSubmittedAsync(id, "SUB-1", cancellationToken);
            await fiscal.RecordEtaValidationAsync(id, status, status == PosBridge.Connector.Fiscal.EtaValidationStatus.Invalid ? [new PosBridge.Connector.Fiscal.ZatcaMessage("ActivityCodeNotRegistered", "receipt.seller.activityCode", "The activity code is not registered for this taxpayer")] : [], null, TimeSpan.Zero, cancellationToken);
        }

        var receipts = services.GetRequiredService<IReceiptMessageStore>();
        var sms = new ReceiptMessageRequest
        {
            RequestId = Guid.CreateVersion7(), SaleId = Guid.CreateVersion7(), SaleNumber = "CAI1-DOWNTOWN-T1-0007-000042", Channel = "sms", To = "+201001234567",
            Language = "ar", StoreName = "مقهى النيل", ReceiptHtml = "<html><body>receipt</body></html>",
        };
        await receipts.ReceiveAsync("CAI1-DOWNTOWN", "CAI1-DOWNTOWN-T1", sms, TimeSpan.FromDays(90), cancellationToken);
        Assert.True(await receipts.ClaimAsync(sms.RequestId, cancellationToken));
        await receipts.RecordAsync(sms.RequestId, "dead", null, "gateway: number not reachable", cancellationToken);

        Directory.CreateDirectory(Path.Combine(directory, "ledgers", "books"));
        await File.WriteAllTextAsync(Path.Combine(directory, "ledgers", "books", "generic_CAI1-DOWNTOWN_20261122_20261122.csv"), "journal_id\r\n", cancellationToken);
    }

    private static ShiftClosing Closing(string store, string till, string shift, string currency, decimal expected, decimal counted) => new()
    {
        StoreId = store, TillId = till, ShiftId = shift, Currency = currency,
        OpenedAtUtc = DateTimeOffset.Parse("2026-11-23T06:00:00Z", CultureInfo.InvariantCulture),
        ClosedAtUtc = DateTimeOffset.Parse("2026-11-23T14:00:00Z", CultureInfo.InvariantCulture),
        OpeningFloat = 200m, ExpectedCash = expected, CountedCash = counted, SaleCount = 6,
    };

    private static string ZText(Browser browser, string shift) => Browser.Read(
        () => browser.Driver.FindElement(By.CssSelector($"[data-test='shift-close'][data-shift='{shift}'] [data-test='z-expected']")).Text
            + " " + browser.Driver.FindElement(By.CssSelector($"[data-test='shift-close'][data-shift='{shift}'] [data-test='z-difference']")).Text,
        "the Z amounts");

    private static long Width(Browser browser) => Convert.ToInt64(browser.Js("return document.documentElement.scrollWidth"), CultureInfo.InvariantCulture);

    private static void FullPageShot(Browser browser, string path)
    {
        var height = Convert.ToInt32(browser.Js("return document.documentElement.scrollHeight"), CultureInfo.InvariantCulture);
        browser.Viewport(PhoneWidth, Math.Min(height, 4000));
        browser.Screenshot(path);
        browser.Viewport(PhoneWidth, 740);
    }

    /// <summary>A back office that says one till is not mapped, as Odoo's set-up check words it.</summary>
    private sealed class UnmappedTill : PosBridge.Core.Adapters.ISetupCheck
    {
        public string Name => "odoo";

        public Task<IReadOnlyList<PosBridge.Core.Adapters.SetupFinding>> CheckSetupAsync(PosBridge.Core.Adapters.SetupScope scope, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<PosBridge.Core.Adapters.SetupFinding>>(
            [
                new(
                    PosBridge.Core.Adapters.SetupSeverity.Blocking,
                    "Till CAI1-DOWNTOWN/CAI1-DOWNTOWN-T1",
                    "is paired but has no pos.config in Odoo: its sales wait.",
                    "Set Odoo:Pos:Tills:CAI1-DOWNTOWN/CAI1-DOWNTOWN-T1 to the id of its Point of Sale in Odoo (Point of Sale › Configuration › Point of Sale: the number in the address); Odoo has Shop (1)."),
            ]);
    }
}
