using PosBridge.Connector.Dashboard.Accounts;
using PosBridge.Terminal.Screen.Tests;

namespace PosBridge.Connector.Tests.Dashboard;

/// <summary>
/// Signing in on the dashboard page as a person does: name and password, then (an owner's first time) the enrolment
/// page, whose key this reads off the page and turns into codes as an authenticator app would, on the real clock.
/// </summary>
internal sealed class BrowserSignIn(Browser browser)
{
    private long _lastStep = long.MinValue;

    public byte[]? Secret { get; private set; }

    public IReadOnlyList<string> RecoveryCodes { get; private set; } = [];

    public void TypeNameAndPassword(string password = DashboardClient.Password, string name = DashboardClient.Owner)
    {
        Browser.Retry(() => browser.Find("account-name").Clear(), "clear the account name");
        browser.Type("account-name", name);
        browser.Type("password", password);
        browser.Click("login-btn");
    }

    /// <summary>On the enrolment page: reads the key, types the code, keeps the recovery codes, goes on to the board.</summary>
    public void Enrol(Action<string>? photograph = null)
    {
        Browser.Until(() => browser.Find("enrol").Displayed && browser.Find("enrol-secret").Text.Length > 0, "the authenticator set-up");
        Assert.StartsWith("data:image/png;base64,", browser.Find("enrol-qr").GetAttribute("src"), StringComparison.Ordinal);
        Assert.StartsWith("otpauth://totp/PosBridge:", browser.Find("enrol-link").Text, StringComparison.Ordinal);
        photograph?.Invoke("enrol");
        Secret = Totp.FromBase32(browser.Find("enrol-secret").Text.Replace(" ", string.Empty, StringComparison.Ordinal));
        browser.Type("enrol-code", NextCode());
        browser.Click("enrol-btn");
        Browser.Until(() => browser.Find("recovery").Displayed && browser.All("recovery-code").Count == 10, "the ten recovery codes");
        RecoveryCodes = [.. browser.All("recovery-code").Select(c => c.Text)];
        photograph?.Invoke("recovery-codes");
        browser.Click("recovery-done");
        Browser.Until(() => browser.Find("board").Displayed, "the dashboard");
    }

    /// <summary>The first sign-in of the owner on a new connector: the password, then the enrolment.</summary>
    public void FirstTime()
    {
        Browser.Until(() => browser.Find("login").Displayed, "the sign-in card");
        TypeNameAndPassword();
        Enrol();
    }

    /// <summary>The code step of a later sign-in.</summary>
    public void TypeCode()
    {
        Browser.Until(() => browser.Find("code-form").Displayed, "the code step");
        browser.Type("code", NextCode());
        browser.Click("code-btn");
    }

    /// <summary>The code the app shows now; a step this connector took already is skipped (the next is accepted too).</summary>
    private string NextCode()
    {
        var step = Math.Max(Totp.StepAt(DateTimeOffset.UtcNow), _lastStep + 1);
        _lastStep = step;
        return Totp.Code(Secret ?? throw new InvalidOperationException("enrol first"), step);
    }
}
