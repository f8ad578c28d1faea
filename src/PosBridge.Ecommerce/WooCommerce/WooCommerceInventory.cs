using System.Globalization;
using Microsoft.Extensions.Logging;
using PosBridge.Core.Stock;
using PosBridge.Ecommerce.Stock;
using Refit;

namespace PosBridge.Ecommerce.WooCommerce;

/// <summary>
/// WooCommerce stock: one quantity per product or variation, no location, no compare-and-swap and no
/// update by SKU, so SKUs are resolved to ids once (<see cref="ISkuMappingStore"/>) and writes go in batches.
/// </summary>
internal sealed class WooCommerceInventory : IWebStoreInventory
{
    /// <summary>WooCommerce has one stock per item: every fed point-of-sale location maps here.</summary>
    public const string StoreLocation = "store";

    private readonly IWooCommerceApi _api;
    private readonly WooCommerceOptions _options;
    private readonly ISkuMappingStore _mappings;
    private readonly ILogger _logger;

    public WooCommerceInventory(IWooCommerceApi api, WooCommerceOptions options, ISkuMappingStore mappings, ILogger logger)
    {
        _api = api;
        _options = options;
        _mappings = mappings;
        _logger = logger;
    }

    private string Store => _options.Name;

    public string? LocationFor(string posLocationId) =>
        _options.Locations.Count == 0 || _options.Locations.Contains(posLocationId) ? StoreLocation : null;

    public async Task<IReadOnlyDictionary<StockKey, int?>> ReadAsync(IReadOnlyCollection<StockKey> keys, CancellationToken cancellationToken = default)
    {
        var items = await ReadBySkuAsync(keys.Select(k => k.Sku).Distinct(StringComparer.Ordinal).ToList(), cancellationToken).ConfigureAwait(false);
        var current = new Dictionary<StockKey, int?>(keys.Count);
        foreach (var key in keys)
        {
            if (items.TryGetValue(key.Sku, out var item))
            {
                current[key] = item.TrackedQuantity;
            }
        }

        return current;
    }

    public async Task<IReadOnlyList<StockPushResult>> SetAsync(IReadOnlyList<StockChange> changes, CancellationToken cancellationToken = default)
    {
        var mapped = await _mappings.FindAsync(Store, changes.Select(c => c.Key.Sku).ToList(), cancellationToken).ConfigureAwait(false);
        var results = new List<StockPushResult>(changes.Count);
        var lost = new List<StockChange>();
        await PushAsync(changes, mapped, results, lost, cancellationToken).ConfigureAwait(false);
        if (lost.Count == 0)
        {
            return InOrder(changes, results);
        }

        // The id went away under us (product deleted and re-created, restore from backup): find the SKU again,
        // push once more to the new id, and never create a product to fill the gap.
        var found = await ResolveAsync(lost.Select(l => l.Key.Sku).ToList(), cancellationToken).ConfigureAwait(false);
        var retry = new List<StockChange>();
        foreach (var change in lost)
        {
            if (!found.TryGetValue(change.Key.Sku, out var item))
            {
                results.Add(NotInStore(change.Key.Sku, change.Before));
            }
            else if (item.TrackedQuantity == change.After)
            {
                results.Add(new StockPushResult { Sku = change.Key.Sku, Outcome = StockPushOutcome.Unchanged, Before = change.After, After = change.After });
            }
            else
            {
                retry.Add(change with { Before = item.TrackedQuantity });
            }
        }

        if (retry.Count > 0)
        {
            var remapped = await _mappings.FindAsync(Store, retry.Select(c => c.Key.Sku).ToList(), cancellationToken).ConfigureAwait(false);
            var lostAgain = new List<StockChange>();
            await PushAsync(retry, remapped, results, lostAgain, cancellationToken).ConfigureAwait(false);
            results.AddRange(lostAgain.Select(c => new StockPushResult
            {
                Sku = c.Key.Sku,
                Outcome = StockPushOutcome.RetryLater,
                Before = c.Before,
                Reason = "The web store refused the product id twice in a row; the SKU will be resolved again next time.",
            }));
        }

        return InOrder(changes, results);
    }

