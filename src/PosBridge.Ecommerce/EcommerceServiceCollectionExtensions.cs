using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using PosBridge.Core.Adapters;
using PosBridge.Ecommerce.Catalog;
using PosBridge.Ecommerce.Magento;
using PosBridge.Ecommerce.Publishing;
using PosBridge.Ecommerce.Shopify;
using PosBridge.Ecommerce.Stock;
using PosBridge.Ecommerce.Stores;
using PosBridge.Ecommerce.WooCommerce;
using Refit;

namespace PosBridge.Ecommerce;

public static class EcommerceServiceCollectionExtensions
{
    /// <summary>The configuration section every web store lies in.</summary>
    public const string Section = "Ecommerce";

    /// <summary>
    /// Registers every web store configured: the list <c>Ecommerce:Stores:[{Name, Platform, …}]</c> and the older
    /// single-store sections <c>Ecommerce:WooCommerce</c>, <c>Ecommerce:Shopify</c>, <c>Ecommerce:Magento</c>. Each
    /// store, under its name, becomes an <see cref="IStockTarget"/> and an <see cref="ISalesSink"/> (also keyed by the
    /// name, and as a keyed <see cref="WebStoreStockTarget"/> for <see cref="WebStoreStockTarget.ReconcileAsync"/>),
    /// with its own HTTP client, options (named by the store) and, when it has a <c>Feed</c> section, its
    /// <see cref="FeedOptions"/>. <see cref="WebStores"/> lists them. Everything is validated at start and every
    /// problem named with its setting.
    /// </summary>
    public static IServiceCollection AddEcommerce(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddEcommerce(configuration.GetSection(Section));
    }

