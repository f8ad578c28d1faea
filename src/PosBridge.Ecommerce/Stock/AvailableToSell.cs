using PosBridge.Core.Stock;

namespace PosBridge.Ecommerce.Stock;

/// <summary>One SKU at one web-store location: the unit the platforms hold a quantity for.</summary>
public readonly record struct StockKey(string Sku, string Location);

/// <summary>What the web store should offer for a SKU at one of its locations.</summary>
public readonly record struct DesiredLevel(StockKey Key, int Available);

/// <summary>
/// Available to sell = on hand − reserved − safety buffer, never below zero, in whole units (web stores
/// count units; a part unit is not offered, so the value is rounded down).
/// </summary>
public static class AvailableToSell
{
    public static int Compute(decimal onHand, decimal reserved, decimal buffer)
    {
        var available = decimal.Floor(onHand - reserved - buffer);
        return available <= 0m ? 0 : available >= int.MaxValue ? int.MaxValue : (int)available;
    }

    /// <summary>
    /// Sums the point-of-sale locations that feed each web-store location (<paramref name="locationFor"/>
    /// answers null for one that feeds none) and applies the buffer once per web-store location.
    /// A SKU absent from <paramref name="levels"/> is absent from the answer: a missing value is never a zero.
    /// </summary>
    public static IReadOnlyList<DesiredLevel> For(
        IReadOnlyList<StockLevel> levels,
        Func<string, string?> locationFor,
        SafetyBufferOptions buffers,
        IReadOnlyDictionary<string, string> categoryBySku,
        bool subtractReserved = true)
    {
        ArgumentNullException.ThrowIfNull(levels);
        ArgumentNullException.ThrowIfNull(locationFor);
        ArgumentNullException.ThrowIfNull(buffers);
        ArgumentNullException.ThrowIfNull(categoryBySku);

        var sums = new Dictionary<StockKey, (decimal OnHand, decimal Reserved)>(levels.Count);
        foreach (var level in levels)
        {
            if (string.IsNullOrWhiteSpace(level.Sku) || locationFor(level.LocationId) is not { } location)
            {
                continue;
            }

            var key = new StockKey(level.Sku, location);
            sums.TryGetValue(key, out var sum);
            sums[key] = (sum.OnHand + level.OnHand, subtractReserved ? sum.Reserved + level.Reserved : 0m);
        }

        var desired = new List<DesiredLevel>(sums.Count);
        foreach (var (key, sum) in sums)
        {
            categoryBySku.TryGetValue(key.Sku, out var category);
            desired.Add(new DesiredLevel(key, Compute(sum.OnHand, sum.Reserved, buffers.For(key.Sku, category))));
        }

        return desired;
    }
}
