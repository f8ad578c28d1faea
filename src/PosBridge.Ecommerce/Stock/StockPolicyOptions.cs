namespace PosBridge.Ecommerce.Stock;

/// <summary>
/// How a web store's available-to-sell is computed and how far one reconciliation run may lower it
/// before it stops and raises an alert instead.
/// </summary>
public sealed class StockPolicyOptions
{
    /// <summary>Units held back from the web store; the most specific buffer wins (SKU, then category, then store).</summary>
    public SafetyBufferOptions SafetyBuffer { get; set; } = new();

    /// <summary>
    /// A run that would take more SKUs than this from a positive level to zero stops without pushing anything:
    /// a bad mapping or an empty source looks exactly like that.
    /// </summary>
    public int MaxSkusToZero { get; set; } = 25;

    /// <summary>
    /// A run that would lower the store's total stock (over the SKUs it compares) by more than this share
    /// (0 to 1) stops without pushing anything.
    /// </summary>
    public decimal MaxDecreaseShare { get; set; } = 0.5m;
}

public sealed class SafetyBufferOptions
{
    /// <summary>Held back for every SKU of the store unless a category or SKU says otherwise.</summary>
    public decimal Store { get; set; }

    /// <summary>Per category id (the system of record's, as on <c>Product.CategoryId</c>).</summary>
    public Dictionary<string, decimal> Categories { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Per SKU.</summary>
    public Dictionary<string, decimal> Skus { get; set; } = new(StringComparer.Ordinal);

    internal decimal For(string sku, string? categoryId)
    {
        if (Skus.TryGetValue(sku, out var perSku))
        {
            return perSku;
        }

        if (categoryId is not null && Categories.TryGetValue(categoryId, out var perCategory))
        {
            return perCategory;
        }

        return Store;
    }
}
