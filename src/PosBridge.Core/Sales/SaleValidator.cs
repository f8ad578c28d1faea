using System.Globalization;
using PosBridge.Core.Amounts;
using PosBridge.Core.Taxes;

namespace PosBridge.Core.Sales;

/// <summary>One thing wrong with a document: the JSON path of the field and what is wrong with it.</summary>
public sealed record ValidationError(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}

/// <summary>The outcome of validating a sale: valid, or every problem found (not just the first).</summary>
public sealed class SaleValidationResult
{
    public static readonly SaleValidationResult Valid = new([]);

    public SaleValidationResult(IReadOnlyList<ValidationError> errors) => Errors = errors;

    public IReadOnlyList<ValidationError> Errors { get; }

    public bool IsValid => Errors.Count == 0;

    /// <summary>All problems, one per line, ready for a till's manager screen or an HTTP problem detail.</summary>
    public override string ToString() => IsValid ? "valid" : string.Join(Environment.NewLine, Errors);
}

/// <summary>What a refund is checked against: the original sale and the refunds already made of it.</summary>
public sealed record RefundHistory(Sale Original, IReadOnlyList<Sale> EarlierRefunds);

/// <summary>
/// The dates a receiver takes: <see cref="Sale.CreatedAtUtc"/> no more than <paramref name="MaxAge"/> before
/// <paramref name="Now"/> (the offline allowance of a till) and no more than <paramref name="MaxAhead"/> after it
/// (a till's clock running fast).
/// </summary>
public sealed record SaleDateWindow(DateTimeOffset Now, TimeSpan MaxAge, TimeSpan MaxAhead);

/// <summary>
/// The explicit limits of a sale document, the same on the till and the connector (README "The sale document").
/// Anything outside them is refused naming the field, so no reader has to cope with it.
/// </summary>
public static class SaleLimits
{
    /// <summary>Ids, codes, numbers and units (storeId, saleNumber, productId, …): 1–64 characters, no control characters.</summary>
    public const int MaxIdLength = 64;

    /// <summary>Names and other one-line text (line and cashier names, customer fields, card fields, references).</summary>
    public const int MaxTextLength = 256;

    /// <summary>The sale's and a line's note; the only text that may hold line breaks and tabs.</summary>
    public const int MaxNoteLength = 1000;

    public const int MaxLines = 1000;

    public const int MaxPayments = 100;

    /// <summary>Taxes in the document, on one line (taxIds, taxAmounts) and in totals.taxes.</summary>
    public const int MaxTaxes = 100;

    /// <summary>Largest quantity of a line either way (a refund's are negative).</summary>
    public const decimal MaxQuantity = 1_000_000m;

    /// <summary>Largest price, amount, total or point count either way, in the sale's currency.</summary>
    public const decimal MaxAmount = 1_000_000_000m;

    /// <summary>Most decimals of a quantity or unit price (weighed goods, Odoo's price precision).</summary>
    public const int MaxDecimals = 6;

    /// <summary>No sale is dated before this instant (UTC)…</summary>
    public static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>…or at or after this one, whatever the clock says.</summary>
    public static readonly DateTimeOffset Latest = new(2100, 1, 1, 0, 0, 0, TimeSpan.Zero);
}

/// <summary>
/// The one validation path for a sale document, used by the till before it commits a sale and by the
/// connector before it accepts one. It checks the document as a whole and reports every problem.
/// </summary>
public static class SaleValidator
{
    public const int CurrentSchemaVersion = 1;
    private const int MaxIdLength = SaleLimits.MaxIdLength;
    private const int MaxTextLength = SaleLimits.MaxTextLength;
    private static readonly TimeSpan MaxUtcOffset = TimeSpan.FromHours(14);

    /// <param name="sale">The document.</param>
    /// <param name="refundHistory">
    /// For a refund, the original sale and its earlier refunds, so quantities can be checked against what
    /// was sold; without it those rules are skipped (the caller must supply it where it has the original).
    /// </param>
    public static SaleValidationResult Validate(Sale sale, RefundHistory? refundHistory = null) => Validate(sale, refundHistory, null);

