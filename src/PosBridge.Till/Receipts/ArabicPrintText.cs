using System.Globalization;
using System.Text;

namespace PosBridge.Till.Receipts;

/// <summary>
/// Arabic for printers that know nothing of Arabic: a thermal printer prints bytes left to right, one
/// glyph per byte, so the till does what a text engine would. It shapes each letter into its isolated,
/// initial, medial or final presentation form (and lam-alef into its ligature), drops the harakat the
/// printer's code page cannot show, and puts each line into visual order (a simplified bidi: Arabic runs
/// reversed, Latin and numbers kept left to right, an Arabic line's runs laid right to left).
/// </summary>
internal static class ArabicPrintText
{
    // The presentation forms of U+0621…U+064A follow one another in U+FE80…U+FEF4, each letter taking as
    // many as it has: 1 (hamza), 2 (isolated, final: letters that do not join the next), or 4.
    private static readonly Dictionary<char, (char Isolated, int Forms)> Forms = BuildForms();

    public static bool HasArabic(string text) => text.Any(IsArabic);

    /// <summary>
    /// Encodes a visual line in a printer code page that lacks some forms (PC864 has one glyph for both
    /// the isolated and final forms of ر, د, و, …): a missing form is replaced by another form of the same
    /// letter, then by the plain letter, and only then by '?'.
    /// </summary>
    public static byte[] Encode(string visual, Encoding codePage)
    {
        var strict = Encoding.GetEncoding(codePage.CodePage, new EncoderExceptionFallback(), DecoderFallback.ReplacementFallback);
        var bytes = new List<byte>(visual.Length);
        Span<char> one = stackalloc char[1];
        foreach (var c in visual)
        {
            foreach (var candidate in Candidates(c))
            {
                one[0] = candidate;
                try
                {
                    bytes.AddRange(strict.GetBytes(one.ToArray()));
                    goto next;
                }
                catch (EncoderFallbackException)
                {
                }
            }

            bytes.Add((byte)'?');
        next:;
        }

        return [.. bytes];
    }

    private static IEnumerable<char> Candidates(char c)
    {
        yield return c;
        if (c is >= '\uFEF5' and <= '\uFEFC')
        {
            yield return (char)(c - ((c - 0xFEF5) % 2)); // the isolated lam-alef
            yield break;
        }

        foreach (var (letter, form) in Forms)
        {
            if (c >= form.Isolated && c < form.Isolated + form.Forms)
            {
                for (var k = 0; k < form.Forms; k++)
                {
                    yield return (char)(form.Isolated + k);
                }

                yield return letter;
                yield break;
            }
        }
    }

    /// <summary>A logical-order line as the printer must receive it: shaped, in visual order.</summary>
    public static string ToVisual(string logical)
    {
        var shaped = Shape(logical);
        var runs = Runs(shaped);
        var rtlLine = runs.FirstOrDefault(r => r.Strong)?.Rtl ?? false;
        var builder = new StringBuilder(shaped.Length);
        foreach (var run in rtlLine ? Enumerable.Reverse(runs) : runs)
        {
            if (run.Rtl)
            {
                for (var i = run.Text.Length - 1; i >= 0; i--)
                {
                    builder.Append(Mirror(run.Text[i]));
                }
            }
            else
            {
                builder.Append(run.Text);
            }
        }

        return builder.ToString();
    }

    /// <summary>Letters to their contextual forms, still in logical order.</summary>
    public static string Shape(string text)
    {
        var letters = text.Where(c => CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark).ToArray();
        var builder = new StringBuilder(letters.Length);
        for (var i = 0; i < letters.Length; i++)
        {
            var c = letters[i];
            if (!Forms.TryGetValue(c, out var form))
            {
                builder.Append(c);
                continue;
            }

            var joinsBefore = i > 0 && JoinsNext(letters[i - 1]);
            if (c == 'ل' && i + 1 < letters.Length && LamAlef(letters[i + 1]) is { } ligature)
            {
                builder.Append((char)(ligature + (joinsBefore ? 1 : 0)));
                i++;
                continue;
            }

            var joinsAfter = form.Forms == 4 && i + 1 < letters.Length && JoinsPrevious(letters[i + 1]);
            var offset = (joinsBefore && form.Forms > 1, joinsAfter) switch
            {
                (false, false) => 0,
                (true, false) => 1,
                (false, true) => 2,
                (true, true) => 3,
            };
            builder.Append((char)(form.Isolated + offset));
        }

        return builder.ToString();
    }

