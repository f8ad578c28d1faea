using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Web;
using PosBridge.Ecommerce.Tests.Http;

namespace PosBridge.Ecommerce.Tests.WooCommerce;

/// <summary>
/// WooCommerce REST v3 as webstores.md describes it: products and variations by SKU or id, batch updates of
/// at most 100 items answered item by item, Basic auth with the consumer key over HTTPS, 429 with Retry-After.
/// Anything else (a create, a delete, an unknown field, a page it would have to split) fails the test.
/// </summary>
public sealed class FakeWooCommerce
{
    public const string ConsumerKey = "ck_test_key";
    public const string ConsumerSecret = "cs_test_secret";
    public const int MaxBatch = 100;

    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly Queue<TimeSpan> _rateLimits = new();
    private long _nextId = 1000;

    public FakeWooCommerce(TimeProvider time)
    {
        _time = time;
        Handler = new RouteTableHandler()
            .Map(HttpMethod.Get, "/wp-json/wc/v3/products", (r, _) => Guard(r, () => GetProducts(r)))
            .Map(HttpMethod.Get, "/wp-json/wc/v3/products/(?<id>\\d+)/variations", (r, m) => Guard(r, () => GetVariations(r, long.Parse(m.Groups["id"].Value, CultureInfo.InvariantCulture))))
            .Map(HttpMethod.Post, "/wp-json/wc/v3/products/batch", (r, _) => Guard(r, () => Batch(r, parentId: null)))
            .Map(HttpMethod.Post, "/wp-json/wc/v3/products/(?<id>\\d+)/variations/batch", (r, m) => Guard(r, () => Batch(r, long.Parse(m.Groups["id"].Value, CultureInfo.InvariantCulture))));
    }

    public RouteTableHandler Handler { get; }

    public Dictionary<long, Item> Products { get; } = [];

    /// <summary>Items whose update fails with this error (code, message, HTTP status), the others succeed.</summary>
    public Dictionary<long, (string Code, string Message, int Status)> FailingItems { get; } = [];

    public List<Request> Requests { get; } = [];

    public int Reads => Requests.Count(r => r.Method == "GET" && r.Status == 200);

    public int Writes => Requests.Count(r => r.Method == "POST" && r.Status == 200);

    public IEnumerable<int> BatchSizes => Requests.Where(r => r.Method == "POST").Select(r => r.Items);

    public sealed class Item
    {
        public long Id { get; init; }

        public long ParentId { get; init; }

        public required string Sku { get; set; }

        public string Type { get; init; } = "simple";

        public bool ManageStock { get; set; } = true;

        public int? Quantity { get; set; }
    }

    public sealed record Request(string Method, string PathAndQuery, DateTimeOffset At, int Status, int Items);

    public Item AddProduct(string sku, int? quantity, bool manageStock = true)
    {
        var item = new Item { Id = _nextId++, Sku = sku, Quantity = quantity, ManageStock = manageStock };
        Products[item.Id] = item;
        return item;
    }

    public (Item Parent, Item[] Variations) AddVariable(string parentSku, params (string Sku, int Quantity)[] variations)
    {
        var parent = new Item { Id = _nextId++, Sku = parentSku, Type = "variable", ManageStock = false };
        Products[parent.Id] = parent;
        var children = variations.Select(v => new Item { Id = _nextId++, ParentId = parent.Id, Sku = v.Sku, Type = "variation", Quantity = v.Quantity }).ToArray();
        foreach (var child in children)
        {
            Products[child.Id] = child;
        }

        return (parent, children);
    }

    /// <summary>The product is deleted and created again under a new id (an admin's "fix"): old mappings break.</summary>
    public Item Recreate(Item item)
    {
        Products.Remove(item.Id);
        var again = new Item { Id = _nextId++, ParentId = item.ParentId, Sku = item.Sku, Type = item.Type, Quantity = item.Quantity, ManageStock = item.ManageStock };
        Products[again.Id] = again;
        return again;
    }

    public Item BySku(string sku) => Products.Values.Single(p => p.Sku == sku);

    /// <summary>The next batch writes are answered 500 (a PHP fatal error), each once.</summary>
    public int FailingBatches { get; set; }

    /// <summary>The next request is answered 429 with this Retry-After.</summary>
    public void RateLimitNext(TimeSpan retryAfter) => _rateLimits.Enqueue(retryAfter);

    private async Task<HttpResponseMessage> Guard(HttpRequestMessage request, Func<Task<(HttpResponseMessage Response, int Items)>> answer)
    {
        if (request.RequestUri!.Scheme != Uri.UriSchemeHttps)
        {
            throw new UnexpectedRequestException("WooCommerce credentials must only travel over HTTPS.");
        }

        var expected = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ConsumerKey}:{ConsumerSecret}"));
        if (request.Headers.Authorization is not { Scheme: "Basic" } auth || auth.Parameter != expected)
        {
            throw new UnexpectedRequestException("Missing or wrong Basic auth with the consumer key and secret.");
        }

        HttpResponseMessage response;
        int items;
        lock (_lock)
        {
            if (_rateLimits.TryDequeue(out var retryAfter))
            {
                response = RouteTableHandler.Json("""{"code":"too_many_requests","message":"Too many requests.","data":{"status":429}}""", HttpStatusCode.TooManyRequests);
                response.Headers.RetryAfter = new RetryConditionHeaderValue(retryAfter);
                Requests.Add(new Request(request.Method.Method, request.RequestUri.PathAndQuery, _time.GetUtcNow(), 429, 0));
                return response;
            }
        }

