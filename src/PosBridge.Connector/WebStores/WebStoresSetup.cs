using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace PosBridge.Connector.WebStores;

/// <summary>The web stores as the connector runs them: Ecommerce's adapters over the connector's database.</summary>
internal static class WebStoresSetup
{
    public static IServiceCollection AddWebStores(this IServiceCollection services, IConfiguration configuration)
    {
        // Ecommerce's adapter module (src/Adapters.props) registered the stores; the storage registration (before it)
        // put the durable SKU mappings and stock deltas in place, so Ecommerce's in-memory stores are only defaults (TryAdd).
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
