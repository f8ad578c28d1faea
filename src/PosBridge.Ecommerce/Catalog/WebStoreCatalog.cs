namespace PosBridge.Ecommerce.Catalog;

/// <summary>
/// A web store's products read as a shop's catalog (<c>GetRequiredKeyedService&lt;IWebStoreCatalog&gt;(name)</c>), page
/// by page from an opaque cursor the caller keeps: the first read and then one a day read every product (a full
/// run, whose last page lists every id seen, so the caller can drop what the store deleted); the reads between ask only
/// for what changed since the last run began. Pass back <see cref="WebCatalogPage.NextCursor"/> to go on, also after a
/// crash: a page is read again, never skipped.
/// </summary>
public interface IWebStoreCatalog
{
    /// <summary>The web store's name in the connector.</summary>
    string Name { get; }

    /// <summary>The next page of products after <paramref name="cursor"/> (null: start with a full run).</summary>
    /// <exception cref="WebStoreCatalogException">The store cannot be reached, refuses the credentials or answers nonsense.</exception>
    Task<WebCatalogPage> ReadAsync(string? cursor, int pageSize, CancellationToken cancellationToken = default);
}

/// <summary>One page of a web store's products.</summary>
public sealed record WebCatalogPage
{
    /// <summary>
    /// A page of a run: <paramref name="seen"/> (every id a full run read so far, this page's included) becomes
    /// <see cref="AllIds"/> on a full run's last page, the only page that may say what the store deleted.
    /// </summary>
    internal static WebCatalogPage Of(List<WebCatalogItem> items, string nextCursor, bool hasMore, bool fullRun, IEnumerable<string>? seen, List<string> completeParents) => new()
    {
        Items = items,
        NextCursor = nextCursor,
        HasMore = hasMore,
        AllIds = !hasMore && fullRun ? (seen ?? []).ToHashSet(StringComparer.Ordinal) : null,
        CompleteParents = completeParents,
    };

    public required IReadOnlyList<WebCatalogItem> Items { get; init; }

    public required string NextCursor { get; init; }

    /// <summary>More pages of this run wait: read again now with <see cref="NextCursor"/>.</summary>
    public bool HasMore { get; init; }

    /// <summary>
    /// On the last page of a full run: the id of every item the run read (this page's included). An item of this store
    /// not among them is gone from the store. Null on every other page.
    /// </summary>
    public IReadOnlySet<string>? AllIds { get; init; }

    /// <summary>
    /// Parents whose variations were all read on this page: a variation of one of them not on the page is gone. Empty
    /// when none.
    /// </summary>
    public IReadOnlyList<string> CompleteParents { get; init; } = [];
}

/// <summary>
/// A sellable item of a web store: a simple product or one variation of a variable product. <see cref="Id"/> is unique in
/// the store: the product id, or <c>PARENT/VARIATION</c> for a variation.
/// </summary>
public sealed record WebCatalogItem
{
    public required string Id { get; init; }

    /// <summary>The variable product a variation belongs to; null for a simple product.</summary>
    public string? ParentId { get; init; }

    /// <summary>As the store shows it (a variation: the product's name and its options), entities decoded.</summary>
    public required string Name { get; init; }

    public string? Sku { get; init; }

    /// <summary>WooCommerce's <c>global_unique_id</c> (GTIN, UPC, EAN or ISBN; WooCommerce 9.2+), Shopify's <c>barcode</c>.</summary>
    public string? Barcode { get; init; }

    /// <summary>The price a customer pays now (a sale price when one runs); null when the store gives none.</summary>
    public decimal? Price { get; init; }

    /// <summary>Tax applies to the item.</summary>
    public bool Taxable { get; init; }

    /// <summary>The store's tax class (<c>standard</c> for WooCommerce's empty class and for Shopify).</summary>
    public string TaxClass { get; init; } = StandardTaxClass;

    public IReadOnlyList<WebCatalogCategory> Categories { get; init; } = [];

    /// <summary>The store counts stock for it.</summary>
    public bool StockTracked { get; init; }

    /// <summary>The store's own count, when it keeps one. Not the shop's: see the README on who owns stock.</summary>
    public int? StockQuantity { get; init; }

    /// <summary>On sale in the store (WooCommerce <c>publish</c>, Shopify <c>ACTIVE</c>); drafts, private and archived are not.</summary>
    public bool Published { get; init; }

    public const string StandardTaxClass = "standard";
}

public sealed record WebCatalogCategory(string Id, string Name);

/// <summary>A web store's product list could not be read: the message says why and what to check, in one line.</summary>
public sealed class WebStoreCatalogException : Exception
{
    public WebStoreCatalogException()
    {
    }

    public WebStoreCatalogException(string message)
        : base(message)
    {
    }

    public WebStoreCatalogException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
