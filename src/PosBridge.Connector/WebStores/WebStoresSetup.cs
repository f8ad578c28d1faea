using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PosBridge.Ecommerce;
using PosBridge.Ecommerce.Stock;

namespace PosBridge.Connector.WebStores;

/// <summary>The web stores as the connector runs them: Ecommerce's adapters over the connector's database.</summary>
internal static class WebStoresSetup
{
    public static IServiceCollection AddWebStores(this IServiceCollection services, IConfiguration configuration)
    {
        // Before AddEcommerce, whose in-memory stores are only defaults (TryAdd): a restart must neither resolve
        // every SKU again nor apply a stock change twice.
        services.TryAddSingleton<ISkuMappingStore, SqliteSkuMappingStore>();
        services.TryAddSingleton<IAppliedDeltaStore, SqliteAppliedDeltaStore>();
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
