namespace PosBridge.Core.Taxes;

/// <summary>How a tax's <see cref="TaxDefinition.Amount"/> is read, as Odoo's <c>account.tax.amount_type</c>.</summary>
public enum TaxAmountType
{
    /// <summary>A percentage of the base (Amount 14 = 14 %).</summary>
    Percent,

    /// <summary>A fixed amount per unit of quantity.</summary>
    Fixed,

    /// <summary>"Percentage of price tax included": base ÷ (1 − Amount/100) − base.</summary>
    Division,

    /// <summary>A group whose children are applied in its place.</summary>
    Group,
}

/// <summary>The company setting <c>tax_calculation_rounding_method</c>.</summary>
public enum TaxRoundingMethod
{
    /// <summary>Each line's tax is rounded to the currency, then summed.</summary>
    RoundPerLine,

    /// <summary>Line taxes keep five extra digits; each tax's document total is rounded once.</summary>
    RoundGlobally,
}

/// <summary>
/// A tax as Odoo's <c>account.tax</c> defines it, with the fields its computation reads.
/// Repartition lines are taken as one 100 % tax line, which is what every POS tax uses.
/// </summary>
public sealed record TaxDefinition
{
    /// <summary>Stable id of the tax in the system of record (e.g. Odoo's id as text).</summary>
    public required string Id { get; init; }

    /// <summary>The name printed on receipts and ledgers, e.g. "VAT 14%".</summary>
    public required string Name { get; init; }

    public required TaxAmountType AmountType { get; init; }

    /// <summary>Percent (14 = 14 %) for percent and division taxes; an amount per unit for fixed taxes.</summary>
    public decimal Amount { get; init; }

    /// <summary>The price already contains this tax.</summary>
    public bool PriceInclude { get; init; }

    /// <summary>This tax's amount is part of the base of the taxes after it.</summary>
    public bool IncludeBaseAmount { get; init; }

    /// <summary>This tax's base includes earlier taxes marked <see cref="IncludeBaseAmount"/> (Odoo's default: true).</summary>
    public bool IsBaseAffected { get; init; } = true;

    /// <summary>Order of application; lower first. Ties keep the order the taxes are listed in.</summary>
    public int Sequence { get; init; } = 1;

    /// <summary>For a <see cref="TaxAmountType.Group"/>: the ids of the taxes it stands for.</summary>
    public IReadOnlyList<string> Children { get; init; } = [];
}