    /// <param name="sale">The document.</param>
    /// <param name="refundHistory">As in <see cref="Validate(Sale, RefundHistory?)"/>.</param>
    /// <param name="dates">The receiver's clock and allowances; without it only <see cref="SaleLimits.Earliest"/> to <see cref="SaleLimits.Latest"/> is checked.</param>
    public static SaleValidationResult Validate(Sale sale, RefundHistory? refundHistory, SaleDateWindow? dates)
    {
        ArgumentNullException.ThrowIfNull(sale);
        var errors = new Errors();

        CheckHeader(sale, errors, dates);
        var currencyKnown = Currency.TryFromCode(sale.Currency, out var currency);
        if (!currencyKnown)
        {
            errors.Add("currency", $"'{Quote(sale.Currency)}' is not a currency PosBridge knows (ISO 4217 code such as EGP, SAR, KWD).");
        }

        var taxesUsable = CheckTaxes(sale, errors);
        var linesUsable = CheckLines(sale, errors, taxesUsable);
        var totalsUsable = CheckTotalsShape(sale, errors);
        CheckDiscountAndRounding(sale, errors, currency);

        // Totals can only be recomputed from a document whose parts are sound.
        if (currency is not null && taxesUsable && linesUsable && totalsUsable && errors.Count == 0)
        {
            CheckTotals(sale, currency, errors);
        }

        if (currency is not null && totalsUsable)
        {
            CheckPayments(sale, currency, errors);
        }

        CheckRefund(sale, refundHistory, errors);
        CheckLoyalty(sale, errors);
        return errors.Count == 0 ? SaleValidationResult.Valid : new SaleValidationResult(errors.List);
    }

    private static void CheckHeader(Sale sale, Errors errors, SaleDateWindow? dates)
    {
        if (sale.SchemaVersion != CurrentSchemaVersion)
        {
            errors.Add("schemaVersion", $"version {sale.SchemaVersion} is not supported; this build reads version {CurrentSchemaVersion}.");
        }

        if (sale.Id == Guid.Empty)
        {
            errors.Add("id", "is empty; a sale id is a UUID made on the till.");
        }
        else if (sale.Id.Version != 7)
        {
            errors.Add("id", $"must be a time-ordered UUID (version 7), not version {sale.Id.Version}.");
        }

        RequireId(errors, "storeId", sale.StoreId);
        RequireId(errors, "tillId", sale.TillId);
        RequireId(errors, "shiftId", sale.ShiftId);
        RequireId(errors, "saleNumber", sale.SaleNumber);
        if (sale.Cashier is null)
        {
            errors.Add("cashier", "is missing.");
        }
        else
        {
            RequireId(errors, "cashier.id", sale.Cashier.Id);
            RequireText(errors, "cashier.name", sale.Cashier.Name);
        }

        if (sale.CreatedAtUtc.Offset != TimeSpan.Zero)
        {
            errors.Add("createdAtUtc", $"must be in UTC (offset +00:00), not {sale.CreatedAtUtc.Offset}; the store's offset goes in storeUtcOffset.");
        }
        else if (sale.CreatedAtUtc < SaleLimits.Earliest || sale.CreatedAtUtc >= SaleLimits.Latest)
        {
            errors.Add("createdAtUtc", $"is {Instant(sale.CreatedAtUtc)}; a sale is dated from 2000-01-01 to 2099-12-31. Check the till's date and time.");
        }
        else if (dates is { } window && sale.CreatedAtUtc < window.Now - window.MaxAge)
        {
            errors.Add("createdAtUtc", $"is {Instant(sale.CreatedAtUtc)}, more than {Span(window.MaxAge)} before the receiver's clock ({Instant(window.Now)}). Check the till's date and time; older sales are entered in the back office.");
        }
        else if (dates is { } ahead && sale.CreatedAtUtc > ahead.Now + ahead.MaxAhead)
        {
            errors.Add("createdAtUtc", $"is {Instant(sale.CreatedAtUtc)}, more than {Span(ahead.MaxAhead)} after the receiver's clock ({Instant(ahead.Now)}). Check the till's date and time.");
        }

        if (sale.StoreUtcOffset.Duration() > MaxUtcOffset || sale.StoreUtcOffset.Ticks % TimeSpan.TicksPerMinute != 0)
        {
            errors.Add("storeUtcOffset", "must be whole minutes between -14:00 and +14:00.");
        }

        if (sale.Customer is { } customer)
        {
            RequireId(errors, "customer.id", customer.Id);
            OptionalText(errors, "customer.name", customer.Name);
            OptionalText(errors, "customer.phone", customer.Phone);
            OptionalText(errors, "customer.email", customer.Email);
            OptionalText(errors, "customer.loyaltyCardCode", customer.LoyaltyCardCode);
        }

        if (sale.InvoiceRequested && sale.Customer is null)
        {
            errors.Add("invoiceRequested", "needs a customer: an invoice is made out to someone.");
        }

        Note(errors, "note", sale.Note);
    }

