using System.Security.Cryptography;
using System.Text;

namespace PosBridge.Connector.Dashboard.Accounts;

/// <summary>
/// The ten codes an account holder keeps on paper for the day the phone is lost: each works once, in place of a
/// one-time password. Shown once at enrolment; only their hashes are stored.
/// </summary>
internal static class RecoveryCodes
{
    public const int Count = 10;

    // No 0/O or 1/I/L: read off paper and typed again.
    private const string Alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    private const int Length = 10;

    /// <summary>Ten new codes, written <c>XXXXX-XXXXX</c>.</summary>
    public static IReadOnlyList<string> New()
    {
        var codes = new List<string>(Count);
        for (var i = 0; i < Count; i++)
        {
            var chars = RandomNumberGenerator.GetItems<char>(Alphabet, Length);
            codes.Add(new string(chars, 0, Length / 2) + "-" + new string(chars, Length / 2, Length / 2));
        }

        return codes;
    }

    /// <summary>
    /// The stored form: SHA-256 of the account and the code as typed without dashes or case. A fast hash is enough
    /// here, unlike for passwords: each code is 50 random bits, too many to guess from a stolen hash.
    /// </summary>
    public static string Hash(string account, string code)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(code);
        var normal = new string([.. code.Where(c => c is not ('-' or ' ')).Select(char.ToUpperInvariant)]);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(account + "\n" + normal)));
    }

    /// <summary>Whether <paramref name="code"/> has the shape of a recovery code (rather than a 6-digit one-time password).</summary>
    public static bool LooksLikeOne(string? code) =>
        code is { Length: <= 20 } && code.Count(char.IsAsciiLetterOrDigit) == Length && code.Any(char.IsAsciiLetter);
}
