using PosBridge.Accounting.Dialects;
using PosBridge.Accounting.Journals;
using PosBridge.Accounting.Setup;
using PosBridge.Core.Sales;

namespace PosBridge.Accounting.Accounts;

/// <summary>How one tax is booked: its revenue account, its output-tax account and its name in the ledger.</summary>
internal sealed record TaxAccounts(LedgerAccount Revenue, LedgerAccount TaxAccount, JournalTax Tax, string? Category = null)
{
    /// <summary>A revenue line's text, made once: journals are built by the million.</summary>
    public string RevenueText { get; } =
        $"Revenue {(Category is null ? string.Empty : Revenue.Name + ", ")}{(Tax.TaxId.Length == 0 ? "without tax" : Tax.Name)}";
}

/// <summary>
/// A ledger's accounts, resolved once from its configuration over its chart's defaults. Built by
/// <see cref="TryCreate"/>, which names every missing or bad mapping so start-up can report them all.
/// </summary>
internal sealed class AccountMap
{
    private readonly Dictionary<string, LedgerAccount> _byMethod;
    private readonly Dictionary<PaymentKind, LedgerAccount> _byKind;
    private readonly Dictionary<string, TaxAccounts> _taxes;
    private readonly Dictionary<string, Dictionary<string, TaxAccounts>> _categories;

    private AccountMap(
        Dictionary<string, LedgerAccount> byMethod,
        Dictionary<PaymentKind, LedgerAccount> byKind,
        Dictionary<string, TaxAccounts> taxes,
        Dictionary<string, Dictionary<string, TaxAccounts>> categories,
        TaxAccounts untaxed,
        LedgerAccount rounding,
        LedgerAccount overShort,
        LedgerAccount tips,
        LedgerAccount providerFees,
        string nonTaxCode)
    {
        _byMethod = byMethod;
        _byKind = byKind;
        _taxes = taxes;
        _categories = categories;
        Untaxed = untaxed;
        Rounding = rounding;
        OverShort = overShort;
        Tips = tips;
        ProviderFees = providerFees;
        NonTaxCode = nonTaxCode;
    }

    /// <summary>The key of <see cref="Setup.LedgerOptions.RevenueCategories"/> for lines without tax.</summary>
    public const string UntaxedKey = "untaxed";

    /// <summary>Revenue is booked per product category (as well as per tax).</summary>
    public bool ByCategory => _categories.Count > 0;

    /// <summary>Revenue of lines with no tax, with the ledger's no-tax code.</summary>
    public TaxAccounts Untaxed { get; }

    public LedgerAccount Rounding { get; }

    public LedgerAccount OverShort { get; }

    public LedgerAccount Tips { get; }

    /// <summary>Fees card and wallet providers keep.</summary>
    public LedgerAccount ProviderFees { get; }

    public LedgerAccount Cash => _byKind[PaymentKind.Cash];

    /// <summary>The tax code of lines that carry no tax.</summary>
    public string NonTaxCode { get; }

    /// <summary>Every account the map can book to (for checks such as DATEV's account length).</summary>
    public IEnumerable<LedgerAccount> AllAccounts =>
        _byMethod.Values.Concat(_byKind.Values)
            .Concat(_taxes.Values.SelectMany(t => new[] { t.Revenue, t.TaxAccount }))
            .Concat(_categories.Values.SelectMany(c => c.Values.Select(t => t.Revenue)))
            .Concat([Untaxed.Revenue, Rounding, OverShort, Tips, ProviderFees])
            .Distinct();

    public LedgerAccount? PaymentAccount(Payment payment) =>
        (_byMethod.Count > 0 && _byMethod.TryGetValue(payment.MethodId, out var account)) ? account : _byKind.GetValueOrDefault(payment.Kind);

    public TaxAccounts? Tax(string taxId) => _taxes.GetValueOrDefault(taxId);

    /// <summary>
    /// The accounts of a line of <paramref name="category"/> with tax <paramref name="taxId"/> (empty: no tax):
    /// the category's revenue account when the category is mapped, else the tax's own.
    /// </summary>
    public TaxAccounts? Revenue(string? category, string taxId)
    {
        if (category is not null && _categories.TryGetValue(category, out var byTax)
            && byTax.TryGetValue(taxId.Length == 0 ? UntaxedKey : taxId, out var accounts))
        {
            return accounts;
        }

        return taxId.Length == 0 ? Untaxed : Tax(taxId);
    }

