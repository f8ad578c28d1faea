using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using PosBridge.Connector.Catalog;
using PosBridge.Connector.Cli;
using PosBridge.Connector.Hosting;
using PosBridge.Connector.Ingestion;
using PosBridge.Connector.Tills;
using PosBridge.Core.Adapters;

namespace PosBridge.Connector.Demo;

/// <summary>
/// <c>posbridge demo</c>: a business day of a Cairo café through the real parts, on the embedded default (SQLite, nothing
/// to install): the connector serving on a free loopback port, the owner's product file imported as the catalog, two
/// tills (the till's own build, each a child process with its own database) paired with one-time codes, selling, one
/// of them offline for part of the day, refunds, shift closes, the close of day writing a ledger in every dialect, the
/// web-store feeds, and whatever back office the user's settings add (a web store, Odoo). Everything goes to
/// <c>out/demo/</c> under the current folder, with <c>summary.json</c> listing every file and, per back office, the
/// sales made and the sales delivered.
/// </summary>
internal static class DemoCommand
{
    /// <summary>The café's two tills.</summary>
    private static readonly IReadOnlyList<DemoTillFacts> Tills = [new("T1", "Front counter · الكاشير"), new("T2", "Terrace · التراس")];

    public static async Task<int> RunAsync(string outDirectory, string? configFile, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        void Progress(string text) => output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{watch.Elapsed.TotalSeconds,5:0.0} s] {text}"));

        var root = Path.GetFullPath(outDirectory);
        Clear(root);
        Directory.CreateDirectory(root);
        var build = DemoTill.FindBuild();
        if (build is null)
        {
            await error.WriteLineAsync($"posbridge: the till's build is not beside the connector ({Path.Combine(AppContext.BaseDirectory, "till")}). Build the connector (dotnet build src/PosBridge.Connector): its build puts the till there.").ConfigureAwait(false);
            return CommandLine.InputProblems;
        }

        var productFile = Path.Combine(root, "products.csv");
        await File.WriteAllTextAsync(productFile, DemoShop.ProductFile(), new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);

        // Ctrl+C ends the day where it is; a SIGTERM or the end of the process kills the tills at once. Either way no till outlives the demo.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var tills = new List<DemoTill>();
        void OnCancel(object? sender, ConsoleCancelEventArgs e)
        {
            e.Cancel = true;
            stop.Cancel();
        }

        void OnExit(object? sender, EventArgs e)
        {
            lock (tills)
            {
                tills.ForEach(t => t.Kill());
            }
        }

