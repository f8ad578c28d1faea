using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PosBridge.Core.Stock;
using PosBridge.Ecommerce.Shopify;
using PosBridge.Ecommerce.Stock;
using PosBridge.Ecommerce.Tests.Http;
using static PosBridge.Ecommerce.Tests.Http.TestHost;

namespace PosBridge.Ecommerce.Tests.Shopify;

public sealed class ShopifyStockTests : IDisposable
{
    private const string Set = "PosBridgeSetQuantities";
    private const string Read = "PosBridgeInventoryLevels";
    private const string Adjust = "PosBridgeAdjustQuantities";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
    private readonly List<TestHost> _hosts = [];

    public void Dispose()
    {
        foreach (var host in _hosts)
        {
            host.Dispose();
        }
    }

    internal static Dictionary<string, string?> Configuration(string location, Dictionary<string, string?>? extra = null)
    {
        var config = new Dictionary<string, string?>
        {
            ["Ecommerce:Shopify:ShopDomain"] = "cairo-shop.myshopify.com",
            ["Ecommerce:Shopify:AccessToken"] = FakeShopify.Token,
            ["Ecommerce:Shopify:ApiVersion"] = FakeShopify.ApiVersion,
            ["Ecommerce:Shopify:Locations:WH1"] = location,
            ["Ecommerce:Shopify:Stock:MaxSkusToZero"] = "5",
        };
        foreach (var (key, value) in extra ?? [])
        {
            config[key] = value;
        }

        return config;
    }

    private WebStoreStockTarget Target(FakeShopify shop, string location, Dictionary<string, string?>? extra = null)
    {
        var host = new TestHost(Configuration(location, extra), shop.Handler, _time);
        _hosts.Add(host);
        return host.Target("shopify");
    }

    [Fact]
    public async Task SetLevels_600Of700Changed_ThreeCompareAndSwapMutationsOfAtMost250()
    {
        var shop = new FakeShopify(_time, maximumAvailable: 100_000);
        var location = shop.AddLocation("Cairo");
        for (var i = 0; i < 700; i++)
        {
            shop.AddItem($"SKU-{i:D4}", location, 5);
        }

        var results = await Target(shop, location).SetLevelsAsync(
            Enumerable.Range(0, 700).Select(i => Level($"SKU-{i:D4}", i < 600 ? 9 : 5)).ToList(), TestContext.Current.CancellationToken);

        Assert.Equal(600, results.Count(r => r.Outcome == StockPushOutcome.Applied));
        Assert.Equal(100, results.Count(r => r.Outcome == StockPushOutcome.Unchanged));
        Assert.Equal([250, 250, 100], shop.Calls.Where(c => c.Operation == Set).Select(c => c.Items));
        Assert.Equal(3, shop.Count(Read));
        Assert.All(shop.Calls, c => Assert.True(c.Items <= FakeShopify.MaxArray));
        Assert.Equal(9, shop.LevelOf("SKU-0000", location));
        Assert.Equal(5, shop.LevelOf("SKU-0650", location));
    }

    [Fact]
    public async Task SetLevels_WebOrderBetweenReadAndSwap_RereadsAndRetries()
    {
        var shop = new FakeShopify(_time);
        var location = shop.AddLocation("Cairo");
        var a = shop.AddItem("A", location, 10);
        shop.AddItem("B", location, 10);
        shop.BeforeNextSet = () => shop.Levels[(a, location)] = 9;

        var results = await Target(shop, location).SetLevelsAsync([Level("A", 4), Level("B", 6)], TestContext.Current.CancellationToken);

        Assert.All(results, r => Assert.Equal(StockPushOutcome.Applied, r.Outcome));
        Assert.Equal(9m, results.Single(r => r.Sku == "A").Before);
        Assert.Equal((4, 6), (shop.LevelOf("A", location), shop.LevelOf("B", location)));
        var sets = shop.Calls.Where(c => c.Operation == Set).ToList();
        Assert.Equal(2, sets.Count);
        Assert.NotEqual(sets[0].IdempotencyKey, sets[1].IdempotencyKey);
        Assert.Equal(2, shop.Count(Read));
    }

