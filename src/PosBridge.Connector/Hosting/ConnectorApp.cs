using System.Threading.RateLimiting;
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
using PosBridge.Erp.Odoo;
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
        app.MapGet("/health/ready", async (ConnectorDatabase database, CancellationToken cancellationToken) =>
        {
            await database.ReadAsync(async c => await Sql.ScalarAsync(c, null, "SELECT 1", cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
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

        services.AddSingleton(sp => new ConnectorDatabase(sp.GetRequiredService<IOptions<ConnectorOptions>>().Value.DatabasePath));
        services.AddSingleton(sp => SecretProtector.FromKeyFile(sp.GetRequiredService<IOptions<ConnectorOptions>>().Value.SecretsKeyPath));
        services.AddSingleton<Reports.ReportAggregates>();
        services.AddSingleton<IInbox, SqliteInbox>();
        services.AddSingleton<ConnectorDatabaseStatus>();
        services.AddSingleton<IDeliveryStore, SqliteDeliveryStore>();
        services.AddSingleton<ITillStore, SqliteTillStore>();
        services.AddSingleton<Catalog.CatalogSnapshot>();
        services.AddSingleton<TillAuthenticator>();
        services.AddSingleton<Pairing>();
        services.AddOptions<Catalog.CatalogPullOptions>().Bind(configuration.GetSection(Catalog.CatalogPullOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<Catalog.CatalogPullOptions>, Catalog.CatalogPullOptionsValidator>();
        services.AddSingleton<Catalog.CatalogPuller>();
        services.AddSingleton<Catalog.CatalogPullProblems>();
        Catalog.StoreCatalogSetup.AddStoreCatalogs(services, configuration);
        services.AddHostedService<Catalog.CatalogPullScheduler>();
        services.AddSingleton<SalesIngestion>();
        services.AddSingleton<TillRateLimiter>();
        services.AddSingleton(sp => new SalesDispatcher(
            sp.GetRequiredService<IDeliveryStore>(),
            sp.GetServices<Core.Adapters.ISalesSink>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<ConnectorOptions>>(),
            sp.GetRequiredService<ILogger<SalesDispatcher>>(),
            metrics: sp.GetRequiredService<Metrics.ConnectorMetrics>(),
            shiftClosings: sp.GetRequiredService<Shifts.ShiftClosings>()));
        services.AddSingleton<Shifts.ShiftClosings>();
        services.AddSingleton<Tills.NumberingEpochs>();
        services.AddSingleton<Fees.ProviderFeeStore>();
        Receipts.ReceiptMessagesSetup.AddReceiptMessages(services, configuration);
        services.AddFiscal(configuration);

        // Back offices: each registers only what its configuration section asks for.
        services.AddWebStores(configuration);
        services.AddOdoo(configuration);
        Plugins.PluginLoader.AddPlugins(services, configuration, configuration.GetSection(ConnectorOptions.Section).GetValue<string>(nameof(ConnectorOptions.PluginsDirectory)) ?? "plugins");
        if (configuration.GetSection("Accounting").Exists())
        {
            services.AddAccounting(configuration);
            services.AddSingleton<Ledgers.CloseOfDayExporter>();
        }

        // Hosted services start in this order: the database is migrated before any job runs.
        services.AddHostedService<DatabaseMigrator>();
        services.AddReports();
        services.AddQuartz();
        services.AddQuartzHostedService(q => q.WaitForJobsToComplete = true);
        services.AddHostedService<DispatchScheduler>();
        return services;
    }
}

/// <summary>Creates and migrates the database before the service takes requests or runs jobs.</summary>
internal sealed class DatabaseMigrator(ConnectorDatabase database, ILogger<DatabaseMigrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        Log.DatabaseReady(logger, database.Path, Migrations.Latest);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Per-till (and, before pairing, per-address) request limits.</summary>
internal sealed class TillRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public TillRateLimiter(IOptions<ConnectorOptions> options)
    {
        var perMinute = options.Value.RequestsPerMinutePerTill;
        var pairingPerMinute = options.Value.PairingAttemptsPerMinute;
        _limiter = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(
            key,
            k => new FixedWindowRateLimiterOptions
            {
                // Pairing attempts are few by nature: a tight limit makes guessing codes pointless.
                PermitLimit = k.StartsWith("pairing:", StringComparison.Ordinal) ? pairingPerMinute : perMinute,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
    }

    public bool TryAcquire(string key, out TimeSpan retryAfter)
    {
        using var lease = _limiter.AttemptAcquire(key);
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(60);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
