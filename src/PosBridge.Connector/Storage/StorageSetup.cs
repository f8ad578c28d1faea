using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PosBridge.Connector.Storage.Postgres;
using PosBridge.Connector.Storage.Sqlite;

namespace PosBridge.Connector.Storage;

/// <summary>Which backend keeps the connector's state: <c>Storage:Provider</c>.</summary>
internal sealed class StorageOptions
{
    public const string Section = "Storage";

    public const string Sqlite = "sqlite";

    public const string Postgres = "postgres";

    /// <summary>The providers this connector runs on.</summary>
    public static readonly IReadOnlyList<string> Providers = [Sqlite];

    public string Provider { get; set; } = Sqlite;
}

internal static class StorageSetup
{
    /// <summary>
    /// Registers every store of the backend <c>Storage:Provider</c> names (SQLite when it is not set). The choice
    /// decides which services exist, so it is checked here: an unknown provider stops the connector at start, the
    /// setting and the valid values named, as every other configuration problem is reported.
    /// </summary>
    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var provider = configuration.GetSection(StorageOptions.Section)[nameof(StorageOptions.Provider)] ?? StorageOptions.Sqlite;
        if (string.Equals(provider.Trim(), StorageOptions.Postgres, StringComparison.OrdinalIgnoreCase))
        {
            // Some stores exist on PostgreSQL, not all the connector needs: say so rather than start half on it.
            throw new OptionsValidationException(
                StorageOptions.Section,
                typeof(StorageOptions),
                [$"{StorageOptions.Section}:{nameof(StorageOptions.Provider)} is '{provider}': the connector cannot run on PostgreSQL yet. " +
                 $"PostgreSQL keeps only {string.Join(", ", PostgresImplemented)}; it has no store yet for {string.Join(", ", PostgresMissing)}. Use sqlite."]);
        }

        return services.AddStores(configuration);
    }

    /// <summary>What PostgreSQL keeps so far, as a manager would name it.</summary>
    internal static readonly IReadOnlyList<string> PostgresImplemented =
    [
        "delivery leases", "request nonces", "request limits", "dashboard sessions", "dashboard accounts",
        "shift closings", "provider fees", "ledger days", "receipt messages", "fiscal documents", "ZATCA units", "reports", "dashboard queries",
    ];

    /// <summary>What the connector needs that PostgreSQL does not keep yet.</summary>
    internal static readonly IReadOnlyList<string> PostgresMissing =
    [
        "sales (inbox)", "deliveries", "tills and pairing", "numbering epochs", "catalog snapshot",
        "catalog pull problems", "source cursors", "web-store SKU mappings", "stock changes", "customers' data",
    ];

    /// <summary>
    /// Registers the stores the backend named by <c>Storage:Provider</c> has, without asking whether they are all the
    /// connector needs (the store contracts run each backend's stores this way).
    /// </summary>
    internal static IServiceCollection AddStores(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var provider = configuration.GetSection(StorageOptions.Section)[nameof(StorageOptions.Provider)] ?? StorageOptions.Sqlite;
        services.TryAddSingleton(ConnectorInstance.New());
        if (string.Equals(provider.Trim(), StorageOptions.Sqlite, StringComparison.OrdinalIgnoreCase))
        {
            return services.AddSqliteStorage();
        }

        if (string.Equals(provider.Trim(), StorageOptions.Postgres, StringComparison.OrdinalIgnoreCase))
        {
            return services.AddPostgresStores(configuration);
        }

        var shown = string.IsNullOrWhiteSpace(provider) ? "empty" : $"'{provider}'";
        throw new OptionsValidationException(
            StorageOptions.Section,
            typeof(StorageOptions),
            [$"{StorageOptions.Section}:{nameof(StorageOptions.Provider)} is {shown}; use {string.Join(" or ", StorageOptions.Providers)}."]);
    }
}
