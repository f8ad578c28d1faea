using System.Globalization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;
using PosBridge.Connector.Hosting;
using PosBridge.Connector.Tests.Dashboard;
using PosBridge.Core.Amounts;
using PosBridge.Terminal.Screen.Tests;

namespace PosBridge.Connector.Tests.Reports;

/// <summary>
/// The reports page in headless Chromium against a real connector (Kestrel, SQLite) with two weeks of trading at a
/// Cairo store (Arabic-Indic digits) and a Riyadh store (Latin digits): on a desktop in English and on a 360 px phone
/// in Arabic, right to left; a sale stored while the page is open shows within seconds, without a reload.
/// Screenshots go to TestResults/reports/.
/// </summary>
public sealed class ReportBrowserTests
{
    private const int PhoneWidth = 360;

    [Fact]
    public async Task ReportsPage_InBothLanguagesOnDesktopAndPhone_ShowsTheFiguresAndASaleArrivingLive()
    {
        var ct = TestContext.Current.CancellationToken;
        var directory = Directory.CreateTempSubdirectory("posbridge-reports-browser-").FullName;
        await using var app = ConnectorApp.Build(
            ["--urls", "http://127.0.0.1:0"],
            builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(DashboardClient.Settings)
            {
                ["PosBridge:DataDirectory"] = directory,
                ["PosBridge:Dispatch:Interval"] = "01:00:00",
                ["Logging:LogLevel:Default"] = "Warning",
                ["PosBridge:Stores:CAI1:Name"] = "القاهرة — وسط البلد",
                ["PosBridge:Stores:CAI1:Currency"] = "EGP",
                ["PosBridge:Stores:CAI1:TimeZone"] = "Africa/Cairo",
                ["PosBridge:Stores:RUH1:Name"] = "الرياض — العليا",
                ["PosBridge:Stores:RUH1:Currency"] = "SAR",
                ["PosBridge:Stores:RUH1:TimeZone"] = "Asia/Riyadh",
                ["PosBridge:Stores:RUH1:Digits"] = "latin",
            }));
        await app.StartAsync(ct);
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Africa/Cairo")).DateTime);
            var cairo = new ShopMonth("CAI1", Currency.EGP, "Africa/Cairo", 21).Trade(today.AddDays(-13), today.AddDays(-1), 40);
            var riyadh = new ShopMonth("RUH1", Currency.SAR, "Asia/Riyadh", 22).Trade(today.AddDays(-13), today.AddDays(-1), 30);
            await ShopMonth.StoreAsync(app.Services, [.. cairo.Sales, .. riyadh.Sales], [.. cairo.Closings, .. riyadh.Closings], ct);
            var shots = Path.Combine(DashboardBrowserTests.TestResultsDirectory(), "reports");
            Directory.CreateDirectory(shots);

            using var browser = new Browser(1280, 900);
            browser.Driver.Navigate().GoToUrl(address + "/dashboard");
            Browser.Until(() => browser.Find("login").Displayed, "the sign-in card");
            browser.Js("window.posbridgeDashboard.setLanguage('en')");
            new BrowserSignIn(browser).FirstTime();
            browser.Click("reports-link");
            Browser.Until(() => browser.Find("reports").Displayed && browser.Find("live").Displayed, "the reports page, live");

            // Two weeks of every store on a desktop, in English.
            Show(browser, "", "range", today.AddDays(-13), today);
            Browser.Until(() => browser.All("currency-summary").Count == 2, "a summary per currency");
            Assert.Equal(["EGP", "SAR"], browser.All("currency-summary").Select(e => e.GetAttribute("data-currency")));
            Assert.Equal(2 * 24, Browser.Read(() => browser.Driver.FindElements(By.CssSelector("[data-test='hour-chart'] [data-test='chart-bar']")).Count, "hour bars"));
            Assert.Equal(2 * 13, Browser.Read(() => browser.Driver.FindElements(By.CssSelector("[data-test='day-chart'] [data-test='chart-bar']")).Count, "day bars"));
            Assert.Equal(cairo.Closings.Count + riyadh.Closings.Count, browser.All("shifts-row").Count);
            Assert.Contains("/dashboard/api/reports/tables/products.xlsx?", browser.Find("download-products-xlsx").GetAttribute("href"), StringComparison.Ordinal);
            var egpNet = cairo.Sales.Sum(s => s.Totals.Total);
            Assert.Equal("EGP " + egpNet.ToString("#,##0.00", CultureInfo.InvariantCulture), NetText(browser, "EGP"));
            browser.Screenshot(Path.Combine(shots, "00-reports-desktop-en-top.png"));
            FullPageShot(browser, 1280, Path.Combine(shots, "01-reports-desktop-en.png"));

            // Today at Cairo: a sale stored while the page is open shows without a reload.
            Show(browser, "CAI1", "today", null, null);
            Browser.Until(() => browser.Find("no-sales").Displayed, "an empty today");
            browser.Js("window.reportsPageMark = 'same page'");
            var live = new ShopMonth("CAI1", Currency.EGP, "Africa/Cairo", 23).Trade(today, today, 3).Sales.Take(1).Select(s => s with
            {
                CreatedAtUtc = DateTimeOffset.UtcNow.AddSeconds(-5),
                Id = PosBridge.Core.Sales.SaleId.At(DateTimeOffset.UtcNow.AddSeconds(-5)),
                StoreUtcOffset = TimeZoneInfo.FindSystemTimeZoneById("Africa/Cairo").GetUtcOffset(DateTimeOffset.UtcNow),
            }).ToList();
            await ShopMonth.StoreAsync(app.Services, live, [], ct);
            var expected = "EGP " + live[0].Totals.Total.ToString("#,##0.00", CultureInfo.InvariantCulture);
            Browser.Until(() => NetText(browser, "EGP") == expected, "the sale on the page", TimeSpan.FromSeconds(10));
            Assert.False(browser.Find("no-sales").Displayed);
            Assert.Equal("same page", browser.Js("return window.reportsPageMark"));
            FullPageShot(browser, 1280, Path.Combine(shots, "02-reports-live-sale-en.png"));

