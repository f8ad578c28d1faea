using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using PosBridge.Core.Stock;
using PosBridge.Ecommerce;
using PosBridge.Ecommerce.Stock;
using PosBridge.Ecommerce.Tests.Shopify;
using PosBridge.Ecommerce.Tests.WooCommerce;

// Fixed workload: a store of 50,000 SKUs, all already mapped, of which 1 % changed since the last run.
// Measures the diff (desired levels against the store's) and counts the calls each platform's fake saw.
const int Skus = 50_000;
const int ChangedEvery = 100;
const int Changed = Skus / ChangedEvery;

var levels = Enumerable.Range(0, Skus).Select(i => Level(i, 10)).ToList();
var changedLevels = Enumerable.Range(0, Skus).Select(i => Level(i, i % ChangedEvery == 0 ? (i % 200 == 0 ? 12 : 9) : 10)).ToList();

Console.WriteLine($"PosBridge.Ecommerce bench: {Skus:N0} SKUs, {Changed:N0} changed ({100.0 / ChangedEvery:0.#} %)");
Console.WriteLine();
DiffOnly();
await WooCommerceAsync();
await ShopifyAsync();
return;

void DiffOnly()
{
    var current = levels.ToDictionary(l => new StockKey(l.Sku, "web"), _ => (int?)10);
    var categories = new Dictionary<string, string>();
    var policy = new StockPolicyOptions { MaxSkusToZero = 25, MaxDecreaseShare = 0.5m };
    var times = new List<TimeSpan>();
    StockPlan? plan = null;
    for (var run = 0; run < 7; run++)
    {
        var watch = Stopwatch.StartNew();
        var desired = AvailableToSell.For(changedLevels, _ => "web", policy.SafetyBuffer, categories);
        plan = StockPlan.Diff(desired, current);
        _ = plan.Check("bench", policy);
        times.Add(watch.Elapsed);
    }

    times.Sort();
    Console.WriteLine($"diff (available-to-sell + compare + safety check), median of 7: {times[3].TotalMilliseconds:F1} ms (target < 1000 ms); changes found: {plan!.Changes.Count:N0}");
    Console.WriteLine();
}

async Task WooCommerceAsync()
{
    var woo = new FakeWooCommerce(TimeProvider.System);
    for (var i = 0; i < Skus; i++)
    {
        woo.AddProduct(Sku(i), 10);
    }

    using var services = Services(woo.Handler, new()
    {
        ["Ecommerce:WooCommerce:BaseUrl"] = "https://shop.example.com/",
        ["Ecommerce:WooCommerce:ConsumerKey"] = FakeWooCommerce.ConsumerKey,
        ["Ecommerce:WooCommerce:ConsumerSecret"] = FakeWooCommerce.ConsumerSecret,
    });
    var target = services.GetRequiredKeyedService<WebStoreStockTarget>("woocommerce");

    await target.ReconcileAsync(levels);
    var resolveCalls = woo.Requests.Count;
    woo.Requests.Clear();

    var watch = Stopwatch.StartNew();
    var report = await target.ReconcileAsync(changedLevels);
    watch.Stop();

    var minReads = Ceiling(Skus, 100);
    var minWrites = Ceiling(Changed, 100);
    Console.WriteLine("WooCommerce (batch ≤ 100, reads ≤ 100 per page)");
    Console.WriteLine($"  first run, mapping {Skus:N0} SKUs by SKU: {resolveCalls} calls (minimum {minReads})");
    Console.WriteLine($"  aligned: {report.Changed:N0} changed, safety stop: {(report.SafetyStop is null ? "no" : report.SafetyStop.Reason)}");
    Console.WriteLine($"  diff: {report.DiffDuration.TotalMilliseconds:F1} ms; whole run against the in-process fake: {watch.Elapsed.TotalMilliseconds:F0} ms");
    Console.WriteLine($"  calls: {woo.Reads} reads + {woo.Writes} batch writes = {woo.Requests.Count}; minimum {minReads} + {minWrites} = {minReads + minWrites}: {(woo.Reads == minReads && woo.Writes == minWrites ? "equal" : "NOT EQUAL")}");
    Console.WriteLine($"  batch sizes: {string.Join(", ", woo.BatchSizes)}");
    Console.WriteLine();
}

async Task ShopifyAsync()
{
    // A bucket too large to run dry: this measures calls, not waiting. Cost points are reported instead.
    var shop = new FakeShopify(TimeProvider.System, maximumAvailable: 1e12, restoreRate: 100);
    var location = shop.AddLocation("Cairo");
    for (var i = 0; i < Skus; i++)
    {
        shop.AddItem(Sku(i), location, 10);
    }

    using var services = Services(shop.Handler, new()
    {
        ["Ecommerce:Shopify:ShopDomain"] = "bench.myshopify.com",
        ["Ecommerce:Shopify:AccessToken"] = FakeShopify.Token,
        ["Ecommerce:Shopify:ApiVersion"] = FakeShopify.ApiVersion,
        ["Ecommerce:Shopify:Locations:WH1"] = location,
    });
    var target = services.GetRequiredKeyedService<WebStoreStockTarget>("shopify");

    await target.ReconcileAsync(levels);
    var resolveCalls = shop.Calls.Count;
    shop.Calls.Clear();

    var watch = Stopwatch.StartNew();
    var report = await target.ReconcileAsync(changedLevels);
    watch.Stop();

    var reads = shop.Count("PosBridgeInventoryLevels");
    var writes = shop.Count("PosBridgeSetQuantities");
    var minReads = Ceiling(Skus, 250);
    var minWrites = Ceiling(Changed, 250);
    var points = shop.Calls.Sum(c => c.Operation == "PosBridgeInventoryLevels" ? 1 + c.Items : 10);
    Console.WriteLine("Shopify (≤ 250 ids per read, ≤ 250 quantities per inventorySetQuantities)");
    Console.WriteLine($"  first run, mapping {Skus:N0} SKUs (50 per variant search) and reading levels: {resolveCalls} calls");
    Console.WriteLine($"  aligned: {report.Changed:N0} changed, safety stop: {(report.SafetyStop is null ? "no" : report.SafetyStop.Reason)}");
    Console.WriteLine($"  diff: {report.DiffDuration.TotalMilliseconds:F1} ms; whole run against the in-process fake: {watch.Elapsed.TotalMilliseconds:F0} ms");
    Console.WriteLine($"  calls: {reads} reads + {writes} mutations = {shop.Calls.Count}; minimum {minReads} + {minWrites} = {minReads + minWrites}: {(reads == minReads && writes == minWrites && shop.Calls.Count == reads + writes ? "equal" : "NOT EQUAL")}");
    Console.WriteLine($"  cost points: {points:N0} (≈ {points / 100.0:F0} s of bucket refill at 100 points/s on a standard plan)");
}

static ServiceProvider Services(HttpMessageHandler server, Dictionary<string, string?> configuration)
{
    var services = new ServiceCollection();
    services.AddSingleton(TimeProvider.System);
    services.AddEcommerce(new ConfigurationBuilder().AddInMemoryCollection(configuration).Build());
    services.ConfigureAll<HttpClientFactoryOptions>(o => o.HttpMessageHandlerBuilderActions.Add(b => b.PrimaryHandler = server));
    return services.BuildServiceProvider();
}

static StockLevel Level(int i, decimal onHand) => new() { Sku = Sku(i), LocationId = "WH1", OnHand = onHand };

static string Sku(int i) => $"SKU-{i:D6}";

static int Ceiling(int items, int batch) => (items + batch - 1) / batch;
