using System.Security.Cryptography;
using System.Text;

namespace PosBridge.Accounting.Dialects;

/// <summary>
/// Fits a journal reference into a field shorter than it, deterministically: a reference that fits is kept as it
/// is; a longer one keeps its own tail (the shift and sequence of a till's sale number, which people read) and
/// replaces what comes before with five characters of a hash of it, e.g. <c>CAIRO-DOWNTOWN-TILL12-0001-000042</c>
/// becomes <c>7KQ2M-0001-000042</c>. The same reference always gives the same short one, so a re-export is
/// identical and a re-import is still spotted; the full reference travels in the line's memo.
/// </summary>
internal static class ShortReferences
{
    private const int HashLength = 5;

    // Crockford's base 32: no I, L, O or U, so the code reads back without confusion.
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static string Fit(string reference, int max)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (reference.Length <= max)
        {
            return reference;
        }

        // The longest tail that starts after a '-' and fits beside the hash and its dash.
        var room = max - HashLength - 1;
        var tailStart = reference.Length - room;
        var cut = reference.IndexOf('-', Math.Max(tailStart - 1, 0));
        var tail = cut >= 0 && cut + 1 < reference.Length ? reference[(cut + 1)..] : reference[tailStart..];
        var head = reference[..(reference.Length - tail.Length)];
        return Hash(head) + "-" + tail;
    }

    /// <summary>
    /// <see cref="Fit(string, int)"/>, remembering what each short reference stands for in <paramref name="seen"/> so
    /// two references of one file can never share a short one (a chance of about one in 33 million per pair).
    /// </summary>
    /// <exception cref="JournalRefusedException">Two references of the export map to the same short one.</exception>
    public static string Fit(string reference, int max, Dictionary<string, string> seen, string field)
    {
        ArgumentNullException.ThrowIfNull(seen);
        var fitted = Fit(reference, max);
        if (seen.TryGetValue(fitted, out var other) && !string.Equals(other, reference, StringComparison.Ordinal))
        {
            throw new JournalRefusedException($"reference '{reference}' and '{other}' both shorten to {field} '{fitted}'; export them in separate periods.");
        }

        seen[fitted] = reference;
        return fitted;
    }

    private static string Hash(string text)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), digest);
        var bits = (digest[0] << 24) | (digest[1] << 16) | (digest[2] << 8) | digest[3];
        var code = new char[HashLength];
        for (var i = 0; i < HashLength; i++)
        {
            code[i] = Alphabet[(int)((uint)bits >> (27 - (5 * i))) & 31];
        }

        return new string(code);
    }
}