    private static bool CheckTaxes(Sale sale, Errors errors)
    {
        if (sale.Taxes is null)
        {
            errors.Add("taxes", "is missing; list every tax the lines use (an empty list if none).");
            return false;
        }

        if (sale.Taxes.Count > SaleLimits.MaxTaxes)
        {
            errors.Add("taxes", $"has {sale.Taxes.Count} entries; a sale lists at most {SaleLimits.MaxTaxes} taxes.");
            return false;
        }

        var before = errors.Count;
        var byId = new Dictionary<string, TaxDefinition>(StringComparer.Ordinal);
        for (var i = 0; i < sale.Taxes.Count; i++)
        {
            var tax = sale.Taxes[i];
            var field = $"taxes[{i}]";
            if (tax is null)
            {
                errors.Add(field, "is null.");
                continue;
            }

            if (RequireId(errors, field + ".id", tax.Id) && !byId.TryAdd(tax.Id, tax))
            {
                errors.Add(field + ".id", $"tax '{tax.Id}' is listed twice.");
            }

            RequireText(errors, field + ".name", tax.Name);
            RequireAmount(errors, field + ".amount", tax.Amount);
            if (tax.Children is { Count: > SaleLimits.MaxTaxes })
            {
                errors.Add(field + ".children", $"has {tax.Children.Count} entries; at most {SaleLimits.MaxTaxes}.");
                continue;
            }

            switch (tax.AmountType)
            {
                case TaxAmountType.Percent when tax.Amount is <= -100m or > 100m:
                    errors.Add(field + ".amount", $"{Format(tax.Amount)} % is not a percentage between -100 and 100.");
                    break;
                case TaxAmountType.Division when tax.Amount is < 0m or >= 100m:
                    errors.Add(field + ".amount", $"a division tax must be at least 0 and below 100 %, not {Format(tax.Amount)}.");
                    break;
                case TaxAmountType.Group when tax.Children is not { Count: > 0 }:
                    errors.Add(field + ".children", "a group tax needs at least one child tax.");
                    break;
                case TaxAmountType.Group when tax.PriceInclude || tax.Amount != 0m:
                    errors.Add(field, "a group tax has no amount and is not price-included itself; its children are.");
                    break;
                default:
                    break;
            }

            if (tax.AmountType != TaxAmountType.Group && tax.Children is { Count: > 0 })
            {
                errors.Add(field + ".children", "only a group tax has children.");
            }
        }

        for (var i = 0; i < sale.Taxes.Count; i++)
        {
            var tax = sale.Taxes[i];
            if (tax?.AmountType != TaxAmountType.Group || tax.Children is null)
            {
                continue;
            }

            foreach (var child in tax.Children)
            {
                if (!byId.TryGetValue(child ?? string.Empty, out var childTax))
                {
                    errors.Add($"taxes[{i}].children", $"tax '{Quote(child)}' is not in the document's taxes.");
                }
                else if (childTax.AmountType == TaxAmountType.Group)
                {
                    errors.Add($"taxes[{i}].children", $"'{Quote(child)}' is a group; groups cannot be nested.");
                }
            }
        }

        return errors.Count == before;
    }

