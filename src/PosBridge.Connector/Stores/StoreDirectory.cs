using Microsoft.Extensions.Options;
using PosBridge.Core.Amounts;

namespace PosBridge.Connector.Stores;

/// <summary>A configured store: what every feature that handles its sales, tills or days needs to know.</summary>
/// <remarks><see cref="Digits"/>: <c>arabic</c> or <c>latin</c>, what the store's Arabic screens show numbers in.</remarks>
internal sealed record Store(string Id, string Name, Currency Currency, TimeZoneInfo TimeZone, string Digits = StoreDirectory.ArabicDigits);

/// <summary>
/// The stores this connector serves, from <see cref="StoreOptions"/> (validated at start, so every store here
/// has a known currency and time zone). A store that is not here cannot pair tills, and its tills' uploads are refused.
/// </summary>
internal sealed class StoreDirectory
{
    public const string ArabicDigits = "arabic";

    public const string LatinDigits = "latin";

    /// <summary>The values <c>PosBridge:Stores:{id}:Digits</c> takes, as the till's <c>--digits</c>.</summary>
    public static readonly IReadOnlySet<string> DigitSets = new HashSet<string>(StringComparer.Ordinal) { ArabicDigits, LatinDigits };

    private readonly Dictionary<string, Store> _stores;

    public StoreDirectory(IOptions<StoreOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        _stores = new(StringComparer.Ordinal);
        foreach (var id in settings.Stores.Keys.Union(settings.AccountingStores.Keys))
        {
            var own = settings.Stores.GetValueOrDefault(id);
            var accounting = settings.AccountingStores.GetValueOrDefault(id);
            var currency = Pick(own?.Currency, accounting?.Currency);
            var zone = Pick(own?.TimeZone, accounting?.TimeZone);
            _stores[id] = new Store(
                id,
                string.IsNullOrWhiteSpace(own?.Name) ? id : own.Name.Trim(),
                Currency.FromCode(currency!),
                FindZone(zone!) ?? throw new InvalidOperationException($"Store '{id}' has time zone '{zone}', which the options validator let through."),
                string.IsNullOrWhiteSpace(own?.Digits) ? ArabicDigits : own.Digits.Trim());
        }
    }

    /// <summary>Binds <c>PosBridge:Stores</c> and <c>Accounting:Stores</c>, validated at start, and the directory over them.</summary>
    public static void AddStores(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StoreOptions>()
            .Configure(options =>
            {
                Bind(configuration.GetSection(StoreOptions.Section), options.Stores);
                Bind(configuration.GetSection(StoreOptions.AccountingSection), options.AccountingStores);
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<StoreOptions>, StoreOptionsValidator>();
        services.AddSingleton<StoreDirectory>();

        // The ledgers read a store's currency and time zone from Accounting:Stores; a store set only under
        // PosBridge:Stores gives them the same facts (where both are set they must agree, checked above).
        services.PostConfigure<PosBridge.Accounting.Setup.AccountingOptions>(accounting =>
        {
            var own = new Dictionary<string, StoreSettings>(StringComparer.Ordinal);
            Bind(configuration.GetSection(StoreOptions.Section), own);
            foreach (var (id, store) in own)
            {
                if (!accounting.Stores.TryGetValue(id, out var facts))
                {
                    accounting.Stores[id] = facts = new PosBridge.Accounting.Setup.StoreOptions();
                }

                facts.Currency ??= store.Currency;
                facts.TimeZone ??= store.TimeZone;
            }
        });
    }

    /// <summary>Every configured store, by id.</summary>
    public IEnumerable<Store> All => _stores.Values.OrderBy(s => s.Id, StringComparer.Ordinal);

    public Store? Find(string? storeId) => storeId is not null && _stores.TryGetValue(storeId, out var store) ? store : null;

    /// <summary>What a manager does to make <paramref name="storeId"/> known, for messages that refuse an unknown store.</summary>
    public static string HowToConfigure(string storeId) =>
        $"add {StoreOptions.Section}:{storeId}:Currency (ISO 4217, e.g. EGP) and {StoreOptions.Section}:{storeId}:TimeZone (IANA, e.g. Africa/Cairo) to the connector's settings and restart it";

    /// <summary>An IANA zone this machine knows; Windows ids are refused so every host reads the setting alike.</summary>
    internal static TimeZoneInfo? FindZone(string id) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) && (zone.HasIanaId || id == "UTC") ? zone : null;

    // Each store's own keys only: other features keep their settings under the same store section.
    private static void Bind(IConfigurationSection section, Dictionary<string, StoreSettings> stores)
    {
        foreach (var store in section.GetChildren())
        {
            stores[store.Key] = new StoreSettings
            {
                Name = store[nameof(StoreSettings.Name)],
                Currency = store[nameof(StoreSettings.Currency)],
                TimeZone = store[nameof(StoreSettings.TimeZone)],
                Digits = store[nameof(StoreSettings.Digits)],
            };
        }
    }

    private static string? Pick(string? own, string? accounting) => string.IsNullOrWhiteSpace(own) ? accounting : own;
}
