namespace PosBridge.Till.Catalog;

/// <summary>What an in-store barcode carries after its item code.</summary>
public enum EmbeddedValue
{
    /// <summary>A weight in thousandths of the product's unit (grams for kg).</summary>
    Weight,

    /// <summary>The line's price in the currency's minor units.</summary>
    Price,
}

/// <summary>
/// An in-store EAN-13 (GS1 prefixes 20–29): <c>PP IIIII VVVVV C</c> — prefix, item code, value, check digit.
/// The store says which prefixes it prints and what the value means.
/// </summary>
public sealed record EmbeddedBarcodeRule(string Prefix, EmbeddedValue Value, int ItemDigits = 5, int ValueDecimals = 3);

/// <summary>A scanned code, understood.</summary>
/// <param name="Code">The code as scanned.</param>
/// <param name="LookupCode">The code to find the product by (for embedded barcodes, prefix + item code).</param>
/// <param name="Weight">The quantity the label carries, for weighed goods.</param>
/// <param name="Price">The line price the label carries, in major units.</param>
public sealed record ScannedBarcode(string Code, string LookupCode, decimal? Weight = null, decimal? Price = null);

public static class Barcode
{
    /// <summary>True when <paramref name="code"/> is an EAN-13, UPC-A or EAN-8 with a correct check digit.</summary>
    public static bool IsValid(string? code) =>
        code is { Length: 8 or 12 or 13 } && code.All(char.IsAsciiDigit) && CheckDigit(code.AsSpan(0, code.Length - 1)) == code[^1] - '0';

    /// <summary>The GS1 check digit of <paramref name="body"/> (the code without its last digit).</summary>
    public static int CheckDigit(ReadOnlySpan<char> body)
    {
        // GS1: from the right, weights 3,1,3,1…; the same rule serves EAN-8, UPC-A and EAN-13.
        var sum = 0;
        for (var i = 0; i < body.Length; i++)
        {
            var digit = body[body.Length - 1 - i] - '0';
            sum += i % 2 == 0 ? digit * 3 : digit;
        }

        return (10 - (sum % 10)) % 10;
    }

    /// <summary>Reads a scan; null when it is not a valid EAN/UPC (a misread the cashier must rescan).</summary>
    public static ScannedBarcode? Read(string code, IEnumerable<EmbeddedBarcodeRule> rules, int currencyMinorUnits)
    {
        ArgumentNullException.ThrowIfNull(code);
        ArgumentNullException.ThrowIfNull(rules);
        code = code.Trim();
        if (!IsValid(code))
        {
            return null;
        }

        if (code.Length == 13)
        {
            foreach (var rule in rules)
            {
                if (!code.StartsWith(rule.Prefix, StringComparison.Ordinal))
                {
                    continue;
                }

                var itemEnd = rule.Prefix.Length + rule.ItemDigits;
                var lookup = code[..itemEnd];
                var raw = decimal.Parse(code.AsSpan(itemEnd, 12 - itemEnd), provider: System.Globalization.CultureInfo.InvariantCulture);
                return rule.Value == EmbeddedValue.Weight
                    ? new ScannedBarcode(code, lookup, Weight: raw / Pow10(rule.ValueDecimals))
                    : new ScannedBarcode(code, lookup, Price: raw / Pow10(currencyMinorUnits));
            }
        }

        // A UPC-A is an EAN-13 with a leading zero: catalogs hold either form.
        return new ScannedBarcode(code, code);
    }

    private static decimal Pow10(int exponent)
    {
        var result = 1m;
        for (var i = 0; i < exponent; i++)
        {
            result *= 10m;
        }

        return result;
    }
}
