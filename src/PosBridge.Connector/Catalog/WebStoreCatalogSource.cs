using PosBridge.Core.Adapters;
using PosBridge.Core.Catalog;
using PosBridge.Ecommerce.Catalog;

namespace PosBridge.Connector.Catalog;

/// <summary>
/// A store's catalog from its web store (<c>PosBridge:Stores:{id}:Catalog:Source</c> = WebStore, <c>…:WebStore</c> naming
/// one of <c>Ecommerce:Stores</c>): each page the web store gives becomes the store's products (only its tills get them),
/// priced in the store's currency, taxed by the store's configured taxes through <c>…:TaxClasses</c>, with the
/// store's configured payment methods. A run that read every product removes the store's products it did not see; one
/// that saw none at all changes nothing (an empty answer is far likelier a wrong setting than an empty shop).
/// The store's own stock count is not taken: see <see cref="StoreCatalogOptions.WebStore"/>.
/// </summary>
internal sealed class WebStoreCatalogSource(string storeId, StoreCatalogOptions settings, IWebStoreCatalog web, ICatalogSnapshot snapshot) : ICatalogSource
{
    public string Name => "webstore:" + StoreId;

    public string StoreId { get; } = storeId;

    public string WebStore => web.Name;

    private string Prefix => $"{StoreId}:{web.Name}:";

    public async Task<CatalogChanges> GetChangesAsync(string? cursor, int pageSize, CancellationToken cancellationToken = default)
    {
        WebCatalogPage page;
        try
        {
            page = await web.ReadAsync(cursor, pageSize, cancellationToken).ConfigureAwait(false);
        }
        catch (WebStoreCatalogException e)
        {
            throw new InvalidDataException($"store {StoreId}'s catalog: {e.Message}", e);
        }

        var problems = new List<string>();
        var products = page.Items.Select(i => Product(i, problems)).ToList();
        if (problems.Count > 0)
        {
            throw new InvalidDataException($"store {StoreId}'s catalog from web store {web.Name}: " + string.Join("; ", problems.Distinct(StringComparer.Ordinal)));
        }

        var known = (await snapshot.ProductsAsync(cancellationToken).ConfigureAwait(false))
            .Where(p => p.Stores.Count == 1 && string.Equals(p.Stores[0], StoreId, StringComparison.OrdinalIgnoreCase))
            .Select(p => p.Id)
            .ToList();
        var removed = new List<string>();
        if (page.AllIds is { } all)
        {
            if (all.Count == 0 && known.Count > 0)
            {
                throw new InvalidDataException(
                    $"store {StoreId}'s catalog: web store {web.Name} listed no products at all; the last catalog ({known.Count} products) is kept. Check that the key may read every product.");
            }

            var listed = all.Select(ProductId).ToHashSet(StringComparer.Ordinal);

            // Every other product of the store goes, also what an earlier source (a product file) gave it: one source per store.
            removed.AddRange(known.Where(id => !listed.Contains(id)));
        }
        else
        {
            var read = products.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
            foreach (var parent in page.CompleteParents)
            {
                var variations = ProductId(parent) + "/";
                removed.AddRange(known.Where(id => id.StartsWith(variations, StringComparison.Ordinal) && !read.Contains(id)));
            }
        }

        var methods = settings.PaymentMethodsOffered(StoreId);
        var methodIds = methods.Select(m => m.Id).ToHashSet(StringComparer.Ordinal);
        var removedMethods = (await snapshot.PaymentMethodsAsync(cancellationToken).ConfigureAwait(false))
            .Where(m => m.OfferedAt.Count == 1 && string.Equals(m.OfferedAt[0], StoreId, StringComparison.OrdinalIgnoreCase) && !methodIds.Contains(m.Id))
            .Select(m => m.Id)
            .ToList();
        var categories = page.Items.SelectMany(i => i.Categories)
            .DistinctBy(c => c.Id)
            .Select(c => new Category { Id = CategoryId(c.Id), Name = c.Name })
            .ToList();
        return new CatalogChanges
        {
            Products = products,
            Taxes = settings.TaxDefinitions(),
            Categories = categories,
            RemovedProductIds = removed,
            PaymentMethods = methods,
            RemovedPaymentMethodIds = removedMethods,
            NextCursor = page.NextCursor,
            HasMore = page.HasMore,
        };
    }

    private Product Product(WebCatalogItem item, List<string> problems)
    {
        var taxes = new List<string>();
        if (item.Taxable)
        {
            if (settings.TaxClasses.TryGetValue(item.TaxClass, out var taxId))
            {
                taxes.Add(taxId);
            }
            else if (item.TaxClass == WebCatalogItem.StandardTaxClass && settings.Taxes.Count == 1)
            {
                taxes.Add(settings.Taxes[0].Id);
            }
            else
            {
                problems.Add($"tax class '{item.TaxClass}' has no tax: set {StoreCatalogsOptions.Section}:{StoreId}:Catalog:TaxClasses:{item.TaxClass} to one of the store's Catalog:Taxes ids");
            }
        }

        // A product with no price is not sold at the till (never at zero); it stays known for refunds.
        var name = item.Name.Length > 0 ? item.Name : item.Sku ?? item.Id;
        return new Product
        {
            Id = ProductId(item.Id),
            Name = name,
            Sku = item.Sku,
            Barcode = item.Barcode,
            CategoryId = item.Categories.Count > 0 ? CategoryId(item.Categories[0].Id) : null,
            Unit = "Units",
            ListPrice = item.Price ?? 0m,
            Currency = settings.Currency!,
            TaxIds = taxes,
            IsStockTracked = item.StockTracked,
            Active = item.Published && item.Price is not null,
            Stores = [StoreId],
        };
    }

    private string ProductId(string itemId) => Prefix + itemId;

    private string CategoryId(string categoryId) => $"{Prefix}category:{categoryId}";
}
