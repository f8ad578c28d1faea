using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using PosBridge.Accounting.Setup;
using PosBridge.Connector.Dashboard;
using PosBridge.Connector.Dispatch;
using PosBridge.Connector.Hosting;
using PosBridge.Connector.Ledgers;
using PosBridge.Connector.WebStores;

namespace PosBridge.Connector.Demo;

/// <summary>The back offices' side of the demo's day: deliveries by the connector's jobs, the close of day, the feeds.</summary>
internal static class DemoDelivery
{
    private static readonly TimeSpan DeliveryWait = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Waits while the dispatch job delivers to every enabled adapter (a web store, Odoo, a plugin) and, where the adapter
    /// keeps sessions, closes the tills' shifts there; then records per adapter the sales delivered. An adapter still
    /// holding sales or closes after a minute is reported with its last error, not waited for.
    /// </summary>
    public static async Task WaitForAdaptersAsync(IServiceProvider services, DemoSummary summary, Action<string> progress, CancellationToken cancellationToken)
    {
        var adapters = services.GetRequiredService<SalesDispatcher>().EnabledAdapters;
        if (adapters.Count == 0)
        {
            progress("No web store or Odoo is configured: the ledgers and feeds are the back offices (an Ecommerce:Stores entry or an Odoo section in the settings adds them).");
            return;
        }

        var dispatcher = services.GetRequiredService<SalesDispatcher>();
        var closings = services.GetRequiredService<Shifts.IShiftClosingStore>();
        var deliveries = services.GetRequiredService<IDeliveryStore>();
        var totals = services.GetRequiredService<IDashboardQueries>();
        var time = services.GetRequiredService<TimeProvider>();
        var until = time.GetUtcNow() + DeliveryWait;
        progress($"Delivering to {string.Join(", ", adapters)} …");
        while (true)
        {
            var backlogs = new List<AdapterBacklog>();
            foreach (var adapter in adapters)
            {
                backlogs.Add(await deliveries.GetBacklogAsync(adapter, cancellationToken).ConfigureAwait(false));
            }

            var delivered = await totals.AdapterTotalsAsync(cancellationToken).ConfigureAwait(false);
            var shifts = new Dictionary<string, (int Closed, int GivenUp, int Of)>(StringComparer.Ordinal);
            foreach (var adapter in adapters.Where(dispatcher.KeepsSessions))
            {
                var (closed, givenUp) = (0, 0);
                foreach (var till in summary.Tills.Where(t => t.ShiftId is not null))
                {
                    var state = (await closings.StateAsync(DemoShop.Store, till.TillId, till.ShiftId!, cancellationToken).ConfigureAwait(false))
                        .FirstOrDefault(s => s.Adapter == adapter).State;
                    closed += state is "closed" or "nothing" ? 1 : 0;
                    givenUp += state == "dead" ? 1 : 0;
                }

                shifts[adapter] = (closed, givenUp, summary.Tills.Count(t => t.ShiftId is not null));
            }

            var done = backlogs.All(b => b.Waiting == 0 && delivered.GetValueOrDefault(b.Adapter)?.Delivered + b.DeadLetters >= summary.ReceivedByConnector)
                && shifts.Values.All(s => s.Closed + s.GivenUp == s.Of);
            if (done || time.GetUtcNow() >= until)
            {
                foreach (var backlog in backlogs)
                {
                    var count = delivered.GetValueOrDefault(backlog.Adapter)?.Delivered ?? 0;
                    summary.BackOffices.Add(new DemoBackOffice(backlog.Adapter, "sales", null, count, backlog.DeadLetters, backlog.Waiting, backlog.LastError, []));
                    var sessions = shifts.TryGetValue(backlog.Adapter, out var s)
                        ? $", {s.Closed} of {s.Of} shifts closed there with their Z reports" + (s.GivenUp > 0 ? $" ({s.GivenUp} given up: see `posbridge status`)" : string.Empty)
                        : string.Empty;
                    progress($"{backlog.Adapter}: {count} of {summary.Made} delivered, {backlog.Waiting} waiting, {backlog.DeadLetters} dead letters{sessions}" + (backlog.LastError is null ? "." : $"; last error: {backlog.LastError}"));
                }

                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The close of day: the connector's close-of-day run as it runs once the business day has closed (after local
    /// midnight plus <c>CloseOfDay:CloseDelay</c>), here started by the demo at once instead of waiting for tonight. It
    /// writes each ledger's files for the day; the sales booked are counted in the files themselves.
    /// </summary>
    public static async Task CloseDayAsync(IServiceProvider services, DemoSummary summary, Action<string> progress, CancellationToken cancellationToken)
    {
        var options = services.GetRequiredService<IOptions<ConnectorOptions>>().Value;
        var zone = TimeZoneInfo.FindSystemTimeZoneById(DemoShop.TimeZone);
        var nextMidnight = summary.BusinessDay.AddDays(1).ToDateTime(TimeOnly.MinValue);
        var tonight = new DateTimeOffset(nextMidnight + options.CloseOfDay.CloseDelay + TimeSpan.FromMinutes(1), zone.GetUtcOffset(nextMidnight)).ToUniversalTime();
        using var exporter = ActivatorUtilities.CreateInstance<CloseOfDayExporter>(services, new FixedClock(tonight));
        var days = await exporter.RunAsync(cancellationToken).ConfigureAwait(false);
        var root = CloseOfDayFolder.Root(options);
        // Ledgers of other stores in the user's settings have nothing of the café's day to book.
        var cafe = services.GetRequiredService<LedgerExports>().All.Where(l => l.StoreId == DemoShop.Store).Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var day in days.Where(d => cafe.Contains(d.Ledger)).OrderBy(d => d.Ledger, StringComparer.Ordinal))
        {
            var folder = Path.Combine(root, day.Ledger);
            var files = Directory.Exists(folder) ? Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList() : [];
            var text = string.Concat(files.Select(f => File.ReadAllText(f, Encoding.Latin1)));
            var booked = summary.Documents.Count(number => text.Contains(number, StringComparison.Ordinal));
            var dialect = day.Ledger.StartsWith("demo-", StringComparison.Ordinal) ? day.Ledger["demo-".Length..] : null;
            summary.BackOffices.Add(new DemoBackOffice(day.Ledger, "ledger", dialect, booked, 0, summary.Made - booked, day.Error, files));
            progress(day.Error is null
                ? $"Close of day {day.Day:yyyy-MM-dd}, ledger {day.Ledger}: {day.Journals} journals, {booked} of {summary.Made} sale documents booked in {string.Join(", ", files.Select(DemoCommand.Relative))}."
                : $"Close of day {day.Day:yyyy-MM-dd}, ledger {day.Ledger}: not written: {day.Error}");
        }
    }

    /// <summary>Each web store's feeds as the connector serves them (<c>/feeds/STORE/FILE</c>), saved under <c>feeds/</c>.</summary>
    public static async Task FeedsAsync(IServiceProvider services, string url, DemoSummary summary, Action<string> progress, CancellationToken cancellationToken)
    {
        var feeds = services.GetRequiredService<StoreFeeds>();
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        foreach (var store in feeds.Publishing)
        {
            var token = feeds.Options(store).Token;
            var counts = new List<string>();
            foreach (var name in FeedFiles.Names.Order(StringComparer.Ordinal))
            {
                var address = $"/feeds/{Uri.EscapeDataString(store.Name)}/{name}" + (token is null ? string.Empty : "?token=" + Uri.EscapeDataString(token));
                using var response = await http.GetAsync(new Uri(address, UriKind.Relative), cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    throw new DemoTillException($"the connector answered {(int)response.StatusCode} for the feed /feeds/{store.Name}/{name}.");
                }

                var file = Path.Combine(summary.Root, "feeds", store.Name, name);
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                await File.WriteAllBytesAsync(file, await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                var items = response.Headers.TryGetValues("X-PosBridge-Items", out var values) ? int.Parse(values.First(), CultureInfo.InvariantCulture) : 0;
                summary.Feeds.Add(new DemoFeed(store.Name, name, file, items));
                counts.Add($"{name} {items}");
            }

            progress($"Feeds of web store {store.Name} (served at {url}/feeds/{store.Name}/…): {string.Join(", ", counts)} items, saved in {DemoCommand.Relative(Path.Combine(summary.Root, "feeds", store.Name))}/.");
        }
    }

    /// <summary>The clock of the close-of-day run: the moment the day counts as closed.</summary>
    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
