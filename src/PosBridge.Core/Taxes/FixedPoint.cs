namespace PosBridge.Core.Taxes;

/// <summary>
/// Exact scaled-integer arithmetic for the tax engine's hot path. Every value is a mantissa and a
/// number of decimals; rounding is half away from zero, as Odoo's. Callers check the bounds that keep
/// every product inside a <see cref="long"/> and fall back to <see cref="decimal"/> otherwise.
/// </summary>
internal static class FixedPoint
{
    private static readonly long[] Pow10 =
    [
        1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L, 100_000_000L, 1_000_000_000L,
        10_000_000_000L, 100_000_000_000L, 1_000_000_000_000L, 10_000_000_000_000L, 100_000_000_000_000L,
        1_000_000_000_000_000L, 10_000_000_000_000_000L, 100_000_000_000_000_000L, 1_000_000_000_000_000_000L,
    ];

    public static long Power(int exponent) => Pow10[exponent];

    /// <summary>Splits a decimal into mantissa and scale when the mantissa fits in 31 bits.</summary>
    public static bool TrySplit(decimal value, out long mantissa, out int scale)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        scale = (bits[3] >> 16) & 0xFF;
        if (bits[2] != 0 || bits[1] != 0 || bits[0] < 0)
        {
            mantissa = 0;
            return false;
        }

        mantissa = bits[3] < 0 ? -(long)bits[0] : bits[0];
        return true;
    }

    /// <summary>Changes the number of decimals, rounding half away from zero when dropping digits.</summary>
    public static long Rescale(long value, int from, int to)
    {
        if (from <= to)
        {
            return value * Pow10[to - from];
        }

        var divisor = Pow10[from - to];
        var quotient = Math.DivRem(value, divisor, out var remainder);
        if (Math.Abs(remainder) * 2 >= divisor)
        {
            quotient += Math.Sign(value);
        }

        return quotient;
    }

    /// <summary><paramref name="numerator"/> ÷ <paramref name="denominator"/> (both positive), rounded half up.</summary>
    public static long DivideHalfUp(long numerator, long denominator)
    {
        var quotient = Math.DivRem(numerator, denominator, out var remainder);
        return remainder * 2 >= denominator ? quotient + 1 : quotient;
    }

    public static decimal ToDecimal(long mantissa, int scale) =>
        new((int)(Math.Abs(mantissa) & 0xFFFFFFFF), (int)(Math.Abs(mantissa) >> 32), 0, mantissa < 0, (byte)scale);
}
