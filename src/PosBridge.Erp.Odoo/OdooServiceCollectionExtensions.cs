using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PosBridge.Core.Adapters;
using PosBridge.Core.Loyalty;
using PosBridge.Erp.Odoo.Invoicing;
using PosBridge.Erp.Odoo.Loyalty;
using PosBridge.Erp.Odoo.Pos;
using PosBridge.Erp.Odoo.Rpc;
using Refit;

namespace PosBridge.Erp.Odoo;

/// <summary>Registers the Odoo adapter from the <c>Odoo</c> configuration section.</summary>
public static class OdooServiceCollectionExtensions
{
    public const string Section = "Odoo";

    /// <summary>
    /// Adds the Odoo client and, with <c>Odoo:Pos:Enabled</c>, the POS order sales sink; with
    /// <c>Odoo:Invoicing:Enabled</c> the invoice sink (Odoo without the POS app); with <c>Odoo:Loyalty:Enabled</c>
    /// the loyalty points sink and program source. Does nothing when the
    /// configuration has no <c>Odoo</c> section. Options are validated at start with every problem named.
    /// </summary>
    public static IServiceCollection AddOdoo(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddOdoo(configuration.GetSection(Section));
    }

    /// <summary>As <see cref="AddOdoo(IServiceCollection, IConfiguration)"/>, from the <c>Odoo</c> section itself.</summary>
    internal static IServiceCollection AddOdoo(this IServiceCollection services, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        if (!section.Exists())
        {
            return services;
        }

        services.AddOptions<OdooConnectionOptions>().Bind(section).ValidateOnStart();
        services.AddOptions<OdooPosOptions>().Bind(section.GetSection("Pos"));
        services.AddOptions<OdooInvoicingOptions>().Bind(section.GetSection("Invoicing"));
        services.AddOptions<OdooLoyaltyOptions>().Bind(section.GetSection("Loyalty"));

        // One validator for the whole section, so a start that fails names every problem at once.
        services.AddSingleton<IValidateOptions<OdooConnectionOptions>>(sp => new OdooConnectionOptionsValidator(
            sp.GetRequiredService<IOptions<OdooPosOptions>>(),
            sp.GetRequiredService<IOptions<OdooInvoicingOptions>>(),
            sp.GetRequiredService<IOptions<OdooLoyaltyOptions>>()));

        var settings = new RefitSettings(new NewtonsoftContentSerializer(NewtonsoftContentSerializer.DefaultSettings()));
        void Configure(IServiceProvider sp, HttpClient client)
        {
            var options = sp.GetRequiredService<IOptions<OdooConnectionOptions>>().Value;
            client.BaseAddress = options.Url;

            // The client's pipeline times each call out; the HttpClient's own limit only backs it up.
            client.Timeout = options.CallTimeout + TimeSpan.FromSeconds(10);
        }

        // No per-request lines from HttpClientFactory (four per call at Information): the adapter logs a line per batch.
        services.AddRefitGeneratedClient<IOdooJsonRpcApi>(settings).ConfigureHttpClient(Configure).RemoveAllLoggers();
        services.AddRefitGeneratedClient<IOdooJson2Api>(settings).ConfigureHttpClient(Configure).RemoveAllLoggers();
        services.AddSingleton<IOdooTransport>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<OdooConnectionOptions>>().Value;
            var time = sp.GetRequiredService<TimeProvider>();
            return options.Protocol == OdooProtocol.Json2
                ? new Json2Transport(sp.GetRequiredService<IOdooJson2Api>(), options, time)
                : new JsonRpcTransport(sp.GetRequiredService<IOdooJsonRpcApi>(), options, time);
        });
        services.AddSingleton(sp => new OdooClient(
            sp.GetRequiredService<IOdooTransport>(),
            sp.GetRequiredService<IOptions<OdooConnectionOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<OdooClient>>()));

        // Odoo is the system of record for the catalog and stock whenever it is configured.
        services.AddSingleton(sp => new Catalog.OdooCatalogSource(sp.GetRequiredService<OdooClient>(), sp.GetRequiredService<IOptions<OdooPosOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ICatalogSource>(sp => sp.GetRequiredService<Catalog.OdooCatalogSource>());
        services.AddSingleton<IStockSource>(sp => sp.GetRequiredService<Catalog.OdooCatalogSource>());

        if (section.GetSection("Pos").GetValue("Enabled", true))
        {
            services.AddSingleton(sp => new OdooSalesSink(
                sp.GetRequiredService<OdooClient>(),
                sp.GetRequiredService<IOptions<OdooPosOptions>>().Value,
                sp.GetRequiredService<ILogger<OdooSalesSink>>()));
            services.AddSingleton<ISalesSink>(sp => sp.GetRequiredService<OdooSalesSink>());
            services.AddSingleton<ISetupCheck>(sp => new OdooSetupCheck(sp.GetRequiredService<OdooClient>(), sp.GetRequiredService<IOptions<OdooPosOptions>>().Value));
        }

        // Odoo without the POS app: sales as posted, paid customer invoices.
        if (section.GetSection("Invoicing").GetValue("Enabled", false))
        {
            services.AddSingleton(sp => new OdooInvoiceSink(
                sp.GetRequiredService<OdooClient>(),
                sp.GetRequiredService<IOptions<OdooInvoicingOptions>>().Value,
                sp.GetRequiredService<IOptions<OdooPosOptions>>().Value,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<OdooInvoiceSink>>()));
            services.AddSingleton<ISalesSink>(sp => sp.GetRequiredService<OdooInvoiceSink>());
        }

        // Loyalty: programs to the tills, points from sales to the customers' cards (a sink of its own).
        if (section.GetSection("Loyalty").GetValue("Enabled", false))
        {
            services.AddSingleton(sp => new OdooLoyaltySink(
                sp.GetRequiredService<OdooClient>(),
                sp.GetRequiredService<IOptions<OdooLoyaltyOptions>>().Value,
                sp.GetRequiredService<IOptions<OdooPosOptions>>().Value,
                sp.GetRequiredService<ILogger<OdooLoyaltySink>>()));
            services.AddSingleton<ISalesSink>(sp => sp.GetRequiredService<OdooLoyaltySink>());
            services.AddSingleton<ILoyaltySource>(sp => new OdooLoyaltySource(sp.GetRequiredService<OdooClient>(), sp.GetRequiredService<IOptions<OdooLoyaltyOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        }

        return services;
    }
}

/// <summary>Checks the connection settings; every problem is named with the setting to fix.</summary>
internal sealed class OdooConnectionOptionsValidator(IOptions<OdooPosOptions> pos, IOptions<OdooInvoicingOptions> invoicing, IOptions<OdooLoyaltyOptions> loyalty) : IValidateOptions<OdooConnectionOptions>
{
    public ValidateOptionsResult Validate(string? name, OdooConnectionOptions options)
    {
        var failures = new List<string>();
        if (options.Url is null || !options.Url.IsAbsoluteUri)
        {
            failures.Add("Odoo:Url is missing; give the server's address, e.g. https://erp.example.com.");
        }
        else if (options.Url.Scheme != Uri.UriSchemeHttps && !options.Url.IsLoopback)
        {
            failures.Add($"Odoo:Url {options.Url} is not HTTPS; API keys must not cross a network in clear (plain http is allowed on loopback only).");
        }

        if (string.IsNullOrWhiteSpace(options.Database))
        {
            failures.Add("Odoo:Database is empty; name the Odoo database.");
        }

        if (string.IsNullOrWhiteSpace(options.User))
        {
            failures.Add("Odoo:User is empty; give the API user's login.");
        }

        if (string.IsNullOrEmpty(options.ApiKey) && string.IsNullOrEmpty(options.Password))
        {
            failures.Add("Odoo:ApiKey (or Odoo:Password) is empty; create an API key for the user in Odoo (Preferences → Account Security).");
        }

        if (options.Protocol == OdooProtocol.Json2 && string.IsNullOrEmpty(options.ApiKey))
        {
            failures.Add("Odoo:Protocol is Json2, which needs Odoo:ApiKey; JSON-2 does not accept passwords.");
        }

        if (options.CallTimeout <= TimeSpan.Zero)
        {
            failures.Add("Odoo:CallTimeout must be positive, e.g. 00:01:00.");
        }

        if (options.MaxRetryAttempts is < 0 or > 20)
        {
            failures.Add($"Odoo:MaxRetryAttempts is {options.MaxRetryAttempts}; use 0 to 20.");
        }

        if (options.MaxConcurrentCalls < 1)
        {
            failures.Add("Odoo:MaxConcurrentCalls must be at least 1.");
        }

        if (options.MaxCallsPerSecond < 1)
        {
            failures.Add("Odoo:MaxCallsPerSecond must be at least 1.");
        }

        if (options.CircuitBreakerFailures < 2)
        {
            failures.Add("Odoo:CircuitBreakerFailures must be at least 2.");
        }

        if (options.CircuitBreakDuration < TimeSpan.FromSeconds(1))
        {
            failures.Add("Odoo:CircuitBreakDuration must be at least one second.");
        }

        failures.AddRange(OdooPosOptionsValidation.Validate(pos.Value));
        failures.AddRange(OdooInvoicingOptionsValidation.Validate(invoicing.Value));
        failures.AddRange(OdooLoyaltyOptionsValidation.Validate(loyalty.Value));
        if (pos.Value.Enabled && invoicing.Value.Enabled)
        {
            failures.Add("Odoo:Pos:Enabled and Odoo:Invoicing:Enabled are both on: every sale would be booked twice (a POS order and an invoice). Turn Invoicing on only for a database without the POS app, with Odoo:Pos:Enabled false.");
        }

        var names = new List<string>();
        if (pos.Value.Enabled)
        {
            names.Add(pos.Value.AdapterName);
        }

        if (invoicing.Value.Enabled)
        {
            names.Add(invoicing.Value.AdapterName);
        }

        if (loyalty.Value.Enabled)
        {
            names.Add(loyalty.Value.AdapterName);
        }

        foreach (var duplicate in names.Where(n => !string.IsNullOrWhiteSpace(n)).GroupBy(n => n, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            failures.Add($"Adapter name '{duplicate.Key}' is used by more than one Odoo sink (Odoo:Pos, Odoo:Invoicing, Odoo:Loyalty AdapterName); each needs its own, as the connector keeps cursors and dead letters by name.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
