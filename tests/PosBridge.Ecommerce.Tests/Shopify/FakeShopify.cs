using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PosBridge.Ecommerce.Tests.Http;

namespace PosBridge.Ecommerce.Tests.Shopify;

/// <summary>
/// Shopify's Admin GraphQL API as webstores.md describes it, for the operations PosBridge sends: locations,
/// variants by SKU, inventory levels by item, <c>inventorySetQuantities</c> with compare-and-swap
/// (<c>changeFromQuantity</c>, all or nothing), <c>inventoryAdjustQuantities</c>, <c>@idempotent</c> keys, arrays
/// of at most 250, and the cost bucket reported in <c>extensions.cost.throttleStatus</c> (THROTTLED when short).
/// Any other document fails the test.
/// </summary>
public sealed partial class FakeShopify
{
    public const string Token = "shpat_test_token";
    public const string ApiVersion = "2026-01";
    public const int MaxArray = 250;

    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, JsonObject> _idempotent = new(StringComparer.Ordinal);
    private double _available;
    private DateTimeOffset _refilledAt;
    private int _nextId = 1;

    public FakeShopify(TimeProvider time, double maximumAvailable = 2000, double restoreRate = 100)
    {
        _time = time;
        MaximumAvailable = maximumAvailable;
        RestoreRate = restoreRate;
        _available = maximumAvailable;
        _refilledAt = time.GetUtcNow();
        Handler = new RouteTableHandler().Map(HttpMethod.Post, $"/admin/api/{ApiVersion}/graphql.json", (r, _) => HandleAsync(r));
    }

    public RouteTableHandler Handler { get; }

    public double MaximumAvailable { get; }

    public double RestoreRate { get; }

    public Dictionary<string, (string Sku, string VariantId)> Items { get; } = new(StringComparer.Ordinal);

    public Dictionary<(string Item, string Location), int> Levels { get; } = [];

    public Dictionary<string, string> Locations { get; } = new(StringComparer.Ordinal);

    public List<GraphQlCall> Calls { get; } = [];

    /// <summary>The shop cannot be reached at all.</summary>
    public bool Down { get; set; }

    /// <summary>The app was uninstalled or its token revoked: every call is a 401.</summary>
    public bool TokenRevoked { get; set; }

    /// <summary>Runs once, just before the next <c>inventorySetQuantities</c> is judged (a web order lands).</summary>
    public Action? BeforeNextSet { get; set; }

    public sealed record GraphQlCall(string Operation, DateTimeOffset At, bool Throttled, int Items, string? IdempotencyKey, double AvailableBefore);

    public int Count(string operation) => Calls.Count(c => c.Operation == operation && !c.Throttled);

    /// <summary>Starts the bucket at this level (as if other apps had used it).</summary>
    public void Drain(double to) => _available = to;

    public string AddLocation(string name)
    {
        var id = $"gid://shopify/Location/{_nextId++}";
        Locations[id] = name;
        return id;
    }

    public string AddItem(string sku, string location, int available)
    {
        var id = $"gid://shopify/InventoryItem/{_nextId++}";
        Items[id] = (sku, $"gid://shopify/ProductVariant/{_nextId++}");
        Levels[(id, location)] = available;
        return id;
    }

    /// <summary>The variant is deleted and made again (a new inventory item for the same SKU).</summary>
    public string Recreate(string item, string location)
    {
        var (sku, _) = Items[item];
        var level = Levels[(item, location)];
        Items.Remove(item);
        Levels.Remove((item, location));
        return AddItem(sku, location, level);
    }

    public int LevelOf(string sku, string location) => Levels[(Items.Single(i => i.Value.Sku == sku).Key, location)];

