using PosBridge.Terminal.Fiscal;
using PosBridge.Terminal.Tests.Session;

namespace PosBridge.Terminal.Tests.Fiscal;

/// <summary>
/// The headless session (the command-line till, and the demo day's tills) sells through the same fiscal chain as the
/// screen: a Saudi sale is signed with its phase-2 QR on the receipt, an Egyptian one chained, and both go to the
/// connector at the next sync.
/// </summary>
public sealed class SessionFiscalTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Script_SaudiTillSellsAndRefunds_SignsEveryInvoiceAndPrintsThePhase2Qr()
    {
        using var saudi = new SaudiTill();
        var (session, output) = TillSessionTests.Session(saudi.Till);

        var exit = await session.RunAsync(new StringReader("open 500\nsell DAT-1 2\nsell WAT-1\npay cash 200\nreceipt last\nrefund RUH-OLAYA-0001-T01-0001-000001 1:1 cash pin 4321 reason \"تالف\"\n"), interactive: false, Token);

        var text = output.ToString();
        TestContext.Current.TestOutputHelper?.WriteLine(text);
        Assert.True(exit == 0, text);
        var documents = saudi.Chain.All(FiscalAuthority.Zatca);
        Assert.Equal([1L, 2], documents.Select(d => d.Counter));
        Assert.Equal(documents[0].Hash, documents[1].PreviousHash);
        foreach (var document in documents)
        {
            // The independent verifier recomputes hash, digests and signature; the chain holds that hash.
            Assert.Equal(document.Hash, ZatcaVerifier.Verify(document.Document));
        }

        // The receipt carries the signed invoice's QR (tags 1–9), not the phase-1 QR of five tags.
        var tags = ZatcaVerifier.QrTags(documents[0].Qr!);
        Assert.Equal(9, tags.Count);
        var printed = text[text.IndexOf("ZATCA QR:", StringComparison.Ordinal)..text.IndexOf("PBS:", StringComparison.Ordinal)];
        Assert.Equal("ZATCAQR:" + documents[0].Qr, string.Concat(printed.Where(c => !char.IsWhiteSpace(c))));
    }

    /// <summary>Against the real connector: the session's sync sends the signed invoices after their sales.</summary>
    [Fact]
    public async Task Sync_SaudiSessionSales_SendsTheSignedInvoicesToTheConnector()
    {
        using var connector = await Sync.ConnectorProcess.StartAsync(Token, new Dictionary<string, string>
        {
            ["PosBridge__Stores__RUH-OLAYA-0001__Currency"] = "SAR",
            ["PosBridge__Stores__RUH-OLAYA-0001__TimeZone"] = "Asia/Riyadh",
        });
        using var saudi = new SaudiTill();
        var (session, output) = TillSessionTests.Session(saudi.Till);
        var code = await connector.PairingCodeAsync("RUH-OLAYA-0001", "T01", Token);

        var exit = await session.RunAsync(new StringReader($"pair {code} {connector.Http.BaseAddress}\nopen 500\nsell DAT-1\npay cash 100\nsell WAT-1 2\npay cash 10\nsync\nsync\n"), interactive: false, Token);

        var text = output.ToString();
        Assert.True(exit == 0, text);
        Assert.Contains("Sent 2, rejected 0, waiting 0.", text, StringComparison.Ordinal);
        // Sent once: the second sync has nothing fiscal left to send and says nothing of it.
        Assert.Equal(1, CountOf(text, "Fiscal documents: sent 2, refused 0."));
        Assert.Equal(2, saudi.Till.Database.Scalar<int>("SELECT COUNT(*) FROM FiscalDocuments WHERE State = 1"));
    }

    [Fact]
    public async Task ZatcaOnboard_FromTheCommandLine_OnboardsThenTheTillSellsAndSaysSo()
    {
        using var saudi = new SaudiTill(onboarded: false);
        using var connector = new ZatcaConnectorSideTests.FakeConnector();
        PairWithoutConnector(saudi);
        var output = new StringWriter();
        using var session = new PosBridge.Terminal.Session.TillSession(saudi.Till.Database, saudi.Till.Options, Settings(), saudi.Till.Terminal, new PosBridge.Terminal.Nfc.UnavailableNfcReader(), saudi.Till.Clock, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, output)
        {
            ConnectorHandler = connector,
        };

        var exit = await session.RunAsync(new StringReader("zatca\nzatca onboard 123345\nopen 500\nsell DAT-1\npay cash 100\nzatca\n"), interactive: false, Token);

        var text = output.ToString();
        Assert.True(exit == 0, text);
        Assert.Contains("ZATCA: not onboarded, so sales are refused", text, StringComparison.Ordinal);
        Assert.Contains("This till is onboarded with ZATCA", text, StringComparison.Ordinal);
        Assert.Equal("123345", connector.Otp);
        Assert.Contains("ZATCA: onboarded (EGS 1-", text, StringComparison.Ordinal);
        Assert.Contains("ZATCA invoices: 1 issued, 1 waiting to go to the connector.", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, "zatca onboard 12a45", "digits only")]
    [InlineData(true, "zatca onboard", "Missing the OTP from the Fatoora portal")]
    [InlineData(true, "zatca renew", "'renew' is not understood here. Type: zatca | zatca onboard OTP")]
    [InlineData(false, "zatca onboard 123345", "not paired with a connector")]
    public async Task ZatcaOnboard_Refused_SaysWhatToDoAndCallsNothing(bool paired, string line, string expected)
    {
        using var saudi = new SaudiTill(onboarded: false);
        using var connector = new ZatcaConnectorSideTests.FakeConnector();
        if (paired)
        {
            PairWithoutConnector(saudi);
        }

        var output = new StringWriter();
        using var session = new PosBridge.Terminal.Session.TillSession(saudi.Till.Database, saudi.Till.Options, Settings(), saudi.Till.Terminal, new PosBridge.Terminal.Nfc.UnavailableNfcReader(), saudi.Till.Clock, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, output)
        {
            ConnectorHandler = connector,
        };

        Assert.Equal(PosBridge.Terminal.Session.CommandOutcome.Refused, await session.ExecuteAsync(line, Token));

        Assert.Contains(expected, output.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, connector.Calls);
        Assert.Equal(0, saudi.Till.Database.Scalar<int>("SELECT COUNT(*) FROM FiscalKeys WHERE ProductionCertificate IS NOT NULL"));
    }

    private static PosBridge.Terminal.Screen.ScreenOptions Settings() => new() { CashierId = "c1", CashierName = "Mona" };

    /// <summary>What pairing leaves on the till: the connector's address and this till's credentials.</summary>
    private static void PairWithoutConnector(SaudiTill saudi)
    {
        saudi.Till.Database.SetSetting("sync.connectorUrl", "http://connector.test/");
        saudi.Till.Database.SetSetting("sync.credentials", System.Text.Json.JsonSerializer.Serialize(
            new PosBridge.Till.Sync.TillCredentials("RUH-OLAYA-0001", "T01", "credential", Convert.ToBase64String(new byte[32]), TimeSpan.Zero), PosBridge.Till.Sync.ConnectorClient.Json));
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, string.Empty, StringComparison.Ordinal).Length) / part.Length;

    [Fact]
    public async Task Script_SaudiTillNotOnboarded_RefusesTheSaleSayingHowToOnboard()
    {
        using var saudi = new SaudiTill(onboarded: false);
        var (session, output) = TillSessionTests.Session(saudi.Till);

        var exit = await session.RunAsync(new StringReader("open 500\nsell DAT-1 1\npay cash 100\n"), interactive: false, Token);

        Assert.Equal(1, exit);
        Assert.Contains("ZATCA", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, saudi.Till.Sales.Count());
        Assert.Empty(saudi.Chain.All(FiscalAuthority.Zatca));
    }
}
