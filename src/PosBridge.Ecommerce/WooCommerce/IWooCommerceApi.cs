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
