using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using PosBridge.Terminal.Catalog;
using PosBridge.Terminal.Customers;
using PosBridge.Terminal.Loyalty;
using PosBridge.Terminal.Nfc;
using PosBridge.Terminal.Printing;
using PosBridge.Terminal.Sales;
using PosBridge.Terminal.Shifts;
using PosBridge.Terminal.Staff;
using PosBridge.Terminal.Storage;
using PosBridge.Terminal.Sync;
using PosBridge.Till;
using PosBridge.Till.Nfc;
using PosBridge.Till.Payments;
using PosBridge.Till.Sales;

namespace PosBridge.Terminal.Screen;

/// <summary>
/// Composes the till process: the engine on the device's SQLite file, the upload loop, and the cashier
/// screen on loopback. <c>TillProgram</c> runs it; tests and benches build it with their own arguments.
/// </summary>
public static class TillHost
{
    /// <summary>Command-line switches and the settings they set.</summary>
    public static readonly IReadOnlyDictionary<string, string> Switches = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--data"] = "Screen:DataDirectory",
        ["--urls"] = "Screen:Urls",
        ["--connector"] = "Screen:ConnectorUrl",
        ["--connector-certificate"] = "Screen:ConnectorCertificate",
        ["--pair"] = "Screen:PairingCode",
        ["--pin"] = "Screen:LoginPin",
        ["--lang"] = "Screen:Language",
        ["--digits"] = "Screen:Digits",
        ["--store"] = "Till:StoreId",
        ["--till"] = "Till:TillId",
        ["--currency"] = "Till:Currency",
        ["--timezone"] = "Till:TimeZone",
    };

    /// <summary>
    /// Builds the till process from its settings as <see cref="TillConfiguration"/> finds them (<c>appsettings.json</c> beside
    /// the binary, <c>--config FILE</c>, <c>PosBridge__…</c> environment variables, then the switches above or any
    /// <c>--Section:Key value</c>); the data folder must exist unless <c>--create</c> is given. <paramref name="demo"/> fills an
    /// empty till with a café's catalog and a manager PIN (1234) so the screen can be tried at once.
    /// </summary>
    /// <exception cref="InvalidOperationException">The settings have problems; each is named.</exception>
    public static WebApplication Build(string[] args, bool demo = false, Action<IServiceCollection>? configureServices = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var start = TillConfiguration.Parse(args);
        // The content root is the binary's folder, not the working directory: a till started as a service has none.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        if (demo)
        {
            builder.Configuration.AddInMemoryCollection(DemoCatalog.Settings);
        }

        builder.Configuration.AddTillSources(start);
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        // Log lines (a long catalog pull's progress among them) on standard error, as the connector's commands print theirs.
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.AddTill(builder.Configuration);
        configureServices?.Invoke(builder.Services);
        var options = builder.Configuration.GetSection(ScreenOptions.Section).Get<ScreenOptions>() ?? new ScreenOptions();
        // The demo is for trying the screen: its folder may be new. A real till's must be there unless --create.
        TillConfiguration.RequireDataDirectory(options.DataDirectory, start.Create || demo);
        builder.WebHost.UseUrls(options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

        var app = builder.Build();
        if (demo)
        {
            DemoCatalog.SeedIfEmpty(app.Services.GetRequiredService<CatalogStore>(), app.Services.GetRequiredService<TileLayout>(), app.Services.GetRequiredService<TillDatabase>(), app.Services.GetRequiredService<TillOptions>().Currency);
        }

        var login = app.Services.GetRequiredService<ScreenLogin>();
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/api") && !context.Request.Path.StartsWithSegments("/api/login") && !login.IsAllowed(context))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                await context.Response.WriteAsJsonAsync(new ScreenError("login", "Log in with the till's PIN."), context.RequestAborted).ConfigureAwait(false);
                return;
            }

            await next(context).ConfigureAwait(false);
        });
        app.MapTillScreen();
        Fiscal.FiscalScreenEndpoints.MapFiscalScreen(app);
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var logger = app.Services.GetRequiredService<ILogger<TillScreen>>();
            var urls = string.Join(", ", app.Urls);
            var database = DatabasePath(options);
            Log.ScreenStarted(logger, urls, database);
        });
        return app;
    }

    /// <summary>Registers the till engine, its upload loop and the cashier screen, with their settings checked.</summary>
    public static IServiceCollection AddTill(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var till = configuration.GetSection("Till").Get<TillOptions>() ?? new TillOptions();
        var screen = configuration.GetSection(ScreenOptions.Section).Get<ScreenOptions>() ?? new ScreenOptions();
        var printer = configuration.GetSection(PrinterOptions.Section).Get<PrinterOptions>() ?? new PrinterOptions();
        var problems = screen.Problems().Concat(printer.Problems()).Concat(Problems(till)).Concat(till.Fiscal.Problems()).ToList();
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("The till cannot start:" + string.Concat(problems.Select(p => Environment.NewLine + " - " + p)));
        }

        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(till);
        services.AddSingleton(screen);
        services.AddSingleton(printer);
        // A device build registers its own printer (Bluetooth, USB) first.
        services.TryAddSingleton(_ => printer.Create());
        services.AddSingleton(sp =>
        {
            PosBridge.Core.Privacy.PrivateFiles.CreateFolder(screen.DataDirectory);
            var database = TillDatabase.Open(DatabasePath(screen), sp.GetRequiredService<TimeProvider>());
            if (database.RestoredOnOpen is { } restored)
            {
                Log.DatabaseRestoredOnOpen(sp.GetRequiredService<ILoggerFactory>().CreateLogger<TillDatabase>(), restored);
            }

            return database;
        });
        services.AddSingleton(sp => new CatalogStore(sp.GetRequiredService<TillDatabase>(), till));
        // Each sale's ZATCA invoice or ETA receipt commits with it when Till:Fiscal sets a country up.
        services.AddHttpClient(Fiscal.FiscalScreenEndpoints.ConnectorClientName, http => http.Timeout = TimeSpan.FromSeconds(60));
        services.AddSingleton(sp => new Fiscal.FiscalChain(sp.GetRequiredService<TillDatabase>(), till, till.Fiscal, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new SaleStore(sp.GetRequiredService<TillDatabase>(), till, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<Fiscal.FiscalChain>()));
        services.AddSingleton(sp => new ShiftStore(sp.GetRequiredService<TillDatabase>(), till, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new Outbox(sp.GetRequiredService<TillDatabase>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new TileLayout(sp.GetRequiredService<TillDatabase>()));
        services.AddSingleton(sp => new ReceiptRequests(sp.GetRequiredService<TillDatabase>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => ManagersFromSettings(new StaffStore(sp.GetRequiredService<TillDatabase>()), screen));
        services.AddSingleton(sp => new CustomerStore(sp.GetRequiredService<TillDatabase>()));
        services.AddSingleton(sp => new LoyaltyService(sp.GetRequiredService<TillDatabase>(), till));
        // No NFC reader on a desktop till (the screen hides the tap button); a device build registers Plugin.NFC's first.
        services.TryAddSingleton<INfcReader, UnavailableNfcReader>();
        services.AddSingleton<SyncState>();
        // The desktop till's provider; a device build registers its payment SDK's IPaymentTerminal first.
        services.TryAddSingleton<IPaymentTerminal, SimulatedPaymentTerminal>();
        services.TryAddSingleton<INetworkStatus, PaymentProviderNetworkStatus>();
        services.AddSingleton<Checkout>();
        services.AddSingleton<PosBridge.Terminal.Refunds.RefundService>();
        services.AddSingleton<Pins>();
        services.AddSingleton<ScreenLogin>();
        services.AddSingleton<StaticAssets>();
        services.AddSingleton<TillScreen>();
        services.AddHostedService<RefundReconciler>();
        services.AddHostedService<SyncLoop>();
        return services;
    }

    /// <summary>Adds each configured manager the till does not know yet; one it knows keeps the PIN it has.</summary>
    internal static StaffStore ManagersFromSettings(StaffStore staff, ScreenOptions screen)
    {
        foreach (var manager in screen.Managers)
        {
            if (!staff.Knows(manager.Id))
            {
                staff.Save(
                    new StaffMember(manager.Id, string.IsNullOrWhiteSpace(manager.Name) ? manager.Id : manager.Name, TillPermissions.OverridePrice | TillPermissions.Refund | TillPermissions.ManageShift),
                    manager.Pin);
            }
        }

        return staff;
    }

    internal static string DatabasePath(ScreenOptions options) => Path.GetFullPath(Path.Combine(options.DataDirectory, "till.db"));

    internal static IEnumerable<string> Problems(TillOptions till)
    {
        if (string.IsNullOrWhiteSpace(till.StoreId))
        {
            yield return "Till:StoreId is empty (--store).";
        }

        if (string.IsNullOrWhiteSpace(till.TillId))
        {
            yield return "Till:TillId is empty (--till).";
        }

        string? currencyProblem = null;
        try
        {
            _ = till.CurrencyInfo;
        }
        catch (ArgumentException e)
        {
            currencyProblem = $"Till:Currency '{till.Currency}': {e.Message}";
        }

        if (currencyProblem is not null)
        {
            yield return currencyProblem;
        }

        string? zoneProblem = null;
        try
        {
            _ = till.TimeZoneInfo;
        }
        catch (TimeZoneNotFoundException)
        {
            zoneProblem = $"Till:TimeZone '{till.TimeZone}' is not a time zone this machine knows.";
        }

        if (zoneProblem is not null)
        {
            yield return zoneProblem;
        }
    }
}
