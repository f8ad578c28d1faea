using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using PosBridge.Core.Stock;
using PosBridge.Ecommerce.Stock;

namespace PosBridge.Ecommerce.Shopify;

/// <summary>
/// Shopify stock: the "available" quantity of an inventory item at a location. Absolute levels are set with
/// compare-and-swap (<c>changeFromQuantity</c>): a mismatch means a web order moved the quantity meanwhile, so
/// it is read again and the swap retried.
/// </summary>
internal sealed class ShopifyInventory : IWebStoreInventory
{
    private const string StaleFromQuantity = "CHANGE_FROM_QUANTITY_STALE";
    private const string StaleCompareQuantity = "COMPARE_QUANTITY_STALE";

    private readonly ShopifyGraphQlClient _client;
    private readonly ShopifyOptions _options;
    private readonly ISkuMappingStore _mappings;
    private readonly ILogger _logger;
    private readonly ShopifyLocationIds _locationIds;

    public ShopifyInventory(ShopifyGraphQlClient client, ShopifyOptions options, ISkuMappingStore mappings, ShopifyLocationIds locationIds, ILogger logger)
    {
        _client = client;
        _options = options;
        _mappings = mappings;
        _locationIds = locationIds;
        _logger = logger;
    }

    private string Store => _options.Name;

    public string? LocationFor(string posLocationId) => _options.Locations.GetValueOrDefault(posLocationId);

    public async Task<IReadOnlyDictionary<StockKey, int?>> ReadAsync(IReadOnlyCollection<StockKey> keys, CancellationToken cancellationToken = default)
    {
        var skus = keys.Select(k => k.Sku).Distinct(StringComparer.Ordinal).ToList();
        var mapped = new Dictionary<string, SkuMapping>(await _mappings.FindAsync(Store, skus, cancellationToken).ConfigureAwait(false), StringComparer.Ordinal);
        var current = new Dictionary<StockKey, int?>(keys.Count);
        var lost = await ReadLevelsAsync(keys.Where(k => mapped.ContainsKey(k.Sku)).ToList(), mapped, current, cancellationToken).ConfigureAwait(false);

        var toResolve = skus.Where(s => !mapped.ContainsKey(s) || lost.Contains(s)).ToList();
        if (toResolve.Count > 0)
        {
            foreach (var sku in lost)
            {
                Log.MappingLost(_logger, Store, sku, mapped[sku].ItemId);
                await _mappings.RemoveAsync(Store, sku, cancellationToken).ConfigureAwait(false);
            }

            var resolved = await ResolveAsync(toResolve, cancellationToken).ConfigureAwait(false);
            var wanted = toResolve.ToHashSet(StringComparer.Ordinal);
            await ReadLevelsAsync(keys.Where(k => wanted.Contains(k.Sku) && resolved.ContainsKey(k.Sku)).ToList(), resolved, current, cancellationToken).ConfigureAwait(false);
        }

        return current;
    }

    public async Task<IReadOnlyList<StockPushResult>> SetAsync(IReadOnlyList<StockChange> changes, CancellationToken cancellationToken = default)
    {
        var mapped = await _mappings.FindAsync(Store, changes.Select(c => c.Key.Sku).Distinct(StringComparer.Ordinal).ToList(), cancellationToken).ConfigureAwait(false);
        var results = new List<StockPushResult>(changes.Count);

        // Part of every key: a later run making the very same correction (5 → 7 again) is a new request and must
        // not be answered from Shopify's memory of this one; a retry of the same HTTP request keeps its key.
        var run = _client.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var chunk in changes.Chunk(_options.BatchSize))
        {
            await SetChunkAsync(chunk, mapped, run, results, cancellationToken).ConfigureAwait(false);
        }

