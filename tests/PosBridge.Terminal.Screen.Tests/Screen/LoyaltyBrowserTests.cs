using OpenQA.Selenium;
using OpenQA.Selenium.Interactions;

namespace PosBridge.Terminal.Screen.Tests.Screen;

/// <summary>
/// A loyalty sale at the cashier screen in real headless Chromium: pay later is shown unavailable with no customer,
/// the demo card is scanned (attaching Layla), a reward bought with points, the sale paid, and the points earned and
/// spent read on the finished sale and its receipt. Each step photographed at phone and tablet sizes in English and
/// Arabic, into TestResults/screens-loyalty/.
/// </summary>
public sealed class LoyaltyBrowserTests
{
    [Fact]
    public async Task LoyaltySale_InChromium_AttachesByCardRedeemsPaysAndShowsPoints()
    {
        await using var till = await TestTillHost.StartAsync(null, "--digits", "arabic");
        using var browser = new Browser();
        var shots = new Shots(browser, "screens-loyalty");
        browser.Driver.Navigate().GoToUrl(till.Address);

        Browser.Until(() => browser.Find("open-shift").Displayed, "the open-shift card");
        browser.Type("float", "0");
        browser.Click("open-shift-btn");
        Browser.Until(() => !browser.Find("open-shift").Displayed, "the sell screen");
        Wedge(browser, DemoCatalog.MilkBarcode);
        Wedge(browser, DemoCatalog.BeansBarcode);
        Browser.Until(() => browser.All("line").Count == 2, "two scanned lines");

        // No customer: pay later is there, and visibly unavailable.
        browser.Click("pay");
        Browser.Until(() => browser.Find("pay-dialog").Displayed && browser.All("method-later").Count == 1, "the pay dialog");
        var later = Browser.Read(() => (browser.Find("method-later").Enabled, browser.Find("method-later").Text), "pay later");
        Assert.False(later.Enabled);
        Assert.Contains("Attach a customer", later.Text, StringComparison.Ordinal);
        shots.Take("01-pay-later-unavailable");
        new Actions(browser.Driver).SendKeys(Keys.Escape).Perform();
        Browser.Until(() => !browser.Find("pay-dialog").Displayed, "the pay dialog closed");

        // The loyalty card scanned like a product attaches its customer.
        Wedge(browser, DemoCatalog.CardCode);
        Browser.Until(() => browser.Find("customer-name").Displayed && browser.Find("customer-name").Text == "Layla Hassan", "the customer on the sale");
        Assert.Equal("180 points · earns 15.85", Browser.Read(() => browser.Find("customer-points").Text, "the points"));
        Assert.Equal(2, browser.All("line").Count);
        shots.Take("02-customer-attached");

        // Spend points: the rewards the card affords, and the one it does not, with what it still needs.
        browser.Click("rewards");
        Browser.Until(() => browser.Find("rewards-dialog").Displayed && browser.All("reward").Count == 3, "the rewards");
        var rewards = Browser.Read(() => browser.All("reward").Select(r => (r.Enabled, r.Text)).ToList(), "the rewards");
        Assert.Equal([true, true, false], rewards.Select(r => r.Enabled));
        Assert.Contains("120 more points needed", rewards[2].Text, StringComparison.Ordinal);
        shots.Take("03-rewards");
        Browser.Retry(() => browser.Driver.FindElement(By.CssSelector("[data-test='reward'][data-id='off-20']")).Click(), "choose EGP 20 off");
        Browser.Until(() => !browser.Find("rewards-dialog").Displayed && browser.Find("applied-reward").Displayed, "the reward on the sale");
        Assert.Equal("EGP 138.50", Browser.Read(() => browser.Find("total").Text, "the total"));
        Assert.Equal("180 points · earns 13.85", Browser.Read(() => browser.Find("customer-points").Text, "the points"));
        shots.Take("04-reward-applied");

        // Pay later is offered now; the customer pays cash anyway.
        browser.Click("pay");
        Browser.Until(() => browser.Find("pay-dialog").Displayed && browser.Find("method-later").Enabled, "pay later offered");
        shots.Take("05-pay");
        browser.Click("quick", 0);
        Browser.Until(() => browser.Find("done").Displayed, "the sale-complete screen");
        Assert.Equal("Layla Hassan · +13.85 points earned · 100 points spent", Browser.Read(() => browser.Find("done-points").Text, "the points earned"));
        shots.Take("06-done-with-points");

        // The receipt, as the engine renders it, carries the points.
        browser.Click("receipt");
        Browser.Until(() => browser.Find("receipt-dialog").Displayed, "the receipt");
        browser.Driver.SwitchTo().Frame(browser.Find("receipt-frame"));
        Browser.Until(() => browser.Driver.FindElement(By.TagName("body")).Text.Contains("Points earned", StringComparison.Ordinal), "the points on the receipt");
        var receipt = browser.Driver.FindElement(By.TagName("body")).Text;
        Assert.Contains("Points spent", receipt, StringComparison.Ordinal);
        Assert.Contains("13.85", receipt, StringComparison.Ordinal);
        browser.Driver.SwitchTo().DefaultContent();
        shots.Take("07-receipt");
        browser.Click("receipt-close");
        browser.Click("new-sale");
        Browser.Until(() => !browser.Find("done").Displayed && browser.Find("customer-add").Displayed, "the next sale, with no customer");
    }

    private static void Wedge(Browser browser, string code)
    {
        browser.Js("document.activeElement && document.activeElement.blur()");
        new Actions(browser.Driver).SendKeys(code + Keys.Enter).Perform();
    }
}
