using PosBridge.Core.Catalog;

namespace PosBridge.Ecommerce.Publishing;

/// <summary>
/// A product as a web catalog shows it: the system of record's <see cref="Core.Catalog.Product"/> plus what
/// only the web needs (text, links, images, options). Variants of one product share a <see cref="GroupId"/>.
/// </summary>
public sealed record WebListing
{
    public required Product Product { get; init; }

    /// <summary>Ties variants together: Shopify's Handle, WooCommerce's parent SKU, Merchant Center's item_group_id.</summary>
    public string? GroupId { get; init; }

    /// <summary>The product's title shared by its variants; the product's name when not set.</summary>
    public string? GroupTitle { get; init; }

    /// <summary>Plain text, as the catalog holds it; the product CSVs HTML-escape it for Shopify's body and WooCommerce's description.</summary>
    public string? Description { get; init; }

    public string? ShortDescription { get; init; }

    public Uri? Link { get; init; }

    public Uri? ImageLink { get; init; }

    public IReadOnlyList<Uri> AdditionalImageLinks { get; init; } = [];

    public string? Brand { get; init; }

    /// <summary>Manufacturer part number.</summary>
    public string? Mpn { get; init; }

    /// <summary><c>new</c>, <c>refurbished</c> or <c>used</c>.</summary>
    public string Condition { get; init; } = "new";

    /// <summary>The shop's category path from the catalog's categories, e.g. "Home &gt; Kitchen".</summary>
    public string? CategoryName { get; init; }

    /// <summary>
    /// Whether the product carries a tax the web store must charge; false for an exempt or zero-rated product. Null:
    /// judged by whether the product has taxes at all.
    /// </summary>
    public bool? Taxable { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Up to three options that tell variants apart (Size: M, Colour: Red).</summary>
    public IReadOnlyList<ListingOption> Options { get; init; } = [];

    /// <summary>
    /// The price the customer sees (tax included where the market requires it); the product's list price
    /// when not set.
    /// </summary>
    public decimal? Price { get; init; }

    /// <summary>A reduced price, lower than <see cref="Price"/>.</summary>
    public decimal? SalePrice { get; init; }

    /// <summary>Available to sell; null when unknown (never published as zero).</summary>
    public int? AvailableToSell { get; init; }

    public bool AllowBackorders { get; init; }

    public bool Published { get; init; } = true;

    internal string Key => Product.Sku ?? Product.Id;

    internal decimal EffectivePrice => Price ?? Product.ListPrice;

    internal string Title => GroupTitle ?? Product.Name;

    internal bool IsTaxable => Taxable ?? Product.TaxIds.Count > 0;

    /// <summary>The last level of <see cref="CategoryName"/> ("Kitchen" of "Home &gt; Kitchen").</summary>
    internal string? LeafCategory => CategoryName?.Split('>').Select(p => p.Trim()).LastOrDefault(p => p.Length > 0);

    internal IEnumerable<Uri> Images => ImageLink is null ? AdditionalImageLinks : AdditionalImageLinks.Prepend(ImageLink);
}

public sealed record ListingOption(string Name, string Value);
