using System.Globalization;
using System.Text;

namespace PosBridge.Core.Catalog;

/// <summary>
/// Names spelled in Latin letters for targets that take no other script: a web store's URL handle, a ledger file in
/// Windows-1252. Arabic letters follow a simplified ISO 233 without diacritics ("شاي بالنعناع" → "shay balna'na'"),
/// other letters lose their accents ("Łódź" → "Lodz"); what the target can hold is kept as it is.
/// </summary>
public static class LatinSpelling
{
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
        ['Ł'] = "L", ['ł'] = "l", ['Đ'] = "D", ['đ'] = "d", ['ı'] = "i", ['ß'] = "ss", ['Æ'] = "AE", ['æ'] = "ae", ['Ø'] = "O", ['ø'] = "o",
    };

    /// <summary>
    /// The text with every character <paramref name="keeps"/> refuses spelled in Latin letters; characters with no
    /// Latin spelling (Chinese, say) stay as they are, for the caller to refuse or replace.
    /// </summary>
    public static string Spell(string text, Func<char, bool> keeps)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(keeps);
        var builder = new StringBuilder(text.Length);
        foreach (var c in text.Normalize(NormalizationForm.FormC))
        {
            if (keeps(c))
            {
                builder.Append(c);
            }
            else if (Arabic.TryGetValue(c, out var arabic))
            {
                builder.Append(arabic);
            }
            else if (Latin.TryGetValue(c, out var latin))
            {
                builder.Append(latin);
            }
            else if (char.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark)
            {
                // Arabic short vowels and other marks the target cannot hold carry no letter of their own.
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
}
