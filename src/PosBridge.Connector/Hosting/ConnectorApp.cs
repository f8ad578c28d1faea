using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PosBridge.Connector.Dashboard;
using PosBridge.Connector.Dispatch;
using PosBridge.Connector.Fiscal;
using PosBridge.Connector.Ingestion;
using PosBridge.Connector.Metrics;
using PosBridge.Connector.Receipts;
using PosBridge.Connector.Reports;
using PosBridge.Connector.Storage;
using PosBridge.Connector.Tills;
using PosBridge.Accounting.Setup;
using PosBridge.Connector.WebStores;
using Quartz;

namespace PosBridge.Connector.Hosting;

/// <summary>Composes the connector service: storage, terminal API, dispatch jobs.</summary>
internal static class ConnectorApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // appsettings.json beside the binary, not in the working folder: a service started without one reads the same settings.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        // The caller's configuration first: adapters register from what configuration holds, and the
        // connector's own registrations (TryAdd) leave the caller's replacements in place.
        configure?.Invoke(builder);
        ProtectedSettings.Decrypt(builder.Configuration);
        if (Transport.Problems(builder.Configuration, builder.Environment.ContentRootPath, TimeProvider.System.GetUtcNow()) is { Count: > 0 } transport)
        {
            throw new OptionsValidationException("Transport", typeof(ConnectorOptions), transport);
        }

        builder.Services.AddConnector(builder.Configuration);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https =>
        {
            // Kestrel reads Kestrel:Certificates:Default once; this reads it again when its files change.
            var certificate = ReloadingCertificate.FromConfiguration(
                kestrel.ApplicationServices.GetRequiredService<IConfiguration>(),
                builder.Environment.ContentRootPath,
                kestrel.ApplicationServices.GetRequiredService<TimeProvider>(),
                kestrel.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("PosBridge.Connector.Tls"));
            if (certificate is not null)
            {
                https.ServerCertificateSelector = (_, _) => certificate.Current;
            }
        }));
        builder.Services.AddHsts(hsts => hsts.MaxAge = TimeSpan.FromDays(365));
        var behindProxy = builder.Configuration.GetValue<bool?>(Transport.BehindTlsProxyKey) ?? false;

        var app = builder.Build();
        if (behindProxy)
        {
            // The proxy (on loopback, or at an address in PosBridge:TrustedProxies) says the request came over HTTPS and from
            // whom: cookies are then marked Secure, HSTS is sent, and pairing limits count the till's address, not the proxy's.
            var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto };
            foreach (var proxy in app.Configuration.GetSection(Transport.TrustedProxiesKey).Get<string[]>() ?? [])
            {
                forwarded.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
            }

            app.UseForwardedHeaders(forwarded);
        }

        app.UseHsts();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapTerminalApi();
        app.MapFeeds();
        app.MapReceiptPages();
        app.MapFiscal();
        app.MapMetrics();
        app.MapDashboard();
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapGet("/health/live", () => Results.Text("live"));
        app.MapGet("/health/ready", async (IConnectorStorage storage, CancellationToken cancellationToken) =>
        {
            await storage.CheckAsync(cancellationToken).ConfigureAwait(false);
            return Results.Text("ready");
        });
        return app;
    }

    public static IServiceCollection AddConnector(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ConnectorOptions>().Bind(configuration.GetSection(ConnectorOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ConnectorOptions>, ConnectorOptionsValidator>();
        Stores.StoreDirectory.AddStores(services, configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddProblemDetails();
        services.AddMetrics();
        services.AddSingleton<Metrics.ConnectorMetrics>();
        services.AddSingleton<Metrics.PrometheusMetrics>();
        services.AddOpenApi();

        services.AddStorage(configuration);
        // Hosted services start in the order they are registered: the database (and on PostgreSQL Quartz's tables,
        // which the scheduler checks when it is first asked for) is migrated before anything schedules or runs a job.
        services.AddHostedService<DatabaseMigrator>();
        services.AddSingleton(sp => SecretProtector.FromKeyFile(sp.GetRequiredService<IOptions<ConnectorOptions>>().Value.SecretsKeyPath));
        services.AddSingleton<TillAuthenticator>();
        services.AddSingleton<Pairing>();
        services.AddOptions<Catalog.CatalogPullOptions>().Bind(configuration.GetSection(Catalog.CatalogPullOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<Catalog.CatalogPullOptions>, Catalog.CatalogPullOptionsValidator>();
        services.AddSingleton<Catalog.CatalogPuller>();
        Catalog.StoreCatalogSetup.AddStoreCatalogs(services, configuration);
        services.AddHostedService<Catalog.CatalogPullScheduler>();
        services.AddSingleton<SalesIngestion>();
        services.AddSingleton(sp => new SalesDispatcher(
            sp.GetRequiredService<IDeliveryStore>(),
            sp.GetRequiredService<IDeliveryLease>(),
            sp.GetServices<Core.Adapters.ISalesSink>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<ConnectorOptions>>(),
            sp.GetRequiredService<ILogger<SalesDispatcher>>(),
            metrics: sp.GetRequiredService<Metrics.ConnectorMetrics>(),
            shiftClosings: sp.GetRequiredService<Shifts.ShiftClosings>()));
        services.AddSingleton<Shifts.ShiftClosings>();
        Receipts.ReceiptMessagesSetup.AddReceiptMessages(services, configuration);
        services.AddFiscal(configuration);

        // Back offices, built in (src/Adapters.props) and plug-ins alike: each registers only what its section asks for.
        Plugins.AdapterModules.AddAdapters(services, configuration, configuration.GetSection(ConnectorOptions.Section).GetValue<string>(nameof(ConnectorOptions.PluginsDirectory)) ?? "plugins");
        services.AddWebStores(configuration);
        if (configuration.GetSection(AccountingOptions.SectionName).Exists())
        {
            services.AddSingleton<Ledgers.CloseOfDayExporter>();
        }

        Setup.BackOfficeSetup.AddBackOfficeSetup(services);

        services.AddHostedService<Dashboard.Accounts.SharedPasswordMigration>();
        services.AddReports();
        services.AddScheduler(configuration);
        services.AddHostedService<DispatchScheduler>();
        return services;
    }
}

/// <summary>Creates and migrates the database before the service takes requests or runs jobs.</summary>
internal sealed class DatabaseMigrator(IConnectorStorage storage, ILogger<DatabaseMigrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await storage.MigrateAsync(cancellationToken).ConfigureAwait(false);
        Log.DatabaseReady(logger, storage.Location, storage.SchemaVersion);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
