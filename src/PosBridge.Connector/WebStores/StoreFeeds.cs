using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using PosBridge.Connector.Catalog;
using PosBridge.Core.Catalog;
using PosBridge.Core.Taxes;
using PosBridge.Ecommerce.Publishing;
using PosBridge.Ecommerce.Stock;
using PosBridge.Ecommerce.Stores;

namespace PosBridge.Connector.WebStores;

/// <summary>The files a store's catalog is published as; the name is the last part of its address.</summary>
internal enum FeedFile
{
    GoogleTsv,
    GoogleRss,
    ShopifyCsv,
    WooCommerceCsv,
}

internal static class FeedFiles
{
    private static readonly Dictionary<string, FeedFile> ByName = new(StringComparer.Ordinal)
    {
        ["google.tsv"] = FeedFile.GoogleTsv,
        ["google.xml"] = FeedFile.GoogleRss,
        ["shopify.csv"] = FeedFile.ShopifyCsv,
        ["woocommerce.csv"] = FeedFile.WooCommerceCsv,
    };

    public static IReadOnlyCollection<string> Names => ByName.Keys;

    public static bool TryParse(string name, out FeedFile file) => ByName.TryGetValue(name, out file);

    public static string ContentType(FeedFile file) => file switch
    {
        FeedFile.GoogleTsv => "text/tab-separated-values; charset=utf-8",
        FeedFile.GoogleRss => "application/rss+xml; charset=utf-8",
        _ => "text/csv; charset=utf-8",
    };
}

/// <summary>A published file and the items left out of it, with the reason.</summary>
internal sealed record FeedContent(byte[] Bytes, string ContentType, int Items, IReadOnlyList<FeedRejection> Rejected)
{
    /// <summary>Items written otherwise than the catalog says (a draft for unknown stock, a barcode sent as no GTIN), and why.</summary>
    public IReadOnlyList<FeedRejection> Notes { get; init; } = [];

    /// <summary>A strong validator of the bytes: the same catalog and stock give the same tag.</summary>
    public string ETag { get; } = "\"" + Convert.ToHexStringLower(SHA256.HashData(Bytes).AsSpan(0, 16)) + "\"";
}

/// <summary>
/// A store's catalog as Merchant Center feed or product CSV, built from the connector's catalog snapshot with the
/// store's own available-to-sell (its locations, buffers and policy). Goods only: a product that counts no stock
/// (a service) is left out, and one whose stock level is missing is reported, never published as out of stock.
/// </summary>
internal sealed class StoreFeeds(Ecommerce.Stores.WebStores stores, IOptionsMonitor<FeedOptions> feeds, IServiceProvider services, ICatalogSnapshot catalog)
{
    /// <summary>The stores that publish a feed.</summary>
    public IReadOnlyList<WebStore> Publishing => stores.All.Where(s => s.HasFeed).ToList();

    public WebStore? Find(string store) => stores.Find(store) is { HasFeed: true } found ? found : null;

    public FeedOptions Options(WebStore store) => feeds.Get(store.Name);

    public async Task<FeedContent> BuildAsync(WebStore store, FeedFile file, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var options = Options(store);
        var products = await catalog.ProductsAsync(cancellationToken).ConfigureAwait(false);
        var levels = await catalog.StockLevelsAsync(cancellationToken).ConfigureAwait(false);
        var available = services.GetRequiredKeyedService<WebStoreStockTarget>(store.Name).AvailableBySku(levels);
        var categories = (await catalog.CategoriesAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(c => c.Id, StringComparer.Ordinal);
        var taxes = (await catalog.TaxesAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(t => t.Id, StringComparer.Ordinal);
        var listings = products
            .Where(p => p.IsStockTracked)
            .Select(p => options.Listing(
                p,
                p.Sku is { } sku && available.TryGetValue(sku, out var units) ? units : null,
                CategoryPath(p.CategoryId, categories),
                Taxable(p, taxes)))
            .ToList();

        using var buffer = new MemoryStream();
        var utf8 = new UTF8Encoding(false);
        IReadOnlyList<FeedRejection> rejected = [];
        IReadOnlyList<FeedRejection> notes;
        var items = listings.Count;
        if (file == FeedFile.GoogleRss || file == FeedFile.GoogleTsv)
        {
            // Merchant Center lists what is for sale: an archived product is not an item at all.
            var result = MerchantCenterFeed.Build(listings.Where(l => l.Published));
            rejected = result.Rejected;
            notes = result.Notes;
            items = result.Items.Count;
            if (file == FeedFile.GoogleRss)
            {
                await MerchantCenterFeed.WriteRssAsync(buffer, new FeedChannel(options.Title, options.Link!, options.Description), result.Items, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var writer = new StreamWriter(buffer, utf8, leaveOpen: true);
                await using (writer.ConfigureAwait(false))
                {
                    await MerchantCenterFeed.WriteTsvAsync(writer, result.Items, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        else
        {
            var writer = new StreamWriter(buffer, utf8, leaveOpen: true);
            await using (writer.ConfigureAwait(false))
            {
                notes = file == FeedFile.ShopifyCsv
                    ? await ShopifyProductCsv.WriteAsync(writer, listings, cancellationToken).ConfigureAwait(false)
                    : await WooCommerceProductCsv.WriteAsync(writer, listings, cancellationToken).ConfigureAwait(false);
            }
        }

        return new FeedContent(buffer.ToArray(), FeedFiles.ContentType(file), items, rejected) { Notes = notes };
    }

    /// <summary>"Drinks &gt; Tea": the category and its parents, root first; null when the product has none the catalog knows.</summary>
    private static string? CategoryPath(string? categoryId, Dictionary<string, Category> categories)
    {
        var names = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var id = categoryId; id is not null && seen.Add(id) && categories.TryGetValue(id, out var category); id = category.ParentId)
        {
            names.Insert(0, category.Name);
        }

        return names.Count == 0 ? null : string.Join(" > ", names);
    }

    /// <summary>
    /// Whether the web store must charge tax on the product: it carries a tax the catalog knows as more than 0 %. An
    /// unknown tax id counts as taxable, so a missing tax row never makes a product tax-free.
    /// </summary>
    private static bool Taxable(Product product, Dictionary<string, TaxDefinition> taxes) =>
        product.TaxIds.Any(id => !taxes.TryGetValue(id, out var tax) || tax.Amount != 0m);
}

/// <summary>
/// When each served file last changed, per store and file, so <c>Last-Modified</c> stays put while the content
/// does (a fetcher that sends <c>If-Modified-Since</c> is answered 304). Per process: after a restart the first
/// answer is dated then.
/// </summary>
internal sealed class FeedVersions(TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<(string Store, FeedFile File), (string ETag, DateTimeOffset Since)> _seen = new();

    public DateTimeOffset LastModified(string store, FeedFile file, string etag)
    {
        // Whole seconds: HTTP dates have no finer grain, and If-Modified-Since must compare equal.
        var now = DateTimeOffset.FromUnixTimeSeconds(timeProvider.GetUtcNow().ToUnixTimeSeconds());
        return _seen.AddOrUpdate((store, file), _ => (etag, now), (_, old) => old.ETag == etag ? old : (etag, now)).Since;
    }
}