    /// <summary>Resolves the map, adding one message per problem to <paramref name="errors"/>; null if any.</summary>
    public static AccountMap? TryCreate(string ledgerName, LedgerOptions options, ILedgerDialect dialect, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(options);
        var at = $"{AccountingOptions.SectionName}:Ledgers:{ledgerName}";
        var before = errors.Count;
        var chart = Chart.Find(options.Chart);
        if (chart is null)
        {
            errors.Add($"{at}:Chart '{options.Chart}' is not a chart PosBridge knows; use one of {string.Join(", ", Chart.KnownNames)}.");
            return null;
        }

        // QuickBooks finds accounts by name, and its receivable account is a system account whose name depends on
        // the company's region: set by AccountNames, or the region's, or named as missing.
        var receivableCode = options.PaymentKinds.GetValueOrDefault(nameof(PaymentKind.CustomerAccount)) ?? chart.Payments.GetValueOrDefault(PaymentKind.CustomerAccount);
        string? receivableName = null;
        if (receivableCode is not null && !options.AccountNames.ContainsKey(receivableCode))
        {
            receivableName = dialect.ReceivableName(at, receivableCode, options.Region, errors);
        }

        var needsNames = dialect.ImportsAccountsByName;
        LedgerAccount? Resolve(string? code, string what)
        {
            if (string.IsNullOrWhiteSpace(code))
            {
                errors.Add($"{at}: no account for {what}; chart '{chart.Name}' has none, so set it in configuration.");
                return null;
            }

            var name = options.AccountNames.GetValueOrDefault(code)
                ?? (string.Equals(code, receivableCode, StringComparison.Ordinal) ? receivableName : null)
                ?? chart.NameOf(code);
            if (name is null && needsNames)
            {
                errors.Add($"{at}:AccountNames: account '{code}' ({what}) has no name, and {dialect.Name} imports accounts by name.");
                return null;
            }

            return new LedgerAccount(code, name ?? code);
        }

        var byKind = new Dictionary<PaymentKind, LedgerAccount>();
        foreach (var key in options.PaymentKinds.Keys)
        {
            if (!Enum.TryParse<PaymentKind>(key, ignoreCase: true, out _))
            {
                errors.Add($"{at}:PaymentKinds: '{key}' is not a payment kind; use {string.Join(", ", Enum.GetNames<PaymentKind>())}.");
            }
        }

        foreach (var kind in Enum.GetValues<PaymentKind>())
        {
            var code = options.PaymentKinds.GetValueOrDefault(kind.ToString()) ?? chart.Payments.GetValueOrDefault(kind);
            if (Resolve(code, $"{kind} payments (PaymentKinds:{kind})") is { } account)
            {
                byKind[kind] = account;
            }
        }

        var byMethod = new Dictionary<string, LedgerAccount>(StringComparer.Ordinal);
        foreach (var (method, code) in options.PaymentMethods)
        {
            if (Resolve(code, $"payment method '{method}' (PaymentMethods:{method})") is { } account)
            {
                byMethod[method] = account;
            }
        }

        var taxes = new Dictionary<string, TaxAccounts>(StringComparer.Ordinal);
        foreach (var (taxId, tax) in options.Taxes)
        {
            var where = $"tax '{taxId}' (Taxes:{taxId})";
            if (tax.Rate is not { } rate || rate < 0m || rate >= 100m)
            {
                errors.Add($"{at}:Taxes:{taxId}:Rate is missing or not a percent from 0 to below 100.");
                continue;
            }

            var defaults = chart.ForRate(rate);
            var revenue = Resolve(tax.RevenueAccount ?? defaults?.Revenue, $"revenue of {where}");
            var taxAccount = Resolve(tax.TaxAccount ?? defaults?.Tax, $"output tax of {where}");
            if (string.IsNullOrWhiteSpace(tax.Name))
            {
                errors.Add($"{at}:Taxes:{taxId}:Name is missing; it is the tax rate's name in the ledger.");
                continue;
            }

            if (revenue is not null && taxAccount is not null)
            {
                taxes[taxId] = new TaxAccounts(revenue, taxAccount, new JournalTax(taxId, tax.Code ?? tax.Name, tax.Name, rate));
            }
        }

        if (options.Region is not null && !Regions.IsKnown(options.Region))
        {
            errors.Add($"{at}:Region '{options.Region}' is not a region PosBridge has defaults for; use one of {string.Join(", ", Regions.Known)}, or set the names it would give yourself.");
        }

        var nonTaxCode = options.NonTaxCode ?? dialect.NonTaxCode(options.Region) ?? string.Empty;
        if (dialect.NonTaxCodeExample is { } example && string.IsNullOrWhiteSpace(nonTaxCode))
        {
            errors.Add($"{at}:NonTaxCode is not set and Region gives none; {dialect.Name} needs the name of its rate for lines without tax ({example}): set Region ({string.Join(", ", Regions.Known)}) or NonTaxCode.");
        }


        var untaxedRevenue = Resolve(options.UntaxedRevenueAccount ?? chart.UntaxedRevenue, "revenue of lines without tax (UntaxedRevenueAccount)");
        var rounding = Resolve(options.RoundingAccount ?? chart.Rounding, "cash rounding (RoundingAccount)");
        var overShort = Resolve(options.OverShortAccount ?? chart.OverShort, "cash over and short (OverShortAccount)");
        var tips = Resolve(options.TipsAccount ?? chart.Tips, "tips (TipsAccount)");
        var fees = Resolve(options.ProviderFeesAccount ?? chart.ProviderFees, "card and wallet provider fees (ProviderFeesAccount)");
        if (errors.Count > before || untaxedRevenue is null || rounding is null || overShort is null || tips is null || fees is null)
        {
            return null;
        }

        var untaxed = new TaxAccounts(untaxedRevenue, untaxedRevenue, new JournalTax(string.Empty, nonTaxCode, nonTaxCode, 0m));
        var categories = ResolveCategories(options, taxes, untaxed, at, errors, Resolve);
        if (errors.Count > before)
        {
            return null;
        }

        return new AccountMap(byMethod, byKind, taxes, categories, untaxed, rounding, overShort, tips, fees, nonTaxCode);
    }