    [Fact]
    public async Task SetLevels_OneItemRefusedByTheMutation_RefusedAloneAndTheRestRetried()
    {
        var shop = new FakeShopify(_time);
        var location = shop.AddLocation("Cairo");
        var a = shop.AddItem("A", location, 1);
        shop.AddItem("B", location, 1);
        shop.BeforeNextSet = () => shop.Levels.Remove((a, location));

        var results = await Target(shop, location).SetLevelsAsync([Level("A", 4), Level("B", 6)], TestContext.Current.CancellationToken);

        var refused = results.Single(r => r.Sku == "A");
        Assert.Equal(StockPushOutcome.Rejected, refused.Outcome);
        Assert.Contains("ITEM_NOT_STOCKED_AT_LOCATION", refused.Reason, StringComparison.Ordinal);
        Assert.Equal(StockPushOutcome.Applied, results.Single(r => r.Sku == "B").Outcome);
        Assert.Equal(6, shop.LevelOf("B", location));
        Assert.Equal([2, 1], shop.Calls.Where(c => c.Operation == Set).Select(c => c.Items));
    }

    [Fact]
    public async Task SetLevels_SameCorrectionInALaterRun_IsAppliedAgainNotAnsweredFromIdempotencyMemory()
    {
        var shop = new FakeShopify(_time);
        var location = shop.AddLocation("Cairo");
        var a = shop.AddItem("A", location, 5);
        var target = Target(shop, location);
        await target.SetLevelsAsync([Level("A", 7)], TestContext.Current.CancellationToken);
        shop.Levels[(a, location)] = 5;
        _time.Advance(TimeSpan.FromMinutes(15));

        await target.SetLevelsAsync([Level("A", 7)], TestContext.Current.CancellationToken);

        Assert.Equal(7, shop.LevelOf("A", location));
    }

    [Fact]
    public async Task SetLevels_QuantityKeepsMoving_GivesUpAsRetryLaterAfterConfiguredAttempts()
    {
        var shop = new FakeShopify(_time);
        var location = shop.AddLocation("Cairo");
        var a = shop.AddItem("A", location, 10);
        var target = Target(shop, location, new() { ["Ecommerce:Shopify:MaxCompareAndSwapAttempts"] = "2" });
        void Sell() => shop.Levels[(a, location)]--;
        shop.BeforeNextSet = () =>
        {
            Sell();
            shop.BeforeNextSet = Sell;
        };

        var results = await target.SetLevelsAsync([Level("A", 20)], TestContext.Current.CancellationToken);

        Assert.Equal(StockPushOutcome.RetryLater, Assert.Single(results).Outcome);
        Assert.Equal(2, shop.Count(Set));
    }

