using System.Globalization;
using Microsoft.Extensions.Options;
using PosBridge.Accounting.Export;
using PosBridge.Accounting.Setup;
using PosBridge.Connector.Hosting;
using PosBridge.Connector.Ingestion;
using PosBridge.Core.Adapters;
using PosBridge.Core.Sales;
using Quartz;

namespace PosBridge.Connector.Ledgers;

/// <summary>One business day of one ledger, as the close-of-day run handled it.</summary>
internal sealed record LedgerDay(string Ledger, DateOnly Day, int Journals, string? Error);

/// <summary>
/// Writes each ledger's files for every business day that has closed in its store's time zone and is not
/// written yet. Looking for closed days (instead of firing at midnight) means a connector that was down
/// catches up, and a day is written once: the <c>ledger_days</c> table records it.
/// </summary>
internal sealed class CloseOfDayExporter(
    LedgerExports ledgers,
    IOptions<AccountingOptions> accounting,
    IInbox inbox,
    ILedgerDays ledgerDays,
    IServiceProvider services,
    TimeProvider timeProvider,
    IOptions<ConnectorOptions> options,
    ILogger<CloseOfDayExporter> logger) : IDisposable
{
    // One run at a time, whoever asks: two exports of a ledger into its folder would share its staging folder.
    private readonly SemaphoreSlim _running = new(1, 1);

    // The day each ledger is stuck on and why, for the dashboard. Kept in memory: the next run tries the day again
    // and records it anew, so a restart loses nothing but the minutes until then.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, LedgerDay> _stuck = new(StringComparer.Ordinal);

    /// <summary>Ledgers whose last close-of-day run could not write a day that has sales (or counts, or fees), with the reasons.</summary>
    public IReadOnlyList<LedgerDay> Stuck => [.. _stuck.Values.OrderBy(d => d.Ledger, StringComparer.Ordinal)];

    public async Task<IReadOnlyList<LedgerDay>> RunAsync(CancellationToken cancellationToken = default)
    {
        await _running.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await RunExclusiveAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _running.Release();
        }
    }

    public void Dispose() => _running.Dispose();

    private async Task<IReadOnlyList<LedgerDay>> RunExclusiveAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value.CloseOfDay;
        var now = timeProvider.GetUtcNow();
        var handled = new List<LedgerDay>();
        foreach (var ledger in ledgers.All.OrderBy(l => l.Name, StringComparer.Ordinal))
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(accounting.Value.Stores[ledger.StoreId].TimeZone!);
            var local = TimeZoneInfo.ConvertTime(now, zone);
            var lastClosed = DateOnly.FromDateTime(local.DateTime).AddDays(local.TimeOfDay >= settings.CloseDelay ? -1 : -2);
            var lastWritten = await ledgerDays.LastWrittenAsync(ledger.Name, cancellationToken).ConfigureAwait(false);
            var first = lastWritten?.AddDays(1) ?? lastClosed;
            if (first < lastClosed.AddDays(1 - settings.MaxCatchUpDays))
            {
                first = lastClosed.AddDays(1 - settings.MaxCatchUpDays);
            }

            for (var day = first; day <= lastClosed; day = day.AddDays(1))
            {
                var result = await WriteDayAsync(ledger, day, zone, cancellationToken).ConfigureAwait(false);
                handled.Add(result);
                if (result.Error is null)
                {
                    _stuck.TryRemove(ledger.Name, out _);
                }
                else
                {
                    _stuck[ledger.Name] = result;
                    // Days stay in order: a failed day is tried again next run before any later one.
                    Log.LedgerDayFailed(logger, ledger.Name, day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), result.Error);
                    break;
                }
            }
        }

        return handled;
    }

    private async Task<LedgerDay> WriteDayAsync(LedgerExport ledger, DateOnly day, TimeZoneInfo zone, CancellationToken cancellationToken)
    {
        // The store's local day, chosen per sale: local midnight can fall in a DST gap (Cairo), so no
        // conversion of a local midnight to UTC is attempted.
        var margin = TimeSpan.FromHours(15);
        var from = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) - margin;
        var to = new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) + margin;
        var sales = new List<Sale>();
        await foreach (var sale in inbox.ForStoreAsync(ledger.StoreId, from, to, cancellationToken).ConfigureAwait(false))
        {
            if (DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(sale.CreatedAtUtc, zone).DateTime) == day)
            {
                sales.Add(sale);
            }
        }

        var journals = 0;
        var adjustments = await LedgerInputs.ForAsync(ledger, services, from, to, cancellationToken).ConfigureAwait(false);
        // A shift opened and closed without a sale still has a count (its over/short) to book on its day, and a
        // provider's fee reported on a day without sales still has its fee.
        var countsToday = adjustments.ShiftCounts.Any(c => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(c.ClosedAtUtc, zone).DateTime) == day);
        var feesToday = adjustments.ProviderFees.Any(f => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(f.ReportedAtUtc, zone).DateTime) == day);
        if (sales.Count > 0 || countsToday || feesToday)
        {
            var ordered = sales.OrderBy(s => s.CreatedAtUtc).ThenBy(s => s.Id).ToAsyncEnumerable();
            var directory = CloseOfDayFolder.For(options.Value, ledger.Name);
            var result = await ledger.WriteAsync(new LedgerPeriod(ledger.StoreId, day, day), ordered, adjustments, directory, cancellationToken).ConfigureAwait(false);
            if (result.Outcome == LedgerWriteOutcome.Failed)
            {
                return new LedgerDay(ledger.Name, day, 0, result.Reason ?? "the ledger refused the day");
            }

            journals = result.JournalCount;
        }

        var now = timeProvider.GetUtcNow();
        await ledgerDays.RecordWrittenAsync(ledger.Name, day, journals, now, cancellationToken).ConfigureAwait(false);
        return new LedgerDay(ledger.Name, day, journals, null);
    }
}

/// <summary>Where the close-of-day run writes ledger files: one folder per ledger under the configured one.</summary>
internal static class CloseOfDayFolder
{
    /// <summary>The folder all ledgers' folders are in: <c>CloseOfDay:Directory</c>, or <c>ledgers</c> in the data folder.</summary>
    public static string Root(ConnectorOptions options) =>
        Path.GetFullPath(options.CloseOfDay.Directory ?? Path.Combine(options.DataDirectory, "ledgers"));

    public static string For(ConnectorOptions options, string ledger) => Path.Combine(Root(options), ledger);
}

/// <summary>Quartz job for <see cref="CloseOfDayExporter"/>; never two runs at once.</summary>
[DisallowConcurrentExecution]
internal sealed class CloseOfDayJob(CloseOfDayExporter exporter) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await exporter.RunAsync(cancellationToken).ConfigureAwait(false);
}