        Console.CancelKeyPress += OnCancel;
        AppDomain.CurrentDomain.ProcessExit += OnExit;
        try
        {
            return await RunDayAsync(root, productFile, configFile, build, tills, Progress, watch, output, stop).ConfigureAwait(false);
        }
        catch (DemoTillException e)
        {
            await error.WriteLineAsync($"posbridge: the demo stopped: {e.Message}").ConfigureAwait(false);
            return CommandLine.InputProblems;
        }
        catch (DemoBackOfficeException e)
        {
            await error.WriteLineAsync($"posbridge: the demo could not make the back office ready: {e.Message}").ConfigureAwait(false);
            return CommandLine.InputProblems;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            await error.WriteLineAsync("posbridge: the demo was interrupted; the tills were stopped.").ConfigureAwait(false);
            return CommandLine.InputProblems;
        }
        finally
        {
            List<DemoTill> started;
            lock (tills)
            {
                started = [.. tills];
            }

            foreach (var till in started)
            {
                await till.DisposeAsync().ConfigureAwait(false);
            }

            Console.CancelKeyPress -= OnCancel;
            AppDomain.CurrentDomain.ProcessExit -= OnExit;
        }
    }

    private static async Task<int> RunDayAsync(string root, string productFile, string? configFile, string build, List<DemoTill> tills, Action<string> progress, Stopwatch watch, TextWriter output, CancellationTokenSource stop)
    {
        var cancellationToken = stop.Token;
        Directory.CreateDirectory(Path.Combine(root, "connector"));
        var (backOffices, currency) = await DemoBackOffices.PrepareAsync(Tills, progress, cancellationToken).ConfigureAwait(false);
        DemoSummary summary;
        var app = ConnectorApp.Build(
            ["--urls", "http://127.0.0.1:0"],
            builder =>
            {
                if (configFile is not null)
                {
                    builder.Configuration.AddJsonFile(Path.GetFullPath(configFile), optional: false, reloadOnChange: false);
                }

                var user = builder.Configuration.AsEnumerable().ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.OrdinalIgnoreCase);
                builder.Configuration.AddInMemoryCollection(DemoShop.Settings(root, currency, user));
                builder.Configuration.AddInMemoryCollection(backOffices);
            });
        await using (app.ConfigureAwait(false))
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            // The host takes Ctrl+C and SIGTERM to stop the connector: the day stops with it, and the tills are let go.
            var stopping = app.Lifetime.ApplicationStopping.Register(stop.Cancel);
            try
            {
                var services = app.Services;
                var url = services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
                progress($"Connector serving on {url} (SQLite: {Relative(services.GetRequiredService<IOptions<ConnectorOptions>>().Value.DatabasePath)}).");

                var import = await services.GetRequiredService<CatalogImport>().ImportAsync(DemoShop.Store, productFile, null, cancellationToken).ConfigureAwait(false);
                if (!import.Imported)
                {
                    throw new DemoTillException($"the product file was refused: {string.Join("; ", import.Problems)}");
                }

                progress($"Catalog: {Relative(productFile)} imported for store {DemoShop.Store}: {import.Report!.Products} products (Arabic and Latin names), {import.Report.Taxes} taxes, {import.Report.PaymentMethods} payment methods, {import.StockLevels} stock levels.");

                var front = await PairTillAsync(services, url, build, root, Tills[0], currency, "Hassan · حسن", tills, cancellationToken).ConfigureAwait(false);
                var terrace = await PairTillAsync(services, url, build, root, Tills[1], currency, "Mona · منى", tills, cancellationToken).ConfigureAwait(false);
                progress($"Tills paired with one-time codes and their catalogs pulled: {front.Id} (process {front.ProcessId}), {terrace.Id} (process {terrace.ProcessId}).");

                var day = new DemoDay(front, terrace, currency, progress);
                await day.RunAsync(cancellationToken).ConfigureAwait(false);
                var businessDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(services.GetRequiredService<TimeProvider>().GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById(DemoShop.TimeZone)).DateTime);

                summary = new DemoSummary(root, businessDay, url, [day.Front, day.Terrace]);
                summary.ReceivedByConnector = await services.GetRequiredService<IInbox>().CountAsync(cancellationToken).ConfigureAwait(false);
                progress($"Connector received {summary.ReceivedByConnector} of {summary.Made} sale documents ({summary.Sales} sales, {summary.Refunds} refunds).");

                await DemoDelivery.WaitForAdaptersAsync(services, summary, progress, cancellationToken).ConfigureAwait(false);
                await DemoDelivery.CloseDayAsync(services, summary, progress, cancellationToken).ConfigureAwait(false);
                await DemoDelivery.FeedsAsync(services, url, summary, progress, cancellationToken).ConfigureAwait(false);

                // The tills quit before the summary lists the files, so their databases are complete on disk.
                foreach (var till in tills)
                {
                    await till.DisposeAsync().ConfigureAwait(false);
                }

                lock (tills)
                {
                    tills.Clear();
                }

            }
            finally
            {
                // Our own stop below is no interruption.
                await stopping.DisposeAsync().ConfigureAwait(false);
                await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }

        // The connector is stopped and its database closed (its WAL folded in) before the files are listed.
        Storage.Sqlite.SqliteDatabaseFile.CloseAll();
        summary.ElapsedSeconds = watch.Elapsed.TotalSeconds;
        var written = await summary.WriteAsync(output, cancellationToken).ConfigureAwait(false);
        return written ? CommandLine.Ok : CommandLine.InputProblems;
    }

    private static async Task<DemoTill> PairTillAsync(IServiceProvider services, string url, string build, string root, DemoTillFacts facts, string currency, string cashier, List<DemoTill> tills, CancellationToken cancellationToken)
    {
        var tillId = facts.Id;
        var (_, code, _) = await services.GetRequiredService<Pairing>().CreateCodeAsync(DemoShop.Store, tillId, facts.Name, cancellationToken).ConfigureAwait(false);
        var till = await DemoTill.StartAsync(
            tillId,
            build,
            [
                "--store", DemoShop.Store, "--till", tillId, "--currency", currency, "--timezone", DemoShop.TimeZone,
                "--Screen:CashierId", "cashier-" + tillId.ToLowerInvariant(), "--Screen:CashierName", cashier,
                "--Screen:Managers:0:Id", "manager-1", "--Screen:Managers:0:Name", "Karim · كريم", "--Screen:Managers:0:Pin", DemoDay.ManagerPin,
            ],
            Path.Combine(root, "tills", tillId),
            cancellationToken).ConfigureAwait(false);
        lock (tills)
        {
            tills.Add(till);
        }

        await till.RunAsync($"pair {code} {url}", cancellationToken).ConfigureAwait(false);
        await till.RunAsync("sync", cancellationToken).ConfigureAwait(false);
        return till;
    }

    /// <summary>Removes what an earlier demo wrote in <paramref name="root"/> (only the demo's own names), so counts start at zero.</summary>
    private static void Clear(string root)
    {
        if (!Directory.Exists(root))
        {
            return;
        }

        foreach (var folder in new[] { "connector", "tills", "ledgers", "feeds" })
        {
            var path = Path.Combine(root, folder);
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }

        foreach (var file in new[] { "summary.json", "products.csv" })
        {
            File.Delete(Path.Combine(root, file));
        }
    }

    /// <summary>A path as the user sees it: relative to the folder the command was typed in.</summary>
    internal static string Relative(string path) => Path.GetRelativePath(Environment.CurrentDirectory, path).Replace('\\', '/');
}
