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
using PosBridge.Ecommerce.Magento;
using PosBridge.Ecommerce.Shopify;
using PosBridge.Ecommerce.Stock;
using PosBridge.Ecommerce.WooCommerce;
using Refit;

namespace PosBridge.Ecommerce;

public static class EcommerceServiceCollectionExtensions
{
    /// <summary>
    /// Registers every web store configured under <c>Ecommerce</c>: <c>Ecommerce:WooCommerce</c>,
    /// <c>Ecommerce:Shopify</c> and/or <c>Ecommerce:Magento</c>. Each becomes an <see cref="IStockTarget"/> and an <see cref="ISalesSink"/> (also
    /// keyed by its name, and as a keyed <see cref="WebStoreStockTarget"/> for
    /// <see cref="WebStoreStockTarget.ReconcileAsync"/>); options are validated at start with every failure named.
    /// </summary>
    public static IServiceCollection AddEcommerce(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var woo = configuration.GetSection(WooCommerceOptions.SectionName);
        if (woo.Exists())
        {
            services.AddWooCommerce(woo);
        }

        var shopify = configuration.GetSection(ShopifyOptions.SectionName);
        if (shopify.Exists())
        {
            services.AddShopify(shopify);
        }

        var magento = configuration.GetSection(MagentoOptions.SectionName);
        if (magento.Exists())
        {
            services.AddMagento(magento);
        }

        return services;
    }

    public static IServiceCollection AddWooCommerce(this IServiceCollection services, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        AddShared(services);
        services.AddOptions<WooCommerceOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WooCommerceOptions>, WooCommerceOptionsValidator>());

        services.AddRefitGeneratedClient<IWooCommerceApi>(Settings)
            .ConfigureHttpClient((sp, client) =>
            {
                var options = sp.GetRequiredService<IOptions<WooCommerceOptions>>().Value;
                client.BaseAddress = options.BaseUrl;
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
                    "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.ConsumerKey}:{options.ConsumerSecret}")));
            })
            .AddResilienceHandler("woocommerce", (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<WooCommerceOptions>>().Value;
                AddRetryAndTimeout(pipeline, options.MaxRetryAttempts, options.AttemptTimeout, context.ServiceProvider.GetRequiredService<TimeProvider>());
            });

        var name = section.GetValue<string>(nameof(WooCommerceOptions.Name)) ?? new WooCommerceOptions().Name;
        AddTarget(services, name, sp =>
        {
            var options = sp.GetRequiredService<IOptions<WooCommerceOptions>>().Value;
            var inventory = new WooCommerceInventory(
                sp.GetRequiredService<IWooCommerceApi>(), options, sp.GetRequiredService<ISkuMappingStore>(), sp.GetRequiredService<ILogger<WooCommerceInventory>>());
            return (inventory, options.Stock);
        });
        return services;
    }

    public static IServiceCollection AddShopify(this IServiceCollection services, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        AddShared(services);
        services.AddOptions<ShopifyOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ShopifyOptions>, ShopifyOptionsValidator>());
        services.TryAddSingleton(sp => new ShopifyCostThrottle(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<ShopifyLocationIds>();

        services.AddRefitGeneratedClient<IShopifyAdminApi>(Settings)
            .ConfigureHttpClient((sp, client) =>
            {
                var options = sp.GetRequiredService<IOptions<ShopifyOptions>>().Value;
                client.BaseAddress = new Uri($"https://{options.ShopDomain}/");
                client.DefaultRequestHeaders.Add("X-Shopify-Access-Token", options.AccessToken);
            })
            .AddResilienceHandler("shopify", (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<ShopifyOptions>>().Value;
                AddRetryAndTimeout(pipeline, options.MaxRetryAttempts, options.AttemptTimeout, context.ServiceProvider.GetRequiredService<TimeProvider>());
            });

        var name = section.GetValue<string>(nameof(ShopifyOptions.Name)) ?? new ShopifyOptions().Name;
        AddTarget(services, name, sp =>
        {
            var options = sp.GetRequiredService<IOptions<ShopifyOptions>>().Value;
            var client = new ShopifyGraphQlClient(
                sp.GetRequiredService<IShopifyAdminApi>(), options, sp.GetRequiredService<ShopifyCostThrottle>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ShopifyGraphQlClient>>());
            var inventory = new ShopifyInventory(
                client, options, sp.GetRequiredService<ISkuMappingStore>(), sp.GetRequiredService<ShopifyLocationIds>(), sp.GetRequiredService<ILogger<ShopifyInventory>>());
            return (inventory, options.Stock);
        });
        return services;
    }

    public static IServiceCollection AddMagento(this IServiceCollection services, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        AddShared(services);
        services.AddOptions<MagentoOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MagentoOptions>, MagentoOptionsValidator>());

        services.AddRefitGeneratedClient<IMagentoApi>(Settings)
            .ConfigureHttpClient((sp, client) =>
            {
                var options = sp.GetRequiredService<IOptions<MagentoOptions>>().Value;
                client.BaseAddress = options.BaseUrl;
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.AccessToken);
            })
            .AddResilienceHandler("magento", (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<MagentoOptions>>().Value;
                AddRetryAndTimeout(pipeline, options.MaxRetryAttempts, options.AttemptTimeout, context.ServiceProvider.GetRequiredService<TimeProvider>());
            });

        var name = section.GetValue<string>(nameof(MagentoOptions.Name)) ?? new MagentoOptions().Name;
        AddTarget(services, name, sp =>
        {
            var options = sp.GetRequiredService<IOptions<MagentoOptions>>().Value;
            return (new MagentoInventory(sp.GetRequiredService<IMagentoApi>(), options, sp.GetRequiredService<ILogger<MagentoInventory>>()), options.Stock);
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
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ISkuMappingStore, InMemorySkuMappingStore>();
        services.TryAddSingleton<IAppliedDeltaStore, InMemoryAppliedDeltaStore>();
        services.TryAddSingleton<SkuCategories>();
    }

    // Transient: each use gets a client from the factory (so handlers rotate); the state that must last
    // (mappings, applied deltas, Shopify's cost bucket) lives in singletons.
    private static void AddTarget(IServiceCollection services, string name, Func<IServiceProvider, (IWebStoreInventory Inventory, StockPolicyOptions Policy)> create)
    {
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
                sp.GetRequiredService<ILogger<WebStoreStockTarget>>());
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
