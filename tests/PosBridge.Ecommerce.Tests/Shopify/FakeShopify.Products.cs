using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PosBridge.Ecommerce.Tests.Http;

namespace PosBridge.Ecommerce.Tests.Shopify;

/// <summary>
/// The products side of the Admin GraphQL API: <c>products(first, after, sortKey, query)</c> with keyset cursors (the
/// position is the sort key's value and the id, so a product changed while a run goes on moves to its end), the
/// <c>updated_at:&gt;'…'</c> search term, <c>variants(first, after)</c> on a product, <c>first</c> at most 250, and a
/// requested cost (2 per connection plus its nodes') refused over 1,000 points. Any other search or sort fails the test.
/// </summary>
public sealed partial class FakeShopify
{
    public const double MaxQueryCost = 1000;

    public List<ShopifyProduct> Products { get; } = [];

    public sealed class ShopifyProduct
    {
        public required string Id { get; init; }

        public required string Title { get; set; }

        public string Status { get; set; } = "ACTIVE";

        public string ProductType { get; set; } = "";

        public DateTimeOffset UpdatedAt { get; set; }

        public List<ShopifyVariant> Variants { get; } = [];

        /// <summary>Shopify's own flag: the product has no options, only the variant Shopify made for it.</summary>
        public bool HasOnlyDefaultVariant { get; set; }
    }

    public sealed class ShopifyVariant
    {
        public required string Id { get; init; }

        public string? Sku { get; set; }

        public string? Barcode { get; set; }

        /// <summary>Money, as Shopify sends it: a decimal string in the shop's currency.</summary>
        public string Price { get; set; } = "0.00";

        public bool Taxable { get; set; } = true;

        public bool Tracked { get; set; } = true;

        public int Quantity { get; set; }

        public List<(string Name, string Value)> Options { get; } = [];
    }

    /// <summary>A product without options (Shopify's "Default Title" variant).</summary>
    public ShopifyProduct AddProduct(string title, string? sku, string price, string? barcode = null, string productType = "", int quantity = 0)
    {
        var product = NewProduct(title, productType);
        product.HasOnlyDefaultVariant = true;
        var variant = new ShopifyVariant { Id = $"gid://shopify/ProductVariant/{_nextId++}", Sku = sku, Barcode = barcode, Price = price, Quantity = quantity };
        variant.Options.Add(("Title", "Default Title"));
        product.Variants.Add(variant);
        return product;
    }

    /// <summary>A product sold in options (size, colour): one variant per value.</summary>
    public ShopifyProduct AddProductWithOptions(string title, string option, params (string Sku, string Value, string Price)[] variants)
    {
        var product = NewProduct(title, "");
        foreach (var (sku, value, price) in variants)
        {
            var variant = new ShopifyVariant { Id = $"gid://shopify/ProductVariant/{_nextId++}", Sku = sku, Price = price, Quantity = 5 };
            variant.Options.Add((option, value));
            product.Variants.Add(variant);
        }

        return product;
    }

    /// <summary>A change made in the shop's admin now: the product's updatedAt moves to the shop's clock.</summary>
    public void Touch(ShopifyProduct product, Action<ShopifyProduct> change)
    {
        change(product);
        product.UpdatedAt = _time.GetUtcNow();
    }

    private ShopifyProduct NewProduct(string title, string productType)
    {
        var product = new ShopifyProduct { Id = $"gid://shopify/Product/{_nextId++}", Title = title, ProductType = productType, UpdatedAt = _time.GetUtcNow() };
        Products.Add(product);
        return product;
    }

    private static double ProductsCost(string query, JsonObject variables)
    {
        var first = First(variables);
        var variantsFirst = int.Parse(VariantsFirst().Match(query) is { Success: true } m ? m.Groups[1].Value : throw new UnexpectedRequestException("products asks variants(first: N)."), CultureInfo.InvariantCulture);

        // A product, its variants connection, and per variant the variant and its inventory item.
        return 2 + (first * (1 + 2 + (variantsFirst * 2)));
    }

    private static double VariantsCost(JsonObject variables) => 1 + 2 + (First(variables) * 2);

    private static int First(JsonObject variables)
    {
        var first = variables["first"]?.GetValue<int>() ?? throw new UnexpectedRequestException("A connection is asked with first.");
        return first is >= 1 and <= 250 ? first : throw new UnexpectedRequestException($"first must be 1 to 250, not {first}.");
    }

