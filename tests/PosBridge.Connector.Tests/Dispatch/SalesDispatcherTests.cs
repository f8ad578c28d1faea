using Microsoft.Extensions.DependencyInjection;
using PosBridge.Connector.Dispatch;
using PosBridge.Connector.Ingestion;
using PosBridge.Connector.Tests.Hosting;

namespace PosBridge.Connector.Tests.Dispatch;

public sealed class SalesDispatcherTests
{
    [Fact]
    public async Task Deliver_TwoAdapters_EachGetsEverySaleOnce()
    {
        var odoo = new FakeSalesSink("odoo", batchSize: 7);
        var ledger = new FakeSalesSink("ledger", batchSize: 50);
        await using var host = await ConnectorHost.StartAsync(null, odoo, ledger);
        var sales = await UploadAsync(host, 30);
        var dispatcher = host.Services.GetRequiredService<SalesDispatcher>();

        var first = await dispatcher.DeliverAsync("odoo", TestContext.Current.CancellationToken);
        await dispatcher.DeliverAsync("ledger", TestContext.Current.CancellationToken);
        var again = await dispatcher.DeliverAsync("odoo", TestContext.Current.CancellationToken);

        Assert.Equal(30, first.Delivered);
        Assert.Equal(0, again.Delivered);
        Assert.Equal(sales.Select(s => s.Id).Order(), odoo.Delivered.Order());
        Assert.Equal(sales.Select(s => s.Id).Order(), ledger.Delivered.Order());
        Assert.Equal([7, 7, 7, 7, 2], odoo.BatchSizes);
        var backlog = await host.Services.GetRequiredService<IDeliveryStore>().GetBacklogAsync("odoo", TestContext.Current.CancellationToken);
        Assert.Equal(0, backlog.Waiting);
        Assert.NotNull(backlog.LastSuccessAt);
    }

    [Fact]
    public async Task Deliver_OneAdapterDown_OtherKeepsDeliveringAndDownOneCatchesUpAfter()
    {
        var odoo = new FakeSalesSink("odoo") { Down = true };
        var shop = new FakeSalesSink("shop");
        await using var host = await ConnectorHost.StartAsync(null, odoo, shop);
        await UploadAsync(host, 5);
        var dispatcher = host.Services.GetRequiredService<SalesDispatcher>();

        var failed = await dispatcher.DeliverAsync("odoo", TestContext.Current.CancellationToken);
        var delivered = await dispatcher.DeliverAsync("shop", TestContext.Current.CancellationToken);

        Assert.Contains("unreachable", failed.AdapterError, StringComparison.Ordinal);
        Assert.Equal(5, delivered.Delivered);
        var backlog = await host.Services.GetRequiredService<IDeliveryStore>().GetBacklogAsync("odoo", TestContext.Current.CancellationToken);
        Assert.Equal(5, backlog.Waiting);
        Assert.Contains("unreachable", backlog.LastError, StringComparison.Ordinal);

        odoo.Down = false;
        var tooSoon = await dispatcher.DeliverAsync("odoo", TestContext.Current.CancellationToken);
        host.Clock.Advance(TimeSpan.FromSeconds(6));
        var later = await dispatcher.DeliverAsync("odoo", TestContext.Current.CancellationToken);

        Assert.Equal(0, tooSoon.Delivered);
        Assert.Equal(5, later.Delivered);
        Assert.Null((await host.Services.GetRequiredService<IDeliveryStore>().GetBacklogAsync("odoo", TestContext.Current.CancellationToken)).LastError);
    }

    [Fact]
    public async Task Deliver_AdapterAsksToWait_RetriesAfterItsRetryAfterNotTheShorterBackoff()
    {
        var shop = new FakeSalesSink("shop") { BusyRetryAfter = TimeSpan.FromMinutes(3) };
        await using var host = await ConnectorHost.StartAsync(null, shop);
        var sales = await UploadAsync(host, 1);
        shop.Busy.Add(sales[0].SaleNumber);
        var dispatcher = host.Services.GetRequiredService<SalesDispatcher>();

        var first = await dispatcher.DeliverAsync("shop", TestContext.Current.CancellationToken);
        shop.Busy.Clear();
        host.Clock.Advance(TimeSpan.FromSeconds(10)); // past the first backoff (5 s base)
        var tooSoon = await dispatcher.DeliverAsync("shop", TestContext.Current.CancellationToken);
        host.Clock.Advance(TimeSpan.FromMinutes(3));
        var later = await dispatcher.DeliverAsync("shop", TestContext.Current.CancellationToken);

        Assert.Equal(1, first.Retrying);
        Assert.Equal(0, tooSoon.Delivered);
        Assert.Equal(1, later.Delivered);
    }

