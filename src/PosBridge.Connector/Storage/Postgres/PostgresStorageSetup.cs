using Microsoft.Extensions.DependencyInjection.Extensions;
using PosBridge.Connector.Dashboard;
using PosBridge.Connector.Dispatch;
using PosBridge.Connector.Tills;

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
        return services;
    }
}
