using PosBridge.Accounting.Accounts;
using PosBridge.Core.Amounts;
using PosBridge.Core.Sales;

namespace PosBridge.Accounting.Journals;

/// <summary>
/// Turns one sale (or refund) into a balanced journal: debit each payment's account, credit revenue per
/// tax and output tax per tax, cash rounding apart. Amounts come from the sale document as it is (its
/// lines' excluded totals and its <c>Totals.Taxes</c>), never recomputed, so the journal's tax is the tax
/// on the receipt. A refund's negative amounts land on the other side by themselves.
/// </summary>
internal sealed class JournalBuilder
{
    private static readonly Dictionary<string, string> EmptyCategories = [];
    private readonly AccountMap _map;
    private readonly IReadOnlyDictionary<string, string> _categories;
    private readonly TimeZoneInfo _zone;
    private readonly List<JournalLine> _lines = new(8);
    private readonly List<(TaxAccounts Accounts, decimal Amount)> _revenue = new(4);
    private readonly List<(string TaxId, TaxAccounts? Accounts)> _taxes = new(4);
    private long _cachedHour = long.MinValue;
    private TimeSpan? _cachedOffset;

    public JournalBuilder(AccountMap map, string storeId, Currency currency, TimeZoneInfo zone, IReadOnlyDictionary<string, string>? productCategories = null)
    {
        _map = map;
        _categories = productCategories ?? EmptyCategories;
        StoreId = storeId;
        Currency = currency;
        _zone = zone;
    }

    public string StoreId { get; }

    public Currency Currency { get; }

    /// <summary>The business day of an instant in the store's time zone (23:30 local stays on its day).</summary>
    public DateOnly BusinessDay(DateTimeOffset utc) => DateOnly.FromDateTime(utc.UtcDateTime + OffsetAt(utc));

    /// <summary>The store's UTC offset at an instant, from its time zone (DST included).</summary>
    public TimeSpan OffsetAt(DateTimeOffset utc)
    {
        // Sales come in time order, so the hour just converted is nearly always the next one's too. An hour is
        // reused only when the offset is the same at both its ends, so a DST change inside it is never missed.
        var hour = utc.UtcTicks / TimeSpan.TicksPerHour;
        if (hour != _cachedHour)
        {
            var start = new DateTimeOffset(hour * TimeSpan.TicksPerHour, TimeSpan.Zero);
            var offset = _zone.GetUtcOffset(start);
            _cachedOffset = offset == _zone.GetUtcOffset(start.AddTicks(TimeSpan.TicksPerHour - 1)) ? offset : null;
            _cachedHour = hour;
        }

        return _cachedOffset ?? _zone.GetUtcOffset(utc);
    }

