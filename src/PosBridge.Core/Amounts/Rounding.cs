namespace PosBridge.Core.Amounts;

/// <summary>How an amount is brought to a step. Odoo's <c>float_round</c> methods map as named.</summary>
public enum RoundingMode
{
    /// <summary>Half away from zero: Odoo's HALF-UP (2.675 → 2.68, −2.675 → −2.68).</summary>
    HalfUp,

    /// <summary>Half to even, banker's rounding (2.665 → 2.66, 2.675 → 2.68).</summary>
    HalfEven,

    /// <summary>Away from zero: Odoo's UP (2.661 → 2.67, −2.661 → −2.67).</summary>
    Up,

    /// <summary>Toward zero: Odoo's DOWN (2.669 → 2.66, −2.669 → −2.66).</summary>
    Down,
}

/// <summary>Explicit rounding of decimal amounts to a number of decimals or to a step such as 0.05.</summary>
public static class Rounding
{
    public static decimal ToDecimals(decimal value, int decimals, RoundingMode mode) => mode switch
    {
        RoundingMode.HalfUp => decimal.Round(value, decimals, MidpointRounding.AwayFromZero),
        RoundingMode.HalfEven => decimal.Round(value, decimals, MidpointRounding.ToEven),
        RoundingMode.Down => decimal.Round(value, decimals, MidpointRounding.ToZero),
        RoundingMode.Up => decimal.Round(
            value, decimals, value < 0 ? MidpointRounding.ToNegativeInfinity : MidpointRounding.ToPositiveInfinity),
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown rounding mode."),
    };

    /// <summary>
    /// Rounds to a multiple of <paramref name="step"/> (a cash-rounding step such as 0.05, 0.25 or 1.00).
    /// </summary>
    public static decimal ToStep(decimal value, decimal step, RoundingMode mode)
    {
        if (step <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, "A rounding step must be greater than zero.");
        }

        var steps = ToDecimals(value / step, 0, mode);
        // Keep the step's scale (0.05 → two decimals) so 1.2 rounds to "1.20", not "1.2".
        return decimal.Round(steps * step, step.Scale);
    }
}