    // One stock per SKU here, so the SKU identifies a change's result; callers get them in the order given.
    private static List<StockPushResult> InOrder(IReadOnlyList<StockChange> changes, List<StockPushResult> results)
    {
        var bySku = results.ToDictionary(r => r.Sku, StringComparer.Ordinal);
        return changes.Select(c => bySku[c.Key.Sku]).ToList();
    }

    public Task<IReadOnlyList<StockPushResult>> AdjustAsync(IReadOnlyList<KeyedChange> changes, BeforeSend beforeSend, CancellationToken cancellationToken = default) =>
        ReadAddWrite.AdjustAsync(this, changes, beforeSend, cancellationToken);

    public Task<IReadOnlyList<bool?>> RecoverAsync(IReadOnlyList<PendingStockChange> pending, CancellationToken cancellationToken = default) =>
        ReadAddWrite.RecoverAsync(this, pending, Store, _logger, cancellationToken);

    private async Task PushAsync(
        IReadOnlyList<StockChange> changes,
        IReadOnlyDictionary<string, SkuMapping> mapped,
        List<StockPushResult> results,
        List<StockChange> lost,
        CancellationToken cancellationToken)
    {
        var byParent = new Dictionary<long, List<(StockChange Change, long Id)>>();
        foreach (var change in changes)
        {
            if (!mapped.TryGetValue(change.Key.Sku, out var mapping))
            {
                lost.Add(change);
                continue;
            }

            // Key 0 collects simple products; a variation goes to its parent's batch endpoint.
            var parent = mapping.ParentId is null ? 0L : ParseId(mapping.ParentId);
            if (!byParent.TryGetValue(parent, out var list))
            {
                byParent[parent] = list = [];
            }

            list.Add((change, ParseId(mapping.ItemId)));
        }

        foreach (var (parent, items) in byParent)
        {
            foreach (var chunk in items.Chunk(_options.BatchSize))
            {
                var request = new WooBatchRequest { Update = chunk.Select(i => new WooStockUpdate { Id = i.Id, StockQuantity = i.Change.After }).ToList() };
                WooBatchResponse response;
                try
                {
                    response = parent == 0
                        ? await _api.BatchProductsAsync(request, cancellationToken).ConfigureAwait(false)
                        : await _api.BatchVariationsAsync(parent, request, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is ApiExceptionBase or HttpRequestException or TimeoutException)
                {
                    // The resilience pipeline has already retried; these items wait for the next run, the
                    // other batches go on.
                    Log.BatchFailed(_logger, Store, chunk.Length, ex.Message);
                    results.AddRange(chunk.Select(i => new StockPushResult { Sku = i.Change.Key.Sku, Outcome = StockPushOutcome.RetryLater, Before = i.Change.Before, Reason = $"The batch call failed: {ex.Message}" }));
                    continue;
                }

                await CollectAsync(chunk, response, results, lost, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task CollectAsync(
        (StockChange Change, long Id)[] chunk,
        WooBatchResponse response,
        List<StockPushResult> results,
        List<StockChange> lost,
        CancellationToken cancellationToken)
    {
        var answers = response.Update.GroupBy(u => u.Id).ToDictionary(g => g.Key, g => g.First());
        foreach (var (change, id) in chunk)
        {
            var sku = change.Key.Sku;
            if (!answers.TryGetValue(id, out var answer))
            {
                results.Add(new StockPushResult { Sku = sku, Outcome = StockPushOutcome.RetryLater, Before = change.Before, Reason = "The batch answer did not mention this item." });
            }
            else if (answer.Error is { } error)
            {
                if (error.Code.EndsWith("invalid_id", StringComparison.Ordinal))
                {
                    Log.MappingLost(_logger, Store, sku, id);
                    await _mappings.RemoveAsync(Store, sku, cancellationToken).ConfigureAwait(false);
                    lost.Add(change);
                }
                else
                {
                    // One item's failure is that item's alone: a server-side fault is retried, a refusal is
                    // dead-lettered with WooCommerce's own words.
                    var outcome = error.Data?.Status >= 500 ? StockPushOutcome.RetryLater : StockPushOutcome.Rejected;
                    results.Add(new StockPushResult { Sku = sku, Outcome = outcome, Before = change.Before, Reason = $"{error.Code}: {error.Message}" });
                }
            }
            else
            {
                results.Add(new StockPushResult { Sku = sku, Outcome = StockPushOutcome.Applied, Before = change.Before, After = answer.TrackedQuantity });
            }
        }
    }

    /// <summary>Reads items by SKU: by id where mapped, by SKU where not (or no longer).</summary>
    private async Task<Dictionary<string, WooProduct>> ReadBySkuAsync(List<string> skus, CancellationToken cancellationToken)
    {
        var mapped = await _mappings.FindAsync(Store, skus, cancellationToken).ConfigureAwait(false);
        var found = new Dictionary<string, WooProduct>(skus.Count, StringComparer.Ordinal);
        foreach (var group in mapped.Values.GroupBy(m => m.ParentId))
        {
            foreach (var chunk in group.Chunk(_options.BatchSize))
            {
                var include = string.Join(',', chunk.Select(m => m.ItemId));
                var items = group.Key is null
                    ? await _api.GetProductsAsync(null, include, _options.BatchSize, cancellationToken).ConfigureAwait(false)
                    : await _api.GetVariationsAsync(ParseId(group.Key), include, _options.BatchSize, cancellationToken).ConfigureAwait(false);
                foreach (var item in items)
                {
                    // An id now holding another SKU is a lost mapping too.
                    if (item.Sku is { } sku && mapped.TryGetValue(sku, out var mapping) && mapping.ItemId == item.Id.ToString(CultureInfo.InvariantCulture))
                    {
                        found[sku] = item;
                    }
                }
            }
        }

        var toResolve = new List<string>();
        foreach (var sku in skus)
        {
            if (found.ContainsKey(sku))
            {
                continue;
            }

            if (mapped.TryGetValue(sku, out var gone))
            {
                Log.MappingLost(_logger, Store, sku, gone.ItemId);
                await _mappings.RemoveAsync(Store, sku, cancellationToken).ConfigureAwait(false);
            }

            toResolve.Add(sku);
        }

        foreach (var (sku, item) in await ResolveAsync(toResolve, cancellationToken).ConfigureAwait(false))
        {
            found[sku] = item;
        }

        return found;
    }

    /// <summary>Finds SKUs with <c>GET /products?sku=a,b,…</c> (which also answers variations) and keeps the mappings.</summary>
    private async Task<Dictionary<string, WooProduct>> ResolveAsync(IReadOnlyList<string> skus, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, WooProduct>(StringComparer.Ordinal);
        var wanted = skus.ToHashSet(StringComparer.Ordinal);
        foreach (var chunk in skus.Chunk(_options.BatchSize))
        {
            var items = await _api.GetProductsAsync(string.Join(',', chunk), null, _options.BatchSize, cancellationToken).ConfigureAwait(false);
            foreach (var item in items)
            {
                if (item.Sku is { } sku && wanted.Contains(sku))
                {
                    found[sku] = item;
                }
            }
        }

        var mappings = found.Values
            .Select(item => new SkuMapping(
                item.Sku!,
                item.Id.ToString(CultureInfo.InvariantCulture),
                item.ParentId != 0 ? item.ParentId.ToString(CultureInfo.InvariantCulture) : null))
            .ToList();
        if (mappings.Count > 0)
        {
            await _mappings.SaveAsync(Store, mappings, cancellationToken).ConfigureAwait(false);
        }

        return found;
    }

    private static StockPushResult NotInStore(string sku, int? before) => new()
    {
        Sku = sku,
        Outcome = StockPushOutcome.Rejected,
        Before = before,
        Reason = $"The web store has no product with SKU '{sku}'; PosBridge never creates products.",
    };

    private static long ParseId(string id) => long.Parse(id, NumberStyles.None, CultureInfo.InvariantCulture);
}
