using System.Collections.Concurrent;
using PosBridge.Core.Catalog;

namespace PosBridge.Ecommerce.Stock;

/// <summary>
/// The category of each SKU, for category safety buffers. <c>StockLevel</c> does not carry it, so the
/// connector feeds this from its catalog pulls (<see cref="Update"/>).
/// </summary>
public sealed class SkuCategories
{
    private readonly ConcurrentDictionary<string, string> _categoryBySku = new(StringComparer.Ordinal);

    public void Update(IEnumerable<Product> products)
    {
        ArgumentNullException.ThrowIfNull(products);
        foreach (var product in products)
        {
            if (product.Sku is null)
            {
                continue;
            }

            if (product.CategoryId is null)
            {
                _categoryBySku.TryRemove(product.Sku, out _);
            }
            else
            {
                _categoryBySku[product.Sku] = product.CategoryId;
            }
        }
    }

    internal IReadOnlyDictionary<string, string> Snapshot() => _categoryBySku;
}
