using PosBridge.Core.Amounts;

namespace PosBridge.Core.Taxes;

/// <summary>One tax's share of a line: the base it was computed on and its amount (signed like the line).</summary>
public readonly record struct LineTax(TaxDefinition Tax, decimal Base, decimal Amount);

/// <summary>
/// A line's totals as Odoo's <c>compute_all</c> returns them. <see cref="TotalExcluded"/> and
/// <see cref="TotalIncluded"/> are rounded to the currency; under <see cref="TaxRoundingMethod.RoundGlobally"/>
/// the tax amounts keep five extra digits, and the document rounds each tax's sum once.
/// </summary>
public readonly record struct LineTaxResult(decimal TotalExcluded, decimal TotalIncluded, IReadOnlyList<LineTax> Taxes);

/// <summary>
/// Odoo's tax computation (<c>account.tax.compute_all</c> of Odoo 16 and 17, which the POS of 16–17
/// also runs in the browser), in <see cref="decimal"/>. Comments quote the step of Odoo's code that
/// each part reproduces, so the two can be read side by side.
/// </summary>
public sealed class TaxEngine
{
    // Odoo keeps 5 more digits when rounding globally: "prec *= 1e-5".
    private const int GlobalExtraDigits = 5;

    private readonly int _taxDigits;

    public TaxEngine(Currency currency, TaxRoundingMethod roundingMethod)
    {
        ArgumentNullException.ThrowIfNull(currency);
        Currency = currency;
        RoundingMethod = roundingMethod;
        _taxDigits = currency.MinorUnits + (roundingMethod == TaxRoundingMethod.RoundGlobally ? GlobalExtraDigits : 0);
    }

    public Currency Currency { get; }

    public TaxRoundingMethod RoundingMethod { get; }

    /// <summary>Digits a line's tax amounts are rounded to: the currency's, plus five when rounding globally.</summary>
    public int TaxDigits => _taxDigits;

    /// <summary>
    /// Computes one line. The discount applies to the unit price before tax, as Odoo's POS does
    /// (<c>price_unit * (1 - discount / 100)</c>, not rounded); a refund has a negative quantity.
    /// </summary>
    public LineTaxResult ComputeLine(TaxSet taxes, decimal priceUnit, decimal quantity, decimal discountPercent = 0m)
    {
        ArgumentNullException.ThrowIfNull(taxes);
        var price = discountPercent == 0m ? priceUnit : priceUnit * (1m - (discountPercent * 0.01m));
        if (taxes.SinglePercent is not { } single)
        {
            return ComputeAll(taxes.Flattened, price, quantity);
        }

        return taxes.HasFixedPointRate && TryComputeSinglePercentFixed(taxes, single, price, quantity, out var result)
            ? result
            : ComputeSinglePercent(single, taxes.SinglePercentRate, price, quantity);
    }

    /// <summary>The general algorithm for any tax set, without fast paths (for tests that compare paths).</summary>
    internal LineTaxResult ComputeLineGeneral(TaxSet taxes, decimal priceUnit, decimal quantity, decimal discountPercent = 0m)
    {
        var price = discountPercent == 0m ? priceUnit : priceUnit * (1m - (discountPercent * 0.01m));
        return ComputeAll(taxes.Flattened, price, quantity);
    }

    /// <summary>Totals of a document from its lines' results, as Odoo's POS order totals them.</summary>
    public DocumentTaxTotals ComputeDocument(IEnumerable<LineTaxResult> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var totals = new DocumentTaxTotalsBuilder(this);
        foreach (var line in lines)
        {
            totals.Add(line);
        }

        return totals.Build();
    }

    /// <summary>Starts an accumulator for a document's totals, for callers that add lines one by one.</summary>
    public DocumentTaxTotalsBuilder StartDocument() => new(this);

    // Rounding a value that already has no more digits than asked is a no-op: skip the work.
    internal decimal RoundTax(decimal amount) =>
        amount.Scale <= _taxDigits ? amount : decimal.Round(amount, _taxDigits, MidpointRounding.AwayFromZero);

    private decimal RoundCurrency(decimal amount) =>
        amount.Scale <= Currency.MinorUnits ? amount : decimal.Round(amount, Currency.MinorUnits, MidpointRounding.AwayFromZero);

