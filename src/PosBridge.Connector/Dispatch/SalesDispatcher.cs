using Microsoft.Extensions.Options;
using PosBridge.Connector.Hosting;
using PosBridge.Core.Adapters;
using Log = PosBridge.Connector.Hosting.Log;

namespace PosBridge.Connector.Dispatch;

/// <summary>What one delivery run did for one adapter.</summary>
internal sealed record DispatchRun(string Adapter, int Delivered, int Duplicates, int DeadLettered, int Retrying, string? AdapterError)
{
    /// <summary>Another process (the service, or a manager's <c>sync now</c>) was delivering to the adapter; this run did nothing.</summary>
    public bool Busy { get; init; }
}

/// <summary>
/// Drains the inbox to one adapter: due sales in inbox order, in batches of the adapter's size, each
/// outcome recorded before the next batch. "Retry later" waits with exponential backoff and jitter;
/// "rejected" is dead-lettered with its reason; an adapter that throws has the whole batch retried.
/// Each adapter runs in its own job, so one slow or broken back office never holds up another.
/// </summary>
internal sealed class SalesDispatcher(
    IDeliveryStore deliveries,
    IDeliveryLease lease,
    IEnumerable<ISalesSink> sinks,
    TimeProvider timeProvider,
    IOptions<ConnectorOptions> options,
    ILogger<SalesDispatcher> logger,
    Random? random = null,
    Metrics.ConnectorMetrics? metrics = null,
    Shifts.ShiftClosings? shiftClosings = null)
{
    private const int MaxErrorLength = 1000;
    private readonly Random _random = random ?? Random.Shared;
    private readonly Dictionary<string, ISalesSink> _sinks = sinks.ToDictionary(s => s.Name, StringComparer.Ordinal);

    // One run per adapter at a time, whoever asks (the job, a manager's "sync now" from another process): two
    // runs would read the same due sales and hand them over twice. In this process a semaphore; across
    // processes a lease in the database, renewed before each batch.
    private readonly Dictionary<string, SemaphoreSlim> _running = sinks.ToDictionary(s => s.Name, _ => new SemaphoreSlim(1, 1), StringComparer.Ordinal);

    /// <summary>How long a lease lasts without renewal: a holder that died on another machine blocks the adapter this long at most.</summary>
    internal static readonly TimeSpan LeaseDuration = TimeSpan.FromMinutes(2);

    /// <summary>Installed adapters that configuration has not switched off.</summary>
    public IReadOnlyList<string> EnabledAdapters =>
        _sinks.Keys
            .Where(name => options.Value.Dispatch.Adapters.GetValueOrDefault(name)?.Enabled ?? true)
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>Whether <paramref name="adapter"/> keeps sessions the tills' shift closes close (Odoo's POS).</summary>
    public bool KeepsSessions(string adapter) => _sinks.GetValueOrDefault(adapter) is IShiftSink;

    /// <summary>Adapters named in configuration that are not installed: each is a start-up error.</summary>
    public IReadOnlyList<string> UnknownConfiguredAdapters =>
        options.Value.Dispatch.Adapters.Keys.Where(name => !_sinks.ContainsKey(name)).Order(StringComparer.Ordinal).ToList();

    public async Task<DispatchRun> DeliverAsync(string adapter, CancellationToken cancellationToken = default)
    {
        if (!_sinks.TryGetValue(adapter, out var sink))
        {
            throw new ArgumentException($"No adapter named '{adapter}' is installed.", nameof(adapter));
        }

        var running = _running[adapter];
        await running.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!await LeaseAsync(adapter, cancellationToken).ConfigureAwait(false))
            {
                return new DispatchRun(adapter, 0, 0, 0, 0, null) { Busy = true };
            }

            try
            {
                var run = await DeliverExclusiveAsync(adapter, sink, cancellationToken).ConfigureAwait(false);

                // Shift closes go after the sales: a session closes only once its last sale is in.
                if (sink is IShiftSink shiftSink && shiftClosings is not null)
                {
                    await shiftClosings.CloseDueAsync(adapter, shiftSink, cancellationToken).ConfigureAwait(false);
                }

                return run;
            }
            finally
            {
                await lease.ReleaseAsync(adapter, CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            running.Release();
        }
    }

    private async Task<DispatchRun> DeliverExclusiveAsync(string adapter, ISalesSink sink, CancellationToken cancellationToken)
    {
        var settings = options.Value.Dispatch.Adapters.GetValueOrDefault(adapter) ?? new AdapterDispatchOptions();
        var batchSize = Math.Max(1, Math.Min(sink.PreferredBatchSize, settings.BatchSize ?? int.MaxValue));
        int delivered = 0, duplicates = 0, dead = 0, retrying = 0;
        for (var batch = 0; batch < options.Value.Dispatch.MaxBatchesPerRun; batch++)
        {
            if (batch > 0 && !await LeaseAsync(adapter, cancellationToken).ConfigureAwait(false))
            {
                break; // the lease ran out and another process took over: it delivers the rest
            }

            var now = timeProvider.GetUtcNow();
            var due = await deliveries.GetDueAsync(adapter, batchSize, settings.Ordered, now, cancellationToken).ConfigureAwait(false);
            if (due.Count == 0)
            {
                break;
            }

            IReadOnlyList<SaleDeliveryResult> results;
            try
            {
                results = await sink.DeliverAsync(due.Select(p => p.Sale).ToList(), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var error = Trim($"{ex.GetType().Name}: {ex.Message}");
                Log.AdapterFailed(logger, adapter, due.Count, error);
                metrics?.AdapterFailures.Add(1, new KeyValuePair<string, object?>("adapter", adapter));
                var failed = timeProvider.GetUtcNow();
                await deliveries.RecordAsync(adapter, due.Select(p => Retry(p, error, null, failed)).ToList(), failed, cancellationToken).ConfigureAwait(false);
                await deliveries.RecordAdapterErrorAsync(adapter, error, failed, cancellationToken).ConfigureAwait(false);
                return new DispatchRun(adapter, delivered, duplicates, dead, retrying + due.Count, error);
            }

            var byId = new Dictionary<Guid, SaleDeliveryResult>();
            foreach (var result in results ?? [])
            {
                byId.TryAdd(result.SaleId, result);
            }

            var recordedAt = timeProvider.GetUtcNow();
            var records = new List<DeliveryRecord>(due.Count);
            var anyRetry = false;
            foreach (var pending in due)
            {
                var attempts = pending.Attempts + 1;
                if (!byId.TryGetValue(pending.Sale.Id, out var result))
                {
                    records.Add(Retry(pending, "the adapter returned no result for this sale", null, recordedAt));
                    retrying++;
                    anyRetry = true;
                    continue;
                }

                switch (result.Outcome)
                {
                    case DeliveryOutcome.Done:
                        records.Add(new DeliveryRecord(pending.Seq, DeliveryState.Done, attempts, null, null, result.ExternalId));
                        delivered++;
                        break;
                    case DeliveryOutcome.Duplicate:
                        records.Add(new DeliveryRecord(pending.Seq, DeliveryState.Duplicate, attempts, null, null, result.ExternalId));
                        duplicates++;
                        break;
                    case DeliveryOutcome.Rejected:
                        var reason = Trim(result.Reason ?? "rejected without a reason");
                        Log.SaleDeadLettered(logger, adapter, pending.Sale.SaleNumber, reason);
                        records.Add(new DeliveryRecord(pending.Seq, DeliveryState.Dead, attempts, null, reason, null));
                        dead++;
                        break;
                    case DeliveryOutcome.RetryLater:
                    default:
                        records.Add(Retry(pending, result.Reason ?? "retry later", result.RetryAfter, recordedAt));
                        retrying++;
                        anyRetry = true;
                        break;
                }
            }

            await deliveries.RecordAsync(adapter, records, recordedAt, cancellationToken).ConfigureAwait(false);
            Measure(adapter, due, records, recordedAt);
            if (anyRetry && (settings.Ordered || retrying == due.Count))
            {
                // Ordered: the rest must wait for this one. All retrying: the back office is struggling; back off.
                break;
            }
        }

        return new DispatchRun(adapter, delivered, duplicates, dead, retrying, null);
    }

    private void Measure(string adapter, IReadOnlyList<PendingSale> due, List<DeliveryRecord> records, DateTimeOffset recordedAt)
    {
        if (metrics is null)
        {
            return;
        }

        var bySeq = due.ToDictionary(p => p.Seq);
        var tag = new KeyValuePair<string, object?>("adapter", adapter);
        foreach (var record in records)
        {
            metrics.Deliveries.Add(1, tag, new KeyValuePair<string, object?>("outcome", record.State.ToString().ToLowerInvariant()));
            if (record.State is DeliveryState.Done or DeliveryState.Duplicate)
            {
                metrics.DeliveryLatency.Record(Math.Max(0, (recordedAt - bySeq[record.Seq].Sale.CreatedAtUtc).TotalSeconds), tag);
            }
        }
    }

    private Task<bool> LeaseAsync(string adapter, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        return lease.TryAcquireAsync(adapter, now, now + LeaseDuration, cancellationToken);
    }

    /// <summary>Exponential backoff (base × 2^(attempt−1), capped) with jitter of up to half the delay.</summary>
    internal TimeSpan Backoff(int attempts)
    {
        var dispatch = options.Value.Dispatch;
        var exponent = Math.Min(attempts - 1, 30);
        var delay = Math.Min(dispatch.RetryMaxDelay.TotalMilliseconds, dispatch.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, exponent));
        return TimeSpan.FromMilliseconds(delay * (0.5 + (_random.NextDouble() * 0.5)));
    }

    private DeliveryRecord Retry(PendingSale pending, string reason, TimeSpan? retryAfter, DateTimeOffset now)
    {
        var attempts = pending.Attempts + 1;
        var wait = retryAfter is { } after && after > TimeSpan.Zero ? after : Backoff(attempts);
        return new DeliveryRecord(pending.Seq, DeliveryState.Retry, attempts, now + wait, Trim(reason), null);
    }

    private static string Trim(string text) => text.Length <= MaxErrorLength ? text : text[..MaxErrorLength];
}
