using OpenQA.Selenium.Interactions;

namespace PosBridge.Terminal.Screen.Tests.Screen;

/// <summary>
/// What Debian's Chromium (which has no colour-emoji font) shows: every icon drawn as inline SVG, and the finished
/// sale showing change only when cash was taken. Photographed into TestResults/screens-icons/.
/// </summary>
public sealed class IconsAndChangeBrowserTests
{
    [Fact]
    public async Task Icons_InDebiansChromium_AreInlineSvgAndNoEmojiIsLeft()
    {
        await using var till = await TestTillHost.StartAsync();
        using var browser = new Browser(360, 740);
        browser.Driver.Navigate().GoToUrl(till.Address);
        OpenShift(browser);

        // No pictograph or dingbat as text anywhere on the page (they need a font the till may not have).
        var glyphs = Browser.Read(() => (string)browser.Js("return document.documentElement.outerHTML.match(/[\\u2190-\\u21ff\\u2300-\\u23ff\\u2600-\\u27bf\\u2b00-\\u2bff\\u{1f000}-\\u{1faff}\\ufe0f]/gu)?.join(' ') ?? ''")!, "glyphs");
        Assert.Equal(string.Empty, glyphs);

        // Each icon button draws its icon: an inline <svg> with a real size, and a name for screen readers.
        foreach (var test in new[] { "menu", "customer-add", "promo-add" })
        {
            var size = Browser.Read(() => (string)browser.Js($"const s = document.querySelector(\"[data-test='{test}'] svg\"); if (!s) return 'none'; const r = s.getBoundingClientRect(); return r.width + 'x' + r.height;")!, test);
            Assert.NotEqual("none", size);
            Assert.NotEqual("0x0", size);
        }

        Assert.Equal(string.Empty, Browser.Read(() => (string)browser.Js("return [...document.querySelectorAll('.icon-btn:not([data-test=lang])')].filter((b) => !b.querySelector('svg') || !(b.getAttribute('aria-label') || b.textContent.trim())).map((b) => b.outerHTML).join('\\n')")!, "icon buttons"));
        new Shots(browser, "screens-icons").Take("01-sell-screen");
    }

    [Fact]
    public async Task Done_CardSale_ShowsNoChangeAndCashSaleShowsIt()
    {
        await using var till = await TestTillHost.StartAsync();
        using var browser = new Browser();
        browser.Driver.Navigate().GoToUrl(till.Address);
        OpenShift(browser);

        Scan(browser, DemoCatalog.BeansBarcode);
        browser.Click("pay");
        Browser.Until(() => browser.Find("pay-dialog").Displayed, "the pay dialog");
        browser.Click("method-card");
        browser.Click("charge");
        Browser.Until(() => browser.Find("done").Displayed, "the card sale complete");
        Assert.False(Browser.Read(() => browser.Find("change").Displayed, "change"), "a card sale shows no change");
        Assert.DoesNotContain("Change", Browser.Read(() => browser.Find("done").Text, "done"), StringComparison.Ordinal);
        browser.Click("new-sale");
        Browser.Until(() => !browser.Find("done").Displayed, "the next sale");

        Scan(browser, DemoCatalog.BeansBarcode);
        browser.Click("pay");
        Browser.Until(() => browser.Find("pay-dialog").Displayed, "the pay dialog");
        browser.Type("tendered", "200");
        browser.Click("take-cash");
        Browser.Until(() => browser.Find("done").Displayed, "the cash sale complete");
        Assert.True(Browser.Read(() => browser.Find("change").Displayed, "change"));
        Assert.Equal("EGP 80.00", Browser.Read(() => browser.Find("change").Text, "change"));
    }

    private static void OpenShift(Browser browser)
    {
        Browser.Until(() => browser.Find("open-shift").Displayed, "the open-shift card");
        browser.Type("float", "0");
        browser.Click("open-shift-btn");
        Browser.Until(() => !browser.Find("open-shift").Displayed, "the sell screen");
    }

    private static void Scan(Browser browser, string barcode)
    {
        browser.Js("document.activeElement && document.activeElement.blur()");
        new Actions(browser.Driver).SendKeys(barcode + OpenQA.Selenium.Keys.Enter).Perform();
        Browser.Until(() => browser.All("line").Count == 1, "the scanned line");
    }
}
