using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PosBridge.Core.Sync;

/// <summary>
/// How a till signs each request to the connector. The bearer credential says which till is calling;
/// the signature (HMAC-SHA256 with the till's signing key, which never travels after pairing) proves the
/// request was made by that till, unchanged, within the replay window:
/// <c>METHOD \n PATH?QUERY \n UNIX-SECONDS \n NONCE \n hex(SHA-256(body))</c>.
/// </summary>
public static class RequestSignature
{
    public const string TimestampHeader = "X-PosBridge-Timestamp";
    public const string NonceHeader = "X-PosBridge-Nonce";
    public const string SignatureHeader = "X-PosBridge-Signature";

    public static string Compute(ReadOnlySpan<byte> signingKey, string method, string pathAndQuery, long unixSeconds, string nonce, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(pathAndQuery);
        ArgumentNullException.ThrowIfNull(nonce);
        var bodyHash = Convert.ToHexStringLower(SHA256.HashData(body));
        var text = string.Create(CultureInfo.InvariantCulture, $"{method.ToUpperInvariant()}\n{pathAndQuery}\n{unixSeconds}\n{nonce}\n{bodyHash}");
        return Convert.ToBase64String(HMACSHA256.HashData(signingKey, Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>Compares in constant time, so the comparison leaks nothing about the expected signature.</summary>
    public static bool Verify(ReadOnlySpan<byte> signingKey, string method, string pathAndQuery, long unixSeconds, string nonce, ReadOnlySpan<byte> body, string signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        var expected = Encoding.ASCII.GetBytes(Compute(signingKey, method, pathAndQuery, unixSeconds, nonce, body));
        var given = Encoding.ASCII.GetBytes(signature);
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    /// <summary>A fresh random nonce (128 bits, URL-safe).</summary>
    public static string NewNonce() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
