using Microsoft.Extensions.Logging;
using PosBridge.Core.Adapters;
using PosBridge.Core.Sales;
using PosBridge.Core.Stock;

namespace PosBridge.Ecommerce.Stock;

/// <summary>
/// A web store as a stock target: reconciliation pushes only the levels that differ, stops on a run that
/// looks unsafe, and logs every push with its before and after; sales arrive as deltas.
/// </summary>
public sealed class WebStoreStockTarget : IStockTarget, ISalesSink
{
    private readonly IWebStoreInventory _inventory;
    private readonly StockPolicyOptions _policy;
    private readonly SkuCategories _categories;
    private readonly IAppliedDeltaStore _appliedDeltas;
    private readonly IEnumerable<IStockAlertSink> _alertSinks;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Stores.RetryAfterHints? _retryAfter;

    internal WebStoreStockTarget(
        string name,
        IWebStoreInventory inventory,
        StockPolicyOptions policy,
        SkuCategories categories,
        IAppliedDeltaStore appliedDeltas,
        IEnumerable<IStockAlertSink> alertSinks,
        TimeProvider timeProvider,
        ILogger<WebStoreStockTarget> logger,
        Stores.RetryAfterHints? retryAfter = null)
    {
        _retryAfter = retryAfter;
        Name = name;
        _inventory = inventory;
        _policy = policy;
        _categories = categories;
        _appliedDeltas = appliedDeltas;
        _alertSinks = alertSinks;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public string Name { get; }

    /// <summary>
    /// Sets the store's levels to available-to-sell computed from <paramref name="levels"/>; SKUs not given are
    /// left alone. When the run looks unsafe nothing is pushed and every result is Rejected with the reason
    /// (see <see cref="ReconcileAsync"/> for the alert itself).
    /// </summary>
    public async Task<IReadOnlyList<StockPushResult>> SetLevelsAsync(IReadOnlyList<StockLevel> levels, CancellationToken cancellationToken = default) =>
        (await ReconcileAsync(levels, cancellationToken).ConfigureAwait(false)).Results;

    /// <summary>
    /// What the store may offer of each SKU: available to sell (its policy's buffers applied) summed over the store's
    /// locations, for feeds and catalog exports. A SKU without a level is absent: unknown, never zero.
    /// </summary>
    public IReadOnlyDictionary<string, int> AvailableBySku(IReadOnlyList<StockLevel> levels)
    {
        ArgumentNullException.ThrowIfNull(levels);
        var bySku = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var level in AvailableToSell.For(levels, _inventory.LocationFor, _policy.SafetyBuffer, _categories.Snapshot(), _inventory.SubtractsReserved))
        {
            bySku[level.Key.Sku] = bySku.GetValueOrDefault(level.Key.Sku) + level.Available;
        }

        return bySku;
    }

    /// <summary>Reconciliation with its safety stop, if any, and counts.</summary>
    public async Task<ReconciliationReport> ReconcileAsync(IReadOnlyList<StockLevel> levels, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(levels);
        var desired = AvailableToSell.For(levels, _inventory.LocationFor, _policy.SafetyBuffer, _categories.Snapshot(), _inventory.SubtractsReserved);
        var current = await _inventory.ReadAsync(desired.Select(d => d.Key).ToList(), cancellationToken).ConfigureAwait(false);

        var started = _timeProvider.GetTimestamp();
        var plan = StockPlan.Diff(desired, current);
        var diffDuration = _timeProvider.GetElapsedTime(started);

        var results = new List<StockPushResult>(desired.Count);
        foreach (var key in plan.NotInStore)
        {
            Log.SkuNotInStore(_logger, Name, key.Sku, key.Location);
            results.Add(new StockPushResult
            {
                Sku = key.Sku,
                Outcome = StockPushOutcome.Rejected,
                Reason = $"The web store has no product with SKU '{key.Sku}' at location '{key.Location}'; PosBridge never creates products.",
            });
        }

        results.AddRange(plan.Untracked.Select(key => new StockPushResult
        {
            Sku = key.Sku,
            Outcome = StockPushOutcome.Rejected,
            Reason = $"The web store keeps no stock quantity for SKU '{key.Sku}' (stock management is off there); it is left alone.",
        }));
        results.AddRange(plan.Unchanged.Select(u => new StockPushResult { Sku = u.Key.Sku, Outcome = StockPushOutcome.Unchanged, Before = u.Before, After = u.After }));

        if (plan.Check(Name, _policy) is { } stop)
        {
            Log.SafetyStop(_logger, Name, stop.SkusToZero, stop.DecreaseShare, stop.Reason);
            foreach (var sink in _alertSinks)
            {
                await sink.RaiseAsync(stop, cancellationToken).ConfigureAwait(false);
            }

            results.AddRange(plan.Changes.Select(c => new StockPushResult { Sku = c.Key.Sku, Outcome = StockPushOutcome.Rejected, Before = c.Before, Reason = stop.Reason }));
            return new ReconciliationReport { Store = Name, Results = results, SafetyStop = stop, DiffDuration = diffDuration };
        }

        if (plan.Changes.Count > 0)
        {
            var pushed = await _inventory.SetAsync(plan.Changes, cancellationToken).ConfigureAwait(false);
            LogPushes(pushed);
            results.AddRange(pushed);
        }

        return new ReconciliationReport { Store = Name, Results = results, Changed = plan.Changes.Count, DiffDuration = diffDuration };
    }

