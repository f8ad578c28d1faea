using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using PosBridge.Ecommerce.Catalog;
using Refit;

namespace PosBridge.Ecommerce.Shopify;

/// <summary>
/// A Shopify store's products as a catalog (Admin GraphQL <c>products</c>, cursor-paged). A full run reads every
/// product by id; a delta run asks for <c>updated_at:&gt;</c> the newest change seen so far, oldest change first, on
/// Shopify's own clock. A product with only Shopify's default variant is one item (the product's id); a product with
/// options is sold by its variants (<c>PRODUCT/VARIANT</c>), named with their option values. Variants past the first
/// <see cref="VariantsPerProduct"/> are read with a query of their own, so a product is always read whole.
/// </summary>
internal sealed class ShopifyCatalog(ShopifyGraphQlClient client, ShopifyOptions options) : IWebStoreCatalog
{
    /// <summary>
    /// Products per call: Shopify refuses a query whose requested cost is over 1,000 points, and a connection costs
    /// 2 plus, per node asked for, the node's own cost (a product: itself, its variants connection and, per variant,
    /// the variant and its inventory item, so about 330 points for 10 × 10).
    /// </summary>
    public const int MaxPerPage = 10;

    /// <summary>The variants read with their product (<c>variants(first: 10)</c> in the query); the rest are read apart.</summary>
    public const int VariantsPerProduct = 10;

    /// <summary>How often every product is read again, which is how deleted products are found.</summary>
    public static readonly TimeSpan FullReadInterval = TimeSpan.FromDays(1);

    private static readonly JsonSerializerOptions CursorJson = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public string Name => options.Name;

    public async Task<WebCatalogPage> ReadAsync(string? cursor, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var now = client.UtcNow;
        var state = Parse(cursor);
        if (state.Mode == Idle)
        {
            state = state.LastFull is { } lastFull && now - lastFull < FullReadInterval
                ? new CursorState { Mode = Delta, Since = state.Since, LastFull = state.LastFull }
                : new CursorState { Mode = Full, Since = state.Since, RunStarted = now, Seen = [] };
        }
        else if (state.Mode == Full && state.RunStarted is null)
        {
            state = state with { RunStarted = now, Seen = [] };
        }

        var full = state.Mode == Full;
        var data = await CallAsync(
            "the product list",
            ShopifyOperations.Products,
            ShopifyOperations.ProductsQuery,
            new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["first"] = Math.Min(pageSize, MaxPerPage),
                ["after"] = state.After,
                ["sortKey"] = full ? "ID" : "UPDATED_AT",
                ["query"] = full || state.Since is not { } since ? null : $"updated_at:>'{since.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}'",
            },
            cancellationToken).ConfigureAwait(false);
        var connection = Property(data, "products", "the product list");
        var products = Property(connection, "nodes", "the product list").EnumerateArray().ToList();
        var pageInfo = Property(connection, "pageInfo", "the product list");

        var items = new List<WebCatalogItem>();
        var parents = new List<string>();
        DateTimeOffset? newest = null;
        foreach (var product in products)
        {
            var (productItems, isParent) = await ItemsAsync(product, cancellationToken).ConfigureAwait(false);
            items.AddRange(productItems);
            if (isParent)
            {
                parents.Add(NumericId(product));
            }

            if (Text(product, "updatedAt") is { } updated && DateTimeOffset.TryParse(updated, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                newest = newest is null || at > newest ? at : newest;
            }
        }

        var hasMore = pageInfo.TryGetProperty("hasNextPage", out var more) && more.ValueKind == JsonValueKind.True && products.Count > 0;
        var seen = full ? [.. state.Seen ?? [], .. items.Select(i => i.Id)] : state.Seen;
        var mark = Max(state.Since, newest);
        var next = hasMore
            ? state with { After = Text(pageInfo, "endCursor") ?? throw Broken("the product list", "pageInfo.endCursor is missing"), Seen = seen, Since = mark }
            : new CursorState
            {
                Mode = Idle,

                // Less a second: Shopify's clock has whole seconds and several products may share the newest one.
                Since = mark?.AddSeconds(-1) ?? (full ? state.RunStarted?.AddSeconds(-1) : null),
                LastFull = full ? state.RunStarted : state.LastFull,
            };
        return WebCatalogPage.Of(items, JsonSerializer.Serialize(next, CursorJson), hasMore, full, seen, parents);
    }

