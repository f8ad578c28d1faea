using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using PosBridge.Core.Amounts;

namespace PosBridge.Connector.Stores;

/// <summary>
/// The facts the connector keeps about each store: <c>PosBridge:Stores:{storeId}</c> with <c>Name</c>,
/// <c>Currency</c> and <c>TimeZone</c>. The older <c>Accounting:Stores:{storeId}:{Currency,TimeZone}</c>
/// (the ledger export's section) is read as a source of the same facts; where both name a value they must agree.
/// </summary>
/// <remarks>
/// Other keys under a store's section (its <c>Catalog</c> source, …) belong to other features and are left alone.
/// </remarks>
internal sealed class StoreOptions
{
    public const string Section = "PosBridge:Stores";

    public const string AccountingSection = "Accounting:Stores";

    /// <summary><c>PosBridge:Stores</c> by store id, as tills and sales name the store.</summary>
    public Dictionary<string, StoreSettings> Stores { get; } = new(StringComparer.Ordinal);

    /// <summary><c>Accounting:Stores</c> by store id: the ledger export's copy of the same facts.</summary>
    public Dictionary<string, StoreSettings> AccountingStores { get; } = new(StringComparer.Ordinal);
}

/// <summary>One store's settings as configuration holds them (unchecked).</summary>
internal sealed class StoreSettings
{
    /// <summary>Shown to managers; defaults to the store id.</summary>
    public string? Name { get; set; }

    /// <summary>ISO 4217 code every sale, refund and shift close of the store is in ("EGP", "SAR").</summary>
    public string? Currency { get; set; }

    /// <summary>IANA time zone id ("Africa/Cairo", "Asia/Riyadh"): business days are cut in it.</summary>
    public string? TimeZone { get; set; }

    /// <summary>
    /// The digits the store's Arabic screens show numbers in, as the till's <c>--digits</c>: <c>arabic</c>
    /// (Arabic-Indic, ٣٨٫٥٠; the default) or <c>latin</c> (38.50). English screens always use Latin digits.
    /// </summary>
    public string? Digits { get; set; }
}

/// <summary>Checks every store and reports every problem at once, naming the setting.</summary>
internal sealed partial class StoreOptionsValidator : IValidateOptions<StoreOptions>
{
    public const int MaxNameLength = 100;

    public ValidateOptionsResult Validate(string? name, StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        foreach (var storeId in options.Stores.Keys.Union(options.AccountingStores.Keys).Order(StringComparer.Ordinal))
        {
            var own = options.Stores.GetValueOrDefault(storeId);
            var accounting = options.AccountingStores.GetValueOrDefault(storeId);
            var at = $"{(own is not null ? StoreOptions.Section : StoreOptions.AccountingSection)}:{storeId}";
            if (!IdPattern().IsMatch(storeId))
            {
                failures.Add($"{at}: the store id '{storeId}' must be 1–32 letters, digits, '-' or '_' (tills and sales carry it).");
            }

            if (own?.Name is { } storeName && (string.IsNullOrWhiteSpace(storeName) || storeName.Length > MaxNameLength || storeName.Any(char.IsControl)))
            {
                failures.Add($"{StoreOptions.Section}:{storeId}:Name must be 1–{MaxNameLength} characters without control characters.");
            }

            if (own?.Digits is { } digits && !StoreDirectory.DigitSets.Contains(digits.Trim()))
            {
                failures.Add($"{StoreOptions.Section}:{storeId}:Digits is '{digits}'; use 'arabic' (Arabic-Indic digits on Arabic screens) or 'latin'.");
            }

            var currency = Agreed(storeId, own?.Currency, accounting?.Currency, nameof(StoreSettings.Currency), failures);
            if (currency.Value is null)
            {
                failures.Add($"{at}:Currency is missing; set the ISO 4217 code the store sells in, e.g. EGP or SAR.");
            }
            else if (!Currency.TryFromCode(currency.Value, out _))
            {
                failures.Add($"{currency.Setting} '{currency.Value}' is not a currency PosBridge knows; use one of {string.Join(", ", Currency.All.Select(c => c.Code).Order(StringComparer.Ordinal))}.");
            }

            var zone = Agreed(storeId, own?.TimeZone, accounting?.TimeZone, nameof(StoreSettings.TimeZone), failures);
            if (zone.Value is null)
            {
                failures.Add($"{at}:TimeZone is missing; set the store's IANA time zone, e.g. Africa/Cairo or Asia/Riyadh.");
            }
            else if (StoreDirectory.FindZone(zone.Value) is null)
            {
                failures.Add($"{zone.Setting} '{zone.Value}' is not an IANA time zone this machine knows; use one such as Africa/Cairo or Asia/Riyadh.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>The value of <paramref name="key"/> from either section, with a failure when both give different values.</summary>
    private static (string? Value, string Setting) Agreed(string storeId, string? own, string? accounting, string key, List<string> failures)
    {
        own = string.IsNullOrWhiteSpace(own) ? null : own;
        accounting = string.IsNullOrWhiteSpace(accounting) ? null : accounting;
        if (own is not null && accounting is not null && !string.Equals(own, accounting, StringComparison.Ordinal))
        {
            failures.Add($"{StoreOptions.Section}:{storeId}:{key} is '{own}' but {StoreOptions.AccountingSection}:{storeId}:{key} is '{accounting}'; a store has one {key}: make them the same or remove the {StoreOptions.AccountingSection} one.");
        }

        return own is not null
            ? (own, $"{StoreOptions.Section}:{storeId}:{key}")
            : (accounting, $"{StoreOptions.AccountingSection}:{storeId}:{key}");
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,32}$")]
    internal static partial Regex IdPattern();
}