    /// <summary>
    /// Applies sales' stock changes at once. Changes are summed per SKU and location and rounded down to whole
    /// units (a web store counts units); a change already applied (same idempotency key) is not applied again.
    /// </summary>
    public async Task<IReadOnlyList<StockPushResult>> ApplyDeltasAsync(IReadOnlyList<StockDelta> deltas, CancellationToken cancellationToken = default) =>
        (await ApplyAsync(deltas, cancellationToken).ConfigureAwait(false)).Results;

    /// <summary>How many sales the connector should hand over at once.</summary>
    public int PreferredBatchSize => 100;

    /// <summary>
    /// Takes sales (and refunds) as the web store's stock changes: a sale is Done when each of its lines with a
    /// SKU was applied or had nothing to apply here (a product not sold online, a location that does not feed
    /// this store), Duplicate when its lines had been applied before and none was applied now, RetryLater when
    /// any must be tried again.
    /// A line the store refuses does not hold the sale back; it is logged, and reconciliation sets the level.
    /// </summary>
    public async Task<IReadOnlyList<SaleDeliveryResult>> DeliverAsync(IReadOnlyList<Sale> sales, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sales);
        var deltas = new List<StockDelta>();
        var owners = new List<int>();
        for (var i = 0; i < sales.Count; i++)
        {
            foreach (var delta in SaleStockDeltas.From(sales[i]))
            {
                deltas.Add(delta);
                owners.Add(i);
            }
        }

        var started = _timeProvider.GetUtcNow();
        DeltaOutcome[] perDelta;
        try
        {
            (_, perDelta) = await ApplyAsync(deltas, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && _retryAfter?.Remaining(started) is { } wait)
        {
            // The store said when to come back (429/503 with Retry-After): every sale waits that long, not the
            // connector's own backoff. Intents recorded before the failure are settled on that next delivery.
            return sales.Select(s => SaleDeliveryResult.RetryLater(s.Id, $"The web store asked to wait {wait:g}: {ex.Message}", wait)).ToList();
        }

        var storeWait = _retryAfter?.Remaining(started);
        var results = new List<SaleDeliveryResult>(sales.Count);
        for (var i = 0; i < sales.Count; i++)
        {
            var own = Enumerable.Range(0, deltas.Count).Where(d => owners[d] == i).Select(d => perDelta[d]).ToList();
            var retry = own.Where(o => o.Outcome == StockPushOutcome.RetryLater).ToList();
            results.Add(
                retry.Count > 0 ? SaleDeliveryResult.RetryLater(sales[i].Id, string.Join(" ", retry.Select(r => r.Reason).Distinct()), storeWait)
                : own.Any(o => o.AlreadyApplied) && !own.Any(o => o.Outcome == StockPushOutcome.Applied) ? SaleDeliveryResult.Duplicate(sales[i].Id)
                : SaleDeliveryResult.Done(sales[i].Id));
        }

        return results;
    }

    /// <summary>The results per SKU and location, and what became of each delta given, in order.</summary>
    private async Task<(List<StockPushResult> Results, DeltaOutcome[] PerDelta)> ApplyAsync(IReadOnlyList<StockDelta> deltas, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deltas);
        var results = new List<StockPushResult>();
        var perDelta = new DeltaOutcome[deltas.Count];
        var (applied, unsettled) = await SettlePendingAsync(deltas, cancellationToken).ConfigureAwait(false);
        var grouped = new Dictionary<StockKey, (decimal Change, List<int> Deltas)>();
        for (var i = 0; i < deltas.Count; i++)
        {
            var delta = deltas[i];
            if (applied.Contains(delta.IdempotencyKey))
            {
                perDelta[i] = new DeltaOutcome(StockPushOutcome.Unchanged, null, AlreadyApplied: true);
                results.Add(new StockPushResult { Sku = delta.Sku, Outcome = StockPushOutcome.Unchanged, Reason = $"Change '{delta.IdempotencyKey}' was already applied." });
                continue;
            }

            if (unsettled.Contains(delta.IdempotencyKey))
            {
                var reason = $"Change '{delta.IdempotencyKey}' was sent before without a recorded answer and the web store cannot tell yet whether it took it; asked again next time.";
                perDelta[i] = new DeltaOutcome(StockPushOutcome.RetryLater, reason, AlreadyApplied: false);
                results.Add(new StockPushResult { Sku = delta.Sku, Outcome = StockPushOutcome.RetryLater, Reason = reason });
                continue;
            }

            if (_inventory.LocationFor(delta.LocationId) is not { } location)
            {
                perDelta[i] = new DeltaOutcome(StockPushOutcome.Unchanged, null, AlreadyApplied: false);
                results.Add(new StockPushResult { Sku = delta.Sku, Outcome = StockPushOutcome.Unchanged, Reason = $"Location '{delta.LocationId}' does not feed this web store." });
                continue;
            }

            var key = new StockKey(delta.Sku, location);
            if (!grouped.TryGetValue(key, out var group))
            {
                group = (0m, []);
            }

            group.Deltas.Add(i);
            grouped[key] = (group.Change + delta.Change, group.Deltas);
        }

