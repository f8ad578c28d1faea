namespace PosBridge.Core.Taxes;

/// <summary>
/// The taxes of one line, flattened and ordered as Odoo's <c>flatten_taxes_hierarchy</c> does
/// (sorted by sequence, each group replaced in place by its children sorted by sequence).
/// Build it once per product and reuse it: the engine reads it on every line.
/// </summary>
public sealed class TaxSet
{
    public static readonly TaxSet Empty = new([]);

    private TaxSet(TaxDefinition[] flattened)
    {
        Flattened = flattened;
        var simple = flattened.Length == 1
            && flattened[0] is { AmountType: TaxAmountType.Percent, IncludeBaseAmount: false };
        SinglePercent = simple ? flattened[0] : null;
    }

    /// <summary>The taxes in the order they are computed; never contains a group.</summary>
    public IReadOnlyList<TaxDefinition> Taxes => Flattened;

    internal TaxDefinition[] Flattened { get; }

    /// <summary>Set when the line has exactly one plain percent tax: the engine's fast path.</summary>
    internal TaxDefinition? SinglePercent { get; }

    public int Count => Taxes.Count;

    /// <summary>Flattens <paramref name="lineTaxIds"/> using the definitions in <paramref name="definitions"/>.</summary>
    /// <exception cref="ArgumentException">An id is unknown, or a group holds a group (Odoo forbids both).</exception>
    public static TaxSet Create(IEnumerable<string> lineTaxIds, IReadOnlyDictionary<string, TaxDefinition> definitions)
    {
        ArgumentNullException.ThrowIfNull(lineTaxIds);
        ArgumentNullException.ThrowIfNull(definitions);
        return Create(lineTaxIds.Select(id => Find(definitions, id)), definitions);
    }

    public static TaxSet Create(IEnumerable<TaxDefinition> lineTaxes, IReadOnlyDictionary<string, TaxDefinition> definitions)
    {
        ArgumentNullException.ThrowIfNull(lineTaxes);
        ArgumentNullException.ThrowIfNull(definitions);
        var flattened = new List<TaxDefinition>();
        // OrderBy is a stable sort: equal sequences keep the order given, as Odoo's sorted() keeps record order.
        foreach (var tax in lineTaxes.OrderBy(t => t.Sequence))
        {
            if (tax.AmountType != TaxAmountType.Group)
            {
                flattened.Add(tax);
                continue;
            }

            foreach (var child in tax.Children.Select(id => Find(definitions, id)).OrderBy(t => t.Sequence))
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

    /// <summary>For lines whose taxes have no groups, no lookup is needed.</summary>
    public static TaxSet Create(params TaxDefinition[] taxes)
    {
        ArgumentNullException.ThrowIfNull(taxes);
        return Create(taxes, taxes.ToDictionary(t => t.Id, StringComparer.Ordinal));
    }

    private static TaxDefinition Find(IReadOnlyDictionary<string, TaxDefinition> definitions, string id) =>
        definitions.TryGetValue(id, out var tax)
            ? tax
            : throw new ArgumentException($"Tax '{id}' is not defined.", nameof(definitions));
}
