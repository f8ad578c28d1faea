using PosBridge.Terminal.Screen;
using PosBridge.Terminal.Session;
using PosBridge.Terminal.Tests.Session;
using PosBridge.Till.Sync;

namespace PosBridge.Terminal.Tests.Sync;

/// <summary>
/// The till on the shop's network: it talks HTTPS to the connector, trusting the certificate <c>posbridge tls create</c>
/// made by its fingerprint, and refuses plain HTTP to anything but its own device.
/// </summary>
public sealed class ConnectorTlsTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("http://192.168.1.20:5080")]
    [InlineData("http://backoffice.local:5080")]
    [InlineData("http://0.0.0.0:5080")]
    public void Settings_PlainHttpConnectorOnTheNetwork_AreRefusedNamingTheFix(string connector)
    {
        var settings = new ScreenOptions { ConnectorUrl = connector };

        var problem = Assert.Single(settings.Problems(), p => p.StartsWith("Screen:ConnectorUrl", StringComparison.Ordinal));

        Assert.Contains("plain HTTP over the network", problem, StringComparison.Ordinal);
        Assert.Contains("https://", problem, StringComparison.Ordinal);
        Assert.Contains("posbridge tls create", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080")]
    [InlineData("http://localhost:5080")]
    [InlineData("http://[::1]:5080")]
    [InlineData("https://192.168.1.20:5443")]
    public void Settings_LoopbackOrHttps_AreTaken(string connector) =>
        Assert.DoesNotContain(new ScreenOptions { ConnectorUrl = connector }.Problems(), p => p.StartsWith("Screen:ConnectorUrl", StringComparison.Ordinal));

    [Theory]
    [InlineData("5F3A")]
    [InlineData("not a fingerprint at all, not a fingerprint at all, not a fingerprint at al")]
    [InlineData("ZZ3A9C1E0B4D7F2A6E8C5B1D3F9A7E2C4B6D8F0A1C3E5B7D9F2A4C6E8B0D1F3")]
    public void Settings_WrongFingerprint_IsRefused(string fingerprint)
    {
        var problem = Assert.Single(new ScreenOptions { ConnectorCertificate = fingerprint }.Problems());

        Assert.Contains("64 hexadecimal digits", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pair_PlainHttpToTheNetwork_IsRefusedBeforeAnyCall()
    {
        using var till = new TestTill();
        var (session, output) = TillSessionTests.Session(till);

        Assert.Equal(CommandOutcome.Refused, await session.ExecuteAsync("pair GSHFZ-8C3ZY http://192.168.1.20:5080", Token));

        Assert.Contains("plain HTTP over the network", output.ToString(), StringComparison.Ordinal);
        Assert.Null(till.Database.GetSetting("sync.credentials"));
        Assert.Null(till.Database.GetSetting("sync.connectorUrl"));
    }

    /// <summary>
    /// The whole way on TLS: the connector serves the certificate it made, the till pins its fingerprint, pairs and
    /// uploads; a renewed certificate (same key) is served without a restart and the till goes on; a till pinning another
    /// key is refused by its own check, so nothing reaches a connector it does not know.
    /// </summary>
    [Fact]
    public async Task Https_TillPinningTheCertificate_PairsAndSyncs_AndGoesOnAfterRenewal()
    {
        using var connector = await ConnectorProcess.StartTlsAsync(Token);
        using var till = new TestTill();
        var (session, output) = PinnedSession(till, connector.Fingerprint!);
        var code = await connector.PairingCodeAsync("CAI1", "T2", Token);
        var address = $"https://127.0.0.1:{connector.Port}";

        var exit = await session.RunAsync(new StringReader($"open 500\nsell COF-1\npay cash 57\npair {code} {address}\nsync\n"), interactive: false, Token);

        Assert.True(exit == 0, output.ToString());
        Assert.Contains("Sent 1, rejected 0, waiting 0.", output.ToString(), StringComparison.Ordinal);
        // HSTS to a browser that came by name (ASP.NET Core leaves it off for localhost and loopback addresses).
        using var byName = new HttpRequestMessage(HttpMethod.Get, "/health/live") { Headers = { Host = "backoffice.local" } };
        var hsts = await connector.Http.SendAsync(byName, Token);
        Assert.Contains("max-age=31536000", string.Join(";", hsts.Headers.GetValues("Strict-Transport-Security")), StringComparison.Ordinal);

        // Renewed for 30 days on the same key: Kestrel serves it from the changed files, the pin still holds.
        var served = await ServedUntilAsync(address, connector.Fingerprint!);
        var renewal = await connector.CreateCertificateAsync(Token, days: 30);
        Assert.Contains("same key", renewal, StringComparison.Ordinal);
        await WaitUntilAsync(async () => await ServedUntilAsync(address, connector.Fingerprint!) != served);
        Assert.Equal(CommandOutcome.Done, await session.ExecuteAsync("sell MLK-1", Token));
        Assert.Equal(CommandOutcome.Done, await session.ExecuteAsync("pay cash 30", Token));
        Assert.Equal(CommandOutcome.Done, await session.ExecuteAsync("sync", Token));
        Assert.Contains("Sent 1, rejected 0, waiting 0.", output.ToString()[output.ToString().LastIndexOf("Sent", StringComparison.Ordinal)..], StringComparison.Ordinal);

        // Another key's fingerprint: the till's own check refuses the connector; the sale waits on the till.
        using var other = new TestTill();
        var (stranger, strangerOutput) = PinnedSession(other, new string('A', 64));
        await stranger.RunAsync(new StringReader($"pair {await connector.PairingCodeAsync("CAI1", "T3", Token)} {address}\n"), interactive: false, Token);
        Assert.Null(other.Database.GetSetting("sync.credentials"));
        Assert.Contains("certificate is not one this till trusts", strangerOutput.ToString(), StringComparison.Ordinal);
    }

    private static (TillSession Session, StringWriter Output) PinnedSession(TestTill till, string fingerprint)
    {
        var output = new StringWriter();
        var settings = new ScreenOptions { CashierId = "c1", CashierName = "Mona", ConnectorCertificate = fingerprint };
        var session = new TillSession(till.Database, till.Options, settings, till.Terminal, new PosBridge.Terminal.Nfc.UnavailableNfcReader(), till.Clock, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, output);
        return (session, output);
    }

    /// <summary>The NotAfter of the certificate the connector presents now, read over a pinned connection.</summary>
    private static async Task<DateTime> ServedUntilAsync(string address, string fingerprint)
    {
        var seen = DateTime.MinValue;
        using var handler = (SocketsHttpHandler)ConnectorTransport.Handler(fingerprint);
        var pinned = handler.SslOptions.RemoteCertificateValidationCallback!;
        handler.SslOptions.RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
        {
            seen = new System.Security.Cryptography.X509Certificates.X509Certificate2(certificate!).NotAfter;
            return pinned(sender, certificate, chain, errors);
        };
        using var http = new HttpClient(handler);
        (await http.GetAsync(address + "/health/live", Token)).EnsureSuccessStatusCode();
        return seen;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 300 && !await condition(); i++)
        {
            await Task.Delay(100, Token);
        }

        Assert.True(await condition(), "the renewed certificate was not served within 30 s");
    }
}