    [Fact]
    public async Task SetLevels_BucketRunsLow_WaitsForTheRestoreRateInsteadOfHammering()
    {
        var shop = new FakeShopify(_time, maximumAvailable: 100, restoreRate: 10);
        var location = shop.AddLocation("Cairo");
        for (var i = 0; i < 60; i++)
        {
            shop.AddItem($"S{i:D2}", location, 1);
        }

        shop.Drain(20);
        var levels = Enumerable.Range(0, 60).Select(i => Level($"S{i:D2}", 2)).ToList();

        var results = await _time.DriveAsync(Target(shop, location).SetLevelsAsync(levels, TestContext.Current.CancellationToken), TimeSpan.FromMilliseconds(100));

        Assert.All(results, r => Assert.Equal(StockPushOutcome.Applied, r.Outcome));
        Assert.True(shop.Calls.Count(c => c.Throttled) <= 1, $"throttled {shop.Calls.Count(c => c.Throttled)} times");
        var throttled = shop.Calls.FindIndex(c => c.Throttled);
        if (throttled >= 0)
        {
            var retry = shop.Calls[throttled + 1];
            Assert.Equal(shop.Calls[throttled].Operation, retry.Operation);
            Assert.False(retry.Throttled);
            Assert.True(retry.At - shop.Calls[throttled].At >= TimeSpan.FromSeconds(4), $"retried after {retry.At - shop.Calls[throttled].At}");
        }

        Assert.True(_time.GetUtcNow() - new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero) >= TimeSpan.FromSeconds(5), "the run never waited for the bucket");
    }

    [Fact]
    public async Task SetLevels_Throttled_RetriesTheSameCallAfterTheBucketRefills()
    {
        var shop = new FakeShopify(_time, maximumAvailable: 100, restoreRate: 10);
        var location = shop.AddLocation("Cairo");
        shop.AddItem("A", location, 1);
        var target = Target(shop, location);
        await target.SetLevelsAsync([Level("A", 1)], TestContext.Current.CancellationToken);
        shop.Calls.Clear();
        shop.Drain(0);

        var results = await _time.DriveAsync(target.SetLevelsAsync([Level("A", 3)], TestContext.Current.CancellationToken), TimeSpan.FromMilliseconds(100));

        Assert.Equal(StockPushOutcome.Applied, Assert.Single(results).Outcome);
        Assert.Equal(3, shop.LevelOf("A", location));
        Assert.Equal(1, shop.Calls.Count(c => c.Throttled));
    }

    [Fact]
    public async Task SetLevels_InventoryItemRecreated_ResolvesAgainBySku()
    {
        var shop = new FakeShopify(_time);
        var location = shop.AddLocation("Cairo");
        var old = shop.AddItem("A", location, 3);
        var target = Target(shop, location);
        await target.SetLevelsAsync([Level("A", 3)], TestContext.Current.CancellationToken);
        var again = shop.Recreate(old, location);

        var results = await target.SetLevelsAsync([Level("A", 8)], TestContext.Current.CancellationToken);

        Assert.Equal(StockPushOutcome.Applied, Assert.Single(results).Outcome);
        Assert.Equal(8, shop.Levels[(again, location)]);
        Assert.Equal(2, shop.Count("PosBridgeVariantsBySku"));
    }

    [Fact]
    public async Task SetLevels_LocationGivenByName_LookedUpOnce()
    {
        var shop = new FakeShopify(_time);
        var location = shop.AddLocation("Cairo Store");
        shop.AddItem("A", location, 1);
        var host = new TestHost(Configuration("Cairo Store"), shop.Handler, _time);
        _hosts.Add(host);

        // A target per run, as the connector's jobs resolve them.
        await host.Target("shopify").SetLevelsAsync([Level("A", 2)], TestContext.Current.CancellationToken);
        await host.Target("shopify").SetLevelsAsync([Level("A", 3)], TestContext.Current.CancellationToken);

        Assert.Equal(3, shop.LevelOf("A", location));
        Assert.Equal(1, shop.Count("PosBridgeLocations"));
    }

    [Fact]
    public async Task SetLevels_ManySkusToZero_StopsWithoutAnyMutation()
    {
        var shop = new FakeShopify(_time);
        var location = shop.AddLocation("Cairo");
        for (var i = 0; i < 8; i++)
        {
            shop.AddItem($"S{i}", location, 4);
        }

        var report = await Target(shop, location).ReconcileAsync(Enumerable.Range(0, 8).Select(i => Level($"S{i}", 1, reserved: 1)).ToList(), TestContext.Current.CancellationToken);

        Assert.NotNull(report.SafetyStop);
        Assert.Equal(0, shop.Count(Set));
        Assert.Equal(4, shop.LevelOf("S0", location));
    }

    [Fact]
    public async Task ApplyDeltas_SameSaleSentTwiceFromTwoConnectors_ShopifyAppliesItOnce()
    {
        var shop = new FakeShopify(_time);
        var location = shop.AddLocation("Cairo");
        shop.AddItem("A", location, 10);
        StockDelta[] sale = [new() { Sku = "A", LocationId = "WH1", Change = -2, IdempotencyKey = "0193-sale/1" }];

        var first = await Target(shop, location).ApplyDeltasAsync(sale, TestContext.Current.CancellationToken);
        var second = await Target(shop, location).ApplyDeltasAsync(sale, TestContext.Current.CancellationToken);

        Assert.Equal(8, shop.LevelOf("A", location));
        Assert.Equal((10m, 8m), (first.Single().Before, first.Single().After));
        var adjusts = shop.Calls.Where(c => c.Operation == Adjust).ToList();
        Assert.Equal(2, adjusts.Count);
        Assert.Equal(adjusts[0].IdempotencyKey, adjusts[1].IdempotencyKey);
        Assert.Equal(StockPushOutcome.Applied, Assert.Single(second).Outcome);
    }

    [Fact]
    public async Task Deliver_SaleWithALineNotStockedThere_OtherLinesAppliedAtOnceAndTheSaleIsDone()
    {
        var shop = new FakeShopify(_time);
        var location = shop.AddLocation("Cairo");
        var elsewhere = shop.AddLocation("Alexandria");
        shop.AddItem("A", location, 10);
        shop.AddItem("B", elsewhere, 10);
        var host = new TestHost(Configuration(location), shop.Handler, _time);
        _hosts.Add(host);
        var sale = Stock.Sales.Of(Guid.Parse("0193a5c2-7f00-7000-8000-000000000005"), ("A", 1m), ("B", 1m));

        var result = await host.Services.GetRequiredKeyedService<PosBridge.Core.Adapters.ISalesSink>("shopify").DeliverAsync([sale], TestContext.Current.CancellationToken);

        Assert.Equal(PosBridge.Core.Adapters.DeliveryOutcome.Done, Assert.Single(result).Outcome);
        Assert.Equal(9, shop.LevelOf("A", location));
        Assert.Equal([2, 1], shop.Calls.Where(c => c.Operation == Adjust).Select(c => c.Items));
    }

    [Fact]
    public async Task Deliver_InventoryItemRecreatedSinceTheMappingWasKept_ResolvedAgainBySkuAndAppliedOnceWithoutCreating()
    {
        var shop = new FakeShopify(_time);
        var location = shop.AddLocation("Cairo");
        var old = shop.AddItem("A", location, 10);
        var host = new TestHost(Configuration(location), shop.Handler, _time);
        _hosts.Add(host);
        var sink = host.Services.GetRequiredKeyedService<PosBridge.Core.Adapters.ISalesSink>("shopify");
        await sink.DeliverAsync([Stock.Sales.Of(Guid.Parse("0193a5c2-7f00-7000-8000-000000000011"), ("A", 1m))], TestContext.Current.CancellationToken);
        var again = shop.Recreate(old, location);

        var result = await sink.DeliverAsync([Stock.Sales.Of(Guid.Parse("0193a5c2-7f00-7000-8000-000000000012"), ("A", 2m))], TestContext.Current.CancellationToken);

        Assert.Equal(PosBridge.Core.Adapters.DeliveryOutcome.Done, Assert.Single(result).Outcome);
        Assert.Equal(7, shop.Levels[(again, location)]);
        Assert.Single(shop.Items);
        Assert.Equal(2, shop.Count("PosBridgeVariantsBySku"));
        var mapping = await host.Services.GetRequiredService<ISkuMappingStore>().FindAsync("shopify", ["A"], TestContext.Current.CancellationToken);
        Assert.Equal(again, mapping["A"].ItemId);
    }

    [Fact]
    public async Task ApplyDeltas_SameKeyTwiceOnOneConnector_SecondIsNotSent()
    {
        var shop = new FakeShopify(_time);
        var location = shop.AddLocation("Cairo");
        shop.AddItem("A", location, 10);
        var target = Target(shop, location);
        StockDelta[] sale = [new() { Sku = "A", LocationId = "WH1", Change = -1, IdempotencyKey = "0193-sale/2" }];

        await target.ApplyDeltasAsync(sale, TestContext.Current.CancellationToken);
        var again = await target.ApplyDeltasAsync(sale, TestContext.Current.CancellationToken);

        Assert.Equal(StockPushOutcome.Unchanged, Assert.Single(again).Outcome);
        Assert.Equal(1, shop.Count(Adjust));
        Assert.Equal(9, shop.LevelOf("A", location));
    }

    [Fact]
    public void AddEcommerce_InvalidShopifyOptions_FailsAtStartNamingEveryProblem()
    {
        using var host = new TestHost(
            new()
            {
                ["Ecommerce:Shopify:ShopDomain"] = "https://cairo-shop.myshopify.com",
                ["Ecommerce:Shopify:ApiVersion"] = "latest",
                ["Ecommerce:Shopify:BatchSize"] = "251",
            },
            new FakeShopify(_time).Handler,
            _time);

        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptionsMonitor<ShopifyOptions>>().Get("shopify"));

        Assert.Contains(error.Failures, f => f.Contains("ShopDomain", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("AccessToken", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("ApiVersion", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Locations", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("BatchSize", StringComparison.Ordinal));
    }
}
