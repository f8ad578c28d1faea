using System.Globalization;
using Microsoft.Extensions.Options;
using PosBridge.Core.Catalog;

namespace PosBridge.Ecommerce.Publishing;

/// <summary>
/// A store's published catalog (<c>Feed</c> under the store's section): the RSS channel, where product pages and
/// images live, and an optional secret the feed's address must carry.
/// </summary>
public sealed class FeedOptions
{
    /// <summary>The shop's name (the RSS channel's title).</summary>
    public string Title { get; set; } = "";

    /// <summary>The shop's home page.</summary>
    public Uri? Link { get; set; }

    public string Description { get; set; } = "";

    /// <summary>A product's page: <c>{sku}</c> (or <c>{id}</c>) is replaced, escaped, e.g. <c>https://shop.example.com/products/{sku}</c>.</summary>
    public string ProductLink { get; set; } = "";

    /// <summary>A product's main image, the same way, e.g. <c>https://shop.example.com/images/{sku}.jpg</c>.</summary>
    public string ImageLink { get; set; } = "";

    public string? Brand { get; set; }

    /// <summary>
    /// When set, the connector serves the feed only to a request carrying it, as <c>?token=…</c> (a secret address
    /// for Merchant Center's scheduled fetch) or as the password of HTTP Basic auth. At least 24 characters.
    /// </summary>
    public string? Token { get; set; }

    internal string Section { get; set; } = "Ecommerce:Stores:?:Feed";

    public const int MinTokenLength = 24;

    /// <summary>
    /// The product as the feed and the CSV exports show it, with what the store can sell of it (null: unknown), its
    /// category path ("Drinks &gt; Tea") and whether it carries a tax the store must charge (null: it has taxes).
    /// </summary>
    public WebListing Listing(Product product, int? availableToSell, string? categoryPath = null, bool? taxable = null)
    {
        ArgumentNullException.ThrowIfNull(product);
        return new WebListing
        {
            CategoryName = categoryPath,
            Taxable = taxable,
            Product = product,
            // The catalog carries no web copy yet: the name stands in, so the item is still valid.
            Description = product.Name,
            Link = Fill(ProductLink, product),
            ImageLink = Fill(ImageLink, product),
            Brand = Brand,
            AvailableToSell = availableToSell,
            Published = product.Active,
        };
    }

    private static Uri? Fill(string template, Product product)
    {
        var text = template
            .Replace("{sku}", Uri.EscapeDataString(product.Sku ?? product.Id), StringComparison.Ordinal)
            .Replace("{id}", Uri.EscapeDataString(product.Id), StringComparison.Ordinal);
        return Uri.TryCreate(text, UriKind.Absolute, out var uri) ? uri : null;
    }
}

internal sealed class FeedOptionsValidator : IValidateOptions<FeedOptions>
{
    public ValidateOptionsResult Validate(string? name, FeedOptions options)
    {
        var failures = new List<string>();
        var section = options.Section;
        if (string.IsNullOrWhiteSpace(options.Title))
        {
            failures.Add($"{section}:Title is required: the shop's name.");
        }

        if (options.Link is not { IsAbsoluteUri: true } link || (link.Scheme != Uri.UriSchemeHttps && link.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add($"{section}:Link is required: the shop's home page, an absolute http(s) address.");
        }

        foreach (var (field, template) in new[] { ("ProductLink", options.ProductLink), ("ImageLink", options.ImageLink) })
        {
            var sample = template.Replace("{sku}", "SKU", StringComparison.Ordinal).Replace("{id}", "1", StringComparison.Ordinal);
            if (!template.Contains("{sku}", StringComparison.Ordinal) && !template.Contains("{id}", StringComparison.Ordinal))
            {
                failures.Add($"{section}:{field} must hold {{sku}} or {{id}}, e.g. https://shop.example.com/products/{{sku}}; it is '{template}'.");
            }
            else if (!Uri.TryCreate(sample, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            {
                failures.Add($"{section}:{field} must make an absolute http(s) address; it is '{template}'.");
            }
        }

        if (options.Token is { } token && token.Length < FeedOptions.MinTokenLength)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{section}:Token must be at least {FeedOptions.MinTokenLength} characters (it is a password); it has {token.Length}."));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