    private static bool CheckLines(Sale sale, Errors errors, bool taxesUsable)
    {
        if (sale.Lines is not { Count: > 0 })
        {
            errors.Add("lines", "a sale needs at least one line.");
            return false;
        }

        if (sale.Lines.Count > SaleLimits.MaxLines)
        {
            errors.Add("lines", $"has {sale.Lines.Count} lines; a sale has at most {SaleLimits.MaxLines}.");
            return false;
        }

        var before = errors.Count;
        var taxIds = sale.Taxes?.Where(t => t?.Id is not null).Select(t => t.Id).ToHashSet(StringComparer.Ordinal) ?? [];
        var lineNumbers = new HashSet<int>();
        for (var i = 0; i < sale.Lines.Count; i++)
        {
            var line = sale.Lines[i];
            var field = $"lines[{i}]";
            if (line is null)
            {
                errors.Add(field, "is null.");
                continue;
            }

            if (line.LineNumber <= 0)
            {
                errors.Add(field + ".lineNumber", "must be 1 or more.");
            }
            else if (!lineNumbers.Add(line.LineNumber))
            {
                errors.Add(field + ".lineNumber", $"line number {line.LineNumber} is used twice.");
            }

            RequireId(errors, field + ".productId", line.ProductId);
            RequireText(errors, field + ".name", line.Name);
            RequireId(errors, field + ".unit", line.Unit);
            OptionalText(errors, field + ".sku", line.Sku, MaxIdLength);
            OptionalText(errors, field + ".barcode", line.Barcode, MaxIdLength);
            Note(errors, field + ".note", line.Note);
            if (Math.Abs(line.Quantity) > SaleLimits.MaxQuantity)
            {
                errors.Add(field + ".quantity", $"is {Format(line.Quantity)}; a line's quantity is at most {Format(SaleLimits.MaxQuantity)} either way.");
            }
            else if (line.Quantity.Scale > SaleLimits.MaxDecimals && decimal.Round(line.Quantity, SaleLimits.MaxDecimals) != line.Quantity)
            {
                errors.Add(field + ".quantity", $"is {Format(line.Quantity)}; a quantity has at most {SaleLimits.MaxDecimals} decimals.");
            }
            else if (line.Quantity == 0m)
            {
                errors.Add(field + ".quantity", "is zero; remove the line instead.");
            }
            else if (sale.IsRefund && line.Quantity > 0m)
            {
                errors.Add(field + ".quantity", $"is {Format(line.Quantity)} but a refund's quantities are negative.");
            }
            else if (!sale.IsRefund && line.Quantity < 0m)
            {
                errors.Add(field + ".quantity", $"is {Format(line.Quantity)}; a sale's quantities are positive (returns are refunds of the original sale).");
            }

            if (line.UnitPrice < 0m)
            {
                errors.Add(field + ".unitPrice", $"is {Format(line.UnitPrice)}; prices cannot be negative.");
            }
            else if (RequireAmount(errors, field + ".unitPrice", line.UnitPrice) && decimal.Round(line.UnitPrice, SaleLimits.MaxDecimals) != line.UnitPrice)
            {
                errors.Add(field + ".unitPrice", $"is {Format(line.UnitPrice)}; a price has at most {SaleLimits.MaxDecimals} decimals.");
            }

            RequireAmount(errors, field + ".totalExcluded", line.TotalExcluded);
            RequireAmount(errors, field + ".totalIncluded", line.TotalIncluded);

            if (line.DiscountPercent is < 0m or > 100m)
            {
                errors.Add(field + ".discountPercent", $"is {Format(line.DiscountPercent)}; a discount is between 0 and 100 %.");
            }

            if (line.TaxIds is null)
            {
                errors.Add(field + ".taxIds", "is missing (an empty list for an untaxed line).");
            }
            else if (line.TaxIds.Count > SaleLimits.MaxTaxes)
            {
                errors.Add(field + ".taxIds", $"has {line.TaxIds.Count} entries; a line has at most {SaleLimits.MaxTaxes} taxes.");
            }
            else if (taxesUsable)
            {
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var id in line.TaxIds)
                {
                    if (!taxIds.Contains(id ?? string.Empty))
                    {
                        errors.Add(field + ".taxIds", $"tax '{Quote(id)}' is not in the document's taxes.");
                    }
                    else if (!seen.Add(id!))
                    {
                        errors.Add(field + ".taxIds", $"tax '{Quote(id)}' is listed twice.");
                    }
                }
            }

            if (line.TaxAmounts is null)
            {
                errors.Add(field + ".taxAmounts", "is missing.");
            }
            else if (line.TaxAmounts.Count > SaleLimits.MaxTaxes)
            {
                errors.Add(field + ".taxAmounts", $"has {line.TaxAmounts.Count} entries; a line has at most {SaleLimits.MaxTaxes} taxes.");
            }
            else
            {
                for (var t = 0; t < line.TaxAmounts.Count; t++)
                {
                    var amount = line.TaxAmounts[t];
                    var taxField = $"{field}.taxAmounts[{t}]";
                    if (amount is null)
                    {
                        errors.Add(taxField, "is null; each entry is {taxId, base, amount}.");
                        continue;
                    }

                    RequireId(errors, taxField + ".taxId", amount.TaxId);
                    RequireAmount(errors, taxField + ".base", amount.Base);
                    RequireAmount(errors, taxField + ".amount", amount.Amount);
                }
            }

            if (sale.IsRefund && line.RefundOfLine is null)
            {
                errors.Add(field + ".refundOfLine", "a refund line must name the line of the original sale it refunds.");
            }
            else if (!sale.IsRefund && line.RefundOfLine is not null)
            {
                errors.Add(field + ".refundOfLine", "is set but the sale is not a refund (refundOf is missing).");
            }
        }

