using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PosBridge.Terminal.Fiscal;
using PosBridge.Terminal.Screen.Tests.Screen;
using PosBridge.Terminal.Storage;
using PosBridge.Till.Sync;

namespace PosBridge.Terminal.Screen.Tests.Fiscal;

/// <summary>
/// The owner onboards a Saudi till with ZATCA at the cashier screen in real headless Chromium: the state read in the
/// menu's tax-authority sheet, an OTP with a letter refused in the sheet, then the right OTP typed in Arabic and the
/// till shown onboarded until the certificate's end. Photographed into TestResults/screens-zatca/.
/// </summary>
public sealed class ZatcaOnboardingBrowserTests
{
    [Fact]
    public async Task Onboard_InChromium_WithTheOtpTypedOnTheTill_InEnglishAndArabic()
    {
        using var connector = new FiscalScreenApiTests.StandInConnector();
        await using var till = await TestTillHost.StartWithAsync(s => s.AddHttpClient(FiscalScreenEndpoints.ConnectorClientName).ConfigurePrimaryHttpMessageHandler(() => connector), null, FiscalScreenApiTests.SaudiSettings);
        till.Service<TillDatabase>().SetSetting("sync.credentials", JsonSerializer.Serialize(new TillCredentials("CAI1", "T1", "credential", Convert.ToBase64String(new byte[32]), TimeSpan.Zero), ConnectorClient.Json));
        using var browser = new Browser();
        var shots = new Shots(browser, "screens-zatca");
        browser.Driver.Navigate().GoToUrl(till.Address);
        Browser.Until(() => browser.Find("open-shift").Displayed, "the open-shift card");
        browser.Type("float", "0");
        browser.Click("open-shift-btn");
        Browser.Until(() => !browser.Find("open-shift").Displayed, "the sell screen");

        browser.Click("menu");
        Browser.Until(() => browser.Find("menu-dialog").Displayed, "the menu");
        browser.Click("zatca");
        Browser.Until(() => browser.Find("zatca-dialog").Displayed && browser.Find("zatca-state").Text.Length > 0, "the tax-authority sheet");
        Assert.StartsWith("Not onboarded", Browser.Read(() => browser.Find("zatca-state").Text, "zatca-state"), StringComparison.Ordinal);
        shots.Take("01-not-onboarded");

        browser.Type("zatca-otp", "12a45");
        browser.Type("zatca-pin", "1234");
        browser.Click("zatca-onboard");
        Browser.Until(() => browser.Find("zatca-answer").Text.Contains("digits only", StringComparison.Ordinal), "the refusal of the OTP");
        Assert.Equal(0, connector.Calls);
        shots.Take("02-otp-refused");

        // The sheet is modal: the owner closes it, switches to Arabic and opens it again.
        browser.Js("document.getElementById('zatcaDlg').close()");
        browser.Click("lang");
        browser.Click("menu");
        Browser.Until(() => browser.Find("menu-dialog").Displayed, "the menu");
        browser.Click("zatca");
        Browser.Until(() => browser.Find("zatca-dialog").Displayed && browser.Find("zatca-state").Text.StartsWith("غير مربوطة", StringComparison.Ordinal), "the sheet in Arabic");
        browser.Type("zatca-otp", "123345");
        browser.Type("zatca-pin", "1234");
        browser.Click("zatca-onboard");
        Browser.Until(() => browser.Find("zatca-answer").Text == "تم ربط نقطة البيع مع هيئة الزكاة والضريبة.", "the till onboarded");
        Assert.StartsWith("مربوطة مع هيئة الزكاة والضريبة حتى", Browser.Read(() => browser.Find("zatca-state").Text, "zatca-state"), StringComparison.Ordinal);
        Assert.Equal("123345", connector.Otp);
        shots.Take("03-onboarded-ar");
    }
}