    /// <summary>The items a product is sold as, and whether they are its variants (so a variant not among them is gone).</summary>
    private async Task<(List<WebCatalogItem> Items, bool IsParent)> ItemsAsync(JsonElement product, CancellationToken cancellationToken)
    {
        var productId = NumericId(product);
        var title = (Text(product, "title") ?? string.Empty).Trim();
        var published = Text(product, "status") == "ACTIVE";
        var type = Text(product, "productType") is { Length: > 0 } productType ? productType.Trim() : null;
        IReadOnlyList<WebCatalogCategory> categories = type is null ? [] : [new WebCatalogCategory(type, type)];
        var variants = await VariantsAsync(product, productId, cancellationToken).ConfigureAwait(false);
        var single = product.TryGetProperty("hasOnlyDefaultVariant", out var only) && only.ValueKind == JsonValueKind.True && variants.Count == 1;
        var items = variants.Select(v =>
        {
            var optionValues = v.TryGetProperty("selectedOptions", out var selected) && selected.ValueKind == JsonValueKind.Array
                ? string.Join(", ", selected.EnumerateArray().Select(o => (Text(o, "value") ?? string.Empty).Trim()).Where(o => o.Length > 0))
                : string.Empty;
            var tracked = v.TryGetProperty("inventoryItem", out var inventory) && inventory.ValueKind == JsonValueKind.Object
                && inventory.TryGetProperty("tracked", out var isTracked) && isTracked.ValueKind == JsonValueKind.True;
            return new WebCatalogItem
            {
                Id = single ? productId : $"{productId}/{NumericId(v)}",
                ParentId = single ? null : productId,
                Name = single || optionValues.Length == 0 ? title : $"{title} – {optionValues}",
                Sku = Blank(Text(v, "sku")),
                Barcode = Blank(Text(v, "barcode")),
                Price = decimal.TryParse(Text(v, "price"), NumberStyles.Number, CultureInfo.InvariantCulture, out var price) ? price : null,
                Taxable = v.TryGetProperty("taxable", out var taxable) && taxable.ValueKind == JsonValueKind.True,
                Categories = categories,
                StockTracked = tracked,
                StockQuantity = tracked && v.TryGetProperty("inventoryQuantity", out var quantity) && quantity.ValueKind == JsonValueKind.Number ? quantity.GetInt32() : null,
                Published = published,
            };
        }).ToList();
        return (items, !single);
    }

    /// <summary>Every variant of the product: those that came with it, then the rest a page at a time.</summary>
    private async Task<List<JsonElement>> VariantsAsync(JsonElement product, string productId, CancellationToken cancellationToken)
    {
        var what = $"the variants of product {productId}";
        var connection = Property(product, "variants", what);
        var variants = Property(connection, "nodes", what).EnumerateArray().ToList();
        var pageInfo = Property(connection, "pageInfo", what);
        while (pageInfo.TryGetProperty("hasNextPage", out var more) && more.ValueKind == JsonValueKind.True)
        {
            var data = await CallAsync(
                what,
                ShopifyOperations.ProductVariants,
                ShopifyOperations.ProductVariantsQuery,
                new Dictionary<string, object?>(StringComparer.Ordinal)
                {
                    ["id"] = Text(product, "id"),
                    ["first"] = 100,
                    ["after"] = Text(pageInfo, "endCursor") ?? throw Broken(what, "pageInfo.endCursor is missing"),
                },
                cancellationToken).ConfigureAwait(false);
            if (!data.TryGetProperty("product", out var again) || again.ValueKind != JsonValueKind.Object)
            {
                // Deleted while being read: the next full run drops it.
                return [];
            }

            connection = Property(again, "variants", what);
            var page = Property(connection, "nodes", what).EnumerateArray().ToList();
            variants.AddRange(page);
            pageInfo = Property(connection, "pageInfo", what);
            if (page.Count == 0)
            {
                break;
            }
        }

        return variants;
    }