    private JsonObject ProductsData(string query, JsonObject variables)
    {
        var first = First(variables);
        var sortKey = variables["sortKey"]?.GetValue<string>();
        var search = variables["query"]?.GetValue<string>();
        IEnumerable<ShopifyProduct> matching = Products;
        if (search is not null)
        {
            var term = UpdatedAfter().Match(search);
            if (!term.Success)
            {
                throw new UnexpectedRequestException($"Unexpected product search '{search}'.");
            }

            var after = DateTimeOffset.Parse(term.Groups[1].Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            matching = matching.Where(p => TruncateToSecond(p.UpdatedAt) > after);
        }

        Func<ShopifyProduct, string> key = sortKey switch
        {
            "ID" => p => Number(p.Id).ToString("D20", CultureInfo.InvariantCulture),
            "UPDATED_AT" => p => TruncateToSecond(p.UpdatedAt).UtcDateTime.ToString("O", CultureInfo.InvariantCulture) + "|" + Number(p.Id).ToString("D20", CultureInfo.InvariantCulture),
            _ => throw new UnexpectedRequestException($"Unexpected sortKey '{sortKey}'."),
        };
        var ordered = matching.OrderBy(key, StringComparer.Ordinal).ToList();
        if (variables["after"]?.GetValue<string>() is { } cursor)
        {
            var position = Encoding.UTF8.GetString(Convert.FromBase64String(cursor));
            ordered = [.. ordered.Where(p => string.CompareOrdinal(key(p), position) > 0)];
        }

        var variantsFirst = int.Parse(VariantsFirst().Match(query).Groups[1].Value, CultureInfo.InvariantCulture);
        var page = ordered.Take(first).ToList();
        return new JsonObject
        {
            ["products"] = new JsonObject
            {
                ["nodes"] = new JsonArray([.. page.Select(p => (JsonNode)ProductNode(p, variantsFirst))]),
                ["pageInfo"] = PageInfo(ordered.Count > first, page.Count == 0 ? null : key(page[^1])),
            },
        };
    }

    private JsonObject ProductVariantsData(JsonObject variables)
    {
        var id = variables["id"]?.GetValue<string>() ?? throw new UnexpectedRequestException("product(id:) needs an id.");
        var product = Products.SingleOrDefault(p => p.Id == id);
        if (product is null)
        {
            return new JsonObject { ["product"] = null };
        }

        var first = First(variables);
        var after = variables["after"]?.GetValue<string>() is { } cursor ? int.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(cursor)), CultureInfo.InvariantCulture) : 0;
        return new JsonObject { ["product"] = new JsonObject { ["variants"] = VariantsConnection(product, after, first) } };
    }

    private static JsonObject ProductNode(ShopifyProduct product, int variantsFirst) => new()
    {
        ["id"] = product.Id,
        ["title"] = product.Title,
        ["status"] = product.Status,
        ["productType"] = product.ProductType,
        ["updatedAt"] = TruncateToSecond(product.UpdatedAt).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        ["hasOnlyDefaultVariant"] = product.HasOnlyDefaultVariant,
        ["variants"] = VariantsConnection(product, 0, variantsFirst),
    };

    private static JsonObject VariantsConnection(ShopifyProduct product, int skip, int first)
    {
        var page = product.Variants.Skip(skip).Take(first).ToList();
        return new JsonObject
        {
            ["nodes"] = new JsonArray([.. page.Select(v => (JsonNode)new JsonObject
            {
                ["id"] = v.Id,
                ["sku"] = v.Sku,
                ["barcode"] = v.Barcode,
                ["price"] = v.Price,
                ["taxable"] = v.Taxable,
                ["inventoryQuantity"] = v.Quantity,
                ["selectedOptions"] = new JsonArray([.. v.Options.Select(o => (JsonNode)new JsonObject { ["name"] = o.Name, ["value"] = o.Value })]),
                ["inventoryItem"] = new JsonObject { ["tracked"] = v.Tracked },
            })]),
            ["pageInfo"] = PageInfo(product.Variants.Count > skip + first, page.Count == 0 ? null : (skip + page.Count).ToString(CultureInfo.InvariantCulture)),
        };
    }

    private static JsonObject PageInfo(bool hasNextPage, string? position) => new()
    {
        ["hasNextPage"] = hasNextPage,
        ["endCursor"] = position is null ? null : Convert.ToBase64String(Encoding.UTF8.GetBytes(position)),
    };

    private static long Number(string gid) => long.Parse(gid[(gid.LastIndexOf('/') + 1)..], CultureInfo.InvariantCulture);

    private static DateTimeOffset TruncateToSecond(DateTimeOffset at) => new(at.Ticks - (at.Ticks % TimeSpan.TicksPerSecond), at.Offset);

    [GeneratedRegex(@"^updated_at:>'(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)'$")]
    private static partial Regex UpdatedAfter();

    [GeneratedRegex(@"variants\(first: (\d+)\)")]
    private static partial Regex VariantsFirst();
}
