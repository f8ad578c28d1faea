namespace PosBridge.Ecommerce.Stock;

/// <summary>A level to set: <see cref="Before"/> is what the web store holds now (null when not known).</summary>
public readonly record struct StockChange(StockKey Key, int? Before, int After);

/// <summary>Why a reconciliation run pushed nothing. An alert for people, not an exception.</summary>
public sealed record StockSafetyStop
{
    public required string Store { get; init; }

    public required string Reason { get; init; }

    /// <summary>SKUs the run would have taken from a positive level to zero.</summary>
    public required int SkusToZero { get; init; }

    /// <summary>The share (0 to 1) by which the run would have lowered the store's total stock.</summary>
    public required decimal DecreaseShare { get; init; }

    /// <summary>A few of the SKUs concerned, to start looking.</summary>
    public required IReadOnlyList<string> SampleSkus { get; init; }
}

/// <summary>The difference between what a web store holds and what it should hold, and whether it is safe to push.</summary>
internal sealed class StockPlan
{
    private StockPlan(IReadOnlyList<StockChange> changes, IReadOnlyList<StockChange> unchanged, IReadOnlyList<StockKey> notInStore, IReadOnlyList<StockKey> untracked)
    {
        Changes = changes;
        Unchanged = unchanged;
        NotInStore = notInStore;
        Untracked = untracked;
    }

    public IReadOnlyList<StockChange> Changes { get; }

    public IReadOnlyList<StockChange> Unchanged { get; }

    /// <summary>SKUs the web store does not have (at that location): reported, never created.</summary>
    public IReadOnlyList<StockKey> NotInStore { get; }

    /// <summary>
    /// Items the web store keeps no quantity for (WooCommerce's <c>manage_stock</c> off): a shop setting, which
    /// reconciliation does not overturn.
    /// </summary>
    public IReadOnlyList<StockKey> Untracked { get; }

    public static StockPlan Diff(IReadOnlyList<DesiredLevel> desired, IReadOnlyDictionary<StockKey, int?> current)
    {
        var changes = new List<StockChange>();
        var unchanged = new List<StockChange>(desired.Count);
        var notInStore = new List<StockKey>();
        var untracked = new List<StockKey>();
        foreach (var level in desired)
        {
            if (!current.TryGetValue(level.Key, out var before))
            {
                notInStore.Add(level.Key);
            }
            else if (before is null)
            {
                untracked.Add(level.Key);
            }
            else if (before == level.Available)
            {
                unchanged.Add(new StockChange(level.Key, before, level.Available));
            }
            else
            {
                changes.Add(new StockChange(level.Key, before, level.Available));
            }
        }

        return new StockPlan(changes, unchanged, notInStore, untracked);
    }

    /// <summary>Null when the plan is within the policy's limits; otherwise why it must not be pushed.</summary>
    public StockSafetyStop? Check(string store, StockPolicyOptions policy)
    {
        long totalBefore = 0;
        foreach (var change in Unchanged)
        {
            totalBefore += Math.Max(0, change.Before ?? 0);
        }

        long decrease = 0;
        var zeroed = new List<string>();
        foreach (var change in Changes)
        {
            var before = Math.Max(0, change.Before ?? 0);
            totalBefore += before;
            decrease += Math.Max(0, before - change.After);
            if (change.After == 0 && before > 0)
            {
                zeroed.Add(change.Key.Sku);
            }
        }

        var share = totalBefore == 0 ? 0m : (decimal)decrease / totalBefore;
        string? reason = null;
        if (zeroed.Count > policy.MaxSkusToZero)
        {
            reason = $"The run would set {zeroed.Count} SKUs to zero (at most {policy.MaxSkusToZero} allowed); nothing was pushed. Check the stock source and the SKU mappings.";
        }
        else if (share > policy.MaxDecreaseShare)
        {
            reason = $"The run would lower the store's stock by {share:P1} (at most {policy.MaxDecreaseShare:P1} allowed); nothing was pushed. Check the stock source.";
        }

        return reason is null
            ? null
            : new StockSafetyStop
            {
                Store = store,
                Reason = reason,
                SkusToZero = zeroed.Count,
                DecreaseShare = share,
                SampleSkus = zeroed.Count > 0 ? zeroed.Take(10).ToList() : Changes.Take(10).Select(c => c.Key.Sku).ToList(),
            };
    }
}