    private async Task<HttpResponseMessage> HandleAsync(HttpRequestMessage request)
    {
        if (request.RequestUri!.Scheme != Uri.UriSchemeHttps || !request.RequestUri.Host.EndsWith(".myshopify.com", StringComparison.Ordinal))
        {
            throw new UnexpectedRequestException($"Shopify is reached at https://<shop>.myshopify.com, not {request.RequestUri}.");
        }

        if (Down)
        {
            throw new HttpRequestException("Connection refused (cairo-shop.myshopify.com:443)");
        }

        if (TokenRevoked)
        {
            // Shopify's answer to an uninstalled app's or a revoked token.
            return RouteTableHandler.Json("""{"errors":"[API] Invalid API key or access token (unrecognized login or wrong password)"}""", System.Net.HttpStatusCode.Unauthorized);
        }

        if (!request.Headers.TryGetValues("X-Shopify-Access-Token", out var tokens) || tokens.Single() != Token)
        {
            throw new UnexpectedRequestException("Missing or wrong X-Shopify-Access-Token.");
        }

        var body = JsonNode.Parse(await request.Content!.ReadAsStringAsync().ConfigureAwait(false))!.AsObject();
        var query = body["query"]!.GetValue<string>();
        var operation = body["operationName"]?.GetValue<string>() ?? throw new UnexpectedRequestException("Every operation is named.");
        var variables = body["variables"]?.AsObject() ?? [];
        var (signature, cost) = operation switch
        {
            "PosBridgeLocations" => ("locations(first: 250)", 2d),
            "PosBridgeVariantsBySku" => ("productVariants(first: 250, query: $query)", 12d),
            "PosBridgeInventoryLevels" => ("inventoryLevel(locationId: $locationId)", 1d + variables["ids"]!.AsArray().Count),
            "PosBridgeSetQuantities" => ("inventorySetQuantities(input: $input) @idempotent(key: $idempotencyKey)", 10d),
            "PosBridgeAdjustQuantities" => ("inventoryAdjustQuantities(input: $input) @idempotent(key: $idempotencyKey)", 10d),
            "PosBridgeProducts" => ("products(first: $first, after: $after, sortKey: $sortKey, query: $query)", ProductsCost(query, variables)),
            "PosBridgeProductVariants" => ("variants(first: $first, after: $after)", VariantsCost(variables)),
            _ => throw new UnexpectedRequestException($"Unexpected GraphQL operation '{operation}'."),
        };
        if (!query.Contains(signature, StringComparison.Ordinal))
        {
            throw new UnexpectedRequestException($"{operation} does not contain '{signature}'.");
        }

        lock (_lock)
        {
            var now = _time.GetUtcNow();
            _available = Math.Min(MaximumAvailable, _available + ((now - _refilledAt).TotalSeconds * RestoreRate));
            _refilledAt = now;
            var before = _available;
            var key = variables["idempotencyKey"]?.GetValue<string>();
            var items = ArraySize(variables);
            if (cost > MaxQueryCost)
            {
                Calls.Add(new GraphQlCall(operation, now, Throttled: false, items, key, before));
                var tooCostly = new JsonObject
                {
                    ["errors"] = new JsonArray(new JsonObject
                    {
                        ["message"] = $"Query cost is {cost}, which exceeds the single query max cost limit ({MaxQueryCost}).",
                        ["extensions"] = new JsonObject { ["code"] = "MAX_COST_EXCEEDED", ["cost"] = cost, ["maxCost"] = MaxQueryCost },
                    }),
                };
                return RouteTableHandler.Json(tooCostly.ToJsonString());
            }

            if (_available < cost)
            {
                Calls.Add(new GraphQlCall(operation, now, Throttled: true, items, key, before));
                var throttled = new JsonObject
                {
                    ["errors"] = new JsonArray(new JsonObject { ["message"] = "Throttled", ["extensions"] = new JsonObject { ["code"] = "THROTTLED" } }),
                    ["extensions"] = Cost(cost, actual: null),
                };
                return RouteTableHandler.Json(throttled.ToJsonString());
            }

            _available -= cost;
            Calls.Add(new GraphQlCall(operation, now, Throttled: false, items, key, before));
            if (items > MaxArray)
            {
                var tooBig = new JsonObject
                {
                    ["errors"] = new JsonArray(new JsonObject
                    {
                        ["message"] = $"The input array size of {items} is greater than the maximum allowed of {MaxArray}.",
                        ["extensions"] = new JsonObject { ["code"] = "MAX_INPUT_SIZE_EXCEEDED" },
                    }),
                    ["extensions"] = Cost(cost, cost),
                };
                return RouteTableHandler.Json(tooBig.ToJsonString());
            }

            var data = operation switch
            {
                "PosBridgeLocations" => LocationsData(),
                "PosBridgeVariantsBySku" => VariantsData(variables),
                "PosBridgeInventoryLevels" => LevelsData(variables),
                "PosBridgeSetQuantities" => Idempotent(key, () => SetData(variables)),
                "PosBridgeProducts" => ProductsData(query, variables),
                "PosBridgeProductVariants" => ProductVariantsData(variables),
                _ => Idempotent(key, () => AdjustData(variables)),
            };
            return RouteTableHandler.Json(new JsonObject { ["data"] = data, ["extensions"] = Cost(cost, cost) }.ToJsonString());
        }
    }

