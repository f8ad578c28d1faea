namespace PosBridge.Core.Privacy;

/// <summary>
/// Finds a payment card number (PAN) in free text, so that none is ever stored: 13 to 19 digits, written together
/// or in groups split by single spaces or dashes, whose last digit is the Luhn check digit of the others — the form
/// every card scheme uses. A longer run of digits is not a card number; nor is a run whose check digit fails.
/// </summary>
public static class CardNumbers
{
    public const int MinDigits = 13;
    public const int MaxDigits = 19;

    /// <summary>True when <paramref name="text"/> holds something that is a card number by length and check digit.</summary>
    public static bool Contains(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var digits = new List<int>(MaxDigits + 1);
        for (var i = 0; i <= text.Length; i++)
        {
            var c = i < text.Length ? text[i] : '\0';
            if (char.IsAsciiDigit(c))
            {
                digits.Add(c - '0');
                continue;
            }

            // One space or dash between digits keeps the number going ("4111 1111 1111 1111", "4111-1111-…").
            if (c is ' ' or '-' && digits.Count > 0 && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]))
            {
                continue;
            }

            if (IsCardNumber(digits))
            {
                return true;
            }

            digits.Clear();
        }

        return false;
    }

    private static bool IsCardNumber(List<int> digits) =>
        digits.Count is >= MinDigits and <= MaxDigits && LuhnValid(digits);

    private static bool LuhnValid(List<int> digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Count; i++)
        {
            var digit = digits[digits.Count - 1 - i];
            if (i % 2 == 1)
            {
                digit *= 2;
                if (digit > 9)
                {
                    digit -= 9;
                }
            }

            sum += digit;
        }

        return sum % 10 == 0;
    }
}