        if (request.Method == HttpMethod.Post && FailingBatches > 0)
        {
            FailingBatches--;
            response = RouteTableHandler.Json("""{"code":"internal_server_error","message":"There has been a critical error on this website.","data":{"status":500}}""", HttpStatusCode.InternalServerError);
            Requests.Add(new Request(request.Method.Method, request.RequestUri.PathAndQuery, _time.GetUtcNow(), 500, 0));
            return response;
        }

        (response, items) = await answer().ConfigureAwait(false);
        lock (_lock)
        {
            Requests.Add(new Request(request.Method.Method, request.RequestUri.PathAndQuery, _time.GetUtcNow(), (int)response.StatusCode, items));
        }

        return response;
    }

    private Task<(HttpResponseMessage, int)> GetProducts(HttpRequestMessage request)
    {
        var query = HttpUtility.ParseQueryString(request.RequestUri!.Query);
        var perPage = PerPage(query);
        IEnumerable<Item> found;
        if (query["sku"] is { } skus)
        {
            // WooCommerce searches variations too when asked by SKU.
            var wanted = skus.Split(',').ToHashSet(StringComparer.Ordinal);
            found = Products.Values.Where(p => wanted.Contains(p.Sku));
        }
        else if (query["include"] is { } include)
        {
            var ids = include.Split(',').Select(i => long.Parse(i, CultureInfo.InvariantCulture)).ToHashSet();
            found = Products.Values.Where(p => ids.Contains(p.Id) && p.Type != "variation");
        }
        else
        {
            throw new UnexpectedRequestException("Listing every product is not how PosBridge reads stock.");
        }

        return Task.FromResult(Page(found.ToList(), perPage));
    }

    private Task<(HttpResponseMessage, int)> GetVariations(HttpRequestMessage request, long parentId)
    {
        var query = HttpUtility.ParseQueryString(request.RequestUri!.Query);
        var perPage = PerPage(query);
        var ids = (query["include"] ?? throw new UnexpectedRequestException("Variations are read by id.")).Split(',').Select(i => long.Parse(i, CultureInfo.InvariantCulture)).ToHashSet();
        return Task.FromResult(Page(Products.Values.Where(p => p.ParentId == parentId && ids.Contains(p.Id)).ToList(), perPage));
    }

    private static int PerPage(System.Collections.Specialized.NameValueCollection query)
    {
        var perPage = int.Parse(query["per_page"] ?? "10", CultureInfo.InvariantCulture);
        if (perPage is < 1 or > 100)
        {
            throw new UnexpectedRequestException($"per_page must be 1 to 100 (WooCommerce answers rest_invalid_param); it is {perPage}.");
        }

        return perPage;
    }

    private static (HttpResponseMessage, int) Page(List<Item> found, int perPage)
    {
        if (found.Count > perPage)
        {
            throw new UnexpectedRequestException($"{found.Count} results do not fit a page of {perPage}; the adapter would silently miss some.");
        }

        return (RouteTableHandler.Json(new JsonArray([.. found.Select(ToJson)]).ToJsonString()), found.Count);
    }

    private async Task<(HttpResponseMessage, int)> Batch(HttpRequestMessage request, long? parentId)
    {
        var body = JsonNode.Parse(await request.Content!.ReadAsStringAsync().ConfigureAwait(false))!.AsObject();
        foreach (var (key, value) in body)
        {
            if (key != "update" && value is JsonArray { Count: > 0 })
            {
                throw new UnexpectedRequestException($"PosBridge must never {key} products; the batch had '{key}'.");
            }
        }

        var updates = body["update"]?.AsArray() ?? throw new UnexpectedRequestException("A stock batch carries 'update'.");
        if (updates.Count > MaxBatch)
        {
            return (RouteTableHandler.Json(
                """{"code":"woocommerce_rest_request_entity_too_large","message":"Unable to accept more than 100 items for this request.","data":{"status":413}}""",
                HttpStatusCode.RequestEntityTooLarge), updates.Count);
        }

        var answers = new JsonArray();
        foreach (var update in updates.Select(u => u!.AsObject()))
        {
            foreach (var (field, _) in update)
            {
                if (field is not ("id" or "manage_stock" or "stock_quantity"))
                {
                    throw new UnexpectedRequestException($"A stock push must only send stock fields; it sent '{field}'.");
                }
            }

            var id = update["id"]!.GetValue<long>();
            if (!Products.TryGetValue(id, out var item) || (parentId is { } p ? item.ParentId != p : item.Type == "variation"))
            {
                var code = parentId is null ? "woocommerce_rest_product_invalid_id" : "woocommerce_rest_product_variation_invalid_id";
                answers.Add(Error(id, code, "Invalid ID.", 400));
                continue;
            }

            if (FailingItems.TryGetValue(id, out var failure))
            {
                answers.Add(Error(id, failure.Code, failure.Message, failure.Status));
                continue;
            }

            item.ManageStock = update["manage_stock"]?.GetValue<bool>() ?? item.ManageStock;
            item.Quantity = update["stock_quantity"]?.GetValue<int>() ?? item.Quantity;
            answers.Add(ToJson(item));
        }

        return (RouteTableHandler.Json(new JsonObject { ["update"] = answers }.ToJsonString()), updates.Count);
    }

    private static JsonObject Error(long id, string code, string message, int status) => new()
    {
        ["id"] = id,
        ["error"] = new JsonObject { ["code"] = code, ["message"] = message, ["data"] = new JsonObject { ["status"] = status } },
    };

    private static JsonObject ToJson(Item item) => new()
    {
        ["id"] = item.Id,
        ["parent_id"] = item.ParentId,
        ["type"] = item.Type,
        ["sku"] = item.Sku,
        ["manage_stock"] = item.ManageStock,
        ["stock_quantity"] = item.Quantity,
        ["stock_status"] = item.Quantity > 0 ? "instock" : "outofstock",
        ["backorders"] = "no",
    };
}
