using PosBridge.Core.Amounts;

namespace PosBridge.Accounting.Journals;

/// <summary>Checks in whole minor units, never by comparing decimals that could carry stray digits.</summary>
internal static class JournalBalance
{
    private static readonly decimal[] MinorFactor = [1m, 10m, 100m, 1000m, 10000m];

    /// <summary>The amount as a count of minor units; throws when it has more digits than the currency.</summary>
    public static long ToMinorUnits(decimal amount, Currency currency)
    {
        var scaled = amount * MinorFactor[currency.MinorUnits];
        if (amount.Scale <= currency.MinorUnits)
        {
            return (long)scaled; // no digit beyond the currency's: the product is whole
        }

        if (decimal.Truncate(scaled) != scaled)
        {
            throw new InvalidOperationException(
                $"{amount} has more decimals than {currency.Code} has ({currency.MinorUnits}); a journal books whole minor units.");
        }

        return (long)scaled;
    }

    /// <summary>Debits minus credits, in minor units: zero when the lines balance.</summary>
    public static long Imbalance(IReadOnlyList<JournalLine> lines, Currency currency)
    {
        // Decimal addition is exact, so the sum is zero exactly when the minor units balance.
        var sum = 0m;
        for (var i = 0; i < lines.Count; i++)
        {
            sum += lines[i].Amount;
        }

        return sum == 0m ? 0 : ToMinorUnits(sum, currency);
    }
}
