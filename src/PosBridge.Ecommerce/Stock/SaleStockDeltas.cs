using System.Globalization;
using PosBridge.Core.Sales;
using PosBridge.Core.Stock;

namespace PosBridge.Ecommerce.Stock;

/// <summary>The stock a sale moves: one change per line that has a SKU, keyed by the sale id and line number.</summary>
public static class SaleStockDeltas
{
    /// <summary>
    /// A sale takes its quantities off, a refund (negative quantities) puts them back. The key
    /// <c>{saleId}/{lineNumber}</c> makes a sale delivered twice move stock once.
    /// </summary>
    /// <param name="sale">The sale or refund.</param>
    /// <param name="locationId">The stock location the sale's goods left; the sale's store id when not given.</param>
    public static IReadOnlyList<StockDelta> From(Sale sale, string? locationId = null)
    {
        ArgumentNullException.ThrowIfNull(sale);
        var location = locationId ?? sale.StoreId;
        return sale.Lines
            .Where(line => !string.IsNullOrWhiteSpace(line.Sku) && line.Quantity != 0m)
            .Select(line => new StockDelta
            {
                Sku = line.Sku!,
                LocationId = location,
                Change = -line.Quantity,
                IdempotencyKey = sale.Id.ToString("D", CultureInfo.InvariantCulture) + "/" + line.LineNumber.ToString(CultureInfo.InvariantCulture),
            })
            .ToList();
    }
}
