using Microsoft.Extensions.DependencyInjection.Extensions;
using PosBridge.Connector.Catalog;
using PosBridge.Connector.Dashboard;
using PosBridge.Connector.Dispatch;
using PosBridge.Connector.Ingestion;
using PosBridge.Connector.Tills;
using PosBridge.Ecommerce.Stock;

namespace PosBridge.Connector.Storage.Postgres;

internal static class PostgresStorageSetup
{
    /// <summary>
    /// The stores PostgreSQL has so far, over one <see cref="PostgresDatabase"/> (<c>Storage:ConnectionString</c>).
    /// Not every store the connector needs: <see cref="StorageSetup.AddStorage"/> refuses to start on this alone.
    /// </summary>
    public static IServiceCollection AddPostgresStores(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration.GetSection(StorageOptions.Section)["ConnectionString"];
        services.TryAddSingleton(sp => new PostgresDatabase(connectionString, sp.GetRequiredService<SecretProtector>()));
        services.TryAddSingleton<IConnectorStorage, PostgresConnectorStorage>();
        services.TryAddSingleton<IDeliveryLease, PostgresDeliveryLease>();
        services.TryAddSingleton<INonceCache, PostgresNonceCache>();
        services.TryAddSingleton<ITillRateLimits, PostgresTillRateLimits>();
        services.TryAddSingleton<IDashboardSessions, PostgresDashboardSessions>();
        services.TryAddSingleton<Dashboard.Accounts.IDashboardAccounts, PostgresDashboardAccounts>();
        services.TryAddSingleton<IInbox, PostgresInbox>();
        services.TryAddSingleton<IDeliveryStore, PostgresDeliveryStore>();
        services.TryAddSingleton<ITillStore, PostgresTillStore>();
        services.TryAddSingleton<INumberingEpochs, PostgresNumberingEpochs>();
        services.TryAddSingleton<ISourceCursors, PostgresSourceCursors>();
        services.TryAddSingleton<ICatalogSnapshot, PostgresCatalogSnapshot>();
        services.TryAddSingleton<ICatalogPullProblems, PostgresCatalogPullProblems>();
        services.TryAddSingleton<Customers.ICustomerDataStore, PostgresCustomerDataStore>();
        // Web stores: before AddEcommerce, whose in-memory stores are only defaults (TryAdd).
        services.TryAddSingleton<ISkuMappingStore, PostgresSkuMappingStore>();
        services.TryAddSingleton<IAppliedDeltaStore, PostgresAppliedDeltaStore>();
        return services;
    }
}
