using System.Text.Json.Serialization;
using Refit;

namespace PosBridge.Ecommerce.Magento;

/// <summary>Magento's Multi-Source Inventory REST endpoints that stock alignment uses.</summary>
internal interface IMagentoApi
{
    /// <summary>Source items matching <paramref name="searchCriteria"/> (<c>searchCriteria[...]</c> keys).</summary>
    [Get("/rest/V1/inventory/source-items")]
    Task<MagentoSourceItems> GetSourceItemsAsync([Query] IDictionary<string, string> searchCriteria, CancellationToken cancellationToken = default);

    /// <summary>Saves source items as a whole: one invalid item fails the request.</summary>
    [Post("/rest/V1/inventory/source-items")]
    Task SaveSourceItemsAsync([Body] MagentoSourceItemsRequest request, CancellationToken cancellationToken = default);
}

internal sealed record MagentoSourceItem
{
    [JsonPropertyName("sku")]
    public required string Sku { get; init; }

    [JsonPropertyName("source_code")]
    public required string SourceCode { get; init; }

    [JsonPropertyName("quantity")]
    public decimal Quantity { get; init; }

    /// <summary>1 in stock, 0 out of stock.</summary>
    [JsonPropertyName("status")]
    public int Status { get; init; }
}

internal sealed record MagentoSourceItems
{
    [JsonPropertyName("items")]
    public List<MagentoSourceItem> Items { get; init; } = [];

    [JsonPropertyName("total_count")]
    public int TotalCount { get; init; }
}

internal sealed record MagentoSourceItemsRequest
{
    [JsonPropertyName("sourceItems")]
    public required IReadOnlyList<MagentoSourceItem> SourceItems { get; init; }
}
