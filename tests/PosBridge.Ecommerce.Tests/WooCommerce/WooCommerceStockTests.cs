using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PosBridge.Core.Adapters;
using PosBridge.Core.Stock;
using PosBridge.Ecommerce.Stock;
using PosBridge.Ecommerce.Tests.Http;
using static PosBridge.Ecommerce.Tests.Http.TestHost;

namespace PosBridge.Ecommerce.Tests.WooCommerce;

public sealed class WooCommerceStockTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
    private readonly FakeWooCommerce _woo;
    private readonly TestHost _host;

    public WooCommerceStockTests()
    {
        _woo = new FakeWooCommerce(_time);
        _host = new TestHost(Configuration(), _woo.Handler, _time);
    }

    public void Dispose() => _host.Dispose();

    private WebStoreStockTarget Target => _host.Target("woocommerce");

    internal static Dictionary<string, string?> Configuration(Dictionary<string, string?>? extra = null)
    {
        var config = new Dictionary<string, string?>
        {
            ["Ecommerce:WooCommerce:BaseUrl"] = "https://shop.example.com/",
            ["Ecommerce:WooCommerce:ConsumerKey"] = FakeWooCommerce.ConsumerKey,
            ["Ecommerce:WooCommerce:ConsumerSecret"] = FakeWooCommerce.ConsumerSecret,
            ["Ecommerce:WooCommerce:Stock:MaxSkusToZero"] = "5",
            ["Ecommerce:WooCommerce:Stock:MaxDecreaseShare"] = "0.5",
        };
        foreach (var (key, value) in extra ?? [])
        {
            config[key] = value;
        }

        return config;
    }

    [Fact]
    public async Task SetLevels_250Of300Changed_SendsOnlyChangedInBatchesOfAtMost100()
    {
        for (var i = 0; i < 300; i++)
        {
            _woo.AddProduct($"SKU-{i:D4}", 10);
        }

        var levels = Enumerable.Range(0, 300).Select(i => Level($"SKU-{i:D4}", i < 250 ? 12 : 10)).ToList();

        var results = await Target.SetLevelsAsync(levels, TestContext.Current.CancellationToken);

        Assert.Equal(250, results.Count(r => r.Outcome == StockPushOutcome.Applied));
        Assert.Equal(50, results.Count(r => r.Outcome == StockPushOutcome.Unchanged));
        Assert.Equal([100, 100, 50], _woo.BatchSizes);
        Assert.Equal(3, _woo.Reads); // resolving 300 SKUs by SKU, 100 per page
        Assert.All(_woo.Products.Values.Where(p => string.CompareOrdinal(p.Sku, "SKU-0250") < 0), p => Assert.Equal(12, p.Quantity));
        Assert.Empty(_woo.Handler.Unexpected);
    }

    [Fact]
    public async Task SetLevels_SecondRun_ReadsByKeptIdsAndResolvesNothingAgain()
    {
        for (var i = 0; i < 150; i++)
        {
            _woo.AddProduct($"SKU-{i:D4}", 10);
        }

        var levels = Enumerable.Range(0, 150).Select(i => Level($"SKU-{i:D4}", 10)).ToList();
        await Target.SetLevelsAsync(levels, TestContext.Current.CancellationToken);
        _woo.Requests.Clear();

        await Target.SetLevelsAsync(levels, TestContext.Current.CancellationToken);

        Assert.Equal(2, _woo.Reads);
        Assert.All(_woo.Requests, r => Assert.Contains("include=", r.PathAndQuery, StringComparison.Ordinal));
        Assert.Equal(0, _woo.Writes);
    }

    [Fact]
    public async Task SetLevels_OneItemOfBatchFails_OthersAppliedAndFailureReportedAlone()
    {
        var a = _woo.AddProduct("A", 1);
        var b = _woo.AddProduct("B", 1);
        var c = _woo.AddProduct("C", 1);
        _woo.FailingItems[b.Id] = ("woocommerce_rest_invalid_product_data", "Stock cannot be set for this product type.", 400);

        var results = await Target.SetLevelsAsync([Level("A", 5), Level("B", 5), Level("C", 5)], TestContext.Current.CancellationToken);

        Assert.Equal(StockPushOutcome.Applied, results.Single(r => r.Sku == "A").Outcome);
        Assert.Equal(StockPushOutcome.Applied, results.Single(r => r.Sku == "C").Outcome);
        var failed = results.Single(r => r.Sku == "B");
        Assert.Equal(StockPushOutcome.Rejected, failed.Outcome);
        Assert.Contains("woocommerce_rest_invalid_product_data", failed.Reason, StringComparison.Ordinal);
        Assert.Equal((5, 1, 5), (a.Quantity, b.Quantity, c.Quantity));
        Assert.Equal(1, _woo.Writes);
    }

    [Fact]
    public async Task SetLevels_ItemFailsWithServerError_IsRetryLater()
    {
        var a = _woo.AddProduct("A", 1);
        _woo.FailingItems[a.Id] = ("woocommerce_rest_cannot_update", "Database busy.", 500);

        var results = await Target.SetLevelsAsync([Level("A", 5)], TestContext.Current.CancellationToken);

        Assert.Equal(StockPushOutcome.RetryLater, Assert.Single(results).Outcome);
    }

    [Fact]
    public async Task SetLevels_OneBatchCallFailsAfterRetries_ItsItemsRetryLaterOtherBatchesApplied()
    {
        using var host = new TestHost(Configuration(new() { ["Ecommerce:WooCommerce:MaxRetryAttempts"] = "0" }), _woo.Handler, _time);
        for (var i = 0; i < 150; i++)
        {
            _woo.AddProduct($"SKU-{i:D4}", 10);
        }

        _woo.FailingBatches = 1;

        var results = await host.Target("woocommerce").SetLevelsAsync(Enumerable.Range(0, 150).Select(i => Level($"SKU-{i:D4}", 11)).ToList(), TestContext.Current.CancellationToken);

        Assert.Equal(100, results.Count(r => r.Outcome == StockPushOutcome.RetryLater));
        Assert.Equal(50, results.Count(r => r.Outcome == StockPushOutcome.Applied));
        Assert.Equal(50, _woo.Products.Values.Count(p => p.Quantity == 11));
    }

    [Fact]
    public async Task SetLevels_429WithRetryAfter_WaitsAsLongAsToldThenSucceeds()
    {
        var a = _woo.AddProduct("A", 1);
        _woo.RateLimitNext(TimeSpan.FromSeconds(30));

        var results = await _time.DriveAsync(Target.SetLevelsAsync([Level("A", 5)], TestContext.Current.CancellationToken), TimeSpan.FromMilliseconds(250));

        Assert.Equal(StockPushOutcome.Applied, Assert.Single(results).Outcome);
        Assert.Equal(5, a.Quantity);
        var limited = _woo.Requests[0];
        var retried = _woo.Requests[1];
        Assert.Equal(429, limited.Status);
        Assert.Equal(limited.PathAndQuery, retried.PathAndQuery);
        Assert.True(retried.At - limited.At >= TimeSpan.FromSeconds(30), $"retried after {retried.At - limited.At}, before Retry-After");
    }

    [Fact]
    public async Task SetLevels_ProductRecreatedUnderNewId_ResolvesAgainBySkuWithoutCreating()
    {
        var old = _woo.AddProduct("A", 3);
        await Target.SetLevelsAsync([Level("A", 3)], TestContext.Current.CancellationToken);
        var again = _woo.Recreate(old);

        var results = await Target.SetLevelsAsync([Level("A", 7)], TestContext.Current.CancellationToken);

        var result = Assert.Single(results);
        Assert.Equal(StockPushOutcome.Applied, result.Outcome);
        Assert.Equal(7, again.Quantity);
        Assert.Single(_woo.Products);
        var mapping = await _host.Services.GetRequiredService<ISkuMappingStore>().FindAsync("woocommerce", ["A"], TestContext.Current.CancellationToken);
        Assert.Equal(again.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), mapping["A"].ItemId);
    }

    [Fact]
    public async Task SetLevels_IdRefusedAtWriteTime_ResolvesAgainAndPushesToNewId()
    {
        var old = _woo.AddProduct("A", 3);
        var mappings = _host.Services.GetRequiredService<ISkuMappingStore>();
        await Target.SetLevelsAsync([Level("A", 3)], TestContext.Current.CancellationToken);
        var again = _woo.Recreate(old);

        // The read still saw the old id (a stale cache on the shop's side): only the batch refuses it.
        var readAnswer = new Dictionary<StockKey, int?> { [new StockKey("A", "store")] = 3 };
        var inventory = new PosBridge.Ecommerce.WooCommerce.WooCommerceInventory(
            _host.Services.GetRequiredKeyedService<PosBridge.Ecommerce.WooCommerce.IWooCommerceApi>("woocommerce"),
            _host.Services.GetRequiredService<IOptionsMonitor<PosBridge.Ecommerce.WooCommerce.WooCommerceOptions>>().Get("woocommerce"),
            mappings,
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        var results = await inventory.SetAsync([new StockChange(readAnswer.Keys.Single(), 3, 9)], TestContext.Current.CancellationToken);

        Assert.Equal(StockPushOutcome.Applied, Assert.Single(results).Outcome);
        Assert.Equal(9, again.Quantity);
        Assert.Single(_woo.Products);
    }

    [Fact]
    public async Task SetLevels_SkuNotInStore_RejectedAndNeverCreated()
    {
        var results = await Target.SetLevelsAsync([Level("GHOST", 4)], TestContext.Current.CancellationToken);

        var result = Assert.Single(results);
        Assert.Equal(StockPushOutcome.Rejected, result.Outcome);
        Assert.Contains("never creates", result.Reason, StringComparison.Ordinal);
        Assert.Empty(_woo.Products);
        Assert.Equal(0, _woo.Writes);
    }

    [Fact]
    public async Task SetLevels_ManySkusWouldGoToZero_StopsRaisesAlertAndPushesNothing()
    {
        for (var i = 0; i < 10; i++)
        {
            _woo.AddProduct($"S{i}", 8);
        }

        var report = await Target.ReconcileAsync(Enumerable.Range(0, 10).Select(i => Level($"S{i}", 0)).ToList(), TestContext.Current.CancellationToken);

        Assert.NotNull(report.SafetyStop);
        Assert.Equal(10, report.SafetyStop.SkusToZero);
        Assert.Same(report.SafetyStop, Assert.Single(_host.Alerts.Raised));
        Assert.All(report.Results, r => Assert.Equal(StockPushOutcome.Rejected, r.Outcome));
        Assert.Equal(0, _woo.Writes);
        Assert.All(_woo.Products.Values, p => Assert.Equal(8, p.Quantity));
    }

    [Fact]
    public async Task SetLevels_StockWouldFallByMoreThanTheShare_Stops()
    {
        _woo.AddProduct("A", 100);
        _woo.AddProduct("B", 100);

        var report = await Target.ReconcileAsync([Level("A", 10), Level("B", 10)], TestContext.Current.CancellationToken);

        Assert.NotNull(report.SafetyStop);
        Assert.Equal(0.9m, report.SafetyStop.DecreaseShare);
        Assert.Equal(0, _woo.Writes);
    }

    [Fact]
    public async Task SetLevels_SkuMissingFromSource_IsLeftAloneNotZeroed()
    {
        var a = _woo.AddProduct("A", 4);
        var b = _woo.AddProduct("B", 6);

        var results = await Target.SetLevelsAsync([Level("A", 5)], TestContext.Current.CancellationToken);

        Assert.Equal("A", Assert.Single(results).Sku);
        Assert.Equal((5, 6), (a.Quantity, b.Quantity));
    }

    [Fact]
    public async Task SetLevels_StockManagementOffInTheStore_LeftAloneAndReported()
    {
        var a = _woo.AddProduct("A", null, manageStock: false);

        var result = Assert.Single(await Target.SetLevelsAsync([Level("A", 5)], TestContext.Current.CancellationToken));

        Assert.Equal(StockPushOutcome.Rejected, result.Outcome);
        Assert.Contains("stock management is off", result.Reason, StringComparison.Ordinal);
        Assert.Equal((false, (int?)null), (a.ManageStock, a.Quantity));
        Assert.Equal(0, _woo.Writes);
    }

    [Fact]
    public async Task SetLevels_ReservedAndBufferSubtracted_PerSkuBufferBeatsStore()
    {
        using var host = new TestHost(
            Configuration(new()
            {
                ["Ecommerce:WooCommerce:Stock:SafetyBuffer:Store"] = "2",
                ["Ecommerce:WooCommerce:Stock:SafetyBuffer:Skus:B"] = "0",
            }),
            _woo.Handler,
            _time);
        var a = _woo.AddProduct("A", 0);
        var b = _woo.AddProduct("B", 0);

        await host.Target("woocommerce").SetLevelsAsync([Level("A", 10, reserved: 3), Level("B", 10, reserved: 3)], TestContext.Current.CancellationToken);

        Assert.Equal((5, 7), (a.Quantity, b.Quantity));
    }

    [Fact]
    public async Task SetLevels_Variations_GoToTheirParentsBatchEndpoint()
    {
        var (parent, variations) = _woo.AddVariable("SHIRT", ("SHIRT-S", 1), ("SHIRT-M", 1));
        var simple = _woo.AddProduct("MUG", 1);

        await Target.SetLevelsAsync([Level("SHIRT-S", 4), Level("SHIRT-M", 5), Level("MUG", 6)], TestContext.Current.CancellationToken);

        Assert.Equal((4, 5, 6), (variations[0].Quantity, variations[1].Quantity, simple.Quantity));
        Assert.Contains(_woo.Requests, r => r.Method == "POST" && r.PathAndQuery == $"/wp-json/wc/v3/products/{parent.Id}/variations/batch");
        Assert.Contains(_woo.Requests, r => r.Method == "POST" && r.PathAndQuery == "/wp-json/wc/v3/products/batch");

        _woo.Requests.Clear();
        await Target.SetLevelsAsync([Level("SHIRT-S", 4), Level("SHIRT-M", 5), Level("MUG", 6)], TestContext.Current.CancellationToken);
        Assert.Contains(_woo.Requests, r => r.PathAndQuery.StartsWith($"/wp-json/wc/v3/products/{parent.Id}/variations?", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ApplyDeltas_SaleLowersStock_SameIdempotencyKeyAppliedOnce()
    {
        var a = _woo.AddProduct("A", 10);
        StockDelta[] sale = [new() { Sku = "A", LocationId = "WH1", Change = -3, IdempotencyKey = "sale-1/1" }];

        var first = await Target.ApplyDeltasAsync(sale, TestContext.Current.CancellationToken);
        var second = await Target.ApplyDeltasAsync(sale, TestContext.Current.CancellationToken);

        Assert.Equal(StockPushOutcome.Applied, Assert.Single(first).Outcome);
        Assert.Equal((10m, 7m), (first[0].Before, first[0].After));
        Assert.Equal(StockPushOutcome.Unchanged, Assert.Single(second).Outcome);
        Assert.Equal(7, a.Quantity);
    }

    [Fact]
    public async Task ApplyDeltas_SaleOfMoreThanTheStoreHolds_StopsAtZero()
    {
        var a = _woo.AddProduct("A", 2);

        await Target.ApplyDeltasAsync([new StockDelta { Sku = "A", LocationId = "WH1", Change = -5, IdempotencyKey = "sale-2/1" }], TestContext.Current.CancellationToken);

        Assert.Equal(0, a.Quantity);
    }

    [Fact]
    public async Task Deliver_SaleFromTheTill_LowersWebStockAndIsDone_AgainIsDuplicate()
    {
        var a = _woo.AddProduct("A", 10);
        var b = _woo.AddProduct("B", 4);
        var sale = Stock.Sales.Of(Guid.Parse("0193a5c2-7f00-7000-8000-000000000002"), ("A", 2m), ("B", 1m), ("NOT-ONLINE", 1m), (null, 1m));
        var sink = _host.Services.GetRequiredKeyedService<ISalesSink>("woocommerce");

        var first = await sink.DeliverAsync([sale], TestContext.Current.CancellationToken);
        var again = await sink.DeliverAsync([sale], TestContext.Current.CancellationToken);

        Assert.Equal(DeliveryOutcome.Done, Assert.Single(first).Outcome);
        Assert.Equal(DeliveryOutcome.Duplicate, Assert.Single(again).Outcome);
        Assert.Equal((8, 3), (a.Quantity, b.Quantity));
    }

    [Fact]
    public async Task Deliver_OneLinesBatchFails_OnlyThatSaleRetriesAndItsOtherLineIsNotAppliedTwice()
    {
        var a = _woo.AddProduct("A", 10);
        var b = _woo.AddProduct("B", 10);
        _woo.FailingItems[b.Id] = ("woocommerce_rest_cannot_update", "Database busy.", 503);
        var first = Stock.Sales.Of(Guid.Parse("0193a5c2-7f00-7000-8000-000000000003"), ("A", 1m));
        var second = Stock.Sales.Of(Guid.Parse("0193a5c2-7f00-7000-8000-000000000004"), ("A", 1m), ("B", 2m));
        var sink = _host.Services.GetRequiredKeyedService<ISalesSink>("woocommerce");

        var results = await sink.DeliverAsync([first, second], TestContext.Current.CancellationToken);
        _woo.FailingItems.Clear();
        var retried = await sink.DeliverAsync([second], TestContext.Current.CancellationToken);

        Assert.Equal([DeliveryOutcome.Done, DeliveryOutcome.RetryLater], results.Select(r => r.Outcome));
        Assert.Equal(DeliveryOutcome.Done, Assert.Single(retried).Outcome);
        Assert.Equal((8, 8), (a.Quantity, b.Quantity));
    }

    [Fact]
    public void AddEcommerce_InvalidWooCommerceOptions_FailsAtStartNamingEveryProblem()
    {
        using var host = new TestHost(
            new()
            {
                ["Ecommerce:WooCommerce:BaseUrl"] = "http://shop.example.com/",
                ["Ecommerce:WooCommerce:ConsumerKey"] = "",
                ["Ecommerce:WooCommerce:ConsumerSecret"] = "cs_x",
                ["Ecommerce:WooCommerce:BatchSize"] = "101",
                ["Ecommerce:WooCommerce:Stock:MaxDecreaseShare"] = "1.5",
            },
            _woo.Handler,
            _time);

        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptionsMonitor<PosBridge.Ecommerce.WooCommerce.WooCommerceOptions>>().Get("woocommerce"));

        Assert.Contains(error.Failures, f => f.Contains("BaseUrl must use https", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("ConsumerKey", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("BatchSize", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("MaxDecreaseShare", StringComparison.Ordinal));
        Assert.Equal(4, error.Failures.Count());
    }

    [Fact]
    public void AddEcommerce_WooCommerceConfigured_RegistersAStockTargetByName()
    {
        var target = _host.Services.GetRequiredKeyedService<IStockTarget>("woocommerce");

        Assert.Equal("woocommerce", target.Name);
        Assert.Equal("woocommerce", Assert.Single(_host.Services.GetServices<IStockTarget>()).Name);
    }
}
