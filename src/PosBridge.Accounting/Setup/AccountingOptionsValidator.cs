using Microsoft.Extensions.Options;
using PosBridge.Accounting.Accounts;
using PosBridge.Accounting.Dialects;
using PosBridge.Accounting.Export;
using PosBridge.Core.Amounts;

namespace PosBridge.Accounting.Setup;

/// <summary>
/// Checks the whole <c>Accounting</c> section at start and reports every failure at once, each naming its
/// configuration path. The same resolution builds the ledgers, so what passes here is what runs.
/// </summary>
internal sealed class AccountingOptionsValidator : IValidateOptions<AccountingOptions>
{
    public ValidateOptionsResult Validate(string? name, AccountingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        Resolve(options, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Every ledger's settings, or the failures that stop them from being built.</summary>
    public static IReadOnlyList<LedgerSettings> Resolve(AccountingOptions options, List<string> errors)
    {
        const string Root = AccountingOptions.SectionName;
        var ledgers = new List<LedgerSettings>();
        if (options.Ledgers.Count == 0)
        {
            errors.Add($"{Root}:Ledgers is empty; configure at least one ledger (store, dialect and accounts).");
        }

        foreach (var (storeId, store) in options.Stores)
        {
            CheckStore(storeId, store, errors);
        }

        foreach (var (name, ledger) in options.Ledgers)
        {
            var at = $"{Root}:Ledgers:{name}";
            var before = errors.Count;
            if (ledger is null)
            {
                errors.Add($"{at} is empty.");
                continue;
            }

            if (!LedgerDialects.TryParse(ledger.Dialect, out var dialect))
            {
                errors.Add($"{at}:Dialect '{ledger.Dialect}' is not a ledger dialect; use one of {string.Join(", ", LedgerDialects.KnownNames)}.");
            }

            StoreOptions? store = null;
            if (string.IsNullOrWhiteSpace(ledger.Store))
            {
                errors.Add($"{at}:Store is missing; name the store whose sales it exports.");
            }
            else if (!options.Stores.TryGetValue(ledger.Store, out store))
            {
                errors.Add($"{at}:Store '{ledger.Store}' is not under {Root}:Stores.");
            }

            var storeUsable = store is not null && errors.Count == before && CheckStore(ledger.Store!, store, []);
            var map = AccountMap.TryCreate(name, ledger, dialect, errors);
            var baseCurrency = ledger.BaseCurrency ?? store?.Currency;
            var rate = 1m;
            if (store is not null && !string.Equals(baseCurrency, store.Currency, StringComparison.Ordinal))
            {
                if (!Currency.TryFromCode(baseCurrency, out _))
                {
                    errors.Add($"{at}:BaseCurrency '{baseCurrency}' is not a currency PosBridge knows.");
                }

                if (!LedgerDialects.CarriesCurrency(dialect))
                {
                    errors.Add($"{at}: store {ledger.Store} sells in {store.Currency} but the ledger keeps {baseCurrency}, and {LedgerDialects.NameOf(dialect)} files have no currency column; export the store to a ledger in {store.Currency} or use a dialect that carries currency ({string.Join(", ", Enum.GetValues<LedgerDialect>().Where(LedgerDialects.CarriesCurrency).Select(LedgerDialects.NameOf))}).");
                }

                if (ledger.ExchangeRate is not > 0m)
                {
                    errors.Add($"{at}:ExchangeRate is missing; store {ledger.Store} sells in {store.Currency} and the ledger keeps {baseCurrency} ({store.Currency} per 1 {baseCurrency}).");
                }
                else
                {
                    rate = ledger.ExchangeRate.Value;
                }
            }

            if (dialect == LedgerDialect.Datev)
            {
                CheckDatev(at, ledger, baseCurrency, map, errors);
                if (Currency.TryFromCode(store?.Currency, out var storeCurrency) && storeCurrency.MinorUnits > 2)
                {
                    errors.Add($"{at}: store {ledger.Store} sells in {storeCurrency.Code} with {storeCurrency.MinorUnits} decimals; DATEV amounts have two.");
                }
            }

            if (dialect == LedgerDialect.XeroInvoices && ledger.Mode != JournalMode.PerSale)
            {
                errors.Add($"{at}:Mode is {ledger.Mode}; Xero sales invoices are one per sale, so use PerSale.");
            }

            if (dialect == LedgerDialect.Sage50)
            {
                foreach (var (taxId, tax) in ledger.Taxes)
                {
                    if (tax.Code is not { Length: 2 or 3 } code || code[0] != 'T' || !code[1..].All(char.IsAsciiDigit))
                    {
                        errors.Add($"{at}:Taxes:{taxId}:Code '{tax.Code}' is not a Sage 50 tax code (T0 to T99).");
                    }
                }
            }

            if (dialect == LedgerDialect.QuickBooks && ledger.DateFormat is not (null or "MM/dd/yyyy" or "dd/MM/yyyy"))
            {
                errors.Add($"{at}:DateFormat '{ledger.DateFormat}' is not a QuickBooks region format; use MM/dd/yyyy (US) or dd/MM/yyyy.");
            }

            if (errors.Count == before && storeUsable && map is not null)
            {
                ledgers.Add(new LedgerSettings(
                    name,
                    dialect,
                    ledger.Store!,
                    TimeZoneInfo.FindSystemTimeZoneById(store!.TimeZone!),
                    Currency.FromCode(store.Currency!),
                    baseCurrency!,
                    rate,
                    map,
                    ledger));
            }
        }

        return ledgers;
    }

    private static bool CheckStore(string storeId, StoreOptions? store, List<string> errors)
    {
        var at = $"{AccountingOptions.SectionName}:Stores:{storeId}";
        var before = errors.Count;
        if (store is null)
        {
            errors.Add($"{at} is empty.");
            return false;
        }

        if (string.IsNullOrWhiteSpace(store.TimeZone) || !TimeZoneInfo.TryFindSystemTimeZoneById(store.TimeZone, out _))
        {
            errors.Add($"{at}:TimeZone '{store.TimeZone}' is not a time zone this machine knows; use an IANA id such as Africa/Cairo.");
        }

        if (!Currency.TryFromCode(store.Currency, out _))
        {
            errors.Add($"{at}:Currency '{store.Currency}' is not a currency PosBridge knows.");
        }

        return errors.Count == before;
    }

    private static void CheckDatev(string at, LedgerOptions ledger, string? baseCurrency, AccountMap? map, List<string> errors)
    {
        var datev = ledger.Datev;
        if (datev.ConsultantNumber is < 1001 or > 9999999)
        {
            errors.Add($"{at}:Datev:ConsultantNumber {datev.ConsultantNumber} is not a Beraternummer (1001–9999999).");
        }

        if (datev.ClientNumber is < 1 or > 99999)
        {
            errors.Add($"{at}:Datev:ClientNumber {datev.ClientNumber} is not a Mandantennummer (1–99999).");
        }

        if (datev.FiscalYearStartMonth is < 1 or > 12)
        {
            errors.Add($"{at}:Datev:FiscalYearStartMonth {datev.FiscalYearStartMonth} is not a month.");
        }

        if (datev.AccountLength is < 4 or > 8)
        {
            errors.Add($"{at}:Datev:AccountLength {datev.AccountLength} is not a Sachkontenlänge (4–8).");
        }

        if (!string.Equals(baseCurrency, "EUR", StringComparison.Ordinal))
        {
            errors.Add($"{at}:BaseCurrency is {baseCurrency}; DATEV books in EUR (set BaseCurrency EUR and an ExchangeRate for a store in another currency).");
        }

        foreach (var account in map?.AllAccounts ?? [])
        {
            // Accounts may be longer than the Sachkontenlänge (debitors, creditors) but never shorter, and are digits only.
            if (!account.Code.All(char.IsAsciiDigit) || account.Code.Length < datev.AccountLength || account.Code.Length > datev.AccountLength + 1)
            {
                errors.Add($"{at}: account '{account.Code}' is not a DATEV account of {datev.AccountLength} digits (or {datev.AccountLength + 1} for a personal account).");
            }
        }
    }
}