    /// <summary>
    /// <see cref="ComputeSinglePercent"/> in exact scaled integers, which is several times faster than
    /// decimal arithmetic. Rounding exact values gives the same numbers either way; the bounds checked
    /// here keep every intermediate product below 10^18. Returns false to fall back to decimals.
    /// </summary>
    private bool TryComputeSinglePercentFixed(TaxSet taxes, TaxDefinition tax, decimal priceUnit, decimal quantity, out LineTaxResult result)
    {
        result = default;
        if (!FixedPoint.TrySplit(priceUnit, out var price, out var priceScale)
            || !FixedPoint.TrySplit(quantity, out var qty, out var qtyScale)
            || priceScale + qtyScale > MaxFixedScale)
        {
            return false;
        }

        var currencyDigits = Currency.MinorUnits;
        // |price|, |qty| < 2^31, so the product is below 2^62; then bring it to the currency's digits
        // (scaling up only what is already below the base bound, so that cannot overflow either).
        var product = price * qty;
        if (priceScale + qtyScale < currencyDigits && Math.Abs(product) >= MaxFixedBase)
        {
            return false;
        }

        var baseAmount = FixedPoint.Rescale(product, priceScale + qtyScale, currencyDigits);
        var negative = baseAmount < 0;
        baseAmount = Math.Abs(baseAmount);
        if (baseAmount >= MaxFixedBase)
        {
            return false;
        }

        // Under global rounding tax amounts keep extra digits: work at the tax digits throughout.
        var extraDigits = _taxDigits - currencyDigits;
        var rate = taxes.RateMantissa;
        var rateScale = taxes.RateScale;
        long excluded, amount;
        if (tax.PriceInclude && rate != 0)
        {
            // excluded = base / (1 + rate), rounded to the currency: base·10^s / (10^s + m).
            var denominator = FixedPoint.Power(rateScale) + rate;
            excluded = FixedPoint.DivideHalfUp(baseAmount * FixedPoint.Power(rateScale), denominator);
            amount = (baseAmount - excluded) * FixedPoint.Power(extraDigits);
        }
        else
        {
            excluded = baseAmount;
            amount = FixedPoint.Rescale(baseAmount * rate, currencyDigits + rateScale, _taxDigits);
        }

        var included = FixedPoint.Rescale((excluded * FixedPoint.Power(extraDigits)) + amount, _taxDigits, currencyDigits);
        if (negative)
        {
            excluded = -excluded;
            included = -included;
            amount = -amount;
        }

        var amountScale = _taxDigits;
        while (amountScale > currencyDigits && amount % 10 == 0)
        {
            amount /= 10;
            amountScale--;
        }

        var excludedValue = FixedPoint.ToDecimal(excluded, currencyDigits);
        result = new LineTaxResult(
            excludedValue,
            FixedPoint.ToDecimal(included, currencyDigits),
            [new LineTax(tax, excludedValue, FixedPoint.ToDecimal(amount, amountScale))]);
        return true;
    }

    // Bounds for the integer path: base below 10^12 minor units and rates below 1 with at most six
    // decimals keep base·10^6, base·rate·10^5 and the like under 10^18.
    private const long MaxFixedBase = 1_000_000_000_000L;
    private const int MaxFixedScale = 18;

    /// <summary>
    /// <see cref="ComputeAll"/> specialised for one percent tax, giving the same numbers: for a
    /// price-included tax the checkpoint is the rounded base, so the tax is base − excluded; otherwise the
    /// tax is the rate times the excluded total.
    /// </summary>
    private LineTaxResult ComputeSinglePercent(TaxDefinition tax, decimal rate, decimal priceUnit, decimal quantity)
    {
        var baseAmount = RoundCurrency(priceUnit * quantity);
        var sign = 1m;
        if (baseAmount < 0m)
        {
            sign = -1m;
            baseAmount = -baseAmount;
        }

        decimal excluded, amount;
        if (tax.PriceInclude && tax.Amount != 0m)
        {
            excluded = RoundCurrency(baseAmount / (1m + rate));
            amount = baseAmount - excluded;
        }
        else
        {
            // A 0 % included tax has no checkpoint and leaves the base as it is, like an excluded tax.
            excluded = baseAmount;
            amount = RoundTax(excluded * rate);
        }

        var included = RoundCurrency(excluded + amount);
        return sign > 0m
            ? new LineTaxResult(excluded, included, [new LineTax(tax, excluded, amount)])
            : new LineTaxResult(-excluded, -included, [new LineTax(tax, -excluded, -amount)]);
    }

