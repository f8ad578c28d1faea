using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PosBridge.Till.Sync;

/// <summary>
/// How the till reaches its connector. Its sales, its pairing code and its signed requests cross the shop's network, so
/// the till talks plain HTTP only to a connector on the same machine (loopback); anywhere else it is HTTPS. A connector on
/// the shop's network has a certificate no public authority signed (<c>posbridge tls create</c>): the till trusts it by the
/// fingerprint of its public key (<c>Screen:ConnectorCertificate</c>), and then only it.
/// </summary>
public static class ConnectorTransport
{
    /// <summary>Why the till refuses <paramref name="connector"/>, in words the owner can act on; null when it is fine.</summary>
    public static string? Problem(Uri connector)
    {
        ArgumentNullException.ThrowIfNull(connector);
        if (connector.Scheme is not ("http" or "https"))
        {
            return $"'{connector}' is not a connector address: use https://HOST:PORT.";
        }

        return connector.Scheme == "http" && !connector.IsLoopback
            ? $"{connector} is plain HTTP over the network: the sales and the till's key could be read on the way. Use the connector's https:// address (its owner makes a certificate with 'posbridge tls create'); plain http:// is only for a connector on this device (127.0.0.1)."
            : null;
    }

    /// <summary>Why <paramref name="fingerprint"/> is not a pin the till can use; null when it is one.</summary>
    public static string? FingerprintProblem(string fingerprint) =>
        Normalise(fingerprint) is { Length: 64 } normal && normal.All(Uri.IsHexDigit)
            ? null
            : $"'{fingerprint}' is not a certificate fingerprint: give the 64 hexadecimal digits 'posbridge tls create' printed.";

    /// <summary>
    /// The handler for the till's connector client: the operating system's trust when no fingerprint is given; with one,
    /// exactly the certificate whose public key has it (whatever signed it, whatever name it carries).
    /// </summary>
    public static HttpMessageHandler Handler(string? fingerprint)
    {
        var pin = string.IsNullOrWhiteSpace(fingerprint) ? null : Normalise(fingerprint);
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        if (pin is not null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is not null && Matches(pin, certificate);
        }

        return handler;
    }

    private static bool Matches(string pin, X509Certificate certificate)
    {
        using var owned = certificate is X509Certificate2 ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        var full = certificate as X509Certificate2 ?? owned!;
        var actual = Convert.ToHexString(SHA256.HashData(full.PublicKey.ExportSubjectPublicKeyInfo()));
        return CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(actual), System.Text.Encoding.ASCII.GetBytes(pin));
    }

    private static string Normalise(string fingerprint) =>
        new string(fingerprint.Where(c => c is not (':' or ' ' or '-')).ToArray()).ToUpperInvariant();
}
