using System.Globalization;
using System.Text;
using System.Xml;
using PosBridge.Core.Amounts;

namespace PosBridge.Ecommerce.Publishing;

/// <summary>One product as Google Merchant Center reads it; every value already checked against its rules.</summary>
public sealed record MerchantCenterItem
{
    public required string Id { get; init; }

    public required string Title { get; init; }

    public required string Description { get; init; }

    public required string Link { get; init; }

    public required string ImageLink { get; init; }

    public IReadOnlyList<string> AdditionalImageLinks { get; init; } = [];

    /// <summary><c>in_stock</c>, <c>out_of_stock</c>, <c>preorder</c> or <c>backorder</c>.</summary>
    public required string Availability { get; init; }

    /// <summary>Amount and ISO 4217 code, e.g. <c>15.00 EGP</c>.</summary>
    public required string Price { get; init; }

    public string? SalePrice { get; init; }

    public required string Condition { get; init; }

    public string? Brand { get; init; }

    public string? Gtin { get; init; }

    public string? Mpn { get; init; }

    /// <summary><c>no</c> when the product has neither a GTIN nor a brand with an MPN.</summary>
    public string? IdentifierExists { get; init; }

    public string? ItemGroupId { get; init; }

    public string? ProductType { get; init; }

    /// <summary>For a product sold by weight or measure, the measure its price is for, e.g. <c>1kg</c>.</summary>
    public string? UnitPricingMeasure { get; init; }

    /// <summary>The measure shoppers compare by, e.g. <c>1kg</c>.</summary>
    public string? UnitPricingBaseMeasure { get; init; }
}

/// <summary>An item left out of the feed, and why, in words a shop manager can act on.</summary>
public sealed record FeedRejection(string ItemId, string Reason);

/// <summary>
/// The items, those left out, and notes on items sent otherwise than the catalog says (a barcode that is no valid
/// GTIN sent as <c>identifier_exists=no</c>, a weighed product's unit Merchant Center has no measure for).
/// </summary>
public sealed record MerchantCenterFeedResult(IReadOnlyList<MerchantCenterItem> Items, IReadOnlyList<FeedRejection> Rejected)
{
    public IReadOnlyList<FeedRejection> Notes { get; init; } = [];
}

/// <summary>The RSS channel around the items: the shop's name, home page and a line about it.</summary>
public sealed record FeedChannel(string Title, Uri Link, string Description);

public enum FeedFormat
{
    /// <summary>Tab-separated, a header row of attribute names.</summary>
    Tsv,

    /// <summary>RSS 2.0 with the g: namespace.</summary>
    Rss,
}

/// <summary>
/// Google Merchant Center product data: checked against the attribute rules (an item that breaks one is
/// left out with the reason, the rest of the feed stands), written as TSV or as RSS 2.0 with the g: namespace.
/// </summary>
public static class MerchantCenterFeed
{
    public const string Namespace = "http://base.google.com/ns/1.0";

    public const int MaxIdLength = 50;
    public const int MaxTitleLength = 150;
    public const int MaxDescriptionLength = 5000;

    private static readonly string[] Conditions = ["new", "refurbished", "used"];

    /// <summary>The TSV header row, in the order values are written.</summary>
    public static IReadOnlyList<string> Attributes { get; } =
    [
        "id", "title", "description", "link", "image_link", "additional_image_link", "availability", "price", "sale_price",
        "condition", "brand", "gtin", "mpn", "identifier_exists", "item_group_id", "product_type",
        "unit_pricing_measure", "unit_pricing_base_measure",
    ];

    // A catalog's unit of measure as Merchant Center spells it (weight, volume, length, area).
    private static readonly Dictionary<string, string> Units = new(StringComparer.OrdinalIgnoreCase)
    {
        ["kg"] = "kg", ["kilogram"] = "kg", ["kilograms"] = "kg", ["g"] = "g", ["gram"] = "g", ["grams"] = "g", ["mg"] = "mg",
        ["lb"] = "lb", ["lbs"] = "lb", ["oz"] = "oz", ["l"] = "l", ["litre"] = "l", ["liter"] = "l", ["litres"] = "l", ["liters"] = "l",
        ["ml"] = "ml", ["cl"] = "cl", ["m"] = "m", ["meter"] = "m", ["metre"] = "m", ["cm"] = "cm", ["m2"] = "sqm", ["m²"] = "sqm", ["sqm"] = "sqm",
        ["كجم"] = "kg", ["كغ"] = "kg", ["جم"] = "g", ["لتر"] = "l", ["متر"] = "m",
    };

    public static MerchantCenterFeedResult Build(IEnumerable<WebListing> listings)
    {
        ArgumentNullException.ThrowIfNull(listings);
        var items = new List<MerchantCenterItem>();
        var rejected = new List<FeedRejection>();
        var notes = new List<FeedRejection>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var listing in listings)
        {
            var problems = new List<string>();
            var item = Check(listing, problems, notes);
            if (item is not null && !seen.Add(item.Id))
            {
                problems.Add($"id '{item.Id}' is used by an earlier item; ids must be unique.");
            }

            if (problems.Count > 0 || item is null)
            {
                rejected.Add(new FeedRejection(listing.Key, string.Join(" ", problems)));
            }
            else
            {
                items.Add(item);
            }
        }