        // Floor, not round: a sale of 0.4 units takes one unit off the web store rather than none.
        var changes = grouped.Select(g => (Change: new KeyedChange(g.Key, (int)decimal.Floor(g.Value.Change), g.Value.Deltas.Select(d => deltas[d].IdempotencyKey).ToList()), g.Value.Deltas)).ToList();
        foreach (var (change, members) in changes.Where(c => c.Change.Change == 0))
        {
            results.Add(new StockPushResult { Sku = change.Key.Sku, Outcome = StockPushOutcome.Unchanged });
            members.ForEach(d => perDelta[d] = new DeltaOutcome(StockPushOutcome.Unchanged, null, AlreadyApplied: false));
        }

        var toApply = changes.Where(c => c.Change.Change != 0).ToList();
        if (toApply.Count > 0)
        {
            // One result per change, in order, so each result marks its own deltas as applied.
            // The intent is committed before each request goes out; the result after it comes back. A crash between
            // the two leaves the change pending, and it is settled with the store before being sent again.
            var pushed = await _inventory.AdjustAsync(
                toApply.Select(c => c.Change).ToList(),
                (pending, token) => _appliedDeltas.RecordPendingAsync(Name, pending, token),
                cancellationToken).ConfigureAwait(false);
            LogPushes(pushed);
            results.AddRange(pushed);
            var done = new List<string>();
            var refused = new List<string>();
            foreach (var ((change, members), result) in toApply.Zip(pushed))
            {
                members.ForEach(d => perDelta[d] = new DeltaOutcome(result.Outcome, result.Reason, AlreadyApplied: false));
                if (result.Outcome == StockPushOutcome.Applied)
                {
                    done.AddRange(change.IdempotencyKeys);
                }
                else if (result.Outcome == StockPushOutcome.Rejected)
                {
                    // Refused means not applied: nothing to settle later. A RetryLater stays pending, since a call
                    // that failed on the way back may well have been applied.
                    refused.AddRange(change.IdempotencyKeys);
                }
            }

            if (done.Count > 0)
            {
                await _appliedDeltas.MarkAppliedAsync(Name, done, cancellationToken).ConfigureAwait(false);
            }

            if (refused.Count > 0)
            {
                await _appliedDeltas.ForgetPendingAsync(Name, refused, cancellationToken).ConfigureAwait(false);
            }
        }

        return (results, perDelta);
    }

    /// <summary>
    /// The keys among <paramref name="deltas"/> already applied, after settling with the store every change that was
    /// sent without a recorded answer; and the keys the store could not settle yet.
    /// </summary>
    private async Task<(HashSet<string> Applied, HashSet<string> Unsettled)> SettlePendingAsync(IReadOnlyList<StockDelta> deltas, CancellationToken cancellationToken)
    {
        var states = await _appliedDeltas.FindAsync(Name, deltas.Select(d => d.IdempotencyKey).Distinct(StringComparer.Ordinal).ToList(), cancellationToken).ConfigureAwait(false);
        var applied = new HashSet<string>(states.Applied, StringComparer.Ordinal);
        var unsettled = new HashSet<string>(StringComparer.Ordinal);
        if (states.Pending.Count == 0)
        {
            return (applied, unsettled);
        }

        var answers = await _inventory.RecoverAsync(states.Pending, cancellationToken).ConfigureAwait(false);
        var nowApplied = new List<string>();
        var notApplied = new List<string>();
        foreach (var (change, answer) in states.Pending.Zip(answers))
        {
            Log.Recovered(_logger, Name, change.Sku, change.Location, change.Change, answer switch { true => "applied", false => "not applied; it is sent again", null => "not known yet" });
            (answer switch { true => nowApplied, false => notApplied, null => null })?.AddRange(change.IdempotencyKeys);
            if (answer is null)
            {
                unsettled.UnionWith(change.IdempotencyKeys);
            }
        }

        if (nowApplied.Count > 0)
        {
            await _appliedDeltas.MarkAppliedAsync(Name, nowApplied, cancellationToken).ConfigureAwait(false);
            applied.UnionWith(nowApplied);
        }

        if (notApplied.Count > 0)
        {
            await _appliedDeltas.ForgetPendingAsync(Name, notApplied, cancellationToken).ConfigureAwait(false);
        }

        return (applied, unsettled);
    }

    private readonly record struct DeltaOutcome(StockPushOutcome Outcome, string? Reason, bool AlreadyApplied);

    private void LogPushes(IReadOnlyList<StockPushResult> pushed)
    {
        foreach (var result in pushed)
        {
            Log.StockPushed(_logger, Name, result.Sku, result.Outcome, result.Before, result.After, result.Reason);
        }
    }
}