    /// <summary>
    /// Each category's revenue account per tax. Every tax of the ledger needs one (a category that books some
    /// taxes to its own account and others elsewhere would split one category's revenue silently), and each
    /// missing one is named. Categories mapping the same account and tax share one revenue line in a journal.
    /// </summary>
    private static Dictionary<string, Dictionary<string, TaxAccounts>> ResolveCategories(
        LedgerOptions options,
        Dictionary<string, TaxAccounts> taxes,
        TaxAccounts untaxed,
        string at,
        List<string> errors,
        Func<string?, string, LedgerAccount?> resolve)
    {
        var categories = new Dictionary<string, Dictionary<string, TaxAccounts>>(StringComparer.Ordinal);
        var shared = new Dictionary<(string Code, string TaxId), TaxAccounts>();
        foreach (var (category, byTax) in options.RevenueCategories.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            var where = $"{at}:RevenueCategories:{category}";
            foreach (var taxId in byTax.Keys.Where(k => k != UntaxedKey && !options.Taxes.ContainsKey(k)).Order(StringComparer.Ordinal))
            {
                errors.Add($"{where}:{taxId} is not a tax of this ledger; use the ids under Taxes ({string.Join(", ", options.Taxes.Keys.Order(StringComparer.Ordinal))}) or '{UntaxedKey}'.");
            }

            var missing = options.Taxes.Keys.Where(t => !byTax.ContainsKey(t)).Order(StringComparer.Ordinal).ToList();
            if (missing.Count > 0)
            {
                errors.Add($"{where} has no revenue account for tax {string.Join(", ", missing.Select(m => $"'{m}'"))}; revenue by category names an account for every tax of the ledger.");
            }

            var mapped = new Dictionary<string, TaxAccounts>(StringComparer.Ordinal);
            foreach (var (taxId, code) in byTax)
            {
                var of = taxId == UntaxedKey ? untaxed : taxes.GetValueOrDefault(taxId);
                if (of is null || resolve(code, $"revenue of category '{category}' with tax '{taxId}' (RevenueCategories:{category}:{taxId})") is not { } account)
                {
                    continue;
                }

                if (!shared.TryGetValue((account.Code, of.Tax.TaxId), out var accounts))
                {
                    accounts = new TaxAccounts(account, of.TaxAccount, of.Tax, category);
                    shared[(account.Code, of.Tax.TaxId)] = accounts;
                }

                mapped[taxId] = accounts;
            }

            categories[category] = mapped;
        }

        return categories;
    }
}
