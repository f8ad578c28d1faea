using System.Text;
using PosBridge.Accounting.Setup;
using PosBridge.Core.Catalog;

namespace PosBridge.Accounting.Dialects;

/// <summary>
/// Windows-1252 for DATEV and Sage 50: an encoding that throws instead of writing '?', and a transliteration for
/// text it cannot hold (accents dropped, Arabic letters spelled in Latin) when configured.
/// </summary>
internal static class Windows1252Text
{
    /// <summary>Windows-1252 that throws on a character it cannot hold.</summary>
    public static Encoding Windows1252 { get; } = CreateWindows1252();

    public static bool CanEncode(string text)
    {
        foreach (var c in text)
        {
            if (c >= 0x80)
            {
                return CanEncodeSlow(text);
            }
        }

        return true;
    }

    /// <summary>
    /// The text as Windows-1252 can hold it, or an exception naming the text when it cannot and the
    /// ledger refuses, or when even the transliteration leaves a character it cannot hold.
    /// </summary>
    public static string Prepare(string text, UnencodableTextHandling handling)
    {
        if (CanEncode(text))
        {
            return text;
        }

        if (handling == UnencodableTextHandling.Refuse)
        {
            throw new JournalRefusedException($"text '{text}' has characters Windows-1252 cannot hold, and the ledger is set to refuse rather than transliterate.");
        }

        var result = Transliterate(text);
        return CanEncode(result)
            ? result
            : throw new JournalRefusedException($"text '{text}' has characters Windows-1252 cannot hold and PosBridge cannot transliterate.");
    }

    /// <summary>
    /// The text cut to at most <paramref name="max"/> characters at the last word boundary that keeps at least
    /// half of it (a single long word is cut where it must), so a name is never left as half a word.
    /// </summary>
    public static string Cut(string text, int max)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length <= max)
        {
            return text;
        }

        var space = text.LastIndexOf(' ', max);
        return (space >= max / 2 ? text[..space] : text[..max]).TrimEnd();
    }

    /// <summary>
    /// Each character Windows-1252 cannot hold spelled in Latin letters (Arabic letters by a simplified ISO 233,
    /// others without their accents); what it holds ("é", "ß", "–") stays as it is.
    /// </summary>
    public static string Transliterate(string text) =>
        LatinSpelling.Spell(text, c => c < 0x80 || CanEncodeSlow(c.ToString()));

    private static Encoding CreateWindows1252()
    {
        // .NET Core ships only the Unicode encodings; code pages come from this provider.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(1252, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
    }

    private static bool CanEncodeSlow(string text)
    {
        try
        {
            Windows1252.GetByteCount(text);
            return true;
        }
        catch (EncoderFallbackException)
        {
            return false;
        }
    }
}
