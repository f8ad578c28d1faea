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

    /// <summary>Plain text (Merchant Center) or simple HTML (Shopify body, WooCommerce description).</summary>
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

    /// <summary>The shop's category path, e.g. "Home &gt; Kitchen".</summary>
    public string? CategoryName { get; init; }

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

    internal IEnumerable<Uri> Images => ImageLink is null ? AdditionalImageLinks : AdditionalImageLinks.Prepend(ImageLink);
}

public sealed record ListingOption(string Name, string Value);