    /// <summary>The sale's journal, or null with <paramref name="problem"/> saying why it cannot be booked.</summary>
    public Journal? TryBuild(Sale sale, DateOnly day, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(sale);
        problem = null;
        if (!string.Equals(sale.Currency, Currency.Code, StringComparison.Ordinal))
        {
            problem = $"is in {sale.Currency} but store {StoreId} sells in {Currency.Code}";
            return null;
        }

        _lines.Clear();
        _revenue.Clear();
        for (var i = 0; i < sale.Payments.Count; i++)
        {
            var payment = sale.Payments[i];
            if (_map.PaymentAccount(payment) is not { } account)
            {
                problem = $"pays with method '{payment.MethodId}' ({payment.Kind}), which has no account";
                return null;
            }

            Add(JournalLineKind.Payment, account, payment.Amount, PaymentText(payment.Kind, sale.IsRefund), null, sale,
                payment.Kind == PaymentKind.CustomerAccount ? sale.Customer?.Name ?? sale.Customer?.Id : null);
        }

        // Revenue per tax rate (and per category, when the ledger wants it): a line's excluded total goes to
        // its first tax's revenue account.
        for (var i = 0; i < sale.Lines.Count; i++)
        {
            var line = sale.Lines[i];
            TaxAccounts? accounts;
            if (_map.ByCategory)
            {
                var taxId = line.TaxIds.Count == 0 ? string.Empty : line.TaxIds[0];
                accounts = _map.Revenue(_categories.GetValueOrDefault(line.ProductId), taxId);
            }
            else
            {
                accounts = line.TaxIds.Count == 0 ? _map.Untaxed : TaxFor(line.TaxIds[0]);
            }

            if (accounts is null)
            {
                problem = $"has tax '{line.TaxIds[0]}' on line {line.LineNumber}, which has no mapping";
                return null;
            }

            AddRevenue(accounts, line.TotalExcluded);
        }

        foreach (var (accounts, amount) in _revenue)
        {
            Add(JournalLineKind.Revenue, accounts.Revenue, -amount, accounts.RevenueText, accounts.Tax, sale, null);
        }

        for (var i = 0; i < sale.Totals.Taxes.Count; i++)
        {
            var tax = sale.Totals.Taxes[i];
            if (TaxFor(tax.TaxId) is not { } accounts)
            {
                problem = $"has tax '{tax.TaxId}' ({tax.Name}), which has no mapping";
                return null;
            }

            Add(JournalLineKind.OutputTax, accounts.TaxAccount, -tax.Amount, accounts.Tax.Name, accounts.Tax, sale, null);
        }

        Add(JournalLineKind.CashRounding, _map.Rounding, -sale.Totals.Rounding, "Cash rounding", null, sale, null);

        var lines = _lines.ToArray();
        if (!IsWhole(lines, out problem))
        {
            return null;
        }

        var imbalance = JournalBalance.Imbalance(lines, Currency);
        if (imbalance != 0)
        {
            // Never plug: the document's payments and totals disagree, and an accountant must see it.
            problem = $"does not balance: debits exceed credits by {imbalance} minor units of {Currency.Code} (payments {sale.Totals.Paid}, amount due {sale.Totals.AmountDue})";
            return null;
        }

        return new Journal
        {
            Id = sale.Id.ToString("D"),
            Reference = sale.SaleNumber,
            Date = day,
            StoreId = StoreId,
            Currency = Currency,
            Lines = lines,
            Sale = sale,
        };
    }

    /// <summary>The journal of a shift's cash difference and tips, or null when there is nothing to book.</summary>
    public Journal? TryBuild(ShiftCashCount count, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(count);
        _lines.Clear();
        if (count.Currency is { } code && !string.Equals(code, Currency.Code, StringComparison.Ordinal))
        {
            problem = $"is counted in {code} but store {StoreId} sells in {Currency.Code}";
            return null;
        }

        // The till names its shifts STORE-TILL-NNNN already; other sources may give the shift's number alone.
        var reference = count.ShiftId.StartsWith($"{count.StoreId}-{count.TillId}-", StringComparison.Ordinal)
            ? count.ShiftId
            : $"{count.StoreId}-{count.TillId}-{count.ShiftId}";
        var difference = count.CountedCash - count.ExpectedCash;
        Add(JournalLineKind.CashOverShort, _map.Cash, difference, $"Cash over/short shift {reference}", null, null, null, count.TillId);
        Add(JournalLineKind.CashOverShort, _map.OverShort, -difference, $"Cash over/short shift {reference}", null, null, null, count.TillId);
        Add(JournalLineKind.Tips, _map.Cash, count.Tips, $"Tips shift {reference}", null, null, null, count.TillId);
        Add(JournalLineKind.Tips, _map.Tips, -count.Tips, $"Tips shift {reference}", null, null, null, count.TillId);
        return Standalone(reference, $"POS shift close {reference}", count.ClosedAtUtc, out problem);
    }

    // The sale number and id travel in each dialect's reference fields, so a line's text says only what it is.
    private static string PaymentText(PaymentKind kind, bool refund) => (kind, refund) switch
    {
        (PaymentKind.Cash, false) => "Cash sale",
        (PaymentKind.Cash, true) => "Cash refund",
        (PaymentKind.Card, false) => "Card sale",
        (PaymentKind.Card, true) => "Card refund",
        (PaymentKind.Wallet, false) => "Wallet sale",
        (PaymentKind.Wallet, true) => "Wallet refund",
        (PaymentKind.Qr, false) => "Transfer sale",
        (PaymentKind.Qr, true) => "Transfer refund",
        (PaymentKind.CustomerAccount, false) => "On account sale",
        (PaymentKind.CustomerAccount, true) => "On account refund",
        _ => refund ? $"{kind} refund" : $"{kind} sale",
    };

