using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Time.Testing;
using PosBridge.Connector.Dispatch;
using PosBridge.Connector.Storage.Sqlite;
using PosBridge.Connector.Tests.Hosting;
using PosBridge.Connector.WebStores;
using PosBridge.Ecommerce.Stock;
using PosBridge.Ecommerce.Tests.Shopify;
using PosBridge.Ecommerce.Tests.WooCommerce;

namespace PosBridge.Connector.Tests.WebStores;

/// <summary>
/// A sale made on a till travels the whole way: signed upload → the connector's inbox → dispatch to each web
/// store → the WooCommerce and Shopify fakes (the protocol-faithful ones of the Ecommerce tests). Each store's
/// stock moves by the sale exactly once, also when the connector stops between a store's answer and its own
/// record of it and starts again on the same database.
/// </summary>
public sealed class TillToWebStoreTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("posbridge-e2e-").FullName;
    private readonly FakeTimeProvider _webTime = new(DateTimeOffset.UtcNow);
    private readonly FakeWooCommerce _woo;
    private readonly FakeShopify _shopify;
    private readonly string _location;

    public TillToWebStoreTests()
    {
        _woo = new FakeWooCommerce(_webTime);
        _shopify = new FakeShopify(_webTime);
        _location = _shopify.AddLocation("Cairo");
    }

    private Dictionary<string, string?> Settings => new()
    {
        ["Ecommerce:Stores:0:Name"] = "woo-cairo",
        ["Ecommerce:Stores:0:Platform"] = "WooCommerce",
        ["Ecommerce:Stores:0:BaseUrl"] = "https://woo.example.com/",
        ["Ecommerce:Stores:0:ConsumerKey"] = FakeWooCommerce.ConsumerKey,
        ["Ecommerce:Stores:0:ConsumerSecret"] = FakeWooCommerce.ConsumerSecret,
        ["Ecommerce:Stores:0:Locations:0"] = "CAI1",
        ["Ecommerce:Stores:1:Name"] = "shopify-eg",
        ["Ecommerce:Stores:1:Platform"] = "Shopify",
        ["Ecommerce:Stores:1:ShopDomain"] = "cairo-shop.myshopify.com",
        ["Ecommerce:Stores:1:AccessToken"] = FakeShopify.Token,
        ["Ecommerce:Stores:1:ApiVersion"] = FakeShopify.ApiVersion,
        ["Ecommerce:Stores:1:Locations:CAI1"] = _location,
    };

    private Task<ConnectorHost> StartAsync(Func<IServiceProvider, IAppliedDeltaStore>? deltas = null, Dictionary<string, string?>? extra = null) =>
        ConnectorHost.StartAsync(
            extra is null ? Settings : Settings.Concat(extra).ToDictionary(),
            services =>
            {
                var server = new ByHost(new() { ["woo.example.com"] = _woo.Handler, ["cairo-shop.myshopify.com"] = _shopify.Handler });
                services.AddSingleton<IHttpMessageHandlerBuilderFilter>(new ToFakes(server));
                if (deltas is not null)
                {
                    services.AddSingleton(deltas);
                }
            },
            _directory);

    [Fact]
    public async Task Sale_FromATill_ReachesBothWebStoresOnce_AlsoAcrossACrashAndRestartMidDelivery()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var mug = _woo.AddProduct("MUG-1", 20);
        var beans = _woo.AddProduct("BEANS-250", 10);
        _shopify.AddItem("MUG-1", _location, 30);
        _shopify.AddItem("BEANS-250", _location, 15);
        var factory = new Sales(new FakeTimeProvider(DateTimeOffset.UtcNow));
        TestTill till;

        // 1. A sale on the till reaches both stores through one delivery run each.
        await using (var host = await StartAsync())
        {
            till = await host.PairTillAsync();
            var first = factory.Next(price: 120m, quantity: 2m, sku: "MUG-1");
            Assert.Equal(PosBridge.Core.Sync.UploadStatus.Accepted, (await TestTill.ResultsAsync(await till.UploadAsync([first]))).Results.Single().Status);

            var dispatcher = host.Services.GetRequiredService<SalesDispatcher>();
            Assert.Equal((1, null), Delivered(await dispatcher.DeliverAsync("woo-cairo", cancellationToken)));
            Assert.Equal((1, null), Delivered(await dispatcher.DeliverAsync("shopify-eg", cancellationToken)));
            Assert.Equal((18, 28), (mug.Quantity, _shopify.LevelOf("MUG-1", _location)));
        }

        // 2. The next sale: each store answers, then the connector stops before recording anything (as a kill would).
        var crashing = new StopsAfterTheStoreAnswers();
        await using (var host = await StartAsync(sp => crashing.Over(new SqliteAppliedDeltaStore(sp.GetRequiredService<ConnectorDatabase>(), sp.GetRequiredService<TimeProvider>()))))
        {
            till = new TestTill(host, till.Pairing);
            var second = factory.Next(price: 310.5m, quantity: 3m, sku: "BEANS-250");
            (await till.UploadAsync([second])).EnsureSuccessStatusCode();

            var dispatcher = host.Services.GetRequiredService<SalesDispatcher>();
            foreach (var store in new[] { "woo-cairo", "shopify-eg" })
            {
                using var run = new CancellationTokenSource();
                crashing.Run = run;
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => dispatcher.DeliverAsync(store, run.Token));
            }

            Assert.Equal((7, 12), (beans.Quantity, _shopify.LevelOf("BEANS-250", _location)));
            Assert.Equal(1, (await host.Services.GetRequiredService<IDeliveryStore>().GetBacklogAsync("woo-cairo", cancellationToken)).Waiting);
            Assert.Equal(1, (await host.Services.GetRequiredService<IDeliveryStore>().GetBacklogAsync("shopify-eg", cancellationToken)).Waiting);
        }

        // 3. Restarted on the same database, with a third sale uploaded meanwhile: the interrupted sale is settled with
        //    each store (WooCommerce: read back; Shopify: the same request replayed under its idempotency key), not sent again.
        await using (var host = await StartAsync())
        {
            till = new TestTill(host, till.Pairing);
            var third = factory.Next(price: 310.5m, quantity: 1m, sku: "BEANS-250");
            (await till.UploadAsync([third])).EnsureSuccessStatusCode();

            var dispatcher = host.Services.GetRequiredService<SalesDispatcher>();
            var woo = await dispatcher.DeliverAsync("woo-cairo", cancellationToken);
            var shop = await dispatcher.DeliverAsync("shopify-eg", cancellationToken);
            var again = await dispatcher.DeliverAsync("woo-cairo", cancellationToken);

            Assert.Equal((1, 1), (woo.Delivered, woo.Duplicates));
            Assert.Equal((1, 1), (shop.Delivered, shop.Duplicates));
            Assert.Equal(0, again.Delivered + again.Duplicates);
            Assert.Equal((6, 11), (beans.Quantity, _shopify.LevelOf("BEANS-250", _location)));
            Assert.Equal((18, 28), (mug.Quantity, _shopify.LevelOf("MUG-1", _location)));

            // Nothing resolved twice: the restarts found the SKU mappings in the database.
            Assert.Equal(2, _woo.Requests.Count(r => r.PathAndQuery.Contains("sku=", StringComparison.Ordinal)));
            Assert.Equal(2, _shopify.Count("PosBridgeVariantsBySku"));
        }

        Assert.Empty(_woo.Handler.Unexpected);
        Assert.Empty(_shopify.Handler.Unexpected);
    }

    [Fact]
    public async Task Sale_FromATill_IsOnBothWebStoresWithinTheDispatchInterval_ByTheScheduledJobs()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var mug = _woo.AddProduct("MUG-1", 20);
        _shopify.AddItem("MUG-1", _location, 30);
        await using var host = await StartAsync(extra: new() { ["PosBridge:Dispatch:Interval"] = "00:00:05" });
        var till = await host.PairTillAsync();
        (await till.UploadAsync([new Sales(host.Clock).Next(price: 120m, quantity: 1m, sku: "MUG-1")])).EnsureSuccessStatusCode();
        var soldAt = host.Clock.GetUtcNow();

        // Quartz runs on the container's clock: the test moves it in small steps, never past one interval after the
        // sale, and then only waits (in real time) for the runs that fired to finish.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((mug.Quantity != 19 || _shopify.LevelOf("MUG-1", _location) != 29) && DateTime.UtcNow < deadline)
        {
            if (host.Clock.GetUtcNow() - soldAt < TimeSpan.FromSeconds(5.25))
            {
                host.Clock.Advance(TimeSpan.FromMilliseconds(250));
            }

            await Task.Delay(20, cancellationToken);
        }

        Assert.Equal((19, 29), (mug.Quantity, _shopify.LevelOf("MUG-1", _location)));
    }

    [Fact]
    public async Task Reconcile_FromTheSnapshotsStockLevels_SetsOnlyWhatDiffersAndStopsOnAnUnsafeRun()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var mug = _woo.AddProduct("MUG-1", 20);
        var beans = _woo.AddProduct("BEANS-250", 10);
        var untouched = _woo.AddProduct("CUP", 5);
        _shopify.AddItem("MUG-1", _location, 30);
        await using var host = await StartAsync();
        var catalog = host.Services.GetRequiredService<PosBridge.Connector.Catalog.ICatalogSnapshot>();
        await catalog.SaveStockAsync(
            [
                new Core.Stock.StockLevel { Sku = "MUG-1", LocationId = "CAI1", OnHand = 17m, Reserved = 2m },
                new Core.Stock.StockLevel { Sku = "BEANS-250", LocationId = "CAI1", OnHand = 10m },
            ],
            cancellationToken);
        var reconciler = host.Services.GetRequiredService<WebStoreReconciler>();

        var woo = await reconciler.ReconcileAsync("woo-cairo", cancellationToken);
        var shop = await reconciler.ReconcileAsync("shopify-eg", cancellationToken);

        Assert.Null(woo.SafetyStop);
        Assert.Equal(1, woo.Changed);
        Assert.Equal((15, 10, 5), (mug.Quantity, beans.Quantity, untouched.Quantity)); // CUP has no level: left alone
        Assert.Equal(15, _shopify.LevelOf("MUG-1", _location));
        Assert.Equal(1, shop.Changed);

        // The stock source suddenly says nothing is left: stopped, nothing pushed.
        await catalog.SaveStockAsync([new Core.Stock.StockLevel { Sku = "MUG-1", LocationId = "CAI1", OnHand = 0m }, new Core.Stock.StockLevel { Sku = "BEANS-250", LocationId = "CAI1", OnHand = 0m }], cancellationToken);
        var stopped = await reconciler.ReconcileAsync("woo-cairo", cancellationToken);

        Assert.NotNull(stopped.SafetyStop);
        Assert.Equal((15, 10), (mug.Quantity, beans.Quantity));
        var scheduler = await host.Services.GetRequiredService<Quartz.ISchedulerFactory>().GetScheduler(cancellationToken);
        Assert.True(await scheduler.GetJobDetail(new Quartz.JobKey("reconcile-woo-cairo", "web-stores"), cancellationToken) is not null);
        Assert.True(await scheduler.GetJobDetail(new Quartz.JobKey("reconcile-shopify-eg", "web-stores"), cancellationToken) is not null);
    }

    private static (int, string?) Delivered(DispatchRun run) => (run.Delivered, run.AdapterError);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Every web-store client talks to the fakes: set last, whatever the registrations configured before.</summary>
    private sealed class ToFakes(HttpMessageHandler server) : IHttpMessageHandlerBuilderFilter
    {
        public Action<HttpMessageHandlerBuilder> Configure(Action<HttpMessageHandlerBuilder> next) => builder =>
        {
            next(builder);
            builder.PrimaryHandler = server;
        };
    }

    /// <summary>Several fake sites behind one handler, told apart by host name (as DNS would).</summary>
    private sealed class ByHost(Dictionary<string, HttpMessageHandler> sites) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            new HttpMessageInvoker(sites[request.RequestUri!.Host], disposeHandler: false).SendAsync(request, cancellationToken);
    }

    /// <summary>
    /// The connector's durable store, stopped at the worst moment: the web store has applied the change, and the
    /// process "dies" (its run is cancelled) before it records that, so neither the applied mark nor the
    /// delivery's outcome is written; the intent recorded before the call is all that survives.
    /// </summary>
    private sealed class StopsAfterTheStoreAnswers
    {
        /// <summary>The delivery run to stop; the test passes its token to the dispatcher.</summary>
        public CancellationTokenSource? Run { get; set; }

        public IAppliedDeltaStore Over(IAppliedDeltaStore inner) => new Store(inner, this);

        private sealed class Store(IAppliedDeltaStore inner, StopsAfterTheStoreAnswers owner) : IAppliedDeltaStore
        {
            public ValueTask<DeltaStates> FindAsync(string store, IReadOnlyCollection<string> idempotencyKeys, CancellationToken cancellationToken = default) =>
                inner.FindAsync(store, idempotencyKeys, cancellationToken);

            public ValueTask RecordPendingAsync(string store, IReadOnlyList<PendingStockChange> changes, CancellationToken cancellationToken = default) =>
                inner.RecordPendingAsync(store, changes, cancellationToken);

            public ValueTask MarkAppliedAsync(string store, IReadOnlyCollection<string> idempotencyKeys, CancellationToken cancellationToken = default)
            {
                var run = owner.Run!;
                run.Cancel();
                throw new OperationCanceledException("The connector was killed before recording the store's answer.", run.Token);
            }

            public ValueTask ForgetPendingAsync(string store, IReadOnlyCollection<string> idempotencyKeys, CancellationToken cancellationToken = default) =>
                inner.ForgetPendingAsync(store, idempotencyKeys, cancellationToken);
        }
    }
}
