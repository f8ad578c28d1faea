namespace PosBridge.Core.Taxes;

/// <summary>
/// The taxes of one line, flattened and ordered as Odoo's <c>flatten_taxes_hierarchy</c> does: sorted by
/// (sequence, id), each group replaced in place by its children sorted the same way. "id" order is the
/// order of the definitions list (the system of record's id order). Build it once per product and
/// reuse it: the engine reads it on every line.
/// </summary>
public sealed class TaxSet
{
    public static readonly TaxSet Empty = new([]);

    private TaxSet(TaxDefinition[] flattened)
    {
        Flattened = flattened;
        if (flattened is [{ AmountType: TaxAmountType.Percent } single])
        {
            // With one tax, include_base_amount has no later tax to affect: the engine's fast path applies.
            SinglePercent = single;
            SinglePercentRate = single.Amount / 100m;
            // The integer path needs |rate| <= 1 and a short mantissa (see TaxEngine.TryComputeSinglePercentFixed).
            if (Math.Abs(SinglePercentRate) <= 1m
                && FixedPoint.TrySplit(SinglePercentRate, out var mantissa, out var scale)
                && scale <= MaxRateScale)
            {
                RateMantissa = mantissa;
                RateScale = scale;
                HasFixedPointRate = true;
            }
        }
    }

    /// <summary>The taxes in the order they are computed; never contains a group.</summary>
    public IReadOnlyList<TaxDefinition> Taxes => Flattened;

    internal TaxDefinition[] Flattened { get; }

    /// <summary>Set when the line has exactly one percent tax, the usual case on a receipt.</summary>
    internal TaxDefinition? SinglePercent { get; }

    internal decimal SinglePercentRate { get; }

    internal const int MaxRateScale = 6;

    internal bool HasFixedPointRate { get; }

    internal long RateMantissa { get; }

    internal int RateScale { get; }

    /// <summary>
    /// Flattens the taxes named by <paramref name="lineTaxIds"/>. <paramref name="definitions"/> holds every
    /// tax (group children too) in the system of record's id order, which breaks ties between equal sequences.
    /// </summary>
    /// <exception cref="ArgumentException">An id is unknown, or a group holds a group (Odoo forbids both).</exception>
    public static TaxSet Create(IEnumerable<string> lineTaxIds, IReadOnlyList<TaxDefinition> definitions)
    {
        ArgumentNullException.ThrowIfNull(lineTaxIds);
        ArgumentNullException.ThrowIfNull(definitions);
        var rank = new Dictionary<string, int>(definitions.Count, StringComparer.Ordinal);
        for (var i = 0; i < definitions.Count; i++)
        {
            rank.TryAdd(definitions[i].Id, i);
        }

        var flattened = new List<TaxDefinition>();
        foreach (var tax in Ordered(lineTaxIds, definitions, rank))
        {
            if (tax.AmountType != TaxAmountType.Group)
            {
                flattened.Add(tax);
                continue;
            }

            foreach (var child in Ordered(tax.Children, definitions, rank))
            {
                if (child.AmountType == TaxAmountType.Group)
                {
                    throw new ArgumentException($"Tax group '{tax.Id}' contains the group '{child.Id}'; groups cannot be nested.", nameof(definitions));
                }

                flattened.Add(child);
            }
        }

        return flattened.Count == 0 ? Empty : new TaxSet([.. flattened]);
    }

    /// <summary>A tax set of plain taxes (no groups); ties in sequence keep the order given.</summary>
    public static TaxSet Create(params TaxDefinition[] taxes)
    {
        ArgumentNullException.ThrowIfNull(taxes);
        return Create(taxes.Select(t => t.Id), taxes);
    }

    private static IEnumerable<TaxDefinition> Ordered(
        IEnumerable<string> ids,
        IReadOnlyList<TaxDefinition> definitions,
        Dictionary<string, int> rank) =>
        ids.Select(id => rank.TryGetValue(id, out var index)
                ? definitions[index]
                : throw new ArgumentException($"Tax '{id}' is not defined.", nameof(ids)))
            .OrderBy(t => t.Sequence)
            .ThenBy(t => rank[t.Id]);
}
