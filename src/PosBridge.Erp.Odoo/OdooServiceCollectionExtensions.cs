using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PosBridge.Core.Adapters;
using PosBridge.Erp.Odoo.Pos;
using PosBridge.Erp.Odoo.Rpc;
using Refit;

namespace PosBridge.Erp.Odoo;

/// <summary>Registers the Odoo adapter from the <c>Odoo</c> configuration section.</summary>
public static class OdooServiceCollectionExtensions
{
    public const string Section = "Odoo";

    /// <summary>
    /// Adds the Odoo client and, with <c>Odoo:Pos:Enabled</c>, the POS order sales sink. Does nothing when the
    /// configuration has no <c>Odoo</c> section. Options are validated at start with every problem named.
    /// </summary>
    public static IServiceCollection AddOdoo(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(Section);
        if (!section.Exists())
        {
            return services;
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<OdooConnectionOptions>().Bind(section).ValidateOnStart();
        services.AddOptions<OdooPosOptions>().Bind(section.GetSection("Pos"));

        // One validator for the whole section, so a start that fails names every problem at once.
        services.AddSingleton<IValidateOptions<OdooConnectionOptions>>(sp => new OdooConnectionOptionsValidator(sp.GetRequiredService<IOptions<OdooPosOptions>>()));

        var settings = new RefitSettings(new NewtonsoftContentSerializer(NewtonsoftContentSerializer.DefaultSettings()));
        void Configure(IServiceProvider sp, HttpClient client)
        {
            var options = sp.GetRequiredService<IOptions<OdooConnectionOptions>>().Value;
            client.BaseAddress = options.Url;

            // The client's pipeline times each call out; the HttpClient's own limit only backs it up.
            client.Timeout = options.CallTimeout + TimeSpan.FromSeconds(10);
        }

        services.AddRefitGeneratedClient<IOdooJsonRpcApi>(settings).ConfigureHttpClient(Configure);
        services.AddRefitGeneratedClient<IOdooJson2Api>(settings).ConfigureHttpClient(Configure);
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
        services.AddSingleton(sp => new Catalog.OdooCatalogSource(sp.GetRequiredService<OdooClient>(), sp.GetRequiredService<IOptions<OdooPosOptions>>().Value));
        services.AddSingleton<ICatalogSource>(sp => sp.GetRequiredService<Catalog.OdooCatalogSource>());
        services.AddSingleton<IStockSource>(sp => sp.GetRequiredService<Catalog.OdooCatalogSource>());

        if (section.GetSection("Pos").GetValue("Enabled", true))
        {
            services.AddSingleton(sp => new OdooSalesSink(
                sp.GetRequiredService<OdooClient>(),
                sp.GetRequiredService<IOptions<OdooPosOptions>>().Value,
                sp.GetRequiredService<ILogger<OdooSalesSink>>()));
            services.AddSingleton<ISalesSink>(sp => sp.GetRequiredService<OdooSalesSink>());
        }

        return services;
    }
}

/// <summary>Checks the connection settings; every problem is named with the setting to fix.</summary>
internal sealed class OdooConnectionOptionsValidator(IOptions<OdooPosOptions> pos) : IValidateOptions<OdooConnectionOptions>
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

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
