using System.Text.Json;
using System.Text.Json.Serialization;
using Refit;

namespace PosBridge.Ecommerce.Shopify;

/// <summary>Shopify's Admin GraphQL endpoint; the access token is added by the registered client.</summary>
internal interface IShopifyAdminApi
{
    [Post("/admin/api/{apiVersion}/graphql.json")]
    Task<GraphQlResponse> PostAsync(string apiVersion, [Body] GraphQlRequest request, CancellationToken cancellationToken = default);
}

internal sealed record GraphQlRequest(
    [property: JsonPropertyName("query")] string Query,
    [property: JsonPropertyName("variables")] IReadOnlyDictionary<string, object?> Variables,
    [property: JsonPropertyName("operationName")] string OperationName);

internal sealed record GraphQlResponse
{
    [JsonPropertyName("data")]
    public JsonElement Data { get; init; }

    [JsonPropertyName("errors")]
    public List<GraphQlError>? Errors { get; init; }

    [JsonPropertyName("extensions")]
    public GraphQlExtensions? Extensions { get; init; }
}

internal sealed record GraphQlError
{
    [JsonPropertyName("message")]
    public string Message { get; init; } = "";

    [JsonPropertyName("extensions")]
    public GraphQlErrorExtensions? Extensions { get; init; }
}

internal sealed record GraphQlErrorExtensions
{
    [JsonPropertyName("code")]
    public string? Code { get; init; }
}

internal sealed record GraphQlExtensions
{
    [JsonPropertyName("cost")]
    public QueryCost? Cost { get; init; }
}

internal sealed record QueryCost
{
    [JsonPropertyName("requestedQueryCost")]
    public double RequestedQueryCost { get; init; }

    [JsonPropertyName("actualQueryCost")]
    public double? ActualQueryCost { get; init; }

    [JsonPropertyName("throttleStatus")]
    public ThrottleStatus? ThrottleStatus { get; init; }
}

internal sealed record ThrottleStatus
{
    [JsonPropertyName("maximumAvailable")]
    public double MaximumAvailable { get; init; }

    [JsonPropertyName("currentlyAvailable")]
    public double CurrentlyAvailable { get; init; }

    [JsonPropertyName("restoreRate")]
    public double RestoreRate { get; init; }
}

internal sealed record UserError
{
    [JsonPropertyName("field")]
    public List<string>? Field { get; init; }

    [JsonPropertyName("message")]
    public string Message { get; init; } = "";

    [JsonPropertyName("code")]
    public string? Code { get; init; }

    /// <summary>The index into the input array the error is about (<c>["input","quantities","3",…]</c>), if any.</summary>
    public int? ItemIndex(string arrayName)
    {
        if (Field is null)
        {
            return null;
        }

        var at = Field.IndexOf(arrayName);
        return at >= 0 && at + 1 < Field.Count && int.TryParse(Field[at + 1], System.Globalization.CultureInfo.InvariantCulture, out var index) ? index : null;
    }
}