    private async Task<JsonElement> CallAsync(string what, string operation, string query, IReadOnlyDictionary<string, object?> variables, CancellationToken cancellationToken)
    {
        try
        {
            return await client.ExecuteAsync(operation, query, variables, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException ex) when (ex.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw new WebStoreCatalogException(
                $"Web store {Name} refused the access token ({(int)ex.StatusCode} {ex.StatusCode}); check {options.Section}:AccessToken, and that the app may read products (read_products).",
                ex);
        }
        catch (ApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            throw new WebStoreCatalogException($"Web store {Name} ({options.ShopDomain}) has no Admin API version {options.ApiVersion}; check {options.Section}:ShopDomain and ApiVersion.", ex);
        }
        catch (ApiException ex)
        {
            throw new WebStoreCatalogException($"Web store {Name} ({options.ShopDomain}) answered {(int)ex.StatusCode} {ex.StatusCode} to {what}.", ex);
        }
        catch (ApiRequestException ex)
        {
            throw new WebStoreCatalogException($"Web store {Name} ({options.ShopDomain}) could not be reached for {what}: {(ex.InnerException ?? ex).Message}", ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException or TaskCanceledException { InnerException: TimeoutException } or Polly.Timeout.TimeoutRejectedException)
        {
            throw new WebStoreCatalogException($"Web store {Name} ({options.ShopDomain}) could not be reached for {what}: {ex.Message}", ex);
        }
        catch (ShopifyException ex)
        {
            throw new WebStoreCatalogException($"Web store {Name} ({options.ShopDomain}) refused to give {what}: {ex.Message}", ex);
        }
        catch (JsonException ex)
        {
            throw Broken(what, ex.Message);
        }
    }

    private WebStoreCatalogException Broken(string what, string detail) =>
        new($"Web store {Name} ({options.ShopDomain}) answered {what} with something that is not Shopify's product list ({detail}); check {options.Section}:ShopDomain.");

    private JsonElement Property(JsonElement element, string name, string what) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.Object or JsonValueKind.Array
            ? value
            : throw Broken(what, $"'{name}' is missing");

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>The number at the end of a Shopify global id (<c>gid://shopify/Product/123</c> → <c>123</c>).</summary>
    private static string NumericId(JsonElement node)
    {
        var id = Text(node, "id") ?? string.Empty;
        var slash = id.LastIndexOf('/');
        return slash >= 0 ? id[(slash + 1)..] : id;
    }

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static CursorState Parse(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return new CursorState { Mode = Full };
        }

        try
        {
            return JsonSerializer.Deserialize<CursorState>(cursor, CursorJson) is { Mode: Full or Delta or Idle } state ? state : new CursorState { Mode = Full };
        }
        catch (JsonException)
        {
            // A cursor from another kind of source (the store's catalog was something else before): start afresh.
            return new CursorState { Mode = Full };
        }
    }

    private const string Full = "full";
    private const string Delta = "delta";
    private const string Idle = "idle";

    /// <summary>
    /// Where a run is: <c>full</c> (by id, ids seen so far), <c>delta</c> (changes after <see cref="Since"/>, on Shopify's
    /// clock), <c>idle</c> (between runs); <see cref="After"/> is Shopify's cursor within the run.
    /// </summary>
    private sealed record CursorState
    {
        public string Mode { get; init; } = Full;

        public string? After { get; init; }

        public DateTimeOffset? Since { get; init; }

        public DateTimeOffset? RunStarted { get; init; }

        public DateTimeOffset? LastFull { get; init; }

        public List<string>? Seen { get; init; }
    }
}
