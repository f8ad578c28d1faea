using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PosBridge.Core.Privacy;

namespace PosBridge.Connector.Cli;

/// <summary>
/// <c>posbridge tls create --host NAME[,NAME…]</c>: a certificate for a connector on the shop's own network, where no public
/// authority will sign one (a LAN address, <c>backoffice.local</c>). Its key stays in the data folder (0600) and is kept
/// when the certificate is renewed, so the fingerprint tills pin (SHA-256 of the public key) does not change; Kestrel picks
/// up the new files without a restart.
/// </summary>
internal static class TlsCommand
{
    public const string Folder = "tls";
    public const string CertificateFile = "connector.crt";
    public const string KeyFile = "connector.key";

    public static async Task<int> CreateAsync(string dataDirectory, string? hosts, string? days, TextWriter output, TextWriter error, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var names = (hosts ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names.Length == 0)
        {
            return await UsageAsync(error, "tls create needs --host: the name(s) or address(es) tills use to reach the connector, e.g. --host 192.168.1.20,backoffice.local.").ConfigureAwait(false);
        }

        if (names.FirstOrDefault(n => !IPAddress.TryParse(n, out _) && Uri.CheckHostName(n) != UriHostNameType.Dns) is { } wrong)
        {
            return await UsageAsync(error, $"--host '{wrong}' is neither a host name nor an IP address.").ConfigureAwait(false);
        }

        var validDays = 825;
        if (days is not null && (!int.TryParse(days, NumberStyles.None, CultureInfo.InvariantCulture, out validDays) || validDays is < 1 or > 3650))
        {
            return await UsageAsync(error, $"--days '{days}' is not a number of days from 1 to 3650.").ConfigureAwait(false);
        }

        var full = Path.GetFullPath(dataDirectory);
        if (!Directory.Exists(full))
        {
            return await UsageAsync(error, $"the data folder {full} does not exist; give the connector's folder with --data DIR.").ConfigureAwait(false);
        }

        var folder = Path.Combine(full, Folder);
        var keyPath = Path.Combine(folder, KeyFile);
        var certificatePath = Path.Combine(folder, CertificateFile);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var renewed = File.Exists(keyPath);
        if (renewed)
        {
            try
            {
                key.ImportFromPem(await File.ReadAllTextAsync(keyPath, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception e) when (e is ArgumentException or CryptographicException)
            {
                await error.WriteLineAsync($"posbridge: {keyPath} is not a P-256 private key in PEM; move it away to make a new key (tills must then be given the new fingerprint).").ConfigureAwait(false);
                return CommandLine.InputProblems;
            }
        }

        var now = timeProvider.GetUtcNow();
        using var certificate = Make(key, names, now, now.AddDays(validDays));
        PrivateFiles.CreateFolder(folder);
        if (!renewed)
        {
            await WriteAsync(keyPath, key.ExportPkcs8PrivateKeyPem(), cancellationToken).ConfigureAwait(false);
        }

        // Written beside and moved over: Kestrel, watching the file, never reads half a certificate.
        await WriteAsync(certificatePath + ".new", certificate.ExportCertificatePem(), cancellationToken).ConfigureAwait(false);
        File.Move(certificatePath + ".new", certificatePath, overwrite: true);

        var fingerprint = Hosting.Transport.PublicKeyFingerprint(certificate);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"""
            {(renewed ? "Renewed" : "Made")} a certificate for {string.Join(", ", names)}, valid until {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd}{(renewed ? " (same key: tills keep their fingerprint)" : string.Empty)}:
              {certificatePath}
              {keyPath} (readable by this user only)
            Serve it: settings Kestrel:Certificates:Default:Path = {certificatePath}
                               Kestrel:Certificates:Default:KeyPath = {keyPath}
                      and listen on https, e.g. --urls https://0.0.0.0:5443
            Tills trust it by its fingerprint; give each till:
              --connector https://{names[0]}:5443 --connector-certificate {fingerprint}
            """)).ConfigureAwait(false);
        return CommandLine.Ok;
    }

    private static X509Certificate2 Make(ECDsa key, string[] names, DateTimeOffset from, DateTimeOffset until)
    {
        var request = new CertificateRequest($"CN={names[0]}, O=PosBridge connector", key, HashAlgorithmName.SHA256);
        var alternative = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            if (IPAddress.TryParse(name, out var address))
            {
                alternative.AddIpAddress(address);
            }
            else
            {
                alternative.AddDnsName(name);
            }
        }

        request.CertificateExtensions.Add(alternative.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        return request.CreateSelfSigned(from.AddMinutes(-5), until);
    }

    private static async Task WriteAsync(string path, string text, CancellationToken cancellationToken)
    {
        await using var file = PrivateFiles.Create(path, overwrite: true);
        await using var writer = new StreamWriter(file);
        await writer.WriteAsync(text.AsMemory(), cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> UsageAsync(TextWriter error, string problem)
    {
        await error.WriteLineAsync("posbridge: " + problem).ConfigureAwait(false);
        return CommandLine.Usage;
    }
}
