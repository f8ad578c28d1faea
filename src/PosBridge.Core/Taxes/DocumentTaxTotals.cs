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
    private Accumulator[] _perTax = new Accumulator[4];
    private int _taxCount;
    private decimal _untaxed;

    internal DocumentTaxTotalsBuilder(TaxEngine engine) => _engine = engine;

    public void Add(LineTaxResult line)
    {
        _untaxed += line.TotalExcluded;
        if (line.Taxes is LineTax[] array)
        {
            foreach (ref readonly var tax in array.AsSpan())
            {
                Add(in tax);
            }

            return;
        }

        foreach (var tax in line.Taxes)
        {
            Add(in tax);
        }
    }

    public DocumentTaxTotals Build()
    {
        var currency = _engine.Currency;
        var untaxed = currency.Round(_untaxed);
        var taxes = new TaxTotal[_taxCount];
        var tax = 0m;
        for (var i = 0; i < taxes.Length; i++)
        {
            ref readonly var entry = ref _perTax[i];
            var amount = currency.Round(entry.Amount);
            taxes[i] = new TaxTotal(entry.Tax, currency.Round(entry.Base), amount);
            tax += amount;
        }

        return new DocumentTaxTotals(untaxed, taxes, tax, untaxed + tax);
    }

    private void Add(in LineTax tax)
    {
        for (var i = 0; i < _taxCount; i++)
        {
            ref var entry = ref _perTax[i];
            if (ReferenceEquals(entry.Tax, tax.Tax) || string.Equals(entry.Tax.Id, tax.Tax.Id, StringComparison.Ordinal))
            {
                entry.Base += tax.Base;
                entry.Amount += tax.Amount;
                return;
            }
        }

        if (_taxCount == _perTax.Length)
        {
            Array.Resize(ref _perTax, _perTax.Length * 2);
        }

        _perTax[_taxCount++] = new Accumulator { Tax = tax.Tax, Base = tax.Base, Amount = tax.Amount };
    }

    private struct Accumulator
    {
        public TaxDefinition Tax;
        public decimal Base;
        public decimal Amount;
    }
}
