using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PosBridge.Core.Adapters;
using PosBridge.Ecommerce.Publishing;
using PosBridge.Ecommerce.Shopify;
using PosBridge.Ecommerce.Stores;
using PosBridge.Ecommerce.Tests.Http;
using PosBridge.Ecommerce.Tests.Shopify;
using PosBridge.Ecommerce.Tests.WooCommerce;
using static PosBridge.Ecommerce.Tests.Http.TestHost;

namespace PosBridge.Ecommerce.Tests.Stores;

public sealed class WebStoresTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));

    /// <summary>Several fake sites behind one handler, told apart by host name (as DNS would).</summary>
    private sealed class ByHost(Dictionary<string, HttpMessageHandler> sites) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            new HttpMessageInvoker(sites[request.RequestUri!.Host], disposeHandler: false).SendAsync(request, cancellationToken);
    }

    [Fact]
    public async Task AddEcommerce_TwoWooCommerceStoresAndAShopifyInTheList_EachIsItsOwnAdapter()
    {
        var cairo = new FakeWooCommerce(_time);
        var alex = new FakeWooCommerce(_time);
        var shop = new FakeShopify(_time);
        var location = shop.AddLocation("Cairo");
        var a1 = cairo.AddProduct("A", 10);
        var a2 = alex.AddProduct("A", 20);
        shop.AddItem("A", location, 30);
        using var server = new ByHost(new()
        {
            ["cairo.example.com"] = cairo.Handler,
            ["alex.example.com"] = alex.Handler,
            ["cairo-shop.myshopify.com"] = shop.Handler,
        });
        using var host = new TestHost(
            new()
            {
                ["Ecommerce:Stores:0:Name"] = "woo-cairo",
                ["Ecommerce:Stores:0:Platform"] = "WooCommerce",
                ["Ecommerce:Stores:0:BaseUrl"] = "https://cairo.example.com/",
                ["Ecommerce:Stores:0:ConsumerKey"] = FakeWooCommerce.ConsumerKey,
                ["Ecommerce:Stores:0:ConsumerSecret"] = FakeWooCommerce.ConsumerSecret,
                ["Ecommerce:Stores:0:Locations:0"] = "WH1",
                ["Ecommerce:Stores:1:Name"] = "woo-alex",
                ["Ecommerce:Stores:1:Platform"] = "woocommerce",
                ["Ecommerce:Stores:1:BaseUrl"] = "https://alex.example.com/",
                ["Ecommerce:Stores:1:ConsumerKey"] = FakeWooCommerce.ConsumerKey,
                ["Ecommerce:Stores:1:ConsumerSecret"] = FakeWooCommerce.ConsumerSecret,
                ["Ecommerce:Stores:1:Locations:0"] = "ALX",
                ["Ecommerce:Stores:2:Name"] = "shopify-eg",
                ["Ecommerce:Stores:2:Platform"] = "Shopify",
                ["Ecommerce:Stores:2:ShopDomain"] = "cairo-shop.myshopify.com",
                ["Ecommerce:Stores:2:AccessToken"] = FakeShopify.Token,
                ["Ecommerce:Stores:2:ApiVersion"] = FakeShopify.ApiVersion,
                ["Ecommerce:Stores:2:Locations:WH1"] = location,
            },
            server,
            _time);

        await host.Target("woo-cairo").SetLevelsAsync([Level("A", 7)], TestContext.Current.CancellationToken);
        await host.Target("woo-alex").SetLevelsAsync([Level("A", 18, location: "ALX")], TestContext.Current.CancellationToken);
        await host.Target("shopify-eg").SetLevelsAsync([Level("A", 27)], TestContext.Current.CancellationToken);

        Assert.Equal((7, 18, 27), (a1.Quantity, a2.Quantity, shop.LevelOf("A", location)));
        Assert.Equal(["shopify-eg", "woo-alex", "woo-cairo"], host.Services.GetServices<ISalesSink>().Select(s => s.Name).Order());
        Assert.Equal(["woo-cairo", "woo-alex", "shopify-eg"], host.Services.GetRequiredService<WebStores>().All.Select(s => s.Name));
        Assert.Equal("Ecommerce:Stores:2", host.Services.GetRequiredService<IOptionsMonitor<ShopifyOptions>>().Get("shopify-eg").Section);
    }

    [Fact]
    public void AddEcommerce_BadStoreList_NamesEveryProblemWithItsSetting()
    {
        using var host = new TestHost(
            new()
            {
                ["Ecommerce:WooCommerce:BaseUrl"] = "https://shop.example.com/",
                ["Ecommerce:WooCommerce:ConsumerKey"] = FakeWooCommerce.ConsumerKey,
                ["Ecommerce:WooCommerce:ConsumerSecret"] = FakeWooCommerce.ConsumerSecret,
                ["Ecommerce:Stores:0:Name"] = "woocommerce",
                ["Ecommerce:Stores:0:Platform"] = "WooCommerce",
                ["Ecommerce:Stores:1:Name"] = "wix shop",
                ["Ecommerce:Stores:1:Platform"] = "Wix",
                ["Ecommerce:Stores:2:Platform"] = "Shopify",
                ["Ecommerce:Stores:3:Name"] = "magento-eg",
                ["Ecommerce:Stores:3:Platform"] = "Magento",
                ["Ecommerce:Stores:3:BaseUrl"] = "http://m.example.com/",
                ["Ecommerce:Stores:3:Feed:Title"] = "Cairo Shop",
                ["Ecommerce:Stores:3:Feed:ProductLink"] = "https://m.example.com/p/",
                ["Ecommerce:Stores:3:Feed:Token"] = "short",
            },
            new FakeWooCommerce(_time).Handler,
            _time);

        var list = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<WebStoresCheck>>().Value).Failures.ToList();
        var magento = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptionsMonitor<PosBridge.Ecommerce.Magento.MagentoOptions>>().Get("magento-eg")).Failures.ToList();
        var feed = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptionsMonitor<FeedOptions>>().Get("magento-eg")).Failures.ToList();

        Assert.Contains(list, f => f.StartsWith("Ecommerce:Stores:0:Name 'woocommerce' is already the name of the store at Ecommerce:WooCommerce", StringComparison.Ordinal));
        Assert.Contains(list, f => f.StartsWith("Ecommerce:Stores:1:Platform is 'Wix'", StringComparison.Ordinal));
        Assert.Contains(list, f => f.StartsWith("Ecommerce:Stores:1:Name 'wix shop' may only hold", StringComparison.Ordinal));
        Assert.Contains(list, f => f.StartsWith("Ecommerce:Stores:2:Name is required", StringComparison.Ordinal));
        Assert.Equal(4, list.Count);
        Assert.Contains(magento, f => f.StartsWith("Ecommerce:Stores:3:BaseUrl must use https", StringComparison.Ordinal));
        Assert.Contains(magento, f => f.StartsWith("Ecommerce:Stores:3:AccessToken", StringComparison.Ordinal));
        Assert.Contains(feed, f => f.StartsWith("Ecommerce:Stores:3:Feed:Link", StringComparison.Ordinal));
        Assert.Contains(feed, f => f.StartsWith("Ecommerce:Stores:3:Feed:ProductLink must hold {sku}", StringComparison.Ordinal));
        Assert.Contains(feed, f => f.StartsWith("Ecommerce:Stores:3:Feed:ImageLink", StringComparison.Ordinal));
        Assert.Contains(feed, f => f.StartsWith("Ecommerce:Stores:3:Feed:Token must be at least 24", StringComparison.Ordinal));
    }
}
