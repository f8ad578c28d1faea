using OpenQA.Selenium.Interactions;

namespace PosBridge.Terminal.Screen.Tests.Screen;

/// <summary>
/// A promotion code at the cashier screen in real headless Chromium: beans scanned (EGP 120), an unknown code refused
/// in the dialog, COFFEE10 applied (10 % off), then taken off again. Photographed at phone and tablet sizes in English
/// and Arabic, into TestResults/screens-promo/.
/// </summary>
public sealed class PromotionBrowserTests
{
    [Fact]
    public async Task PromoCode_InChromium_RefusedThenAppliedAndTakenOff()
    {
        await using var till = await TestTillHost.StartAsync();
        using var browser = new Browser();
        var shots = new Shots(browser, "screens-promo");
        browser.Driver.Navigate().GoToUrl(till.Address);

        Browser.Until(() => browser.Find("open-shift").Displayed, "the open-shift card");
        browser.Type("float", "0");
        browser.Click("open-shift-btn");
        Browser.Until(() => !browser.Find("open-shift").Displayed, "the sell screen");
        browser.Js("document.activeElement && document.activeElement.blur()");
        new Actions(browser.Driver).SendKeys(DemoCatalog.BeansBarcode + OpenQA.Selenium.Keys.Enter).Perform();
        Browser.Until(() => browser.All("line").Count == 1, "the scanned beans");

        browser.Click("promo-add");
        Browser.Until(() => browser.Find("promo-dialog").Displayed, "the promotion code dialog");
        browser.Type("promo-input", "TEA20");
        browser.Click("promo-apply");
        Browser.Until(() => browser.Find("promo-answer").Text.Length > 0, "the refusal");
        Assert.Equal("No promotion has this code: check it.", Browser.Read(() => browser.Find("promo-answer").Text, "promo-answer"));
        shots.Take("01-promo-refused");

        Browser.Retry(() => browser.Find("promo-input").Clear(), "clear the code");
        browser.Type("promo-input", "coffee10");
        browser.Click("promo-apply");
        Browser.Until(() => !browser.Find("promo-dialog").Displayed && browser.Find("applied-promo").Displayed, "the promotion on the sale");
        Assert.Contains("COFFEE10", Browser.Read(() => browser.Find("applied-promo").Text, "applied-promo"), StringComparison.Ordinal);
        Assert.Equal("EGP 108.00", Browser.Read(() => browser.Find("total").Text, "total"));
        Assert.False(Browser.Read(() => browser.Find("promo-add").Displayed, "promo-add"));
        shots.Take("02-promo-applied");

        browser.Click("promo-remove");
        Browser.Until(() => !browser.Find("applied-promo").Displayed, "the promotion taken off");
        Assert.Equal("EGP 120.00", Browser.Read(() => browser.Find("total").Text, "total"));
    }
}
