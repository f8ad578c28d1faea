using PosBridge.Core.Stock;

namespace PosBridge.Ecommerce.Stock;

/// <summary>Deltas for platforms that only take absolute quantities (WooCommerce, Magento's source items).</summary>
internal static class ReadAddWrite
{
    /// <summary>
    /// Reads the current quantities, adds the changes (never below zero) and sets the results. A web order
    /// landing between the read and the write is overwritten; the next reconciliation (from the system of
    /// record) puts it right. One result per change, in order.
    /// </summary>
    public static async Task<IReadOnlyList<StockPushResult>> AdjustAsync(IWebStoreInventory inventory, IReadOnlyList<KeyedChange> changes, CancellationToken cancellationToken)
    {
        var current = await inventory.ReadAsync(changes.Select(c => c.Key).ToList(), cancellationToken).ConfigureAwait(false);
        var sets = new List<StockChange>();
        var refused = new Dictionary<StockKey, StockPushResult>();
        foreach (var change in changes)
        {
            if (!current.TryGetValue(change.Key, out var before))
            {
                refused[change.Key] = new StockPushResult
                {
                    Sku = change.Key.Sku,
                    Outcome = StockPushOutcome.Rejected,
                    Reason = $"The web store has no product with SKU '{change.Key.Sku}' at '{change.Key.Location}'; PosBridge never creates products.",
                };
            }
            else if (before is not { } quantity)
            {
                refused[change.Key] = new StockPushResult
                {
                    Sku = change.Key.Sku,
                    Outcome = StockPushOutcome.Rejected,
                    Reason = $"The web store keeps no stock quantity for SKU '{change.Key.Sku}' (stock management is off there); it is left alone.",
                };
            }
            else
            {
                sets.Add(new StockChange(change.Key, quantity, Math.Max(0, quantity + change.Change)));
            }
        }

        var pushed = sets.Count == 0 ? [] : await inventory.SetAsync(sets, cancellationToken).ConfigureAwait(false);
        var byKey = sets.Zip(pushed).ToDictionary(p => p.First.Key, p => p.Second);
        return changes.Select(c => refused.TryGetValue(c.Key, out var r) ? r : byKey[c.Key]).ToList();
    }
}
