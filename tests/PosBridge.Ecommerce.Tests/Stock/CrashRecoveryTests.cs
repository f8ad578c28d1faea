using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PosBridge.Core.Adapters;
using PosBridge.Ecommerce.Stock;
using PosBridge.Ecommerce.Tests.Http;
using PosBridge.Ecommerce.Tests.Shopify;
using PosBridge.Ecommerce.Tests.WooCommerce;

namespace PosBridge.Ecommerce.Tests.Stock;

/// <summary>
/// The connector stops between a web store's answer and its own record of it (or between recording its intent
/// and sending): after the restart (a new host over the same store of applied deltas) each sale's stock moves once.
/// </summary>
public sealed class CrashRecoveryTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
    private readonly InMemoryAppliedDeltaStore _durable = new();
    private readonly InMemorySkuMappingStore _mappings = new();
    private readonly List<TestHost> _hosts = [];

    public void Dispose() => _hosts.ForEach(h => h.Dispose());

    private ISalesSink Sink(Dictionary<string, string?> configuration, HttpMessageHandler server, string name, IAppliedDeltaStore deltas)
    {
        var host = new TestHost(configuration, server, _time, _mappings, deltas);
        _hosts.Add(host);
        return host.Services.GetRequiredKeyedService<ISalesSink>(name);
    }

    [Fact]
    public async Task WooCommerce_CrashAfterTheBatchAnswered_RestartDoesNotTakeTheUnitsTwice()
    {
        var woo = new FakeWooCommerce(_time);
        var a = woo.AddProduct("A", 10);
        var sale = Sales.Of(Guid.Parse("0193a5c2-7f00-7000-8000-0000000000a1"), ("A", 3m));
        var crashing = new CrashingDeltaStore(_durable) { CrashesBeforeRecordingResult = 1 };

        await Assert.ThrowsAsync<InvalidOperationException>(() => Sink(WooCommerceStockTests.Configuration(), woo.Handler, "woocommerce", crashing).DeliverAsync([sale], TestContext.Current.CancellationToken));
        Assert.Equal(7, a.Quantity);
        var writes = woo.Writes;

        var again = await Sink(WooCommerceStockTests.Configuration(), woo.Handler, "woocommerce", _durable).DeliverAsync([sale], TestContext.Current.CancellationToken);

        Assert.Equal(DeliveryOutcome.Duplicate, Assert.Single(again).Outcome);
        Assert.Equal(7, a.Quantity);
        Assert.Equal(writes, woo.Writes);
        Assert.Empty(woo.Handler.Unexpected);
    }

    [Fact]
    public async Task WooCommerce_CrashAfterTheIntentBeforeSending_RestartSendsItOnce()
    {
        var woo = new FakeWooCommerce(_time);
        var a = woo.AddProduct("A", 10);
        var sale = Sales.Of(Guid.Parse("0193a5c2-7f00-7000-8000-0000000000a2"), ("A", 3m));
        var crashing = new CrashingDeltaStore(_durable) { CrashesBeforeSending = 1 };

        await Assert.ThrowsAsync<InvalidOperationException>(() => Sink(WooCommerceStockTests.Configuration(), woo.Handler, "woocommerce", crashing).DeliverAsync([sale], TestContext.Current.CancellationToken));
        Assert.Equal(10, a.Quantity);

        var again = await Sink(WooCommerceStockTests.Configuration(), woo.Handler, "woocommerce", _durable).DeliverAsync([sale], TestContext.Current.CancellationToken);
        var thrice = await Sink(WooCommerceStockTests.Configuration(), woo.Handler, "woocommerce", _durable).DeliverAsync([sale], TestContext.Current.CancellationToken);

        Assert.Equal(DeliveryOutcome.Done, Assert.Single(again).Outcome);
        Assert.Equal(DeliveryOutcome.Duplicate, Assert.Single(thrice).Outcome);
        Assert.Equal(7, a.Quantity);
    }

    [Fact]
    public async Task WooCommerce_BatchCallFailedOnTheWayBack_NextDeliveryReadsItBackInsteadOfSendingAgain()
    {
        var woo = new FakeWooCommerce(_time);
        var a = woo.AddProduct("A", 10);
        var sale = Sales.Of(Guid.Parse("0193a5c2-7f00-7000-8000-0000000000a3"), ("A", 2m));
        var config = WooCommerceStockTests.Configuration(new() { ["Ecommerce:WooCommerce:MaxRetryAttempts"] = "0" });
        var sink = Sink(config, new LosesAnswers(woo.Handler) { Lose = 1 }, "woocommerce", _durable);

        var first = await sink.DeliverAsync([sale], TestContext.Current.CancellationToken);
        var second = await sink.DeliverAsync([sale], TestContext.Current.CancellationToken);

        Assert.Equal(DeliveryOutcome.RetryLater, Assert.Single(first).Outcome);
        Assert.Equal(DeliveryOutcome.Duplicate, Assert.Single(second).Outcome);
        Assert.Equal(8, a.Quantity);
    }

    [Fact]
    public async Task WooCommerce_WebOrderLandedBeforeTheCheck_CountsAsAppliedNotTakenTwice()
    {
        var woo = new FakeWooCommerce(_time);
        var a = woo.AddProduct("A", 10);
        var sale = Sales.Of(Guid.Parse("0193a5c2-7f00-7000-8000-0000000000a4"), ("A", 3m));
        var crashing = new CrashingDeltaStore(_durable) { CrashesBeforeRecordingResult = 1 };
        await Assert.ThrowsAsync<InvalidOperationException>(() => Sink(WooCommerceStockTests.Configuration(), woo.Handler, "woocommerce", crashing).DeliverAsync([sale], TestContext.Current.CancellationToken));
        a.Quantity = 6; // a web order for one unit

        var again = await Sink(WooCommerceStockTests.Configuration(), woo.Handler, "woocommerce", _durable).DeliverAsync([sale], TestContext.Current.CancellationToken);

        Assert.Equal(DeliveryOutcome.Duplicate, Assert.Single(again).Outcome);
        Assert.Equal(6, a.Quantity);
    }

    [Fact]
    public async Task Shopify_CrashAfterTheMutation_RestartReplaysUnderTheSameKeyAndShopifyAppliesOnce()
    {
        var shop = new FakeShopify(_time);
        var location = shop.AddLocation("Cairo");
        shop.AddItem("A", location, 10);
        shop.AddItem("B", location, 10);
        var first = Sales.Of(Guid.Parse("0193a5c2-7f00-7000-8000-0000000000b1"), ("A", 2m));
        var next = Sales.Of(Guid.Parse("0193a5c2-7f00-7000-8000-0000000000b2"), ("A", 1m), ("B", 4m));
        var crashing = new CrashingDeltaStore(_durable) { CrashesBeforeRecordingResult = 1 };

        await Assert.ThrowsAsync<InvalidOperationException>(() => Sink(ShopifyStockTests.Configuration(location), shop.Handler, "shopify", crashing).DeliverAsync([first], TestContext.Current.CancellationToken));
        Assert.Equal(8, shop.LevelOf("A", location));

        // After the restart the first sale comes again together with a newer one: a different batch, so the
        // replay of the first request is what stops a double.
        var results = await Sink(ShopifyStockTests.Configuration(location), shop.Handler, "shopify", _durable).DeliverAsync([first, next], TestContext.Current.CancellationToken);

        Assert.Equal([DeliveryOutcome.Duplicate, DeliveryOutcome.Done], results.Select(r => r.Outcome));
        Assert.Equal((7, 6), (shop.LevelOf("A", location), shop.LevelOf("B", location)));
        var adjusts = shop.Calls.Where(c => c.Operation == ShopifyOperations.AdjustQuantities && !c.Throttled).ToList();
        Assert.Equal(3, adjusts.Count);
        Assert.Equal(adjusts[0].IdempotencyKey, adjusts[1].IdempotencyKey);
        Assert.Empty(shop.Handler.Unexpected);
    }

    [Fact]
    public async Task Shopify_CrashBeforeTheMutationWentOut_RestartAppliesItOnce()
    {
        var shop = new FakeShopify(_time);
        var location = shop.AddLocation("Cairo");
        shop.AddItem("A", location, 10);
        var sale = Sales.Of(Guid.Parse("0193a5c2-7f00-7000-8000-0000000000b3"), ("A", 2m));
        var crashing = new CrashingDeltaStore(_durable) { CrashesBeforeSending = 1 };

        await Assert.ThrowsAsync<InvalidOperationException>(() => Sink(ShopifyStockTests.Configuration(location), shop.Handler, "shopify", crashing).DeliverAsync([sale], TestContext.Current.CancellationToken));
        Assert.Equal(10, shop.LevelOf("A", location));

        var again = await Sink(ShopifyStockTests.Configuration(location), shop.Handler, "shopify", _durable).DeliverAsync([sale], TestContext.Current.CancellationToken);

        Assert.Equal(DeliveryOutcome.Duplicate, Assert.Single(again).Outcome);
        Assert.Equal(8, shop.LevelOf("A", location));
    }

    [Fact]
    public async Task Deliver_StoreAnswers429WithRetryAfterBeyondItsRetries_SalesWaitAsLongAsTheStoreAsked()
    {
        var woo = new FakeWooCommerce(_time);
        woo.AddProduct("A", 10);
        woo.RateLimitNext(TimeSpan.FromMinutes(10));
        var sale = Sales.Of(Guid.Parse("0193a5c2-7f00-7000-8000-0000000000c1"), ("A", 1m));
        var sink = Sink(WooCommerceStockTests.Configuration(new() { ["Ecommerce:WooCommerce:MaxRetryAttempts"] = "0" }), woo.Handler, "woocommerce", _durable);

        var result = Assert.Single(await sink.DeliverAsync([sale], TestContext.Current.CancellationToken));

        Assert.Equal(DeliveryOutcome.RetryLater, result.Outcome);
        Assert.Equal(TimeSpan.FromMinutes(10), result.RetryAfter);
        Assert.Equal(10, woo.BySku("A").Quantity);
    }

    private static class ShopifyOperations
    {
        public const string AdjustQuantities = "PosBridgeAdjustQuantities";
    }

    /// <summary>Passes requests to the server but loses the answer to the first <see cref="Lose"/> writes (a timeout on the way back).</summary>
    private sealed class LosesAnswers(HttpMessageHandler server) : DelegatingHandler(server)
    {
        public int Lose { get; set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (request.Method == HttpMethod.Post && Lose > 0)
            {
                Lose--;
                response.Dispose();
                throw new HttpRequestException("The connection was reset before the answer arrived.");
            }

            return response;
        }
    }
}
