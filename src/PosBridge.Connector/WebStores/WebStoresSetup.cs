using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PosBridge.Ecommerce;

namespace PosBridge.Connector.WebStores;

/// <summary>The web stores as the connector runs them: Ecommerce's adapters over the connector's database.</summary>
internal static class WebStoresSetup
{
    public static IServiceCollection AddWebStores(this IServiceCollection services, IConfiguration configuration)
    {
        // The storage registration (AddSqliteStorage, before this) put the durable SKU mappings and stock deltas in
        // place; AddEcommerce's in-memory stores are only defaults (TryAdd).
        services.AddEcommerce(configuration);
        services.TryAddSingleton<StoreFeeds>();
        services.AddOptions<WebStoreReconciliationOptions>().Bind(configuration.GetSection(WebStoreReconciliationOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebStoreReconciliationOptions>, WebStoreReconciliationOptionsValidator>());
        services.TryAddSingleton<WebStoreReconciler>();

        // Only schedules (first run one interval after start): the database is migrated long before.
        services.AddHostedService<ReconciliationScheduler>();
        services.TryAddSingleton<FeedVersions>();
        return services;
    }
}