    /// <summary>As <see cref="AddEcommerce(IServiceCollection, IConfiguration)"/>, from the <c>Ecommerce</c> section itself.</summary>
    internal static IServiceCollection AddEcommerce(this IServiceCollection services, IConfigurationSection ecommerce)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(ecommerce);
        var stores = WebStores.Read(ecommerce);
        services.AddSingleton(stores);
        services.AddOptions<WebStoresCheck>().Configure(o => o.Stores = stores).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebStoresCheck>, WebStoresCheckValidator>());
        foreach (var store in stores.All)
        {
            var section = WebStores.At(ecommerce, store.Section);
            _ = store.Platform switch
            {
                WebStorePlatforms.WooCommerce => services.AddWooCommerce(section, store.Name),
                WebStorePlatforms.Shopify => services.AddShopify(section, store.Name),
                _ => services.AddMagento(section, store.Name),
            };
            if (store.HasFeed)
            {
                var feed = section.GetSection("Feed");
                services.AddOptions<FeedOptions>(store.Name).Bind(feed).Configure(o => o.Section = feed.Path).ValidateOnStart();
                services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FeedOptions>, FeedOptionsValidator>());
            }
        }

        return services;
    }

    /// <summary>One WooCommerce store from <paramref name="section"/>, named <paramref name="name"/> (default: its <c>Name</c>, else "woocommerce").</summary>
    public static IServiceCollection AddWooCommerce(this IServiceCollection services, IConfigurationSection section, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        name ??= section[nameof(WooCommerceOptions.Name)] ?? new WooCommerceOptions().Name;
        AddShared(services);
        services.AddOptions<WooCommerceOptions>(name).Bind(section).Configure(o => (o.Name, o.Section) = (name, section.Path)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WooCommerceOptions>, WooCommerceOptionsValidator>());

        var http = services.AddKeyedRefitGeneratedClient<IWooCommerceApi>(name, _ => Settings, $"woocommerce:{name}")
            .ConfigureHttpClient((sp, client) =>
            {
                var options = sp.GetRequiredService<IOptionsMonitor<WooCommerceOptions>>().Get(name);
                client.BaseAddress = options.BaseUrl;
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
                    "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.ConsumerKey}:{options.ConsumerSecret}")));
            });
        http.AddResilienceHandler($"woocommerce:{name}", (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptionsMonitor<WooCommerceOptions>>().Get(name);
                AddRetryAndTimeout(pipeline, options.MaxRetryAttempts, options.AttemptTimeout, context.ServiceProvider.GetRequiredService<TimeProvider>());
            });

        // Inside the retries, so it sees each attempt's Retry-After.
        http.AddHttpMessageHandler(sp => new RetryAfterObserver(sp.GetRequiredKeyedService<RetryAfterHints>(name), sp.GetRequiredService<TimeProvider>()));

        AddTarget(services, name, sp =>
        {
            var options = sp.GetRequiredService<IOptionsMonitor<WooCommerceOptions>>().Get(name);
            var inventory = new WooCommerceInventory(
                sp.GetRequiredKeyedService<IWooCommerceApi>(name), options, sp.GetRequiredService<ISkuMappingStore>(), sp.GetRequiredService<ILogger<WooCommerceInventory>>());
            return (inventory, options.Stock);
        });

        // The same store's products, for a shop whose catalog it is.
        services.AddKeyedTransient<IWebStoreCatalog>(name, (sp, _) => new WooCommerceCatalog(
            sp.GetRequiredKeyedService<IWooCommerceApi>(name), sp.GetRequiredService<IOptionsMonitor<WooCommerceOptions>>().Get(name), sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    /// <summary>One Shopify store from <paramref name="section"/>, named <paramref name="name"/> (default: its <c>Name</c>, else "shopify").</summary>
    public static IServiceCollection AddShopify(this IServiceCollection services, IConfigurationSection section, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        name ??= section[nameof(ShopifyOptions.Name)] ?? new ShopifyOptions().Name;
        AddShared(services);
        services.AddOptions<ShopifyOptions>(name).Bind(section).Configure(o => (o.Name, o.Section) = (name, section.Path)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ShopifyOptions>, ShopifyOptionsValidator>());

        // Per shop: its cost bucket and its location ids.
        services.AddKeyedSingleton(name, (sp, _) => new ShopifyCostThrottle(sp.GetRequiredService<TimeProvider>()));
        services.AddKeyedSingleton(name, (_, _) => new ShopifyLocationIds());

        var http = services.AddKeyedRefitGeneratedClient<IShopifyAdminApi>(name, _ => Settings, $"shopify:{name}")
            .ConfigureHttpClient((sp, client) =>
            {
                var options = sp.GetRequiredService<IOptionsMonitor<ShopifyOptions>>().Get(name);
                client.BaseAddress = new Uri($"https://{options.ShopDomain}/");
                client.DefaultRequestHeaders.Add("X-Shopify-Access-Token", options.AccessToken);
            });
        http.AddResilienceHandler($"shopify:{name}", (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptionsMonitor<ShopifyOptions>>().Get(name);
                AddRetryAndTimeout(pipeline, options.MaxRetryAttempts, options.AttemptTimeout, context.ServiceProvider.GetRequiredService<TimeProvider>());
            });

        // Inside the retries, so it sees each attempt's Retry-After.
        http.AddHttpMessageHandler(sp => new RetryAfterObserver(sp.GetRequiredKeyedService<RetryAfterHints>(name), sp.GetRequiredService<TimeProvider>()));

        AddTarget(services, name, sp =>
        {
            var options = sp.GetRequiredService<IOptionsMonitor<ShopifyOptions>>().Get(name);
            var client = new ShopifyGraphQlClient(
                sp.GetRequiredKeyedService<IShopifyAdminApi>(name), options, sp.GetRequiredKeyedService<ShopifyCostThrottle>(name), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ShopifyGraphQlClient>>());
            var inventory = new ShopifyInventory(
                client, options, sp.GetRequiredService<ISkuMappingStore>(), sp.GetRequiredKeyedService<ShopifyLocationIds>(name), sp.GetRequiredService<ILogger<ShopifyInventory>>());
            return (inventory, options.Stock);
        });

        // The same shop's products, for a store whose catalog it is.
        services.AddKeyedTransient<IWebStoreCatalog>(name, (sp, _) => new ShopifyCatalog(
            new ShopifyGraphQlClient(
                sp.GetRequiredKeyedService<IShopifyAdminApi>(name),
                sp.GetRequiredService<IOptionsMonitor<ShopifyOptions>>().Get(name),
                sp.GetRequiredKeyedService<ShopifyCostThrottle>(name),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<ShopifyGraphQlClient>>()),
            sp.GetRequiredService<IOptionsMonitor<ShopifyOptions>>().Get(name)));
        return services;
    }

    /// <summary>One Magento MSI store from <paramref name="section"/>, named <paramref name="name"/> (default: its <c>Name</c>, else "magento").</summary>
    public static IServiceCollection AddMagento(this IServiceCollection services, IConfigurationSection section, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        name ??= section[nameof(MagentoOptions.Name)] ?? new MagentoOptions().Name;
        AddShared(services);
        services.AddOptions<MagentoOptions>(name).Bind(section).Configure(o => (o.Name, o.Section) = (name, section.Path)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MagentoOptions>, MagentoOptionsValidator>());

        var http = services.AddKeyedRefitGeneratedClient<IMagentoApi>(name, _ => Settings, $"magento:{name}")
            .ConfigureHttpClient((sp, client) =>
            {
                var options = sp.GetRequiredService<IOptionsMonitor<MagentoOptions>>().Get(name);
                client.BaseAddress = options.BaseUrl;
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.AccessToken);
            });
        http.AddResilienceHandler($"magento:{name}", (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptionsMonitor<MagentoOptions>>().Get(name);
                AddRetryAndTimeout(pipeline, options.MaxRetryAttempts, options.AttemptTimeout, context.ServiceProvider.GetRequiredService<TimeProvider>());
            });

        // Inside the retries, so it sees each attempt's Retry-After.
        http.AddHttpMessageHandler(sp => new RetryAfterObserver(sp.GetRequiredKeyedService<RetryAfterHints>(name), sp.GetRequiredService<TimeProvider>()));

        AddTarget(services, name, sp =>
        {
            var options = sp.GetRequiredService<IOptionsMonitor<MagentoOptions>>().Get(name);
            return (new MagentoInventory(sp.GetRequiredKeyedService<IMagentoApi>(name), options, sp.GetRequiredService<ILogger<MagentoInventory>>()), options.Stock);
        });
        return services;
    }

    private static RefitSettings Settings => new()
    {
        ContentSerializer = new SystemTextJsonContentSerializer(new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        }),
    };

    private static void AddShared(IServiceCollection services)
    {
        services.AddLogging();
        services.TryAddSingleton<ISkuMappingStore, InMemorySkuMappingStore>();
        services.TryAddSingleton<IAppliedDeltaStore, InMemoryAppliedDeltaStore>();
        services.TryAddSingleton<SkuCategories>();
    }

    // Transient: each use gets a client from the factory (so handlers rotate); the state that must last
    // (mappings, applied deltas, Shopify's cost bucket) lives in singletons.
    private static void AddTarget(IServiceCollection services, string name, Func<IServiceProvider, (IWebStoreInventory Inventory, StockPolicyOptions Policy)> create)
    {
        services.AddKeyedSingleton(name, (sp, _) => new RetryAfterHints(sp.GetRequiredService<TimeProvider>()));
        services.AddKeyedTransient(name, (sp, _) =>
        {
            var (inventory, policy) = create(sp);
            return new WebStoreStockTarget(
                name,
                inventory,
                policy,
                sp.GetRequiredService<SkuCategories>(),
                sp.GetRequiredService<IAppliedDeltaStore>(),
                sp.GetServices<IStockAlertSink>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<WebStoreStockTarget>>(),
                sp.GetRequiredKeyedService<RetryAfterHints>(name));
        });
        services.AddKeyedTransient<IStockTarget>(name, (sp, key) => sp.GetRequiredKeyedService<WebStoreStockTarget>(key));
        services.AddTransient<IStockTarget>(sp => sp.GetRequiredKeyedService<WebStoreStockTarget>(name));

        // The same target takes sales from the connector's dispatch as stock deltas.
        services.AddKeyedTransient<ISalesSink>(name, (sp, key) => sp.GetRequiredKeyedService<WebStoreStockTarget>(key));
        services.AddTransient<ISalesSink>(sp => sp.GetRequiredKeyedService<WebStoreStockTarget>(name));
    }

    /// <summary>
    /// Retries passing failures (429, 5xx, timeouts), obeying a 429's <c>Retry-After</c> rather than a fixed
    /// sleep. Stock writes are safe to repeat: WooCommerce's are absolute, Shopify's carry idempotency keys.
    /// </summary>
    private static void AddRetryAndTimeout(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, int maxRetryAttempts, TimeSpan attemptTimeout, TimeProvider timeProvider)
    {
        // The injected clock, so a Retry-After wait is the shop's time, not the machine's (and tests can fake it).
        pipeline.TimeProvider = timeProvider;
        if (maxRetryAttempts > 0)
        {
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = maxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromSeconds(1),
                ShouldRetryAfterHeader = true,
            });
        }

        pipeline.AddTimeout(attemptTimeout);
    }
}
