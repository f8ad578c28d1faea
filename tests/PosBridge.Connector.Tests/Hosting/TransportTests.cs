using Microsoft.Extensions.Configuration;
using PosBridge.Connector.Cli;
using PosBridge.Connector.Hosting;

namespace PosBridge.Connector.Tests.Hosting;

/// <summary>
/// Where the connector may listen: plain HTTP on loopback only (or behind a TLS proxy the owner names), HTTPS with a
/// certificate that loads. Refused before anything starts, with the setting to change, exit 2, the data folder untouched.
/// </summary>
public sealed class TransportTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 9, 0, 0, TimeSpan.Zero);
    private readonly string _directory = Directory.CreateTempSubdirectory("posbridge-transport-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("urls", "http://0.0.0.0:5080")]
    [InlineData("urls", "http://*:5080")]
    [InlineData("urls", "http://+:5080")]
    [InlineData("urls", "http://192.168.1.20:5080")]
    [InlineData("urls", "http://127.0.0.1:5080;http://[::]:5081")]
    [InlineData("http_ports", "5080")]
    [InlineData("Kestrel:Endpoints:Lan:Url", "http://0.0.0.0:5080")]
    public void PlainHttpToTheNetwork_IsAProblemNamingTheFix(string key, string value)
    {
        var problem = Assert.Single(Problems(new() { [key] = value }));

        Assert.Contains("plain HTTP to the network", problem, StringComparison.Ordinal);
        Assert.Contains("posbridge tls create", problem, StringComparison.Ordinal);
        Assert.Contains(Transport.BehindTlsProxyKey, problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080")]
    [InlineData("http://localhost:5080")]
    [InlineData("http://[::1]:5080")]
    public void PlainHttpOnLoopback_IsFine(string url) => Assert.Empty(Problems(new() { ["urls"] = url }));

    [Fact]
    public void PlainHttpToTheNetwork_BehindATlsProxy_IsFine() =>
        Assert.Empty(Problems(new() { ["urls"] = "http://0.0.0.0:5080", [Transport.BehindTlsProxyKey] = "true", [Transport.TrustedProxiesKey + ":0"] = "192.168.1.2" }));

    [Fact]
    public void TrustedProxies_NotAnAddressOrWithoutBehindTlsProxy_AreProblems()
    {
        Assert.Contains(Problems(new() { [Transport.BehindTlsProxyKey] = "true", [Transport.TrustedProxiesKey + ":0"] = "proxy.lan" }), p => p.Contains("is not an IP address", StringComparison.Ordinal));
        Assert.Contains(Problems(new() { [Transport.TrustedProxiesKey + ":0"] = "192.168.1.2" }), p => p.Contains("is not true", StringComparison.Ordinal));
    }

    [Fact]
    public void Https_WithoutCertificate_MissingFile_OrWrongKey_IsNamed()
    {
        Assert.Contains("needs a certificate", Assert.Single(Problems(new() { ["urls"] = "https://0.0.0.0:5443" })), StringComparison.Ordinal);
        Assert.Contains("cannot", Assert.Single(Problems(new() { ["urls"] = "https://0.0.0.0:5443", ["Kestrel:Certificates:Default:Path"] = Path.Combine(_directory, "missing.crt") })), StringComparison.Ordinal);

        var (certificate, _) = MakeCertificate(days: 30);
        var (_, otherKey) = MakeCertificate(days: 30, folder: "other");
        var wrongKey = Problems(new() { ["urls"] = "https://0.0.0.0:5443", ["Kestrel:Certificates:Default:Path"] = certificate, ["Kestrel:Certificates:Default:KeyPath"] = otherKey });
        Assert.Contains("cannot use", Assert.Single(wrongKey), StringComparison.Ordinal);
        Assert.Contains("has no private key", Assert.Single(Problems(new() { ["urls"] = "https://0.0.0.0:5443", ["Kestrel:Certificates:Default:Path"] = certificate })), StringComparison.Ordinal);
    }

    [Fact]
    public void Https_WithTheCertificateTlsCreateMade_IsFine_AndExpiredIsNamed()
    {
        var (certificate, key) = MakeCertificate(days: 30);
        var settings = new Dictionary<string, string?> { ["urls"] = "https://0.0.0.0:5443", ["Kestrel:Certificates:Default:Path"] = certificate, ["Kestrel:Certificates:Default:KeyPath"] = key };

        Assert.Empty(Problems(settings));
        Assert.Contains("expired", Assert.Single(Transport.Problems(Configuration(settings), _directory, Now.AddDays(31))), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_PlainHttpToTheNetwork_ExitsTwoNamingTheSetting_AndWritesNothing()
    {
        var data = Directory.CreateDirectory(Path.Combine(_directory, "data")).FullName;
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await CommandLine.RunAsync(["serve", "--data", data, "--urls", "http://0.0.0.0:5080"], output, error, TimeProvider.System, TestContext.Current.CancellationToken);

        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains("--urls / ASPNETCORE_URLS: http://0.0.0.0:5080 would serve plain HTTP", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", error.ToString(), StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(data));
    }

    [Theory]
    [InlineData(new string[] { "tls", "create" }, "needs --host")]
    [InlineData(new string[] { "tls", "create", "--host", "bad host!" }, "neither a host name nor an IP address")]
    [InlineData(new string[] { "tls", "create", "--host", "shop.local", "--days", "0" }, "--days '0'")]
    [InlineData(new string[] { "tls", "make", "--host", "shop.local" }, "use 'tls create")]
    public async Task TlsCreate_WrongArguments_ExitTwoAndWriteNothing(string[] args, string expected)
    {
        var data = Directory.CreateDirectory(Path.Combine(_directory, "data")).FullName;
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await CommandLine.RunAsync([.. args, "--data", data], output, error, TimeProvider.System, TestContext.Current.CancellationToken);

        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains(expected, error.ToString(), StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(data));
    }

    [Fact]
    public async Task TlsCreate_Renewal_KeepsTheKeyAndItsFingerprint_AndTheKeyIsPrivate()
    {
        var first = MakeCertificate(days: 30);
        var fingerprint = Fingerprint(first.Certificate);
        using var output = new StringWriter();

        Assert.Equal(CommandLine.Ok, await CommandLine.RunAsync(["tls", "create", "--host", "192.168.1.20,shop.local", "--days", "400", "--data", Path.GetDirectoryName(Path.GetDirectoryName(first.Certificate))!], output, new StringWriter(), TimeProvider.System, TestContext.Current.CancellationToken));

        Assert.Contains("same key", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(fingerprint, Fingerprint(first.Certificate));
        Assert.Contains(fingerprint, output.ToString(), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(first.Key));
        }
    }

    private static string Fingerprint(string certificate)
    {
        using var loaded = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(certificate));
        return Transport.PublicKeyFingerprint(loaded);
    }

    private (string Certificate, string Key) MakeCertificate(int days, string folder = "data")
    {
        var data = Directory.CreateDirectory(Path.Combine(_directory, folder)).FullName;
        var code = CommandLine.RunAsync(["tls", "create", "--host", "127.0.0.1", "--days", days.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data", data], new StringWriter(), new StringWriter(), new FixedTime(Now), TestContext.Current.CancellationToken).GetAwaiter().GetResult();
        Assert.Equal(CommandLine.Ok, code);
        return (Path.Combine(data, "tls", TlsCommand.CertificateFile), Path.Combine(data, "tls", TlsCommand.KeyFile));
    }

    private IReadOnlyList<string> Problems(Dictionary<string, string?> settings) => Transport.Problems(Configuration(settings), _directory, Now);

    private static IConfiguration Configuration(Dictionary<string, string?> settings) => new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