    private LineTaxResult ComputeAll(TaxDefinition[] taxes, decimal priceUnit, decimal quantity)
    {
        // "base = currency.round(price_unit * quantity)"
        var baseAmount = RoundCurrency(priceUnit * quantity);
        var count = taxes.Length;
        if (count == 0)
        {
            return new LineTaxResult(baseAmount, baseAmount, []);
        }

        // "In this case, compute all with positive values and negate them at the end."
        var sign = 1m;
        if (baseAmount < 0m)
        {
            sign = -1m;
            baseAmount = -baseAmount;
        }

        // 3) Walk the taxes backwards to find the base without the price-included taxes,
        //    remembering the total each price-included run must reach ("checkpoints").
        Span<decimal> checkpoints = stackalloc decimal[count];
        Span<bool> hasCheckpoint = stackalloc bool[count];
        var storeIncludedTaxTotal = true;
        decimal inclFixed = 0m, inclPercent = 0m, inclDivision = 0m;
        var absQuantity = Math.Abs(quantity);
        // Odoo tracks whether the tax *after* this one (the one visited just before) is base-affected.
        var nextIsBaseAffected = true;
        for (var i = count - 1; i >= 0; i--)
        {
            var tax = taxes[i];
            if (tax.IncludeBaseAmount && nextIsBaseAffected)
            {
                baseAmount = RecomputeBase(baseAmount, inclFixed, inclPercent, inclDivision);
                inclFixed = inclPercent = inclDivision = 0m;
                storeIncludedTaxTotal = true;
            }

            if (tax.PriceInclude)
            {
                switch (tax.AmountType)
                {
                    case TaxAmountType.Percent:
                        inclPercent += tax.Amount;
                        break;
                    case TaxAmountType.Division:
                        inclDivision += tax.Amount;
                        break;
                    case TaxAmountType.Fixed:
                        // Odoo 16/17 assign here ("incl_tax_amounts['fixed_amount'] = ..."), so of several
                        // price-included fixed taxes between two base resets only the first in sequence counts.
                        inclFixed = absQuantity * tax.Amount;
                        break;
                    case TaxAmountType.Group:
                    default:
                        throw new InvalidOperationException($"Tax '{tax.Id}' has amount type {tax.AmountType}, which a flattened tax set cannot hold.");
                }

                // "In case of a zero tax, do not store the base amount since the tax amount will be zero anyway."
                if (storeIncludedTaxTotal && tax.Amount != 0m)
                {
                    checkpoints[i] = baseAmount;
                    hasCheckpoint[i] = true;
                    storeIncludedTaxTotal = false;
                }
            }

            nextIsBaseAffected = tax.IsBaseAffected;
        }

        var totalExcluded = RoundCurrency(RecomputeBase(baseAmount, inclFixed, inclPercent, inclDivision));

        // 4) Walk forwards from the excluded total, computing each tax on its base.
        baseAmount = totalExcluded;
        var totalIncluded = totalExcluded;
        var skipCheckpoint = false;
        var cumulatedTaxIncluded = 0m;
        var results = new LineTax[count];
        for (var i = 0; i < count; i++)
        {
            var tax = taxes[i];
            var taxBase = tax.PriceInclude || tax.IsBaseAffected ? baseAmount : totalExcluded;

            decimal taxAmount;
            if (!skipCheckpoint && tax.PriceInclude && hasCheckpoint[i])
            {
                // "We know the total to reach for that tax, so we make a substraction to avoid any rounding issues"
                taxAmount = checkpoints[i] - (baseAmount + cumulatedTaxIncluded);
                cumulatedTaxIncluded = 0m;
            }
            else
            {
                // Odoo computes these "with_context(force_price_include=False)": on the excluded base.
                taxAmount = AmountOnExcludedBase(tax, taxBase, quantity);
            }

            taxAmount = RoundTax(taxAmount);
            if (tax.PriceInclude && !hasCheckpoint[i])
            {
                cumulatedTaxIncluded += taxAmount;
            }

            // Odoo rounds the base too, but a base is always the excluded total plus rounded tax
            // amounts, so it already has no more than the tax digits.
            results[i] = new LineTax(tax, sign * taxBase, sign * taxAmount);

            if (tax.IncludeBaseAmount)
            {
                baseAmount += taxAmount;
                if (!tax.PriceInclude)
                {
                    skipCheckpoint = true;
                }
            }

            totalIncluded += taxAmount;
        }

        return new LineTaxResult(sign * totalExcluded, sign * RoundCurrency(totalIncluded), results);
    }

    // "(base_amount - fixed_amount) / (1.0 + percent_amount / 100.0) * (100 - division_amount) / 100"
    private static decimal RecomputeBase(decimal baseAmount, decimal fixedAmount, decimal percentAmount, decimal divisionAmount)
    {
        var result = baseAmount - fixedAmount;
        if (percentAmount != 0m)
        {
            result /= 1m + (percentAmount / 100m);
        }

        if (divisionAmount != 0m)
        {
            result = result * (100m - divisionAmount) / 100m;
        }

        return result;
    }

    // Odoo's _compute_amount with price_include forced off.
    private static decimal AmountOnExcludedBase(TaxDefinition tax, decimal taxBase, decimal quantity)
    {
        switch (tax.AmountType)
        {
            case TaxAmountType.Percent:
                return taxBase * (tax.Amount / 100m);
            case TaxAmountType.Division:
                var divisor = 1m - (tax.Amount / 100m);
                return divisor == 0m ? 0m : (taxBase / divisor) - taxBase;
            case TaxAmountType.Fixed:
                // "math.copysign(quantity, base_amount) * self.amount" — the base is positive here, so |quantity|;
                // with a zero base the quantity keeps its sign.
                return (taxBase != 0m ? Math.Abs(quantity) : quantity) * tax.Amount;
            case TaxAmountType.Group:
            default:
                throw new InvalidOperationException($"Tax '{tax.Id}' has amount type {tax.AmountType}, which a flattened tax set cannot hold.");
        }
    }
}
