using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
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
    public static async Task<IReadOnlyList<StockPushResult>> AdjustAsync(IWebStoreInventory inventory, IReadOnlyList<KeyedChange> changes, BeforeSend beforeSend, CancellationToken cancellationToken)
    {
        var current = await inventory.ReadAsync(changes.Select(c => c.Key).ToList(), cancellationToken).ConfigureAwait(false);
        var sets = new List<StockChange>();
        var pending = new List<PendingStockChange>();
        var batch = Batch(changes);
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
                var after = Math.Max(0, quantity + change.Change);
                sets.Add(new StockChange(change.Key, quantity, after));
                pending.Add(new PendingStockChange
                {
                    Batch = batch,
                    Sku = change.Key.Sku,
                    Location = change.Key.Location,
                    Change = change.Change,
                    Before = quantity,
                    After = after,
                    IdempotencyKeys = change.IdempotencyKeys,
                });
            }
        }

        if (pending.Count > 0)
        {
            await beforeSend(pending, cancellationToken).ConfigureAwait(false);
        }

        var pushed = sets.Count == 0 ? [] : await inventory.SetAsync(sets, cancellationToken).ConfigureAwait(false);
        var byKey = sets.Zip(pushed).ToDictionary(p => p.First.Key, p => p.Second);
        return changes.Select(c => refused.TryGetValue(c.Key, out var r) ? r : byKey[c.Key]).ToList();
    }

    /// <summary>
    /// Settles writes whose answer was never recorded by reading the level back: the level written means applied,
    /// the level read before means not applied. Anything else means the shop's stock moved since (a web order):
    /// counted as applied, since sending it again could take the units off twice; the next reconciliation from the
    /// system of record sets the absolute level either way. A product gone from the store has nothing to double.
    /// </summary>
    public static async Task<IReadOnlyList<bool?>> RecoverAsync(IWebStoreInventory inventory, IReadOnlyList<PendingStockChange> pending, string store, ILogger logger, CancellationToken cancellationToken)
    {
        var current = await inventory.ReadAsync(pending.Select(p => new StockKey(p.Sku, p.Location)).Distinct().ToList(), cancellationToken).ConfigureAwait(false);
        var answers = new List<bool?>(pending.Count);
        foreach (var change in pending)
        {
            current.TryGetValue(new StockKey(change.Sku, change.Location), out var now);
            bool applied;
            if (now is not { } level)
            {
                applied = false;
            }
            else if (level == change.After)
            {
                applied = true;
            }
            else if (level == change.Before)
            {
                applied = false;
            }
            else
            {
                applied = true;
                Log.RecoveryAmbiguous(logger, store, change.Sku, change.Before, change.After, level);
            }

            answers.Add(applied);
        }

        return answers;
    }

    /// <summary>A name for one write, the same for the same changes: it groups the intents the write carries.</summary>
    private static string Batch(IReadOnlyList<KeyedChange> changes)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', changes.SelectMany(c => c.IdempotencyKeys))));
        return "rw-" + Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }
}
