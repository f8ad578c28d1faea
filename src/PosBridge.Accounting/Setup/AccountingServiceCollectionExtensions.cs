using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PosBridge.Accounting.Dialects;
using PosBridge.Accounting.Export;
using PosBridge.Core.Adapters;

namespace PosBridge.Accounting.Setup;

/// <summary>The accounting adapter's one entry point.</summary>
public static class AccountingServiceCollectionExtensions
{
    /// <summary>
    /// Binds the <c>Accounting</c> section, validates it at start (every failure named), and registers
    /// <see cref="LedgerExports"/> plus one <see cref="ILedgerWriter"/> per configured ledger, also keyed by
    /// the ledger's name.
    /// </summary>
    public static IServiceCollection AddAccounting(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddAccounting(configuration.GetSection(AccountingOptions.SectionName));
    }

    /// <summary>As <see cref="AddAccounting(IServiceCollection, IConfiguration)"/>, from the <c>Accounting</c> section itself.</summary>
    internal static IServiceCollection AddAccounting(this IServiceCollection services, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        services.AddOptions<AccountingOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AccountingOptions>, AccountingOptionsValidator>());
        services.TryAddSingleton<LedgerExports>();

        // The connector finds a ledger by name; names are known from configuration now, the ledgers at start.
        foreach (var ledger in section.GetSection("Ledgers").GetChildren())
        {
            var name = ledger.Key;
            services.AddKeyedSingleton<ILedgerWriter>(name, (sp, _) => sp.GetRequiredService<LedgerExports>().Get(name));
            services.AddSingleton<ILedgerWriter>(sp => sp.GetRequiredService<LedgerExports>().Get(name));
        }

        return services;
    }
}

/// <summary>Every configured ledger, by name.</summary>
public sealed class LedgerExports
{
    private readonly Dictionary<string, LedgerExport> _byName;

    public LedgerExports(IOptions<AccountingOptions> options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        var settings = AccountingOptionsValidator.Resolve(options.Value, errors);
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(AccountingOptions.SectionName, typeof(AccountingOptions), errors);
        }

        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("PosBridge.Accounting");
        _byName = settings.ToDictionary(s => s.Name, s => new LedgerExport(s, logger), StringComparer.Ordinal);
    }

    public IEnumerable<LedgerExport> All => _byName.Values;

    /// <summary>
    /// The ledger of a store in a dialect, as a command line names them (<c>--dialect xero-journals</c>).
    /// </summary>
    /// <exception cref="ArgumentException">The dialect is unknown, or the store has no ledger in it; the message says which exist.</exception>
    public LedgerExport Find(string storeId, string dialect)
    {
        var wanted = LedgerDialects.Parse(dialect);
        var matches = _byName.Values.Where(l => l.Dialect == wanted && string.Equals(l.StoreId, storeId, StringComparison.Ordinal)).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new ArgumentException(
                $"Store {storeId} has no {wanted.Name} ledger; its ledgers: {string.Join(", ", _byName.Values.Where(l => l.StoreId == storeId).Select(l => $"{l.Name} ({l.DialectName})").DefaultIfEmpty("none"))}.",
                nameof(dialect)),
            _ => throw new ArgumentException(
                $"Store {storeId} has several {wanted.Name} ledgers ({string.Join(", ", matches.Select(l => l.Name))}); name one.", nameof(dialect)),
        };
    }

    /// <exception cref="ArgumentException">No ledger has that name; the message lists the configured ones.</exception>
    public LedgerExport Get(string name) =>
        _byName.TryGetValue(name, out var export)
            ? export
            : throw new ArgumentException($"No ledger is named '{name}'; configured: {string.Join(", ", _byName.Keys.Order(StringComparer.Ordinal))}.", nameof(name));
}
