using System.Diagnostics.CodeAnalysis;

namespace PosBridge.Ecommerce.Publishing;

/// <summary>Global trade item numbers as Merchant Center accepts them.</summary>
internal static class Gtin
{
    /// <summary>
    /// 8, 12, 13 or 14 digits with a correct check digit, and not a restricted in-store number (EAN prefix 2,
    /// UPC prefix 2 or 4: weighed goods and shop-made labels), which Merchant Center refuses as a GTIN.
    /// </summary>
    public static bool IsValid([NotNullWhen(true)] string? code)
    {
        if (code is null || code.Length is not (8 or 12 or 13 or 14) || !code.All(char.IsAsciiDigit))
        {
            return false;
        }

        var gtin14 = code.PadLeft(14, '0');
        if (gtin14.StartsWith("002", StringComparison.Ordinal) || gtin14.StartsWith("02", StringComparison.Ordinal) || gtin14.StartsWith("004", StringComparison.Ordinal))
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 13; i++)
        {
            var digit = gtin14[i] - '0';
            sum += i % 2 == 0 ? digit * 3 : digit;
        }

        return (10 - (sum % 10)) % 10 == gtin14[13] - '0';
    }
}
