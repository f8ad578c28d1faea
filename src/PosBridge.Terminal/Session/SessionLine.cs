using System.Globalization;
using System.Text;

namespace PosBridge.Terminal.Session;

/// <summary>A command the session refused: <see cref="Exception.Message"/> says what to type instead. Nothing was changed.</summary>
internal sealed class SessionUsageException(string message) : Exception(message);

/// <summary>
/// One line of a session split into words: blanks separate them, double quotes keep blanks inside one
/// ("Front counter"), <c>#</c> at the start of a word starts a comment.
/// </summary>
internal sealed class SessionLine
{
    private readonly List<string> _words;
    private int _next;

    private SessionLine(List<string> words) => _words = words;

    public bool IsEmpty => _words.Count == 0;

    public bool HasMore => _next < _words.Count;

    public static SessionLine Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var words = new List<string>();
        var word = new StringBuilder();
        var inQuotes = false;
        var started = false;
        foreach (var c in line)
        {
            if (inQuotes)
            {
                if (c == '"')
                {
                    inQuotes = false;
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (c == '"')
            {
                inQuotes = true;
                started = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (started)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    started = false;
                }
            }
            else if (c == '#' && !started)
            {
                break;
            }
            else
            {
                word.Append(c);
                started = true;
            }
        }

        if (inQuotes)
        {
            throw new SessionUsageException("A quote is not closed: put a \" at the end of the quoted words.");
        }

        if (started)
        {
            words.Add(word.ToString());
        }

        return new SessionLine(words);
    }

    /// <summary>The next word, in lower case (for keywords), or null at the end.</summary>
    public string? NextKeyword() => Next()?.ToLowerInvariant();

    public string? Next() => _next < _words.Count ? _words[_next++] : null;

    /// <summary>The next word if it is <paramref name="keyword"/> (any case); otherwise nothing is taken.</summary>
    public bool Take(string keyword)
    {
        if (_next < _words.Count && string.Equals(_words[_next], keyword, StringComparison.OrdinalIgnoreCase))
        {
            _next++;
            return true;
        }

        return false;
    }

    public string Required(string what, string usage) =>
        Next() ?? throw new SessionUsageException($"Missing {what}. Type: {usage}");

    /// <summary>Everything left on the line, joined by single blanks (a reason, a note).</summary>
    public string Rest()
    {
        var rest = string.Join(' ', _words.Skip(_next));
        _next = _words.Count;
        return rest;
    }

    public decimal Amount(string what, string usage) => ParseAmount(Required(what, usage), what, usage);

    /// <summary>The next word as an amount, if it is one; otherwise nothing is taken.</summary>
    public decimal? OptionalAmount()
    {
        if (_next < _words.Count && TryAmount(_words[_next], out var value))
        {
            _next++;
            return value;
        }

        return null;
    }

    public void End(string usage)
    {
        if (HasMore)
        {
            throw new SessionUsageException($"'{_words[_next]}' is not understood here. Type: {usage}");
        }
    }

    public static decimal ParseAmount(string text, string what, string usage) =>
        TryAmount(text, out var value)
            ? value
            : throw new SessionUsageException($"'{text}' is not {what}: write digits with a dot for decimals (12.50). Type: {usage}");

    private static bool TryAmount(string text, out decimal value) =>
        decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);
}
