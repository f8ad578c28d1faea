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
                dialect = LedgerDialects.Generic;
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

                if (!dialect.CarriesCurrency)
                {
                    errors.Add($"{at}: store {ledger.Store} sells in {store.Currency} but the ledger keeps {baseCurrency}, and {dialect.Name} files have no currency column; export the store to a ledger in {store.Currency} or use a dialect that carries currency ({string.Join(", ", LedgerDialects.All.Where(d => d.CarriesCurrency).Select(d => d.Name))}).");
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

            dialect.Validate(at, ledger, store?.Currency, baseCurrency, map, errors);

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
}
