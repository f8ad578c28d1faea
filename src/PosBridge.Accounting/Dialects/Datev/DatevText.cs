using System.Globalization;
using System.Text;
using PosBridge.Accounting.Setup;

namespace PosBridge.Accounting.Dialects.Datev;

/// <summary>
/// Windows-1252 for DATEV: an encoding that throws instead of writing '?', and a transliteration for
/// text it cannot hold (accents dropped, Arabic letters spelled in Latin) when configured.
/// </summary>
internal static class DatevText
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

    public static string Transliterate(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text.Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            if (Arabic.TryGetValue(c, out var arabic))
            {
                builder.Append(arabic);
            }
            else if (Latin.TryGetValue(c, out var latin))
            {
                builder.Append(latin);
            }
            else
            {
                builder.Append(c);
            }
        }

        // Recompose what Windows-1252 holds precomposed; marks were dropped above only where needed.
        return builder.ToString().Normalize(NormalizationForm.FormC);
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