    private JsonObject Idempotent(string? key, Func<JsonObject> run)
    {
        if (string.IsNullOrEmpty(key))
        {
            throw new UnexpectedRequestException("Inventory mutations carry an @idempotent key (required from 2026-04).");
        }

        if (!_idempotent.TryGetValue(key, out var answer))
        {
            _idempotent[key] = answer = run();
        }

        return (JsonObject)answer.DeepClone();
    }

    private JsonObject LocationsData() => new()
    {
        ["locations"] = new JsonObject { ["nodes"] = new JsonArray([.. Locations.Select(l => (JsonNode)new JsonObject { ["id"] = l.Key, ["name"] = l.Value })]) },
    };

    private JsonObject VariantsData(JsonObject variables)
    {
        var search = variables["query"]!.GetValue<string>();
        var skus = SkuTerm().Matches(search).Select(m => m.Groups[1].Value.Replace("\\\"", "\"", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
        var nodes = Items.Where(i => skus.Contains(i.Value.Sku))
            .Select(i => (JsonNode)new JsonObject { ["id"] = i.Value.VariantId, ["sku"] = i.Value.Sku, ["inventoryItem"] = new JsonObject { ["id"] = i.Key } });
        return new JsonObject { ["productVariants"] = new JsonObject { ["nodes"] = new JsonArray([.. nodes]) } };
    }

    private JsonObject LevelsData(JsonObject variables)
    {
        var location = variables["locationId"]!.GetValue<string>();
        var nodes = new JsonArray();
        foreach (var id in variables["ids"]!.AsArray().Select(i => i!.GetValue<string>()))
        {
            if (!Items.TryGetValue(id, out var item))
            {
                nodes.Add(null);
                continue;
            }

            nodes.Add(new JsonObject
            {
                ["id"] = id,
                ["sku"] = item.Sku,
                ["inventoryLevel"] = Levels.TryGetValue((id, location), out var quantity)
                    ? new JsonObject { ["quantities"] = new JsonArray(new JsonObject { ["name"] = "available", ["quantity"] = quantity }) }
                    : null,
            });
        }

        return new JsonObject { ["nodes"] = nodes };
    }

    private JsonObject SetData(JsonObject variables)
    {
        var input = Input(variables);
        var hook = BeforeNextSet;
        BeforeNextSet = null;
        hook?.Invoke();
        var quantities = input["quantities"]!.AsArray();
        var errors = new JsonArray();
        for (var i = 0; i < quantities.Count; i++)
        {
            var q = quantities[i]!.AsObject();
            if (!q.ContainsKey("changeFromQuantity"))
            {
                throw new UnexpectedRequestException("changeFromQuantity is required (null only to opt out of compare-and-swap).");
            }

            var item = q["inventoryItemId"]!.GetValue<string>();
            var location = q["locationId"]!.GetValue<string>();
            if (!Levels.TryGetValue((item, location), out var current))
            {
                errors.Add(UserError(i, "inventoryItemId", "ITEM_NOT_STOCKED_AT_LOCATION", "The item is not stocked at the location."));
            }
            else if (q["changeFromQuantity"] is { } from && from.GetValue<int>() != current)
            {
                errors.Add(UserError(i, "changeFromQuantity", "CHANGE_FROM_QUANTITY_STALE", "The specified compare quantity does not match the current quantity."));
            }
        }

        if (errors.Count == 0)
        {
            foreach (var q in quantities.Select(q => q!.AsObject()))
            {
                Levels[(q["inventoryItemId"]!.GetValue<string>(), q["locationId"]!.GetValue<string>())] = q["quantity"]!.GetValue<int>();
            }
        }

        return new JsonObject
        {
            ["inventorySetQuantities"] = new JsonObject
            {
                ["inventoryAdjustmentGroup"] = errors.Count == 0 ? new JsonObject { ["id"] = $"gid://shopify/InventoryAdjustmentGroup/{_nextId++}" } : null,
                ["userErrors"] = errors,
            },
        };
    }

    private JsonObject AdjustData(JsonObject variables)
    {
        var input = Input(variables);
        var requested = input["changes"]!.AsArray().Select(c => c!.AsObject()).ToList();
        var errors = new JsonArray();
        for (var i = 0; i < requested.Count; i++)
        {
            if (!Levels.ContainsKey((requested[i]["inventoryItemId"]!.GetValue<string>(), requested[i]["locationId"]!.GetValue<string>())))
            {
                errors.Add(UserError("changes", i, "locationId", "ITEM_NOT_STOCKED_AT_LOCATION", "The item is not stocked at the location."));
            }
        }

        if (errors.Count > 0)
        {
            return new JsonObject { ["inventoryAdjustQuantities"] = new JsonObject { ["inventoryAdjustmentGroup"] = null, ["userErrors"] = errors } };
        }

        var changes = new JsonArray();
        foreach (var change in requested)
        {
            var item = change["inventoryItemId"]!.GetValue<string>();
            var location = change["locationId"]!.GetValue<string>();
            var delta = change["delta"]!.GetValue<int>();
            Levels[(item, location)] = Levels.GetValueOrDefault((item, location)) + delta;
            foreach (var name in new[] { "available", "on_hand" })
            {
                changes.Add(new JsonObject
                {
                    ["name"] = name,
                    ["delta"] = delta,
                    ["quantityAfterChange"] = name == "available" ? Levels[(item, location)] : null,
                    ["item"] = new JsonObject { ["id"] = item },
                    ["location"] = new JsonObject { ["id"] = location },
                });
            }
        }

        return new JsonObject
        {
            ["inventoryAdjustQuantities"] = new JsonObject
            {
                ["inventoryAdjustmentGroup"] = new JsonObject { ["changes"] = changes },
                ["userErrors"] = new JsonArray(),
            },
        };
    }

    private static JsonObject Input(JsonObject variables)
    {
        var input = variables["input"]!.AsObject();
        if (input["name"]?.GetValue<string>() != "available" || string.IsNullOrEmpty(input["reason"]?.GetValue<string>()) || string.IsNullOrEmpty(input["referenceDocumentUri"]?.GetValue<string>()))
        {
            throw new UnexpectedRequestException("An inventory mutation names the quantity 'available' and gives a reason and a reference document.");
        }

        return input;
    }

    private static JsonObject UserError(int index, string field, string code, string message) => UserError("quantities", index, field, code, message);

    private static JsonObject UserError(string array, int index, string field, string code, string message) => new()
    {
        ["field"] = new JsonArray("input", array, index.ToString(CultureInfo.InvariantCulture), field),
        ["message"] = message,
        ["code"] = code,
    };

    private static int ArraySize(JsonObject variables)
    {
        if (variables["ids"] is JsonArray ids)
        {
            return ids.Count;
        }

        var input = variables["input"] as JsonObject;
        return (input?["quantities"] as JsonArray)?.Count ?? (input?["changes"] as JsonArray)?.Count ?? 0;
    }

    private JsonObject Cost(double requested, double? actual) => new()
    {
        ["cost"] = new JsonObject
        {
            ["requestedQueryCost"] = requested,
            ["actualQueryCost"] = actual,
            ["throttleStatus"] = new JsonObject
            {
                ["maximumAvailable"] = MaximumAvailable,
                ["currentlyAvailable"] = _available,
                ["restoreRate"] = RestoreRate,
            },
        },
    };

    [GeneratedRegex("sku:\"((?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex SkuTerm();
}
