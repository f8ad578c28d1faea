using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Web;
using PosBridge.Ecommerce.Tests.Http;

namespace PosBridge.Ecommerce.Tests.Magento;

/// <summary>
/// Magento 2 MSI source items as webstores.md describes them: read with search criteria (SKU in a list, one
/// source code), saved with <c>POST /V1/inventory/source-items</c> as a whole (one invalid item refuses the
/// request). Saving a source item that does not exist would assign the product to a source: that fails the test.
/// </summary>
public sealed class FakeMagento
{
    public const string Token = "magento-integration-token";

    public FakeMagento()
    {
        Handler = new RouteTableHandler()
            .Map(HttpMethod.Get, "/rest/V1/inventory/source-items", (r, _) => Task.FromResult(Guard(r, () => Search(r))))
            .Map(HttpMethod.Post, "/rest/V1/inventory/source-items", async (r, _) =>
            {
                var body = await r.Content!.ReadAsStringAsync().ConfigureAwait(false);
                return Guard(r, () => Save(body));
            });
    }

    public RouteTableHandler Handler { get; }

    public Dictionary<(string Sku, string Source), decimal> SourceItems { get; } = [];

    /// <summary>SKUs whose save Magento refuses (a validation error), failing the whole request.</summary>
    public HashSet<string> Refusing { get; } = new(StringComparer.Ordinal);

    public List<(string Method, int Status, int Items)> Requests { get; } = [];

    public int Reads => Requests.Count(r => r.Method == "GET");

    public int Saves => Requests.Count(r => r.Method == "POST" && r.Status == 200);

    private HttpResponseMessage Guard(HttpRequestMessage request, Func<(HttpResponseMessage Response, int Items)> answer)
    {
        if (request.RequestUri!.Scheme != Uri.UriSchemeHttps)
        {
            throw new UnexpectedRequestException("The Magento token must only travel over HTTPS.");
        }

        if (request.Headers.Authorization is not { Scheme: "Bearer", Parameter: Token })
        {
            throw new UnexpectedRequestException("Missing or wrong Bearer token.");
        }

        var (response, items) = answer();
        Requests.Add((request.Method.Method, (int)response.StatusCode, items));
        return response;
    }

    private (HttpResponseMessage, int) Search(HttpRequestMessage request)
    {
        var query = HttpUtility.ParseQueryString(request.RequestUri!.Query);
        string Filter(int group, string part) => query[$"searchCriteria[filter_groups][{group}][filters][0][{part}]"]
            ?? throw new UnexpectedRequestException($"Source items are searched by SKU list and source code; filter group {group} lacks '{part}'.");
        if (Filter(0, "field") != "sku" || Filter(0, "condition_type") != "in" || Filter(1, "field") != "source_code" || Filter(1, "condition_type") != "eq")
        {
            throw new UnexpectedRequestException("Unexpected search criteria.");
        }

        var skus = Filter(0, "value").Split(',').ToHashSet(StringComparer.Ordinal);
        var source = Filter(1, "value");
        var pageSize = int.Parse(query["searchCriteria[pageSize]"] ?? throw new UnexpectedRequestException("Without a page size Magento answers everything."), CultureInfo.InvariantCulture);
        var found = SourceItems.Where(i => i.Key.Source == source && skus.Contains(i.Key.Sku)).ToList();
        if (found.Count > pageSize)
        {
            throw new UnexpectedRequestException($"{found.Count} items do not fit a page of {pageSize}.");
        }

        var items = new JsonArray([.. found.Select(i => (JsonNode)new JsonObject
        {
            ["sku"] = i.Key.Sku,
            ["source_code"] = i.Key.Source,
            ["quantity"] = i.Value,
            ["status"] = i.Value > 0 ? 1 : 0,
        })]);
        return (RouteTableHandler.Json(new JsonObject { ["items"] = items, ["total_count"] = found.Count }.ToJsonString()), found.Count);
    }

    private (HttpResponseMessage, int) Save(string body)
    {
        var items = JsonNode.Parse(body)!["sourceItems"]?.AsArray() ?? throw new UnexpectedRequestException("A save carries 'sourceItems'.");
        var parsed = new List<(string Sku, string Source, decimal Quantity)>();
        foreach (var item in items.Select(i => i!.AsObject()))
        {
            if (item.Select(p => p.Key).Except(["sku", "source_code", "quantity", "status"]).FirstOrDefault() is { } extra)
            {
                throw new UnexpectedRequestException($"Unexpected source item field '{extra}'.");
            }

            var key = (item["sku"]!.GetValue<string>(), item["source_code"]!.GetValue<string>());
            if (!SourceItems.ContainsKey(key))
            {
                throw new UnexpectedRequestException($"Saving {key} would assign the product to a source; PosBridge never creates.");
            }

            parsed.Add((key.Item1, key.Item2, item["quantity"]!.GetValue<decimal>()));
        }

        if (parsed.FirstOrDefault(p => Refusing.Contains(p.Sku)) is { Sku: not null } refused)
        {
            var error = new JsonObject { ["message"] = "Validation Failed", ["errors"] = new JsonArray(new JsonObject { ["message"] = $"Invalid quantity for SKU {refused.Sku}." }) };
            return (RouteTableHandler.Json(error.ToJsonString(), HttpStatusCode.BadRequest), parsed.Count);
        }

        foreach (var (sku, source, quantity) in parsed)
        {
            SourceItems[(sku, source)] = quantity;
        }

        return (RouteTableHandler.Json("[]"), parsed.Count);
    }
}
