using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PosBridge.Connector.Hosting;

/// <summary>
/// Where the connector listens, checked before it starts. Sales, the tills' signed requests and the dashboard's
/// password cross the shop's network, so plain HTTP is served on this machine's loopback only — unless the owner says
/// a TLS proxy is in front (<c>PosBridge:BehindTlsProxy</c>). HTTPS is Kestrel's own: a certificate in
/// <c>Kestrel:Certificates:Default</c> (or per endpoint), which Kestrel reloads when its files change.
/// </summary>
internal static class Transport
{
    public const string BehindTlsProxyKey = ConnectorOptions.Section + ":BehindTlsProxy";
    public const string TrustedProxiesKey = ConnectorOptions.Section + ":TrustedProxies";
    private const string DefaultCertificate = "Kestrel:Certificates:Default";

    /// <summary>Every listening address with the setting it came from; ASP.NET Core's own default is loopback.</summary>
    public static IReadOnlyList<(string Address, string Setting)> Addresses(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var addresses = new List<(string, string)>();
        foreach (var url in (configuration["urls"] ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            addresses.Add((url, "--urls / ASPNETCORE_URLS"));
        }

        foreach (var (key, scheme) in new[] { ("http_ports", "http"), ("https_ports", "https") })
        {
            foreach (var port in (configuration[key] ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                addresses.Add(($"{scheme}://*:{port}", key.ToUpperInvariant()));
            }
        }

        foreach (var endpoint in configuration.GetSection("Kestrel:Endpoints").GetChildren())
        {
            if (endpoint["Url"] is { Length: > 0 } url)
            {
                addresses.Add((url, $"Kestrel:Endpoints:{endpoint.Key}:Url"));
            }
        }

        return addresses;
    }

    /// <summary>What stops the connector from serving safely, each problem with the setting to change; empty when none.</summary>
    public static IReadOnlyList<string> Problems(IConfiguration configuration, string contentRoot, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var problems = new List<string>();
        var behindProxy = configuration.GetValue<bool?>(BehindTlsProxyKey) ?? false;
        var proxies = configuration.GetSection(TrustedProxiesKey).GetChildren().ToList();
        foreach (var proxy in proxies.Where(p => !IPAddress.TryParse(p.Value, out _)))
        {
            problems.Add($"{TrustedProxiesKey}:{proxy.Key} '{proxy.Value}' is not an IP address (the TLS proxy's address as the connector sees it).");
        }

        if (proxies.Count > 0 && !behindProxy)
        {
            problems.Add($"{TrustedProxiesKey} is set but {BehindTlsProxyKey} is not true: say that a TLS proxy is in front, or remove the list.");
        }

        foreach (var (address, setting) in Addresses(configuration))
        {
            if (!TryParse(address, out var scheme, out var host))
            {
                problems.Add($"{setting}: '{address}' is not an address to listen on; write it as http://127.0.0.1:5080 or https://0.0.0.0:5443.");
                continue;
            }

            if (scheme == "http" && !IsLoopback(host) && !behindProxy)
            {
                problems.Add($"{setting}: {address} would serve plain HTTP to the network, where sales, the tills' keys and the dashboard's password could be read. "
                    + $"Serve https:// with a certificate (Kestrel:Certificates:Default:Path; 'posbridge tls create --host NAME' makes one for the shop's network), "
                    + $"or listen on 127.0.0.1 behind a TLS proxy, or set {BehindTlsProxyKey}=true if a TLS proxy on the network is the only way in.");
            }
            else if (scheme == "https")
            {
                var section = setting.StartsWith("Kestrel:Endpoints:", StringComparison.Ordinal)
                    && configuration.GetSection(setting[..^":Url".Length] + ":Certificate").Exists()
                    ? setting[..^":Url".Length] + ":Certificate"
                    : DefaultCertificate;
                if (CertificateProblem(configuration.GetSection(section), section, contentRoot, now) is { } problem)
                {
                    problems.Add($"{setting}: {address} {problem}");
                }
            }
        }

        return problems;
    }

    /// <summary>
    /// What a till pins: the SHA-256 of the certificate's public key (its SubjectPublicKeyInfo), 64 hexadecimal digits. A
    /// renewed certificate on the same key keeps it.
    /// </summary>
    public static string PublicKeyFingerprint(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Convert.ToHexString(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()));
    }

    private static string? CertificateProblem(IConfigurationSection certificate, string section, string contentRoot, DateTimeOffset now)
    {
        if (certificate["Subject"] is { Length: > 0 })
        {
            return null; // from the operating system's certificate store: Kestrel names what it cannot find
        }

        if (certificate["Path"] is not { Length: > 0 } path)
        {
            return $"needs a certificate: set {section}:Path (a .pem or .crt with {section}:KeyPath, or a .pfx with {section}:Password); "
                + "'posbridge tls create --host NAME' makes one for the shop's network.";
        }

        var full = Path.GetFullPath(path, contentRoot);
        var keyPath = certificate["KeyPath"] is { Length: > 0 } key ? Path.GetFullPath(key, contentRoot) : null;
        try
        {
            var pfx = full.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || full.EndsWith(".p12", StringComparison.OrdinalIgnoreCase);
            if (keyPath is null && !pfx && !File.ReadAllText(full).Contains("PRIVATE KEY", StringComparison.Ordinal))
            {
                return $"has no private key: {full} holds only the certificate; set {section}:KeyPath to its key file.";
            }

            using var loaded = keyPath is not null
                ? X509Certificate2.CreateFromPemFile(full, keyPath)
                : full.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || full.EndsWith(".p12", StringComparison.OrdinalIgnoreCase)
                    ? X509CertificateLoader.LoadPkcs12FromFile(full, certificate["Password"])
                    : X509Certificate2.CreateFromPemFile(full);
            if (!loaded.HasPrivateKey)
            {
                return $"has no private key: {full} holds only the certificate; set {section}:KeyPath to its key file.";
            }

            return loaded.NotAfter.ToUniversalTime() < now.UtcDateTime
                ? $"has a certificate that expired on {loaded.NotAfter:yyyy-MM-dd} ({full}); renew it (Kestrel picks up the new files without a restart)."
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot read its certificate: {e.Message}";
        }
        catch (CryptographicException)
        {
            return $"cannot use {full}{(keyPath is null ? string.Empty : " with " + keyPath)}: not a PEM certificate with its key, a PFX with the right {section}:Password, or the key does not match the certificate.";
        }
        catch (ArgumentException)
        {
            return $"cannot use {full}: the file holds no certificate (or {keyPath} no private key).";
        }
    }

    private static bool TryParse(string address, out string scheme, out string host)
    {
        scheme = host = string.Empty;
        var separator = address.IndexOf("://", StringComparison.Ordinal);
        if (separator <= 0)
        {
            return false;
        }

        scheme = address[..separator].ToLowerInvariant();
        var rest = address[(separator + 3)..];
        var end = rest.IndexOf('/', StringComparison.Ordinal);
        var authority = end < 0 ? rest : rest[..end];
        host = authority.StartsWith('[') && authority.IndexOf(']', StringComparison.Ordinal) is var close and > 0
            ? authority[1..close]
            : authority.LastIndexOf(':') is var colon and > 0 ? authority[..colon] : authority;
        return scheme is "http" or "https" && host.Length > 0;
    }

    private static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
}

/// <summary>
/// The certificate of <c>Kestrel:Certificates:Default</c>, read again when its files change (a renewal, or certbot's
/// deploy hook copying new files), at the next TLS handshake after the change: no restart, no dropped till. A file caught
/// half-written leaves the previous certificate in use until the next look.
/// </summary>
internal sealed class ReloadingCertificate(string path, string? keyPath, string? password, TimeProvider timeProvider, ILogger logger)
{
    private static readonly TimeSpan LookEvery = TimeSpan.FromSeconds(1);
    private readonly Lock _gate = new();
    private X509Certificate2? _current;
    private (DateTime, long, DateTime, long) _stamp;
    private DateTimeOffset _lookedAt = DateTimeOffset.MinValue;