    private static char? LamAlef(char next) => next switch
    {
        'آ' => '\uFEF5',
        'أ' => '\uFEF7',
        'إ' => '\uFEF9',
        'ا' => '\uFEFB',
        _ => null,
    };

    private static bool JoinsNext(char c) => c == 'ـ' || (Forms.TryGetValue(c, out var f) && f.Forms == 4);

    private static bool JoinsPrevious(char c) => c == 'ـ' || (Forms.TryGetValue(c, out var f) && f.Forms >= 2);

    private static bool IsArabic(char c) => c is >= '\u0600' and <= '\u06FF' or >= '\uFB50' and <= '\uFDFF' or >= '\uFE70' and <= '\uFEFF';

    private static char Mirror(char c) => c switch
    {
        '(' => ')',
        ')' => '(',
        '[' => ']',
        ']' => '[',
        '<' => '>',
        '>' => '<',
        _ => c,
    };

    private sealed record Run(string Text, bool Rtl, bool Strong);

    /// <summary>
    /// Splits a line into direction runs. Arabic letters are right to left; Latin letters and all digits
    /// (Arabic-Indic too: numbers read left to right) left to right; spaces and punctuation join the run
    /// around them when both sides agree, else stand alone and follow the line.
    /// </summary>
    private static List<Run> Runs(string text)
    {
        var classes = text.Select(c => IsArabic(c) && !char.IsDigit(c) && c is not ('٫' or '٬') ? 1 : char.IsLetterOrDigit(c) || c is '٫' or '٬' ? 0 : -1).ToArray();
        var lineRtl = Array.Find(classes, c => c >= 0) == 1;
        for (var i = 0; i < classes.Length; i++)
        {
            if (classes[i] >= 0)
            {
                continue;
            }

            var end = i;
            while (end < classes.Length && classes[end] < 0)
            {
                end++;
            }

            var before = i > 0 ? classes[i - 1] : -1;
            var after = end < classes.Length ? classes[end] : -1;
            var resolved = before == after && before >= 0 ? before : lineRtl ? 1 : 0;
            for (var k = i; k < end; k++)
            {
                classes[k] = resolved + 2; // resolved neutral
            }

            i = end - 1;
        }

        var runs = new List<Run>();
        for (var i = 0; i < text.Length;)
        {
            var rtl = classes[i] % 2 == 1;
            var start = i;
            var strong = false;
            while (i < text.Length && classes[i] % 2 == (rtl ? 1 : 0))
            {
                strong |= classes[i] < 2;
                i++;
            }

            runs.Add(new Run(text[start..i], rtl, strong));
        }

        return runs;
    }

    private static Dictionary<char, (char, int)> BuildForms()
    {
        int[] counts =
        [
            1, 2, 2, 2, 2, 4, 2, 4, 2, 4, 4, 4, 4, 4, 2, 2, 2, 2, 4, 4, 4, 4, 4, 4, 4, 4, // ء … غ (U+0621–U+063A)
            4, 4, 4, 4, 4, 4, 4, 2, 2, 4, // ف … ي (U+0641–U+064A)
        ];
        var forms = new Dictionary<char, (char, int)>();
        var next = 0xFE80;
        for (var i = 0; i < counts.Length; i++)
        {
            var letter = (char)(i < 26 ? 0x0621 + i : 0x0641 + (i - 26));
            forms[letter] = ((char)next, counts[i]);
            next += counts[i];
        }

        return forms;
    }
}