        return errors.Count == before;
    }

    /// <summary>The totals' parts are there and of sane size, so the checks that add them up cannot fail.</summary>
    private static bool CheckTotalsShape(Sale sale, Errors errors)
    {
        var totals = sale.Totals;
        if (totals is null)
        {
            errors.Add("totals", "is missing.");
            return false;
        }

        var before = errors.Count;
        foreach (var (field, value) in new[]
        {
            ("totals.untaxed", totals.Untaxed), ("totals.tax", totals.Tax), ("totals.total", totals.Total),
            ("totals.rounding", totals.Rounding), ("totals.amountDue", totals.AmountDue), ("totals.paid", totals.Paid),
            ("totals.change", totals.Change), ("totals.discount", totals.Discount),
        })
        {
            RequireAmount(errors, field, value);
        }

        if (totals.Taxes is null)
        {
            errors.Add("totals.taxes", "is missing (an empty list if the sale has no tax).");
        }
        else if (totals.Taxes.Count > SaleLimits.MaxTaxes)
        {
            errors.Add("totals.taxes", $"has {totals.Taxes.Count} entries; at most {SaleLimits.MaxTaxes}.");
        }
        else
        {
            for (var t = 0; t < totals.Taxes.Count; t++)
            {
                var tax = totals.Taxes[t];
                var field = $"totals.taxes[{t}]";
                if (tax is null)
                {
                    errors.Add(field, "is null; each entry is {taxId, name, base, amount}.");
                    continue;
                }

                RequireId(errors, field + ".taxId", tax.TaxId);
                RequireText(errors, field + ".name", tax.Name);
                RequireAmount(errors, field + ".base", tax.Base);
                RequireAmount(errors, field + ".amount", tax.Amount);
            }
        }

        if (sale.Payments is { Count: > SaleLimits.MaxPayments })
        {
            errors.Add("payments", $"has {sale.Payments.Count} payments; a sale has at most {SaleLimits.MaxPayments}.");
        }
        else if (sale.Payments is not null)
        {
            for (var i = 0; i < sale.Payments.Count; i++)
            {
                if (sale.Payments[i] is { } payment)
                {
                    RequireAmount(errors, $"payments[{i}].amount", payment.Amount);
                    RequireAmount(errors, $"payments[{i}].tendered", payment.Tendered ?? 0m);
                    RequireAmount(errors, $"payments[{i}].change", payment.Change ?? 0m);
                }
            }
        }

        return errors.Count == before;
    }

    private static void CheckDiscountAndRounding(Sale sale, Errors errors, Currency? currency)
    {
        if (sale.OrderDiscountPercent is < 0m or > 100m)
        {
            errors.Add("orderDiscountPercent", $"is {Format(sale.OrderDiscountPercent)}; a discount is between 0 and 100 %.");
        }

        if (sale.CashRounding is { } rounding)
        {
            if (rounding.Step <= 0m)
            {
                errors.Add("cashRounding.step", "must be greater than zero.");
            }
            else if (rounding.Step > SaleLimits.MaxAmount)
            {
                errors.Add("cashRounding.step", $"is {Format(rounding.Step)}; amounts are at most {Format(SaleLimits.MaxAmount)}.");
            }
            else if (currency is not null && !currency.IsWholeUnits(rounding.Step))
            {
                errors.Add("cashRounding.step", $"{Format(rounding.Step)} is finer than the smallest {currency.Code} unit ({Format(currency.Unit)}).");
            }
        }
    }

    private static void CheckTotals(Sale sale, Currency currency, Errors errors)
    {
        var computed = SaleCalculator.Compute(sale);
        var engineDigits = new TaxEngine(currency, sale.TaxRounding).TaxDigits;
        for (var i = 0; i < sale.Lines.Count; i++)
        {
            var line = sale.Lines[i];
            var expected = computed.Lines[i];
            var field = $"lines[{i}]";
            Compare(errors, field + ".totalExcluded", line.TotalExcluded, expected.TotalExcluded, "the line's price, quantity, discounts and taxes give");
            Compare(errors, field + ".totalIncluded", line.TotalIncluded, expected.TotalIncluded, "the line's price, quantity, discounts and taxes give");
            if (line.TaxAmounts.Count != expected.TaxAmounts.Count)
            {
                errors.Add(field + ".taxAmounts", $"has {line.TaxAmounts.Count} entries but the line's taxes give {expected.TaxAmounts.Count}.");
                continue;
            }

            for (var t = 0; t < expected.TaxAmounts.Count; t++)
            {
                var given = line.TaxAmounts[t];
                var want = expected.TaxAmounts[t];
                var taxField = $"{field}.taxAmounts[{t}]";
                if (!string.Equals(given.TaxId, want.TaxId, StringComparison.Ordinal))
                {
                    errors.Add(taxField + ".taxId", $"is '{given.TaxId}' but taxes apply in sequence order, so '{want.TaxId}' comes here.");
                    continue;
                }

                if (decimal.Round(given.Amount, engineDigits) != given.Amount)
                {
                    errors.Add(taxField + ".amount", $"{Format(given.Amount)} has more than {engineDigits} decimals.");
                }

                Compare(errors, taxField + ".base", given.Base, want.Base, "the tax engine gives");
                Compare(errors, taxField + ".amount", given.Amount, want.Amount, "the tax engine gives");
            }
        }

        var totals = sale.Totals;
        if (totals is null)
        {
            errors.Add("totals", "is missing.");
            return;
        }

        const string FromLines = "the lines add up to";
        Compare(errors, "totals.untaxed", totals.Untaxed, computed.Untaxed, FromLines);
        Compare(errors, "totals.tax", totals.Tax, computed.Tax, FromLines);
        Compare(errors, "totals.total", totals.Total, computed.Total, FromLines);
        Compare(errors, "totals.rounding", totals.Rounding, computed.Rounding, "cash rounding of the total gives");
        Compare(errors, "totals.amountDue", totals.AmountDue, computed.AmountDue, "the total with cash rounding is");
        Compare(errors, "totals.discount", totals.Discount, computed.Discount, "the lines' discounts come to");
        if (totals.Taxes is null || totals.Taxes.Count != computed.Taxes.Count)
        {
            errors.Add("totals.taxes", $"has {totals.Taxes?.Count ?? 0} entries but the lines have {computed.Taxes.Count} taxes.");
            return;
        }

        for (var t = 0; t < computed.Taxes.Count; t++)
        {
            var given = totals.Taxes[t];
            var want = computed.Taxes[t];
            var field = $"totals.taxes[{t}]";
            if (!string.Equals(given.TaxId, want.TaxId, StringComparison.Ordinal))
            {
                errors.Add(field + ".taxId", $"is '{given.TaxId}' but '{want.TaxId}' comes here (order of first use on the lines).");
                continue;
            }

            if (!string.Equals(given.Name, want.Name, StringComparison.Ordinal))
            {
                errors.Add(field + ".name", $"is '{given.Name}' but tax '{want.TaxId}' is named '{want.Name}'.");
            }

            Compare(errors, field + ".base", given.Base, want.Base, FromLines);
            Compare(errors, field + ".amount", given.Amount, want.Amount, FromLines);
        }
    }

    private static void CheckPayments(Sale sale, Currency currency, Errors errors)
    {
        if (sale.Payments is null)
        {
            errors.Add("payments", "is missing.");
            return;
        }

        var totals = sale.Totals;
        var paid = 0m;
        var change = 0m;
        for (var i = 0; i < sale.Payments.Count; i++)
        {
            var payment = sale.Payments[i];
            var field = $"payments[{i}]";
            if (payment is null)
            {
                errors.Add(field, "is null.");
                continue;
            }

            paid += payment.Amount;
            change += payment.Change ?? 0m;
            RequireId(errors, field + ".methodId", payment.MethodId);
            RequireUnits(errors, field + ".amount", payment.Amount, currency);
            if (sale.IsRefund ? payment.Amount > 0m : payment.Amount < 0m)
            {
                errors.Add(field + ".amount", sale.IsRefund
                    ? $"is {Format(payment.Amount)}; money paid back on a refund is negative."
                    : $"is {Format(payment.Amount)}; a sale's payments are positive (change is given in payments[].change).");
            }

            OptionalText(errors, field + ".reference", payment.Reference);
            NoCardNumber(errors, field + ".reference", payment.Reference);
            CheckPaymentKind(sale, payment, field, currency, errors);
        }

        if (sale.Payments.Count == 0 && totals is not null && totals.AmountDue != 0m)
        {
            errors.Add("payments", "a sale with an amount due needs at least one payment.");
        }

        if (totals is null)
        {
            return;
        }

        Compare(errors, "totals.paid", totals.Paid, paid, "the payments add up to");
        Compare(errors, "totals.change", totals.Change, change, "the payments' change adds up to");
        if (paid != totals.AmountDue && totals.Paid == paid)
        {
            var gap = Math.Abs(totals.AmountDue - paid);
            var under = sale.IsRefund ? paid > totals.AmountDue : paid < totals.AmountDue;
            errors.Add("totals.paid", under
                ? $"the sale is underpaid by {Format(gap)} {currency.Code}: payments {Format(paid)}, amount due {Format(totals.AmountDue)}. A completed sale is paid in full."
                : $"the sale is overpaid by {Format(gap)} {currency.Code}: payments {Format(paid)}, amount due {Format(totals.AmountDue)}. Give the excess back as cash change.");
        }

        foreach (var (field, value) in new[]
        {
            ("totals.untaxed", totals.Untaxed), ("totals.tax", totals.Tax), ("totals.total", totals.Total),
            ("totals.rounding", totals.Rounding), ("totals.amountDue", totals.AmountDue), ("totals.paid", totals.Paid),
            ("totals.change", totals.Change), ("totals.discount", totals.Discount),
        })
        {
            RequireUnits(errors, field, value, currency);
        }
    }

    private static void CheckPaymentKind(Sale sale, Payment payment, string field, Currency currency, Errors errors)
    {
        if (payment.Kind == PaymentKind.Cash)
        {
            if (payment.Change is < 0m)
            {
                errors.Add(field + ".change", $"is {Format(payment.Change.Value)}; change given back is zero or more.");
            }

            if (payment.Tendered is { } tendered)
            {
                RequireUnits(errors, field + ".tendered", tendered, currency);
                var changeGiven = payment.Change ?? 0m;
                if (tendered - changeGiven != payment.Amount)
                {
                    errors.Add(field + ".amount", $"is {Format(payment.Amount)} but tendered {Format(tendered)} minus change {Format(changeGiven)} is {Format(tendered - changeGiven)}.");
                }
            }
            else if (payment.Change is > 0m)
            {
                errors.Add(field + ".tendered", "is missing; change can only be given from an amount tendered.");
            }
        }
        else if (payment.Tendered is not null || payment.Change is not null)
        {
            errors.Add(field, $"a {payment.Kind} payment has no tendered amount or change; only cash does.");
        }

        if (payment.Change is { } c)
        {
            RequireUnits(errors, field + ".change", c, currency);
        }

        switch (payment.Kind)
        {
            case PaymentKind.Card:
                if (payment.Card is null)
                {
                    errors.Add(field + ".card", "a card payment needs the scheme, last four digits, authorisation code and provider reference.");
                }

                break;
            case PaymentKind.Qr when string.IsNullOrWhiteSpace(payment.Reference):
                errors.Add(field + ".reference", "a QR or instant-transfer payment needs the confirmed transfer's reference.");
                break;
            case PaymentKind.CustomerAccount when sale.Customer is null:
                errors.Add(field + ".kind", "a pay-later payment needs the sale's customer.");
                break;
            case PaymentKind.Cash when payment.Card is not null:
            case PaymentKind.Qr when payment.Card is not null:
            case PaymentKind.CustomerAccount when payment.Card is not null:
                errors.Add(field + ".card", $"a {payment.Kind} payment carries no card details.");
                break;
            default:
                break;
        }

        if (payment.Card is { } card)
        {
            RequireText(errors, field + ".card.scheme", card.Scheme);
            RequireText(errors, field + ".card.authorizationCode", card.AuthorizationCode);
            RequireText(errors, field + ".card.providerReference", card.ProviderReference);
            OptionalText(errors, field + ".card.token", card.Token);
            NoCardNumber(errors, field + ".card.authorizationCode", card.AuthorizationCode);
            NoCardNumber(errors, field + ".card.providerReference", card.ProviderReference);
            NoCardNumber(errors, field + ".card.token", card.Token);
            if (card.Last4 is not { Length: 4 } || !card.Last4.All(char.IsAsciiDigit))
            {
                // Never echo the value: it could be a full card number sent by mistake.
                errors.Add(field + ".card.last4", "must be exactly the last four digits of the card number, nothing more.");
            }
        }
    }

    private static void CheckRefund(Sale sale, RefundHistory? history, Errors errors)
    {
        if (sale.RefundOf is not { } refundOf)
        {
            return;
        }

        if (refundOf.SaleId == Guid.Empty || refundOf.SaleId == sale.Id)
        {
            errors.Add("refundOf.saleId", "must be the id of the original sale.");
        }

        RequireId(errors, "refundOf.saleNumber", refundOf.SaleNumber);
        if (history is null || sale.Lines is null)
        {
            return;
        }

        var original = history.Original;
        if (original.Id != refundOf.SaleId)
        {
            errors.Add("refundOf.saleId", $"is {refundOf.SaleId} but the original given is {original.Id}.");
            return;
        }

        if (original.IsRefund)
        {
            errors.Add("refundOf.saleId", $"sale {original.SaleNumber} is itself a refund; refund the original sale.");
            return;
        }

        if (!string.Equals(original.Currency, sale.Currency, StringComparison.Ordinal))
        {
            errors.Add("currency", $"is {sale.Currency} but the original sale {original.SaleNumber} was in {original.Currency}.");
        }

        var refunded = new Dictionary<int, decimal>();
        foreach (var earlier in history.EarlierRefunds.Where(r => r.Id != sale.Id))
        {
            foreach (var line in earlier.Lines.Where(l => l.RefundOfLine is not null))
            {
                refunded[line.RefundOfLine!.Value] = refunded.GetValueOrDefault(line.RefundOfLine.Value) - line.Quantity;
            }
        }

        var originalLines = original.Lines.ToDictionary(l => l.LineNumber);
        for (var i = 0; i < sale.Lines.Count; i++)
        {
            var line = sale.Lines[i];
            if (line?.RefundOfLine is not { } lineNumber)
            {
                continue;
            }

            var field = $"lines[{i}]";
            if (!originalLines.TryGetValue(lineNumber, out var sold))
            {
                errors.Add(field + ".refundOfLine", $"sale {original.SaleNumber} has no line {lineNumber}.");
                continue;
            }

            if (!string.Equals(sold.ProductId, line.ProductId, StringComparison.Ordinal))
            {
                errors.Add(field + ".productId", $"is '{line.ProductId}' but line {lineNumber} of sale {original.SaleNumber} sold '{sold.ProductId}'.");
            }

            var already = refunded.GetValueOrDefault(lineNumber);
            var left = sold.Quantity - already;
            if (-line.Quantity > left)
            {
                errors.Add(field + ".quantity", $"refunds {Format(-line.Quantity)} {line.Unit} but only {Format(left)} of the {Format(sold.Quantity)} sold on line {lineNumber} of sale {original.SaleNumber} is left to refund.");
            }

            refunded[lineNumber] = already - line.Quantity;
        }
    }

    private static void CheckLoyalty(Sale sale, Errors errors)
    {
        if (sale.Loyalty is not { } loyalty)
        {
            return;
        }

        RequireId(errors, "loyalty.programId", loyalty.ProgramId);
        if (loyalty.Earned < 0m)
        {
            errors.Add("loyalty.earned", "points earned cannot be negative.");
        }
        else
        {
            RequireAmount(errors, "loyalty.earned", loyalty.Earned);
        }

        if (loyalty.Spent < 0m)
        {
            errors.Add("loyalty.spent", "points spent cannot be negative.");
        }
        else
        {
            RequireAmount(errors, "loyalty.spent", loyalty.Spent);
        }

        if (sale.Customer is null && (loyalty.Earned != 0m || loyalty.Spent != 0m))
        {
            errors.Add("loyalty", "points are earned and spent by a customer: attach the customer.");
        }
    }

    private static void Compare(Errors errors, string field, decimal given, decimal expected, string why)
    {
        if (given != expected)
        {
            errors.Add(field, $"is {Format(given)} but {why} {Format(expected)}.");
        }
    }

    private static void RequireUnits(Errors errors, string field, decimal value, Currency currency)
    {
        if (!currency.IsWholeUnits(value))
        {
            errors.Add(field, $"{Format(value)} has more decimals than {currency.Code} has ({currency.MinorUnits}).");
        }
    }

    private static bool RequireId(Errors errors, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(field, "is missing or blank.");
            return false;
        }

        if (value.Length > MaxIdLength || value.Any(char.IsControl))
        {
            errors.Add(field, $"must be at most {MaxIdLength} characters with no control characters.");
            return false;
        }

        return true;
    }

    private static void RequireText(Errors errors, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(field, "is missing or blank.");
        }
        else
        {
            OptionalText(errors, field, value);
        }
    }

    /// <summary>One-line text when given: at most <paramref name="max"/> characters, no control characters.</summary>
    private static void OptionalText(Errors errors, string field, string? value, int max = MaxTextLength)
    {
        if (value is null)
        {
            return;
        }

        if (value.Length > max)
        {
            errors.Add(field, $"is longer than {max} characters.");
        }
        else if (value.Any(char.IsControl))
        {
            errors.Add(field, "contains a control character (a line break, tab or invisible code); use plain text on one line.");
        }
    }

    /// <summary>A note: up to <see cref="SaleLimits.MaxNoteLength"/> characters; line breaks and tabs allowed, other control characters not.</summary>
    private static void Note(Errors errors, string field, string? value)
    {
        if (value is null)
        {
            return;
        }

        if (value.Length > SaleLimits.MaxNoteLength)
        {
            errors.Add(field, $"is longer than {SaleLimits.MaxNoteLength} characters.");
        }
        else if (value.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
        {
            errors.Add(field, "contains a control character other than a line break or tab.");
        }
        else
        {
            NoCardNumber(errors, field, value);
        }
    }

    /// <summary>A card number in free text would be kept in every database and back office the sale reaches.</summary>
    private static void NoCardNumber(Errors errors, string field, string? value)
    {
        if (Privacy.CardNumbers.Contains(value))
        {
            // Never echo the value.
            errors.Add(field, "holds what looks like a full card number. PosBridge never keeps card numbers: remove it (the card's last four digits go in card.last4).");
        }
    }

    private static bool RequireAmount(Errors errors, string field, decimal value)
    {
        if (Math.Abs(value) <= SaleLimits.MaxAmount)
        {
            return true;
        }

        errors.Add(field, $"is {Format(value)}; amounts are at most {Format(SaleLimits.MaxAmount)} either way.");
        return false;
    }

    /// <summary>A value the sender gave, safe to echo: control characters shown as '?', cut to a readable length.</summary>
    private static string Quote(string? value)
    {
        if (value is null)
        {
            return "null";
        }

        var cut = value.Length > MaxIdLength ? value[..MaxIdLength] + "…" : value;
        return string.Create(cut.Length, cut, static (span, text) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = char.IsControl(text[i]) ? '?' : text[i];
            }
        });
    }

    private static string Instant(DateTimeOffset value) => value.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Span(TimeSpan value) =>
        value.TotalDays >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{value.TotalDays:0.#} days")
            : string.Create(CultureInfo.InvariantCulture, $"{value.TotalMinutes:0} minutes");

    private static string Format(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    private sealed class Errors
    {
        public List<ValidationError> List { get; } = [];

        public int Count => List.Count;

        public void Add(string field, string message) => List.Add(new ValidationError(field, message));
    }
}