    /// <summary>The journal of a provider's fee: expense debited, the method's clearing account credited.</summary>
    public Journal? TryBuild(ProviderFee fee, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(fee);
        _lines.Clear();
        if (fee.Currency is { } code && !string.Equals(code, Currency.Code, StringComparison.Ordinal))
        {
            problem = $"is in {code} but store {StoreId} sells in {Currency.Code}";
            return null;
        }

        var payment = new Payment { MethodId = fee.MethodId, Kind = fee.Kind, Amount = fee.Amount };
        if (_map.PaymentAccount(payment) is not { } clearing)
        {
            problem = $"is charged on method '{fee.MethodId}' ({fee.Kind}), which has no account";
            return null;
        }

        var reference = $"{fee.StoreId}-FEE-{fee.Reference}";
        Add(JournalLineKind.ProviderFee, _map.ProviderFees, fee.Amount, $"Provider fee {fee.Reference}", null, null, null);
        Add(JournalLineKind.ProviderFee, clearing, -fee.Amount, $"Provider fee {fee.Reference}", null, null, null);
        return Standalone(reference, $"Provider fee {reference}", fee.ReportedAtUtc, out problem);
    }

    /// <summary>A journal of the lines added so far that belongs to no sale (shift counts, provider fees).</summary>
    private Journal? Standalone(string reference, string narration, DateTimeOffset atUtc, out string? problem)
    {
        var lines = _lines.ToArray();
        if (!IsWhole(lines, out problem) || lines.Length == 0)
        {
            return null;
        }

        return new Journal
        {
            Id = reference,
            Reference = reference,
            Narration = narration,
            Date = BusinessDay(atUtc),
            StoreId = StoreId,
            Currency = Currency,
            Lines = lines,
            SaleIds = [],
        };
    }

    private bool IsWhole(JournalLine[] lines, out string? problem)
    {
        foreach (var line in lines)
        {
            if (line.Amount.Scale > Currency.MinorUnits && !Currency.IsWholeUnits(line.Amount))
            {
                problem = $"books {line.Amount} to {line.Account.Code}, more decimals than {Currency.Code} has";
                return false;
            }
        }

        problem = null;
        return true;
    }

    /// <summary>
    /// The tax's accounts, resolved in the map once per tax id met: a sale's lines and totals name the same
    /// few taxes, usually as the very same string instances, so a reference check saves hashing each time.
    /// </summary>
    private TaxAccounts? TaxFor(string taxId)
    {
        for (var i = 0; i < _taxes.Count; i++)
        {
            var (id, accounts) = _taxes[i];
            if (ReferenceEquals(id, taxId) || string.Equals(id, taxId, StringComparison.Ordinal))
            {
                return accounts;
            }
        }

        var found = _map.Tax(taxId);
        if (_taxes.Count < 16)
        {
            _taxes.Add((taxId, found));
        }

        return found;
    }

    private void AddRevenue(TaxAccounts accounts, decimal amount)
    {
        for (var i = 0; i < _revenue.Count; i++)
        {
            if (ReferenceEquals(_revenue[i].Accounts, accounts))
            {
                _revenue[i] = (accounts, _revenue[i].Amount + amount);
                return;
            }
        }

        _revenue.Add((accounts, amount));
    }

    private void Add(JournalLineKind kind, LedgerAccount account, decimal amount, string description, JournalTax? tax, Sale? sale, string? contact, string? tillId = null)
    {
        if (amount == 0m)
        {
            return;
        }

        _lines.Add(new JournalLine
        {
            LineNo = _lines.Count + 1,
            Kind = kind,
            Account = account,
            Amount = amount,
            Description = description,
            Tax = tax,
            SaleId = sale?.Id,
            TillId = sale?.TillId ?? tillId,
            ContactName = contact,
        });
    }
}
