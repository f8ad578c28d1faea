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
/// The catalog listing (<c>page</c>, <c>per_page</c> at most 100, <c>orderby</c>, <c>order</c>, <c>modified_after</c>
/// with <c>dates_are_gmt</c>) answers <c>X-WP-Total</c> and <c>X-WP-TotalPages</c> and leaves out the trash, as
/// REST v3 does; any other query parameter fails the test.
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

        public string Name { get; set; } = "";

        /// <summary><c>publish</c>, <c>draft</c>, <c>private</c>, <c>trash</c>, …</summary>
        public string Status { get; set; } = "publish";

        public string Price { get; set; } = "10.00";

        public string TaxStatus { get; set; } = "taxable";

        public string TaxClass { get; set; } = "";

        public string GlobalUniqueId { get; set; } = "";

        public List<(long Id, string Name)> Categories { get; init; } = [];

        public List<(string Name, string Option)> Attributes { get; init; } = [];

        public DateTimeOffset Modified { get; set; } = DateTimeOffset.UnixEpoch;
    }

    /// <summary>Every request is answered 401, as WooCommerce does for a revoked or mistyped key.</summary>
    public bool RefuseKey { get; set; }

    /// <summary>Every request fails as when the site is down (no answer).</summary>
    public bool Down { get; set; }

    /// <summary>A catalog product, saved now by the fake's clock.</summary>
    public Item AddCatalogProduct(string name, string? sku, string price, string taxClass = "", string barcode = "", params (long Id, string Name)[] categories)
    {
        var item = new Item { Id = _nextId++, Sku = sku ?? "", Name = name, Price = price, TaxClass = taxClass, GlobalUniqueId = barcode, Categories = [.. categories], Modified = _time.GetUtcNow() };
        Products[item.Id] = item;
        return item;
    }

    /// <summary>A variable product with its variations (options), saved now by the fake's clock.</summary>
    public (Item Parent, Item[] Variations) AddCatalogVariable(string name, params (string Sku, string Option, string Price)[] variations)
    {
        var parent = new Item { Id = _nextId++, Sku = "", Name = name, Type = "variable", ManageStock = false, Price = "", Modified = _time.GetUtcNow() };
        Products[parent.Id] = parent;
        var children = variations.Select(v => new Item
        {
            Id = _nextId++, ParentId = parent.Id, Sku = v.Sku, Type = "variation", Name = name, Price = v.Price, TaxClass = "parent", Quantity = 5,
            Attributes = [("Size", v.Option)], Modified = _time.GetUtcNow(),
        }).ToArray();
        foreach (var child in children)
        {
            Products[child.Id] = child;
        }

        return (parent, children);
    }

    /// <summary>Saves a product as the admin screen does: its modified date moves to now.</summary>
    public void Touch(Item item) => item.Modified = _time.GetUtcNow();

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

        if (Down)
        {
            throw new HttpRequestException("Connection refused (shop.example.com:443)");
        }

        if (RefuseKey)
        {
            return RouteTableHandler.Json("""{"code":"woocommerce_rest_cannot_view","message":"Sorry, you cannot list resources.","data":{"status":401}}""", HttpStatusCode.Unauthorized);
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
        if (query["page"] is not null)
        {
            return Task.FromResult(List(query, perPage, Products.Values.Where(p => p.Type != "variation").ToList(), catalogOrder: true));
        }

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
        if (query["page"] is not null)
        {
            return Task.FromResult(List(query, perPage, Products.Values.Where(p => p.ParentId == parentId).ToList(), catalogOrder: false));
        }

        var ids = (query["include"] ?? throw new UnexpectedRequestException("Variations are read by id.")).Split(',').Select(i => long.Parse(i, CultureInfo.InvariantCulture)).ToHashSet();
        return Task.FromResult(Page(Products.Values.Where(p => p.ParentId == parentId && ids.Contains(p.Id)).ToList(), perPage));
    }

    /// <summary>One page of a listing as REST v3 answers it, with X-WP-Total and X-WP-TotalPages.</summary>
    private static (HttpResponseMessage, int) List(System.Collections.Specialized.NameValueCollection query, int perPage, List<Item> items, bool catalogOrder)
    {
        var allowed = catalogOrder ? new[] { "page", "per_page", "orderby", "order", "modified_after", "dates_are_gmt" } : ["page", "per_page", "orderby", "order"];
        foreach (var key in query.AllKeys)
        {
            if (key is null || !allowed.Contains(key))
            {
                throw new UnexpectedRequestException($"The listing has no parameter '{key}' the fake knows; PosBridge should not need it.");
            }
        }

        var page = int.Parse(query["page"]!, CultureInfo.InvariantCulture);
        if (page < 1)
        {
            throw new UnexpectedRequestException("page starts at 1.");
        }

        IEnumerable<Item> found = items.Where(i => i.Status != "trash");
        if (query["modified_after"] is { } after)
        {
            if (query["dates_are_gmt"] != "true")
            {
                throw new UnexpectedRequestException("modified_after without dates_are_gmt=true is read in the site's local time zone.");
            }

            var mark = DateTimeOffset.Parse(after + "Z", CultureInfo.InvariantCulture);
            found = found.Where(i => Second(i.Modified) > mark);
        }

        found = (query["orderby"], query["order"]) switch
        {
            ("id", "asc") => found.OrderBy(i => i.Id),
            ("modified", "asc") when catalogOrder => found.OrderBy(i => Second(i.Modified)).ThenBy(i => i.Id),
            var other => throw new UnexpectedRequestException($"The fake orders by id or modified, ascending; asked {other}."),
        };
        var all = found.ToList();
        var pageItems = all.Skip((page - 1) * perPage).Take(perPage).ToList();
        var response = RouteTableHandler.Json(new JsonArray([.. pageItems.Select(ToJson)]).ToJsonString());
        response.Headers.Add("X-WP-Total", all.Count.ToString(CultureInfo.InvariantCulture));
        response.Headers.Add("X-WP-TotalPages", ((all.Count + perPage - 1) / perPage).ToString(CultureInfo.InvariantCulture));
        return (response, pageItems.Count);
    }

    // WordPress keeps whole seconds.
    private static DateTimeOffset Second(DateTimeOffset at) => new(at.Ticks - (at.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

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
        ["name"] = item.Name,
        ["status"] = item.Status,
        ["price"] = item.Price,
        ["tax_status"] = item.TaxStatus,
        ["tax_class"] = item.TaxClass,
        ["global_unique_id"] = item.GlobalUniqueId,
        ["categories"] = item.ParentId == 0 ? new JsonArray([.. item.Categories.Select(c => (JsonNode)new JsonObject { ["id"] = c.Id, ["name"] = c.Name, ["slug"] = c.Name.ToLowerInvariant() })]) : null,
        ["attributes"] = new JsonArray([.. item.Attributes.Select(a => (JsonNode)new JsonObject { ["id"] = 0, ["name"] = a.Name, ["option"] = a.Option })]),
        ["date_modified_gmt"] = Second(item.Modified).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture),
    };
}