    public static ReloadingCertificate? FromConfiguration(IConfiguration configuration, string contentRoot, TimeProvider timeProvider, ILogger logger)
    {
        var section = configuration.GetSection("Kestrel:Certificates:Default");
        return section["Path"] is { Length: > 0 } path
            ? new ReloadingCertificate(Path.GetFullPath(path, contentRoot), section["KeyPath"] is { Length: > 0 } key ? Path.GetFullPath(key, contentRoot) : null, section["Password"], timeProvider, logger)
            : null;
    }

    public X509Certificate2? Current
    {
        get
        {
            lock (_gate)
            {
                var now = timeProvider.GetUtcNow();
                if (_current is not null && now - _lookedAt < LookEvery)
                {
                    return _current;
                }

                _lookedAt = now;
                var stamp = Stamp();
                if (_current is null || stamp != _stamp)
                {
                    try
                    {
                        var loaded = Load();
                        (_current, _stamp) = (loaded, stamp);
                        var until = loaded.NotAfter.ToUniversalTime();
                        Log.CertificateLoaded(logger, path, until);
                    }
                    catch (Exception e) when (e is IOException or CryptographicException or ArgumentException)
                    {
                        Log.CertificateNotReloaded(logger, path, e.Message);
                    }
                }

                return _current;
            }
        }
    }

    private (DateTime, long, DateTime, long) Stamp()
    {
        var certificate = new FileInfo(path);
        var key = keyPath is null ? null : new FileInfo(keyPath);
        return (certificate.LastWriteTimeUtc, certificate.Exists ? certificate.Length : -1, key?.LastWriteTimeUtc ?? default, key is { Exists: true } ? key.Length : -1);
    }

    private X509Certificate2 Load()
    {
        if (keyPath is null && (path.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".p12", StringComparison.OrdinalIgnoreCase)))
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, password);
        }

        var pem = keyPath is null ? X509Certificate2.CreateFromPemFile(path) : X509Certificate2.CreateFromPemFile(path, keyPath);
        if (!OperatingSystem.IsWindows())
        {
            return pem;
        }

        // SslStream on Windows cannot use a PEM's ephemeral key: the certificate goes through PKCS#12 once.
        using (pem)
        {
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
    }
}