    [Fact]
    public async Task Deliver_SlowAdapter_DoesNotHoldUpAnother()
    {
        var slow = new FakeSalesSink("slow") { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        var fast = new FakeSalesSink("fast");
        await using var host = await ConnectorHost.StartAsync(null, slow, fast);
        await UploadAsync(host, 3);
        var dispatcher = host.Services.GetRequiredService<SalesDispatcher>();

        var slowRun = dispatcher.DeliverAsync("slow", TestContext.Current.CancellationToken);
        var fastRun = await dispatcher.DeliverAsync("fast", TestContext.Current.CancellationToken);

        Assert.Equal(3, fastRun.Delivered);
        Assert.False(slowRun.IsCompleted);
        slow.Gate.SetResult();
        Assert.Equal(3, (await slowRun).Delivered);
    }

    [Fact]
    public async Task Deliver_TwoRunsAtOnceForOneAdapter_HandEachSaleOverOnce()
    {
        var odoo = new FakeSalesSink("odoo") { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await using var host = await ConnectorHost.StartAsync(null, odoo);
        await UploadAsync(host, 10);
        var dispatcher = host.Services.GetRequiredService<SalesDispatcher>();

        var first = dispatcher.DeliverAsync("odoo", TestContext.Current.CancellationToken);
        var second = dispatcher.DeliverAsync("odoo", TestContext.Current.CancellationToken);
        odoo.Gate.SetResult();
        var runs = await Task.WhenAll(first, second);

        Assert.Equal(10, runs.Sum(r => r.Delivered));
        Assert.Equal(10, odoo.Delivered.Count);
        Assert.Equal(1, odoo.Calls);
    }

    [Fact]
    public async Task Deliver_RejectedSale_IsDeadLetteredAndRetriedAfterTheFix()
    {
        var odoo = new FakeSalesSink("odoo");
        await using var host = await ConnectorHost.StartAsync(null, odoo);
        var sales = await UploadAsync(host, 4);
        odoo.Refuse[sales[1].SaleNumber] = "Product p-coffee has no mapping in Odoo";
        var dispatcher = host.Services.GetRequiredService<SalesDispatcher>();
        var store = host.Services.GetRequiredService<IDeliveryStore>();

        var run = await dispatcher.DeliverAsync("odoo", TestContext.Current.CancellationToken);

        Assert.Equal(3, run.Delivered);
        Assert.Equal(1, run.DeadLettered);
        var letter = Assert.Single(await store.GetDeadLettersAsync("odoo", TestContext.Current.CancellationToken));
        Assert.Equal(sales[1].Id, letter.SaleId);
        Assert.Equal("Product p-coffee has no mapping in Odoo", letter.Reason);
        Assert.Equal(0, (await dispatcher.DeliverAsync("odoo", TestContext.Current.CancellationToken)).Delivered);

        odoo.Refuse.Clear();
        Assert.Equal(1, await store.RetryDeadLettersAsync("odoo", null, host.Clock.GetUtcNow(), TestContext.Current.CancellationToken));
        var retried = await dispatcher.DeliverAsync("odoo", TestContext.Current.CancellationToken);

        Assert.Equal(1, retried.Delivered);
        Assert.Empty(await store.GetDeadLettersAsync("odoo", TestContext.Current.CancellationToken));
        Assert.Contains(sales[1].Id, odoo.Delivered);
    }

    [Fact]
    public async Task Deliver_OrderedAdapter_WaitingSaleHoldsBackLaterOnes()
    {
        var odoo = new FakeSalesSink("odoo", batchSize: 2);
        await using var host = await ConnectorHost.StartAsync(new() { ["PosBridge:Dispatch:Adapters:odoo:Ordered"] = "true" }, odoo);
        var sales = await UploadAsync(host, 5);
        odoo.Busy.Add(sales[2].SaleNumber);
        var dispatcher = host.Services.GetRequiredService<SalesDispatcher>();

        var run = await dispatcher.DeliverAsync("odoo", TestContext.Current.CancellationToken);

        // Batch [2, 3] was handed over in order (the fake takes 3; a real ordered sink would answer
        // "retry later" for it), but batch [4] is held back until sale 2 is through.
        Assert.Equal(3, run.Delivered);
        Assert.DoesNotContain(sales[4].Id, odoo.Delivered);
        Assert.Equal([2, 2], odoo.BatchSizes);

        odoo.Busy.Clear();
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(2, (await dispatcher.DeliverAsync("odoo", TestContext.Current.CancellationToken)).Delivered);
        Assert.Equal(sales.Select(x => x.Id).Order(), odoo.Delivered.Order());
    }

    [Fact]
    public async Task Deliver_UnorderedAdapter_WaitingSaleDoesNotHoldBackOthers()
    {
        var shop = new FakeSalesSink("shop");
        await using var host = await ConnectorHost.StartAsync(null, shop);
        var sales = await UploadAsync(host, 5);
        shop.Busy.Add(sales[0].SaleNumber);

        var run = await host.Services.GetRequiredService<SalesDispatcher>().DeliverAsync("shop", TestContext.Current.CancellationToken);

        Assert.Equal(4, run.Delivered);
        Assert.Equal(1, run.Retrying);
    }

    [Fact]
    public async Task Backoff_GrowsExponentiallyWithJitterUpToTheCap()
    {
        await using var host = await ConnectorHost.StartAsync(new() { ["PosBridge:Dispatch:RetryBaseDelay"] = "00:00:05", ["PosBridge:Dispatch:RetryMaxDelay"] = "00:01:00" }, new FakeSalesSink("x"));
        var dispatcher = host.Services.GetRequiredService<SalesDispatcher>();

        for (var i = 0; i < 50; i++)
        {
            Assert.InRange(dispatcher.Backoff(1).TotalSeconds, 2.5, 5);
            Assert.InRange(dispatcher.Backoff(3).TotalSeconds, 10, 20);
            Assert.InRange(dispatcher.Backoff(20).TotalSeconds, 30, 60);
        }
    }

    [Fact]
    public async Task Start_ConfiguredAdapterNotInstalled_FailsNamingIt()
    {
        var error = await Assert.ThrowsAsync<PosBridge.Connector.Hosting.ConfigurationProblemException>(() =>
            ConnectorHost.StartAsync(new() { ["PosBridge:Dispatch:Adapters:xero:Enabled"] = "true" }, new FakeSalesSink("odoo")));

        Assert.Contains("xero", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_BadSettings_FailsNamingEverySetting()
    {
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            ConnectorHost.StartAsync(new() { ["PosBridge:MaxBatchSize"] = "0", ["PosBridge:ReplayWindow"] = "00:00:01" }));

        Assert.Contains("PosBridge:MaxBatchSize", error.Message, StringComparison.Ordinal);
        Assert.Contains("PosBridge:ReplayWindow", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WooCommerceConfigured_BecomesADispatchAdapter()
    {
        await using var host = await ConnectorHost.StartAsync(new()
        {
            ["Ecommerce:WooCommerce:BaseUrl"] = "https://shop.example.com",
            ["Ecommerce:WooCommerce:ConsumerKey"] = "ck_0123456789abcdef",
            ["Ecommerce:WooCommerce:ConsumerSecret"] = "cs_0123456789abcdef",
            ["Ecommerce:WooCommerce:Locations:0"] = "CAI1",
        });

        Assert.Contains("woocommerce", host.Services.GetRequiredService<SalesDispatcher>().EnabledAdapters);
    }

    private static async Task<List<Core.Sales.Sale>> UploadAsync(ConnectorHost host, int count)
    {
        var till = await host.PairTillAsync();
        var sales = new Sales(host.Clock).Many(count);
        var results = await TestTill.ResultsAsync(await till.UploadAsync(sales));
        Assert.All(results.Results, r => Assert.Equal(Core.Sync.UploadStatus.Accepted, r.Status));
        Assert.Equal(count, await host.Services.GetRequiredService<IInbox>().CountAsync(TestContext.Current.CancellationToken));
        return sales;
    }
}
