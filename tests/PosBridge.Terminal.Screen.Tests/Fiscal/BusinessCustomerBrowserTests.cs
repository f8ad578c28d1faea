using OpenQA.Selenium;
using PosBridge.Terminal.Fiscal;
using PosBridge.Terminal.Screen.Tests.Screen;
using PosBridge.Terminal.Storage;

namespace PosBridge.Terminal.Screen.Tests.Fiscal;

/// <summary>
/// A cashier on a Saudi till that issues tax invoices registers a business customer in real headless Chromium, in
/// Arabic: a wrong VAT number is refused in the form (the field marked, nothing registered, no customer on the sale),
/// the right one is taken, the sale is paid, and the finished sale says ZATCA cleared its tax invoice. Then the
/// connector goes away and the next one says truthfully that it is not cleared and must not be given, and a simplified
/// invoice replaces it. Photographed into TestResults/screens-b2b/.
/// </summary>
public sealed class BusinessCustomerBrowserTests
{
    [Fact]
    public async Task BusinessCustomer_InChromium_WrongVatRefusedThenSaleClearedByZatca()
    {
        using var connector = new FiscalScreenApiTests.StandInConnector { Samples = ["simplified-invoice", "simplified-credit-note", "standard-invoice", "standard-credit-note"] };
        await using var till = await FiscalScreenApiTests.StandardTillAsync(connector);
        using var browser = new Browser();
        var shots = new Shots(browser, "screens-b2b");
        browser.Driver.Navigate().GoToUrl(till.Address);
        Browser.Until(() => browser.Find("open-shift").Displayed, "the open-shift card");
        browser.Type("float", "0");
        browser.Click("open-shift-btn");
        Browser.Until(() => !browser.Find("open-shift").Displayed, "the sell screen");
        browser.Click("lang");

        OpenForm(browser);
        browser.Type("b2b-name", "شركة المراعي للتوريدات");
        browser.Type("b2b-vat", "300000000000004");
        browser.Type("b2b-street", "طريق الملك فهد");
        browser.Type("b2b-building", "١٢٣٤");
        browser.Type("b2b-postal", "12611");
        browser.Type("b2b-district", "الملز");
        browser.Type("b2b-city", "الرياض");
        browser.Click("b2b-save");
        Browser.Until(() => browser.Find("b2b-answer").Text.StartsWith("الرقم الضريبي: ١٥ رقمًا", StringComparison.Ordinal), "the VAT number refused, in Arabic");
        Assert.Equal("true", browser.Find("b2b-vat").GetAttribute("aria-invalid"));
        Assert.Null(browser.Find("b2b-name").GetAttribute("aria-invalid"));
        Assert.Equal(0, till.Service<TillDatabase>().Scalar<int>("SELECT COUNT(*) FROM FiscalBuyers"));
        Shot(browser, shots, "01-vat-refused");

        // The same words in English when the cashier switches language with the form open.
        browser.Js("window.posbridge.setLanguage('en')");
        Browser.Until(() => browser.Find("b2b-answer").Text.StartsWith("VAT number: 15 digits", StringComparison.Ordinal), "the refusal in English");
        browser.Js("window.posbridge.setLanguage('ar')");

        browser.Find("b2b-vat").Clear();
        browser.Type("b2b-vat", "٣٠٠٠٠٠٠٠٠٠٠٠٠٠٣");
        browser.Click("b2b-save");
        Browser.Until(() => !browser.Find("b2b-dialog").Displayed, "the form closed");
        Browser.Until(() => browser.Find("customer-name").Text == "شركة المراعي للتوريدات", "the business customer on the sale");
        Assert.Contains("300000000000003", Browser.Read(() => browser.Find("customer-points").Text, "customer-points"), StringComparison.Ordinal);
        Shot(browser, shots, "02-buyer-on-sale");

        var sale = Sell(browser);
        Browser.Until(() => browser.Find("clearance").GetAttribute("data-outcome") == "cleared", "the tax invoice cleared");
        Assert.StartsWith("اعتمدتها هيئة الزكاة والضريبة", Browser.Read(() => browser.Find("clearance-state").Text, "clearance-state"), StringComparison.Ordinal);
        Assert.False(browser.Find("clearance-retry").Displayed);
        Assert.Equal(FiscalScreenApiTests.StandInConnector.ZatcaQr, FiscalChain.StoredQr(till.Service<TillDatabase>(), sale));
        Assert.Single(connector.Clearances);
        Shot(browser, shots, "03-cleared");

        // Offline: the next tax invoice is not given, the screen says so, and a simplified invoice replaces it.
        browser.Click("new-sale");
        Browser.Until(() => !browser.Find("done").Displayed, "the next sale");
        connector.Down = true;
        OpenForm(browser);
        browser.Type("b2b-name", "شركة المراعي للتوريدات");
        browser.Type("b2b-vat", "300000000000003");
        browser.Type("b2b-street", "طريق الملك فهد");
        browser.Type("b2b-building", "1234");
        browser.Type("b2b-postal", "12611");
        browser.Type("b2b-district", "الملز");
        browser.Type("b2b-city", "الرياض");
        browser.Click("b2b-save");
        Browser.Until(() => !browser.Find("b2b-dialog").Displayed, "the form closed");
        var offline = Sell(browser);
        Browser.Until(() => browser.Find("clearance").GetAttribute("data-outcome") == "offline", "the tax invoice not cleared");
        Assert.Contains("لا تسلّم هذه الفاتورة الضريبية بعد", Browser.Read(() => browser.Find("clearance-state").Text, "clearance-state"), StringComparison.Ordinal);
        Assert.True(browser.Find("clearance-retry").Displayed);
        Assert.NotNull(FiscalChain.NotGivenYet(till.Service<TillDatabase>(), offline));
        Shot(browser, shots, "04-offline");
        browser.Click("clearance-simplified");
        Browser.Until(() => browser.Find("clearance").GetAttribute("data-outcome") == "replaced", "a simplified invoice instead");
        Assert.Null(FiscalChain.NotGivenYet(till.Service<TillDatabase>(), offline));
        Shot(browser, shots, "05-simplified-instead");
    }

    /// <summary>Photographs the step in both languages (Shots leaves the page in English), then goes back to Arabic.</summary>
    private static void Shot(Browser browser, Shots shots, string name)
    {
        shots.Take(name);
        browser.Js("window.posbridge.setLanguage('ar')");
    }

    private static void OpenForm(Browser browser)
    {
        browser.Click("customer-add");
        Browser.Until(() => browser.Find("customer-dialog").Displayed && browser.Find("customer-b2b").Displayed, "the business-customer button");
        browser.Click("customer-b2b");
        Browser.Until(() => browser.Find("b2b-dialog").Displayed, "the business-customer form");
    }

    /// <summary>Adds the first product tile, pays the exact amount in cash, and returns the sale's id.</summary>
    private static Guid Sell(Browser browser)
    {
        Browser.Retry(() => browser.Driver.FindElement(By.CssSelector("[data-test='tile'][data-id='hot-1']")).Click(), "tap the tile");
        Browser.Until(() => browser.All("line").Count == 1, "the line on the sale");
        browser.Click("pay");
        Browser.Until(() => browser.Find("pay-dialog").Displayed && browser.All("quick").Count > 0, "the pay dialog");
        browser.Click("quick");
        Browser.Until(() => browser.Find("done").Displayed, "the sale-complete screen");
        return Guid.Parse((string)browser.Js("return S.lastSale.id")!);
    }
}
