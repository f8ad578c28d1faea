using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PosBridge.Connector.Dashboard.Accounts;

/// <summary>
/// Time-based one-time passwords as RFC 6238 defines them with the parameters every authenticator app assumes when
/// the otpauth:// link names none: HMAC-SHA-1, 6 digits, 30-second steps from the Unix epoch.
/// </summary>
/// <remarks>
/// Written here rather than taken from a package: it is a page of code, its test vectors are in the RFC, and the
/// replay rule (a step once used is never accepted again) needs the step a code matched, which packages hide.
/// </remarks>
internal static class Totp
{
    public const int Digits = 6;
    public const int StepSeconds = 30;

    /// <summary>How many steps either side of now a code may be from (clocks drift; typing takes time).</summary>
    public const int Tolerance = 1;

    public const int SecretBytes = 20;

    private const string Base32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    public static long StepAt(DateTimeOffset instant) => instant.ToUnixTimeSeconds() / StepSeconds;

    /// <summary>The code for <paramref name="step"/>, with <paramref name="digits"/> digits and the RFC's choice of HMAC.</summary>
    public static string Code(byte[] secret, long step, int digits = Digits, HashAlgorithmName? algorithm = null)
    {
        ArgumentNullException.ThrowIfNull(secret);
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
        var name = algorithm ?? HashAlgorithmName.SHA1;
        byte[] mac = name == HashAlgorithmName.SHA256 ? HMACSHA256.HashData(secret, counter)
            : name == HashAlgorithmName.SHA512 ? HMACSHA512.HashData(secret, counter)
#pragma warning disable CA5350 // RFC 6238's default, which every authenticator app uses; HMAC-SHA-1 is not broken as a MAC.
            : HMACSHA1.HashData(secret, counter);
#pragma warning restore CA5350
        var offset = mac[^1] & 0x0f;
        var binary = (BinaryPrimitives.ReadInt32BigEndian(mac.AsSpan(offset, 4)) & 0x7fffffff) % (int)Math.Pow(10, digits);
        return binary.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0');
    }

    /// <summary>
    /// The step <paramref name="code"/> belongs to when it is one of now's (± <see cref="Tolerance"/>) and later than
    /// <paramref name="lastUsedStep"/>; null otherwise. Compared in constant time.
    /// </summary>
    public static long? Match(byte[] secret, string? code, DateTimeOffset now, long? lastUsedStep)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var typed = Normalise(code);
        if (typed is null)
        {
            return null;
        }

        var current = StepAt(now);
        long? matched = null;
        for (var step = current - Tolerance; step <= current + Tolerance; step++)
        {
            if (CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Code(secret, step)), Encoding.ASCII.GetBytes(typed)) && (lastUsedStep is null || step > lastUsedStep))
            {
                matched = step;
            }
        }

        return matched;
    }

    /// <summary>Six digits, spaces and dashes an app shows ("123 456") taken out; null when it cannot be a code.</summary>
    public static string? Normalise(string? code)
    {
        if (code is null || code.Length > 20)
        {
            return null;
        }

        var digits = new string([.. code.Where(c => c is not (' ' or '-'))]);
        return digits.Length == Digits && digits.All(char.IsAsciiDigit) ? digits : null;
    }

    public static byte[] NewSecret() => RandomNumberGenerator.GetBytes(SecretBytes);

    /// <summary>The link an authenticator app reads from the QR code: issuer and account shown in the app.</summary>
    public static string Link(byte[] secret, string issuer, string account) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"otpauth://totp/{Uri.EscapeDataString(issuer)}:{Uri.EscapeDataString(account)}?secret={Base32(secret)}&issuer={Uri.EscapeDataString(issuer)}&algorithm=SHA1&digits={Digits}&period={StepSeconds}");

    /// <summary>RFC 4648 base32 without padding, as otpauth:// links and typed-in secrets use.</summary>
    public static string Base32(ReadOnlySpan<byte> data)
    {
        var text = new StringBuilder((data.Length * 8 + 4) / 5);
        int buffer = 0, bits = 0;
        foreach (var b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                text.Append(Base32Alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }

        if (bits > 0)
        {
            text.Append(Base32Alphabet[(buffer << (5 - bits)) & 31]);
        }

        return text.ToString();
    }

    public static byte[] FromBase32(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (var c in text.TrimEnd('=').ToUpperInvariant())
        {
            var value = Base32Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (value < 0)
            {
                throw new FormatException("not base32");
            }

            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                bytes.Add((byte)(buffer >> (bits - 8)));
                bits -= 8;
            }
        }

        return [.. bytes];
    }
}