        return results;
    }

    public async Task<IReadOnlyList<StockPushResult>> AdjustAsync(IReadOnlyList<KeyedChange> changes, BeforeSend beforeSend, CancellationToken cancellationToken = default)
    {
        var mapped = await MappedAsync(changes.Select(c => c.Key.Sku), cancellationToken).ConfigureAwait(false);
        var results = new Dictionary<KeyedChange, StockPushResult>();
        var known = new List<KeyedChange>();
        foreach (var change in changes)
        {
            if (mapped.ContainsKey(change.Key.Sku))
            {
                known.Add(change);
            }
            else
            {
                results[change] = NotInStore(change.Key, null);
            }
        }

        var locations = await LocationIdsAsync(cancellationToken).ConfigureAwait(false);
        var resolvedAgain = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<KeyedChange[]>(known.Chunk(_options.BatchSize));
        while (queue.TryDequeue(out var chunk))
        {
            // Keyed by the deltas' own idempotency keys and the items they go to: the same sale lines sent again are the
            // same request, while the same lines sent to an item found again by SKU are a new one.
            var key = ShopifyGraphQlClient.IdempotencyKey(ShopifyOperations.AdjustQuantities, string.Join('\n', chunk.Select(c => $"{c.Key.Sku}|{mapped[c.Key.Sku].ItemId}|{c.Key.Location}|{c.Change}|{string.Join(',', c.IdempotencyKeys)}")));
            await beforeSend(
                chunk.Select(c => new PendingStockChange { Batch = key, Sku = c.Key.Sku, Location = c.Key.Location, Change = c.Change, IdempotencyKeys = c.IdempotencyKeys }).ToList(),
                cancellationToken).ConfigureAwait(false);
            var (errors, afterByItem) = await SendAdjustAsync(chunk, key, mapped, locations, cancellationToken).ConfigureAwait(false);
            if (errors.Count > 0)
            {
                // The mutation applies all or nothing: the items named are refused and the rest sent again at once
                // (a new request, so a new key). Waiting for the next delivery instead would send the same content
                // under the same key, and Shopify would answer the same refusal for ever.
                var rest = new List<KeyedChange>();
                var unattributed = errors.Where(e => e.ItemIndex("changes") is null).Select(e => $"{e.Code}: {e.Message}").ToList();
                var remapped = await RemapLostAsync(
                    chunk.Where((c, i) => errors.Any(e => e.ItemIndex("changes") == i) && !resolvedAgain.Contains(c.Key.Sku)).ToList(), mapped, resolvedAgain, cancellationToken).ConfigureAwait(false);
                foreach (var (change, index) in chunk.Select((c, i) => (c, i)))
                {
                    var own = errors.FirstOrDefault(e => e.ItemIndex("changes") == index);
                    if (own is not null && remapped.Contains(change.Key.Sku))
                    {
                        // The item id was stale (variant deleted and made again): found again by SKU, sent again.
                        rest.Add(change);
                    }
                    else if (own is not null || unattributed.Count > 0)
                    {
                        results[change] = new StockPushResult { Sku = change.Key.Sku, Outcome = StockPushOutcome.Rejected, Reason = own is not null ? $"{own.Code}: {own.Message}" : string.Join("; ", unattributed) };
                    }
                    else
                    {
                        rest.Add(change);
                    }
                }

                if (rest.Count == chunk.Length && remapped.Count == 0)
                {
                    // Errors that name no item of ours: nothing to leave out, so nothing to retry either.
                    var reason = string.Join("; ", errors.Select(e => $"{e.Code}: {e.Message}"));
                    rest.ForEach(c => results[c] = new StockPushResult { Sku = c.Key.Sku, Outcome = StockPushOutcome.Rejected, Reason = reason });
                }
                else if (rest.Count > 0)
                {
                    queue.Enqueue([.. rest]);
                }

                continue;
            }

            foreach (var change in chunk)
            {
                int? after = afterByItem.TryGetValue((mapped[change.Key.Sku].ItemId, locations[change.Key.Location]), out var a) ? a : null;
                results[change] = new StockPushResult { Sku = change.Key.Sku, Outcome = StockPushOutcome.Applied, Before = after - change.Change, After = after };
            }
        }

        return changes.Select(c => results[c]).ToList();
    }

    /// <summary>
    /// Sends each pending request again exactly as it was, under its own idempotency key: Shopify answers one it
    /// took from its memory without applying it again, and applies one it never received. Either way it is
    /// applied once. A SKU no longer in the shop has nothing to apply.
    /// </summary>
    public async Task<IReadOnlyList<bool?>> RecoverAsync(IReadOnlyList<PendingStockChange> pending, CancellationToken cancellationToken = default)
    {
        var mapped = await MappedAsync(pending.Select(p => p.Sku), cancellationToken).ConfigureAwait(false);
        var locations = await LocationIdsAsync(cancellationToken).ConfigureAwait(false);
        var answers = new Dictionary<PendingStockChange, bool?>();
        foreach (var batch in pending.GroupBy(p => p.Batch, StringComparer.Ordinal))
        {
            var changes = batch.Where(p => mapped.ContainsKey(p.Sku) && locations.ContainsKey(p.Location)).ToList();
            foreach (var gone in batch.Except(changes))
            {
                answers[gone] = false;
            }

            if (changes.Count == 0)
            {
                continue;
            }

            var keyed = changes.Select(p => new KeyedChange(new StockKey(p.Sku, p.Location), p.Change, p.IdempotencyKeys)).ToArray();
            var (errors, _) = await SendAdjustAsync(keyed, batch.Key, mapped, locations, cancellationToken).ConfigureAwait(false);
            foreach (var change in changes)
            {
                answers[change] = errors.Count == 0;
            }
        }

        return pending.Select(p => answers[p]).ToList();
    }

    /// <summary>
    /// Of changes Shopify refused, those whose inventory item is gone or now holds another SKU: their mappings are
    /// dropped and the SKUs resolved again (never created). Answers the SKUs now mapped afresh; each SKU once per call.
    /// </summary>
    private async Task<HashSet<string>> RemapLostAsync(List<KeyedChange> refused, Dictionary<string, SkuMapping> mapped, HashSet<string> resolvedAgain, CancellationToken cancellationToken)
    {
        var remapped = new HashSet<string>(StringComparer.Ordinal);
        if (refused.Count == 0)
        {
            return remapped;
        }

        var lost = await ReadLevelsAsync(refused.Select(c => c.Key).Distinct().ToList(), mapped, [], cancellationToken).ConfigureAwait(false);
        if (lost.Count == 0)
        {
            return remapped;
        }

        foreach (var sku in lost)
        {
            Log.MappingLost(_logger, Store, sku, mapped[sku].ItemId);
            await _mappings.RemoveAsync(Store, sku, cancellationToken).ConfigureAwait(false);
            resolvedAgain.Add(sku);
        }

        foreach (var (sku, mapping) in await ResolveAsync([.. lost], cancellationToken).ConfigureAwait(false))
        {
            mapped[sku] = mapping;
            remapped.Add(sku);
        }

        return remapped;
    }

    private async Task<Dictionary<string, SkuMapping>> MappedAsync(IEnumerable<string> skus, CancellationToken cancellationToken)
    {
        var wanted = skus.Distinct(StringComparer.Ordinal).ToList();
        var mapped = new Dictionary<string, SkuMapping>(await _mappings.FindAsync(Store, wanted, cancellationToken).ConfigureAwait(false), StringComparer.Ordinal);
        var unmapped = wanted.Where(s => !mapped.ContainsKey(s)).ToList();
        if (unmapped.Count > 0)
        {
            foreach (var (sku, mapping) in await ResolveAsync(unmapped, cancellationToken).ConfigureAwait(false))
            {
                mapped[sku] = mapping;
            }
        }

        return mapped;
    }

    /// <summary>One <c>inventoryAdjustQuantities</c> under <paramref name="key"/>: its user errors, or the available quantity after each change.</summary>
    private async Task<(List<UserError> Errors, Dictionary<(string Item, string Location), int> AfterByItem)> SendAdjustAsync(
        KeyedChange[] chunk,
        string key,
        Dictionary<string, SkuMapping> mapped,
        Dictionary<string, string> locations,
        CancellationToken cancellationToken)
    {
        var input = new Dictionary<string, object?>
        {
            ["name"] = "available",
            ["reason"] = "correction",
            ["referenceDocumentUri"] = "posbridge://stock-deltas/" + ShopifyGraphQlClient.IdempotencyKey("deltas", string.Join('\n', chunk.SelectMany(c => c.IdempotencyKeys))),
            ["changes"] = chunk.Select(c => new Dictionary<string, object?>
            {
                ["delta"] = c.Change,
                ["inventoryItemId"] = mapped[c.Key.Sku].ItemId,
                ["locationId"] = locations[c.Key.Location],
            }).ToList(),
        };

        var data = await _client.ExecuteAsync(
            ShopifyOperations.AdjustQuantities,
            ShopifyOperations.AdjustQuantitiesMutation,
            new Dictionary<string, object?> { ["input"] = input, ["idempotencyKey"] = key },
            cancellationToken).ConfigureAwait(false);

        var payload = data.GetProperty("inventoryAdjustQuantities");
        var errors = UserErrors(payload);
        var afterByItem = new Dictionary<(string Item, string Location), int>();
        if (errors.Count == 0 && payload.TryGetProperty("inventoryAdjustmentGroup", out var group) && group.ValueKind == JsonValueKind.Object)
        {
            foreach (var applied in group.GetProperty("changes").EnumerateArray())
            {
                if (applied.GetProperty("name").GetString() == "available" && applied.GetProperty("quantityAfterChange").ValueKind == JsonValueKind.Number)
                {
                    afterByItem[(applied.GetProperty("item").GetProperty("id").GetString()!, applied.GetProperty("location").GetProperty("id").GetString()!)] =
                        applied.GetProperty("quantityAfterChange").GetInt32();
                }
            }
        }

        return (errors, afterByItem);
    }

    private async Task SetChunkAsync(StockChange[] chunk, IReadOnlyDictionary<string, SkuMapping> mapped, string run, List<StockPushResult> results, CancellationToken cancellationToken)
    {
        var locations = await LocationIdsAsync(cancellationToken).ConfigureAwait(false);
        var pending = new List<StockChange>();
        foreach (var change in chunk)
        {
            if (mapped.ContainsKey(change.Key.Sku))
            {
                pending.Add(change);
            }
            else
            {
                results.Add(NotInStore(change.Key, change.Before));
            }
        }

        for (var attempt = 1; pending.Count > 0; attempt++)
        {
            var quantities = pending.Select(c => new Dictionary<string, object?>
            {
                ["inventoryItemId"] = mapped[c.Key.Sku].ItemId,
                ["locationId"] = locations[c.Key.Location],
                ["quantity"] = c.After,
                ["changeFromQuantity"] = c.Before,
            }).ToList();
            var content = run + "\n" + string.Join('\n', pending.Select(c => $"{mapped[c.Key.Sku].ItemId}|{locations[c.Key.Location]}|{c.Before}|{c.After}"));
            var input = new Dictionary<string, object?>
            {
                ["name"] = "available",
                ["reason"] = "correction",
                ["referenceDocumentUri"] = "posbridge://reconciliation/" + ShopifyGraphQlClient.IdempotencyKey("reconciliation", content),
                ["quantities"] = quantities,
            };
            var data = await _client.ExecuteAsync(
                ShopifyOperations.SetQuantities,
                ShopifyOperations.SetQuantitiesMutation,
                new Dictionary<string, object?> { ["input"] = input, ["idempotencyKey"] = ShopifyGraphQlClient.IdempotencyKey(ShopifyOperations.SetQuantities, content) },
                cancellationToken).ConfigureAwait(false);

            var errors = UserErrors(data.GetProperty("inventorySetQuantities"));
            if (errors.Count == 0)
            {
                results.AddRange(pending.Select(c => new StockPushResult { Sku = c.Key.Sku, Outcome = StockPushOutcome.Applied, Before = c.Before, After = c.After }));
                return;
            }

            // Nothing was applied. Items refused for their own reasons leave; stale ones are read again; the
            // rest go again unchanged.
            var stale = new List<StockChange>();
            var next = new List<StockChange>();
            var unattributed = errors.Where(e => e.ItemIndex("quantities") is null).ToList();
            if (unattributed.Count > 0)
            {
                var reason = string.Join("; ", unattributed.Select(e => $"{e.Code}: {e.Message}"));
                results.AddRange(pending.Select(c => new StockPushResult { Sku = c.Key.Sku, Outcome = StockPushOutcome.Rejected, Before = c.Before, Reason = reason }));
                return;
            }

            for (var i = 0; i < pending.Count; i++)
            {
                var own = errors.FirstOrDefault(e => e.ItemIndex("quantities") == i);
                if (own is null)
                {
                    next.Add(pending[i]);
                }
                else if (own.Code is StaleFromQuantity or StaleCompareQuantity)
                {
                    stale.Add(pending[i]);
                }
                else
                {
                    results.Add(new StockPushResult { Sku = pending[i].Key.Sku, Outcome = StockPushOutcome.Rejected, Before = pending[i].Before, Reason = $"{own.Code}: {own.Message}" });
                }
            }

            if (stale.Count > 0)
            {
                if (attempt >= _options.MaxCompareAndSwapAttempts)
                {
                    results.AddRange(stale.Select(c => new StockPushResult
                    {
                        Sku = c.Key.Sku,
                        Outcome = StockPushOutcome.RetryLater,
                        Before = c.Before,
                        Reason = $"The web store's quantity kept changing during {attempt} compare-and-swap attempts; the next run tries again.",
                    }));
                }
                else
                {
                    Log.ShopifyCasMismatch(_logger, stale.Count, attempt);
                    var reread = new Dictionary<StockKey, int?>();
                    await ReadLevelsAsync(stale.Select(s => s.Key).ToList(), mapped, reread, cancellationToken).ConfigureAwait(false);
                    foreach (var change in stale)
                    {
                        if (!reread.TryGetValue(change.Key, out var now))
                        {
                            results.Add(NotInStore(change.Key, change.Before));
                        }
                        else if (now == change.After)
                        {
                            results.Add(new StockPushResult { Sku = change.Key.Sku, Outcome = StockPushOutcome.Unchanged, Before = now, After = now });
                        }
                        else
                        {
                            next.Add(change with { Before = now });
                        }
                    }
                }
            }

            pending = next;
        }
    }

    /// <summary>
    /// Reads the "available" quantity of <paramref name="keys"/> into <paramref name="current"/> (250 items per
    /// call and location) and answers the SKUs whose inventory item is gone or now holds another SKU.
    /// </summary>
    private async Task<HashSet<string>> ReadLevelsAsync(
        List<StockKey> keys,
        IReadOnlyDictionary<string, SkuMapping> mapped,
        Dictionary<StockKey, int?> current,
        CancellationToken cancellationToken)
    {
        var lost = new HashSet<string>(StringComparer.Ordinal);
        if (keys.Count == 0)
        {
            return lost;
        }

        var locations = await LocationIdsAsync(cancellationToken).ConfigureAwait(false);
        foreach (var byLocation in keys.GroupBy(k => k.Location))
        {
            foreach (var chunk in byLocation.Chunk(_options.BatchSize))
            {
                var ids = chunk.Select(k => mapped[k.Sku].ItemId).ToList();
                var data = await _client.ExecuteAsync(
                    ShopifyOperations.InventoryLevels,
                    ShopifyOperations.InventoryLevelsQuery,
                    new Dictionary<string, object?> { ["ids"] = ids, ["locationId"] = locations[byLocation.Key] },
                    cancellationToken).ConfigureAwait(false);

                var nodes = data.GetProperty("nodes");
                for (var i = 0; i < chunk.Length; i++)
                {
                    var node = i < nodes.GetArrayLength() ? nodes[i] : default;
                    var key = chunk[i];
                    if (node.ValueKind != JsonValueKind.Object || node.GetProperty("sku").GetString() != key.Sku)
                    {
                        lost.Add(key.Sku);
                        continue;
                    }

                    // No inventory level: the item is not stocked at that location; it stays absent (not a zero).
                    if (node.GetProperty("inventoryLevel") is { ValueKind: JsonValueKind.Object } level)
                    {
                        var available = level.GetProperty("quantities").EnumerateArray().FirstOrDefault(q => q.GetProperty("name").GetString() == "available");
                        current[key] = available.ValueKind == JsonValueKind.Object ? available.GetProperty("quantity").GetInt32() : null;
                    }
                }
            }
        }

        return lost;
    }

    /// <summary>Finds inventory items by SKU (product variants search) and keeps the mappings.</summary>
    private async Task<Dictionary<string, SkuMapping>> ResolveAsync(IReadOnlyList<string> skus, CancellationToken cancellationToken)
    {
        var wanted = skus.ToHashSet(StringComparer.Ordinal);
        var found = new Dictionary<string, SkuMapping>(StringComparer.Ordinal);

        // Search strings have a practical length limit; 50 SKUs per query stays well inside it.
        foreach (var chunk in skus.Chunk(50))
        {
            var search = string.Join(" OR ", chunk.Select(s => $"sku:\"{s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\""));
            var data = await _client.ExecuteAsync(
                ShopifyOperations.VariantsBySku,
                ShopifyOperations.VariantsBySkuQuery,
                new Dictionary<string, object?> { ["query"] = search },
                cancellationToken).ConfigureAwait(false);
            foreach (var variant in data.GetProperty("productVariants").GetProperty("nodes").EnumerateArray())
            {
                var sku = variant.GetProperty("sku").GetString();
                if (sku is not null && wanted.Contains(sku))
                {
                    found[sku] = new SkuMapping(sku, variant.GetProperty("inventoryItem").GetProperty("id").GetString()!, variant.GetProperty("id").GetString());
                }
            }
        }

        if (found.Count > 0)
        {
            await _mappings.SaveAsync(Store, found.Values.ToList(), cancellationToken).ConfigureAwait(false);
        }

        return found;
    }

    /// <summary>Configured location (id or name) → Shopify location id, looked up once.</summary>
    private async Task<Dictionary<string, string>> LocationIdsAsync(CancellationToken cancellationToken)
    {
        if (_locationIds.Resolved is { } resolved)
        {
            return resolved;
        }

        var configured = _options.Locations.Values.Distinct(StringComparer.Ordinal).ToList();
        var ids = configured.Where(IsGid).ToDictionary(v => v, v => v, StringComparer.Ordinal);
        if (ids.Count < configured.Count)
        {
            var data = await _client.ExecuteAsync(ShopifyOperations.Locations, ShopifyOperations.LocationsQuery, new Dictionary<string, object?>(), cancellationToken).ConfigureAwait(false);
            var byName = data.GetProperty("locations").GetProperty("nodes").EnumerateArray()
                .GroupBy(n => n.GetProperty("name").GetString() ?? "", StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.First().GetProperty("id").GetString()!, StringComparer.Ordinal);
            var missing = new StringBuilder();
            foreach (var name in configured.Where(v => !IsGid(v)))
            {
                if (byName.TryGetValue(name, out var id))
                {
                    ids[name] = id;
                }
                else
                {
                    missing.Append(missing.Length > 0 ? ", " : "").Append('\'').Append(name).Append('\'');
                }
            }

            if (missing.Length > 0)
            {
                throw new ShopifyException($"{_options.Section}:Locations names Shopify locations the shop does not have: {missing}.");
            }
        }

        _locationIds.Resolved = ids;
        return ids;
    }

    private static bool IsGid(string value) => value.StartsWith("gid://shopify/Location/", StringComparison.Ordinal);

    private static List<UserError> UserErrors(JsonElement payload) =>
        payload.TryGetProperty("userErrors", out var errors) && errors.ValueKind == JsonValueKind.Array
            ? errors.Deserialize<List<UserError>>() ?? []
            : [];

    private static StockPushResult NotInStore(StockKey key, int? before) => new()
    {
        Sku = key.Sku,
        Outcome = StockPushOutcome.Rejected,
        Before = before,
        Reason = $"The web store has no inventory item with SKU '{key.Sku}'; PosBridge never creates products.",
    };
}
