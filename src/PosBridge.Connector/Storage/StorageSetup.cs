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
    public static readonly IReadOnlyList<string> Providers = [Sqlite, Postgres];

    public string Provider { get; set; } = Sqlite;
}

internal static class StorageSetup
{
    /// <summary>
    /// Registers every store of the backend <c>Storage:Provider</c> names (SQLite when it is not set). The choice
    /// decides which services exist, so it is checked here: an unknown provider stops the connector at start, the
    /// setting and the valid values named, as every other configuration problem is reported.
    /// </summary>
    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration) =>
        services.AddStores(configuration);

    /// <summary>The same registration, as the store contracts reach it for each backend.</summary>
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
