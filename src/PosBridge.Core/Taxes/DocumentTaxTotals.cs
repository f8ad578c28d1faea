namespace PosBridge.Core.Taxes;

/// <summary>One tax's total on a document: the base it applied to and its amount, both rounded to the currency.</summary>
public sealed record TaxTotal(TaxDefinition Tax, decimal Base, decimal Amount);

/// <summary>A document's totals: untaxed + tax = total, with the tax split per tax.</summary>
public sealed record DocumentTaxTotals(decimal Untaxed, IReadOnlyList<TaxTotal> Taxes, decimal Tax, decimal Total);

/// <summary>
/// Adds lines up as Odoo 17's POS order does: the untaxed amount is the sum of the lines' rounded
/// excluded totals; per line, each tax's rounded amounts are summed; globally, each tax's unrounded
/// amounts are summed and rounded once. The total is untaxed plus the taxes, so the receipt, the
/// tax per rate and the total always agree.
/// </summary>
public sealed class DocumentTaxTotalsBuilder
{
    private readonly TaxEngine _engine;
    private readonly List<(TaxDefinition Tax, decimal Base, decimal Amount)> _perTax = [];
    private decimal _untaxed;

    internal DocumentTaxTotalsBuilder(TaxEngine engine) => _engine = engine;

    public void Add(LineTaxResult line)
    {
        _untaxed += line.TotalExcluded;
        for (var i = 0; i < line.Taxes.Count; i++)
        {
            var tax = line.Taxes[i];
            var index = IndexOf(tax.Tax);
            if (index < 0)
            {
                _perTax.Add((tax.Tax, tax.Base, tax.Amount));
            }
            else
            {
                var (t, b, a) = _perTax[index];
                _perTax[index] = (t, b + tax.Base, a + tax.Amount);
            }
        }
    }

    public DocumentTaxTotals Build()
    {
        var currency = _engine.Currency;
        var untaxed = currency.Round(_untaxed);
        var taxes = new TaxTotal[_perTax.Count];
        var tax = 0m;
        for (var i = 0; i < taxes.Length; i++)
        {
            var (definition, baseSum, amountSum) = _perTax[i];
            var amount = currency.Round(amountSum);
            taxes[i] = new TaxTotal(definition, currency.Round(baseSum), amount);
            tax += amount;
        }

        return new DocumentTaxTotals(untaxed, taxes, tax, untaxed + tax);
    }

    private int IndexOf(TaxDefinition tax)
    {
        for (var i = 0; i < _perTax.Count; i++)
        {
            if (ReferenceEquals(_perTax[i].Tax, tax) || string.Equals(_perTax[i].Tax.Id, tax.Id, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
