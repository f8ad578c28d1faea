using System.Text.Json;
using System.Text.Json.Serialization;
using Refit;

namespace PosBridge.Ecommerce.WooCommerce;

/// <summary>The part of WooCommerce's REST API v3 that stock alignment uses.</summary>
internal interface IWooCommerceApi
{
    /// <summary>Products by SKU (comma-separated; variations included) or by id (<paramref name="include"/>).</summary>
    [Get("/wp-json/wc/v3/products")]
    Task<List<WooProduct>> GetProductsAsync(
        [AliasAs("sku")] string? sku,
        [AliasAs("include")] string? include,
        [AliasAs("per_page")] int perPage,
        CancellationToken cancellationToken = default);

    [Get("/wp-json/wc/v3/products/{productId}/variations")]
    Task<List<WooProduct>> GetVariationsAsync(
        long productId,
        [AliasAs("include")] string include,
        [AliasAs("per_page")] int perPage,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// A page of the product list for the catalog: every status but trash (WooCommerce's default <c>any</c>), in the
    /// order asked; <c>X-WP-TotalPages</c> says how many pages the same query has.
    /// </summary>
    [Get("/wp-json/wc/v3/products")]
    Task<IApiResponse<List<WooCatalogProduct>>> ListProductsAsync(
        [AliasAs("page")] int page,
        [AliasAs("per_page")] int perPage,
        [AliasAs("orderby")] string orderBy,
        [AliasAs("order")] string order,
        [AliasAs("modified_after")] string? modifiedAfter,
        [AliasAs("dates_are_gmt")] string? datesAreGmt,
        CancellationToken cancellationToken = default);

    /// <summary>A page of a variable product's variations, oldest first.</summary>
    [Get("/wp-json/wc/v3/products/{productId}/variations")]
    Task<IApiResponse<List<WooCatalogProduct>>> ListVariationsAsync(
        long productId,
        [AliasAs("page")] int page,
        [AliasAs("per_page")] int perPage,
        [AliasAs("orderby")] string orderBy,
        [AliasAs("order")] string order,
        CancellationToken cancellationToken = default);

    [Post("/wp-json/wc/v3/products/batch")]
    Task<WooBatchResponse> BatchProductsAsync([Body] WooBatchRequest request, CancellationToken cancellationToken = default);

    [Post("/wp-json/wc/v3/products/{productId}/variations/batch")]
    Task<WooBatchResponse> BatchVariationsAsync(long productId, [Body] WooBatchRequest request, CancellationToken cancellationToken = default);
}

internal sealed record WooProduct
{
    [JsonPropertyName("id")]
    public long Id { get; init; }

    [JsonPropertyName("parent_id")]
    public long ParentId { get; init; }

    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonPropertyName("sku")]
    public string? Sku { get; init; }

    /// <summary><c>true</c>, <c>false</c>, or on a variation <c>"parent"</c> (the parent's stock counts).</summary>
    [JsonPropertyName("manage_stock")]
    public JsonElement ManageStock { get; init; }

    [JsonPropertyName("stock_quantity")]
    public int? StockQuantity { get; init; }

    [JsonPropertyName("stock_status")]
    public string? StockStatus { get; init; }

    [JsonPropertyName("error")]
    public WooError? Error { get; init; }

    /// <summary>The quantity the store tracks for this item itself, or null when it tracks none.</summary>
    public int? TrackedQuantity => ManageStock.ValueKind == JsonValueKind.True ? StockQuantity ?? 0 : null;
}

internal sealed record WooError
{
    [JsonPropertyName("code")]
    public string Code { get; init; } = "";

    [JsonPropertyName("message")]
    public string Message { get; init; } = "";

    [JsonPropertyName("data")]
    public WooErrorData? Data { get; init; }
}

internal sealed record WooErrorData
{
    [JsonPropertyName("status")]
    public int Status { get; init; }
}

internal sealed record WooBatchRequest
{
    [JsonPropertyName("update")]
    public required IReadOnlyList<WooStockUpdate> Update { get; init; }
}

/// <summary>
/// Only the stock fields: WooCommerce derives <c>stock_status</c> from the quantity and the product's own
/// backorder setting when <c>manage_stock</c> is on, so neither is overwritten here.
/// </summary>
internal sealed record WooStockUpdate
{
    [JsonPropertyName("id")]
    public required long Id { get; init; }

    [JsonPropertyName("manage_stock")]
    public bool ManageStock { get; init; } = true;

    [JsonPropertyName("stock_quantity")]
    public required int StockQuantity { get; init; }
}

internal sealed record WooBatchResponse
{
    [JsonPropertyName("update")]
    public List<WooProduct> Update { get; init; } = [];
}

/// <summary>The fields of a product or variation that the catalog reads (REST v3; <c>global_unique_id</c> from WooCommerce 9.2).</summary>
internal sealed record WooCatalogProduct
{
    [JsonPropertyName("id")]
    public long Id { get; init; }

    [JsonPropertyName("name")]
    public string? Name { get; init; }

    /// <summary><c>simple</c>, <c>variable</c>, <c>grouped</c>, <c>external</c> (absent on a variation).</summary>
    [JsonPropertyName("type")]
    public string? Type { get; init; }

    /// <summary><c>publish</c>, <c>draft</c>, <c>pending</c>, <c>private</c>, <c>future</c>.</summary>
    [JsonPropertyName("status")]
    public string? Status { get; init; }

    [JsonPropertyName("sku")]
    public string? Sku { get; init; }

    [JsonPropertyName("global_unique_id")]
    public string? GlobalUniqueId { get; init; }

    /// <summary>The current price as text ("12.50"), empty when none is set.</summary>
    [JsonPropertyName("price")]
    public string? Price { get; init; }

    /// <summary><c>taxable</c>, <c>shipping</c> or <c>none</c>.</summary>
    [JsonPropertyName("tax_status")]
    public string? TaxStatus { get; init; }

    /// <summary>Empty for the standard class; on a variation <c>parent</c> for its product's.</summary>
    [JsonPropertyName("tax_class")]
    public string? TaxClass { get; init; }

    [JsonPropertyName("categories")]
    public List<WooCategoryRef>? Categories { get; init; }

    [JsonPropertyName("manage_stock")]
    public JsonElement ManageStock { get; init; }

    [JsonPropertyName("stock_quantity")]
    public int? StockQuantity { get; init; }

    /// <summary>A variation's options (<c>{name, option}</c>).</summary>
    [JsonPropertyName("attributes")]
    public List<WooAttribute>? Attributes { get; init; }

    [JsonPropertyName("date_modified_gmt")]
    public string? DateModifiedGmt { get; init; }
}

internal sealed record WooCategoryRef
{
    [JsonPropertyName("id")]
    public long Id { get; init; }

    [JsonPropertyName("name")]
    public string? Name { get; init; }
}

internal sealed record WooAttribute
{
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    [JsonPropertyName("option")]
    public string? Option { get; init; }
}
