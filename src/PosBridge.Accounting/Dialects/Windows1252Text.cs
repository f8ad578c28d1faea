using System.Globalization;
using System.Text;
using PosBridge.Accounting.Setup;

namespace PosBridge.Accounting.Dialects;

/// <summary>
/// Windows-1252 for DATEV and Sage 50: an encoding that throws instead of writing '?', and a transliteration for
/// text it cannot hold (accents dropped, Arabic letters spelled in Latin) when configured.
/// </summary>
internal static class Windows1252Text
{
    // Arabic letters to a plain Latin spelling (a simplified ISO 233 without diacritics).
    private static readonly Dictionary<char, string> Arabic = new()
    {
        ['ا'] = "a", ['أ'] = "a", ['إ'] = "i", ['آ'] = "a", ['ء'] = "'", ['ؤ'] = "'", ['ئ'] = "'",
        ['ب'] = "b", ['ت'] = "t", ['ث'] = "th", ['ج'] = "j", ['ح'] = "h", ['خ'] = "kh", ['د'] = "d",
        ['ذ'] = "dh", ['ر'] = "r", ['ز'] = "z", ['س'] = "s", ['ش'] = "sh", ['ص'] = "s", ['ض'] = "d",
        ['ط'] = "t", ['ظ'] = "z", ['ع'] = "'", ['غ'] = "gh", ['ف'] = "f", ['ق'] = "q", ['ك'] = "k",
        ['ل'] = "l", ['م'] = "m", ['ن'] = "n", ['ه'] = "h", ['ة'] = "a", ['و'] = "w", ['ي'] = "y",
        ['ى'] = "a", ['٠'] = "0", ['١'] = "1", ['٢'] = "2", ['٣'] = "3", ['٤'] = "4", ['٥'] = "5",
        ['٦'] = "6", ['٧'] = "7", ['٨'] = "8", ['٩'] = "9", ['،'] = ",", ['؛'] = ";", ['؟'] = "?",
        ['ـ'] = string.Empty,
    };

    private static readonly Dictionary<char, string> Latin = new()
    {
        ['Ł'] = "L", ['ł'] = "l", ['Đ'] = "D", ['đ'] = "d", ['ı'] = "i", ['ß'] = "ss",
    };

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
    public static string Transliterate(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length);
        foreach (var c in text.Normalize(NormalizationForm.FormC))
        {
            if (Arabic.TryGetValue(c, out var arabic))
            {
                builder.Append(arabic);
            }
            else if (Latin.TryGetValue(c, out var latin))
            {
                builder.Append(latin);
            }
            else if (c < 0x80 || CanEncodeSlow(c.ToString()))
            {
                builder.Append(c);
            }
            else
            {
                foreach (var part in c.ToString().Normalize(NormalizationForm.FormD))
                {
                    if (CharUnicodeInfo.GetUnicodeCategory(part) != UnicodeCategory.NonSpacingMark)
                    {
                        builder.Append(part);
                    }
                }
            }
        }

        return builder.ToString();
    }

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