            // A phone, in Arabic: right to left, nothing off the side, every word Arabic, the store's digits.
            browser.Viewport(PhoneWidth, 740);
            browser.Js("window.posbridgeReports.setLanguage('ar')");
            Show(browser, "CAI1", "range", today.AddDays(-13), today);
            Browser.Until(() => browser.All("shifts-row").Count == cairo.Closings.Count, "Cairo's two weeks");
            Assert.Equal("rtl", browser.Js("return document.documentElement.dir"));
            var net = NetText(browser, "EGP");
            Assert.Matches("[٠-٩]", net);
            Assert.DoesNotMatch("[0-9]", net);
            Assert.True(Width(browser) <= PhoneWidth, $"the page is {Width(browser)} px wide on a {PhoneWidth} px phone");
            var offscreen = Browser.Read(() => (IReadOnlyCollection<object>)browser.Js(
                """
                const out = [];
                for (const node of document.querySelectorAll('.table-wrap td, .tile, svg.chart')) {
                  const r = node.getBoundingClientRect();
                  if (r.width > 0 && (r.left < -1 || r.right > arguments[0] + 1)) out.push(`${node.dataset.col || node.dataset.test || node.tagName}: ${Math.round(r.left)}–${Math.round(r.right)}`);
                }
                return out;
                """,
                PhoneWidth)!, "cells off screen");
            Assert.Empty(offscreen);
            var latin = Browser.Read(() => (IReadOnlyCollection<object>)browser.Js(
                """
                const out = [];
                const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
                while (walk.nextNode()) {
                  const node = walk.currentNode, at = node.parentElement;
                  if (!node.textContent.trim() || at.closest('bdi, [dir="ltr"], [dir="auto"], script, style, [data-test="language"], option')) continue;
                  if (at.getClientRects().length === 0) continue;
                  if (/[A-Za-z]/.test(node.textContent)) out.push(node.textContent.trim());
                }
                for (const cell of document.querySelectorAll('[data-label]')) if (/[A-Za-z]/.test(cell.dataset.label)) out.push('label ' + cell.dataset.label);
                return out;
                """)!, "Latin text");
            Assert.Empty(latin);
            browser.Js("window.scrollTo(0, 0)");
            browser.Screenshot(Path.Combine(shots, "03-reports-phone-ar-top.png"));
            FullPageShot(browser, PhoneWidth, Path.Combine(shots, "03-reports-phone-ar.png"));

            // Riyadh writes Latin digits in Arabic.
            Show(browser, "RUH1", "range", today.AddDays(-13), today);
            Browser.Until(() => browser.All("shifts-row").Count == riyadh.Closings.Count, "Riyadh's two weeks");
            Assert.DoesNotMatch("[٠-٩]", NetText(browser, "SAR"));
            Assert.Matches("[0-9]", NetText(browser, "SAR"));

            browser.Js("window.posbridgeReports.setLanguage('en')");
            Assert.True(Width(browser) <= PhoneWidth, $"the English page is {Width(browser)} px wide on a {PhoneWidth} px phone");
            FullPageShot(browser, PhoneWidth, Path.Combine(shots, "04-reports-phone-en.png"));

            browser.Viewport(1280, 900);
            browser.Js("window.posbridgeReports.setLanguage('ar')");
            Show(browser, "", "range", today.AddDays(-13), today);
            Browser.Until(() => browser.All("currency-summary").Count == 2, "every store in Arabic");
            FullPageShot(browser, 1280, Path.Combine(shots, "05-reports-desktop-ar.png"));
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Chooses a store and period in the form and waits for the report it asked for.</summary>
    private static void Show(Browser browser, string store, string period, DateOnly? from, DateOnly? to)
    {
        var generated = browser.Find("updated").Text;
        browser.Js(
            """
            const [store, period, from, to] = arguments;
            document.querySelector('[data-test="store"]').value = store;
            const p = document.querySelector('[data-test="period"]');
            p.value = period;
            p.dispatchEvent(new Event('change'));
            document.querySelector('[data-test="from"]').value = from;
            document.querySelector('[data-test="to"]').value = to;
            window.reportsLoaded = false;
            window.posbridgeReports.load().then(() => { window.reportsLoaded = true; });
            """,
            store,
            period,
            from?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? string.Empty,
            to?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? string.Empty);
        Browser.Until(() => Equals(browser.Js("return window.reportsLoaded"), true), "the report");
        Assert.False(browser.Find("message").Displayed, browser.Find("message").Text);
    }

    private static string NetText(Browser browser, string currency) => Browser.Read(
        () => browser.Driver.FindElement(By.CssSelector($"[data-test='currency-summary'][data-currency='{currency}'] [data-test='summary-net-value']")).Text,
        "the net figure");

    private static long Width(Browser browser) => Convert.ToInt64(browser.Js("return document.documentElement.scrollWidth"), CultureInfo.InvariantCulture);

    private static void FullPageShot(Browser browser, int width, string path)
    {
        var height = Convert.ToInt32(browser.Js("return document.documentElement.scrollHeight"), CultureInfo.InvariantCulture);
        browser.Viewport(width, Math.Min(height, 6000));
        browser.Screenshot(path);
        browser.Viewport(width, width == PhoneWidth ? 740 : 900);
    }
}