        return new MerchantCenterFeedResult(items, rejected) { Notes = notes.Where(n => items.Any(i => i.Id == n.ItemId)).ToList() };
    }

    public static async Task WriteTsvAsync(TextWriter writer, IReadOnlyList<MerchantCenterItem> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(items);
        await writer.WriteLineAsync(string.Join('\t', Attributes).AsMemory(), cancellationToken).ConfigureAwait(false);
        foreach (var item in items)
        {
            var values = Values(item).Select(v => Tsv(v ?? ""));
            await writer.WriteLineAsync(string.Join('\t', values).AsMemory(), cancellationToken).ConfigureAwait(false);
        }

        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public static async Task WriteRssAsync(Stream stream, FeedChannel channel, IReadOnlyList<MerchantCenterItem> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(items);
        var settings = new XmlWriterSettings { Async = true, Encoding = new UTF8Encoding(false), Indent = true };
        var xml = XmlWriter.Create(stream, settings);
        await using (xml.ConfigureAwait(false))
        {
            await xml.WriteStartDocumentAsync().ConfigureAwait(false);
            await xml.WriteStartElementAsync(null, "rss", null).ConfigureAwait(false);
            await xml.WriteAttributeStringAsync(null, "version", null, "2.0").ConfigureAwait(false);
            await xml.WriteAttributeStringAsync("xmlns", "g", null, Namespace).ConfigureAwait(false);
            await xml.WriteStartElementAsync(null, "channel", null).ConfigureAwait(false);
            await xml.WriteElementStringAsync(null, "title", null, channel.Title).ConfigureAwait(false);
            await xml.WriteElementStringAsync(null, "link", null, channel.Link.AbsoluteUri).ConfigureAwait(false);
            await xml.WriteElementStringAsync(null, "description", null, channel.Description).ConfigureAwait(false);
            foreach (var item in items)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await xml.WriteStartElementAsync(null, "item", null).ConfigureAwait(false);
                var values = Values(item);
                for (var i = 0; i < Attributes.Count; i++)
                {
                    if (Attributes[i] == "additional_image_link")
                    {
                        foreach (var link in item.AdditionalImageLinks)
                        {
                            await xml.WriteElementStringAsync("g", "additional_image_link", Namespace, link).ConfigureAwait(false);
                        }
                    }
                    else if (values[i] is { Length: > 0 } value)
                    {
                        await xml.WriteElementStringAsync("g", Attributes[i], Namespace, value).ConfigureAwait(false);
                    }
                }

                await xml.WriteEndElementAsync().ConfigureAwait(false);
            }

            await xml.WriteEndElementAsync().ConfigureAwait(false);
            await xml.WriteEndElementAsync().ConfigureAwait(false);
            await xml.WriteEndDocumentAsync().ConfigureAwait(false);
            await xml.FlushAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes the feed to <paramref name="path"/> through a temporary file beside it, then replaces the old one,
    /// so a scheduled fetch by Merchant Center never reads a half-written feed.
    /// </summary>
    public static async Task WriteFileAsync(string path, FeedFormat format, FeedChannel channel, IReadOnlyList<MerchantCenterItem> items, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var temporary = path + ".tmp";
        var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 65536, useAsync: true);
        await using (stream.ConfigureAwait(false))
        {
            if (format == FeedFormat.Rss)
            {
                await WriteRssAsync(stream, channel, items, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var writer = new StreamWriter(stream, new UTF8Encoding(false));
                await using (writer.ConfigureAwait(false))
                {
                    await WriteTsvAsync(writer, items, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        File.Move(temporary, path, overwrite: true);
    }

    private static MerchantCenterItem? Check(WebListing listing, List<string> problems, List<FeedRejection> notes)
    {
        var id = listing.Key;
        if (string.IsNullOrWhiteSpace(id) || id.Length > MaxIdLength)
        {
            problems.Add($"id must be 1 to {MaxIdLength} characters; it has {id.Length}.");
        }

        var title = Variantised(listing);
        if (string.IsNullOrWhiteSpace(title) || title.Length > MaxTitleLength)
        {
            problems.Add($"title must be 1 to {MaxTitleLength} characters; it has {title.Length}.");
        }

        var description = listing.Description?.Trim() ?? "";
        if (description.Length == 0 || description.Length > MaxDescriptionLength)
        {
            problems.Add($"description must be 1 to {MaxDescriptionLength} characters; it has {description.Length}.");
        }

        if (!IsWebAddress(listing.Link))
        {
            problems.Add("link must be the product page's absolute http(s) address.");
        }

        if (!IsWebAddress(listing.ImageLink))
        {
            problems.Add("image_link must be the main image's absolute http(s) address.");
        }

        var price = FormatPrice(listing.EffectivePrice, listing.Product.Currency, "price", problems);
        string? salePrice = null;
        if (listing.SalePrice is { } sale)
        {
            salePrice = FormatPrice(sale, listing.Product.Currency, "sale_price", problems);
            if (sale >= listing.EffectivePrice)
            {
                problems.Add("sale_price must be lower than price.");
            }
        }

        if (!Conditions.Contains(listing.Condition))
        {
            problems.Add($"condition must be new, refurbished or used; it is '{listing.Condition}'.");
        }

        // Unknown stock is neither "in stock" (oversells) nor "out of stock" (hides what the shop has).
        if (listing.AvailableToSell is not { } available)
        {
            problems.Add("availability is unknown: the stock level is missing.");
            available = 0;
        }

        if (problems.Count > 0)
        {
            return null;
        }

        var gtin = Gtin.IsValid(listing.Product.Barcode) ? listing.Product.Barcode : null;
        if (gtin is null && !string.IsNullOrWhiteSpace(listing.Product.Barcode))
        {
            notes.Add(new FeedRejection(id, $"barcode '{listing.Product.Barcode}' is no valid GTIN (8, 12, 13 or 14 digits with a right check digit, not an in-store code): sent without gtin{(listing.Brand is not null && listing.Mpn is not null ? string.Empty : " as identifier_exists=no")}; fix the barcode in the catalog."));
        }

        string? unitMeasure = null;
        if (listing.Product.IsWeighed)
        {
            if (Units.TryGetValue(listing.Product.Unit.Trim(), out var unit))
            {
                unitMeasure = "1" + unit;
            }
            else
            {
                notes.Add(new FeedRejection(id, $"is sold by '{listing.Product.Unit}', a unit Merchant Center has no measure for: sent without unit_pricing_measure."));
            }
        }

        var hasIdentifiers = gtin is not null || (listing.Brand is not null && listing.Mpn is not null);
        return new MerchantCenterItem
        {
            Id = id,
            Title = title,
            Description = description,
            Link = listing.Link!.AbsoluteUri,
            ImageLink = listing.ImageLink!.AbsoluteUri,
            AdditionalImageLinks = listing.AdditionalImageLinks.Where(IsWebAddress).Select(u => u.AbsoluteUri).Take(10).ToList(),
            Availability = available > 0 ? "in_stock" : "out_of_stock",
            Price = price!,
            SalePrice = salePrice,
            Condition = listing.Condition,
            Brand = listing.Brand,
            Gtin = gtin,
            Mpn = listing.Mpn,
            IdentifierExists = hasIdentifiers ? null : "no",
            ItemGroupId = listing.GroupId,
            ProductType = listing.CategoryName,
            UnitPricingMeasure = unitMeasure,
            UnitPricingBaseMeasure = unitMeasure,
        };
    }

    /// <summary>Variants carry their options in the title ("Shirt - Red / M") so each stands on its own.</summary>
    private static string Variantised(WebListing listing) =>
        listing.GroupTitle is not null && listing.Options.Count > 0
            ? $"{listing.GroupTitle} - {string.Join(" / ", listing.Options.Select(o => o.Value))}"
            : listing.Product.Name;

    private static string? FormatPrice(decimal amount, string currencyCode, string attribute, List<string> problems)
    {
        if (!Currency.TryFromCode(currencyCode, out var currency))
        {
            problems.Add($"{attribute} needs an ISO 4217 currency PosBridge knows; '{currencyCode}' is not one.");
            return null;
        }

        if (amount <= 0m)
        {
            problems.Add($"{attribute} must be more than zero; it is {amount.ToString(CultureInfo.InvariantCulture)}.");
            return null;
        }

        var rounded = currency.Round(amount);
        return rounded.ToString("F" + currency.MinorUnits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + " " + currency.Code;
    }

    private static bool IsWebAddress(Uri? uri) =>
        uri is { IsAbsoluteUri: true } && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    private static string?[] Values(MerchantCenterItem item) =>
    [
        item.Id, item.Title, item.Description, item.Link, item.ImageLink, string.Join(',', item.AdditionalImageLinks), item.Availability,
        item.Price, item.SalePrice, item.Condition, item.Brand, item.Gtin, item.Mpn, item.IdentifierExists, item.ItemGroupId, item.ProductType,
        item.UnitPricingMeasure, item.UnitPricingBaseMeasure,
    ];

    // A tab or line break inside a value would shift every column after it.
    private static string Tsv(string value) =>
        value.Contains('\t', StringComparison.Ordinal) || value.Contains('\n', StringComparison.Ordinal) || value.Contains('\r', StringComparison.Ordinal)
            ? value.Replace("\r\n", " ", StringComparison.Ordinal).Replace('\t', ' ').Replace('\n', ' ').Replace('\r', ' ')
            : value;
}
