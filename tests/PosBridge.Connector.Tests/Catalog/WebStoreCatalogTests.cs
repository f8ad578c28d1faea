using System.Net.Http.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Time.Testing;
using PosBridge.Connector.Catalog;
using PosBridge.Connector.Cli;
using PosBridge.Connector.Hosting;
using PosBridge.Connector.Tests.Hosting;
using PosBridge.Core.Catalog;
using PosBridge.Ecommerce.Tests.Shopify;
using PosBridge.Ecommerce.Tests.WooCommerce;

namespace PosBridge.Connector.Tests.Catalog;

/// <summary>
/// A shop whose catalog is its WooCommerce store's products: pulled through the real adapter into the snapshot its tills
/// read, against the protocol-faithful WooCommerce fake of the Ecommerce tests.
/// </summary>
public sealed class WebStoreCatalogTests
{
    private readonly FakeTimeProvider _webTime = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly FakeWooCommerce _woo;

    public WebStoreCatalogTests() => _woo = new FakeWooCommerce(_webTime);

    private static Dictionary<string, string?> Settings() => new()
    {
        ["PosBridge:Catalog:PullInterval"] = "00:00:00",
        ["PosBridge:Catalog:PageSize"] = "2",
        ["PosBridge:Stores:CAI1:Catalog:Source"] = "WebStore",
        ["PosBridge:Stores:CAI1:Catalog:WebStore"] = "woo-cairo",
        ["PosBridge:Stores:CAI1:Catalog:Taxes:0:Id"] = "vat14",
        ["PosBridge:Stores:CAI1:Catalog:Taxes:0:Percent"] = "14",
        ["PosBridge:Stores:CAI1:Catalog:Taxes:1:Id"] = "vat0",
        ["PosBridge:Stores:CAI1:Catalog:Taxes:1:Percent"] = "0",
        ["PosBridge:Stores:CAI1:Catalog:TaxClasses:standard"] = "vat14",
        ["PosBridge:Stores:CAI1:Catalog:TaxClasses:zero-rate"] = "vat0",
        ["PosBridge:Stores:CAI1:Catalog:PaymentMethods:0:Id"] = "cai1-cash",
        ["PosBridge:Stores:CAI1:Catalog:PaymentMethods:0:Name"] = "نقدي · Cash",
        ["PosBridge:Stores:CAI1:Catalog:PaymentMethods:0:Kind"] = "Cash",
        ["Ecommerce:Stores:0:Name"] = "woo-cairo",
        ["Ecommerce:Stores:0:Platform"] = "WooCommerce",
        ["Ecommerce:Stores:0:BaseUrl"] = "https://shop.example.com/",
        ["Ecommerce:Stores:0:ConsumerKey"] = FakeWooCommerce.ConsumerKey,
        ["Ecommerce:Stores:0:ConsumerSecret"] = FakeWooCommerce.ConsumerSecret,
        ["Ecommerce:Stores:0:Locations:0"] = "CAI1",
    };

    private Task<ConnectorHost> StartAsync() =>
        ConnectorHost.StartAsync(Settings(), services => services.AddSingleton<IHttpMessageHandlerBuilderFilter>(new ToFake(_woo.Handler)), null);

    [Fact]
    public async Task Pull_WooCommerceStore_TheStoresTillsGetItsProductsTaxedAndPaidAsConfigured_ItsStockIsNotTaken()
    {
        var tea = _woo.AddCatalogProduct("شاي بالنعناع", "TEA-1", "25.50", barcode: "6221234567890", categories: (7, "مشروبات"));
        var beans = _woo.AddCatalogProduct("Beans 250 g", "BEANS-250", "180.00", taxClass: "zero-rate");
        var (shirt, sizes) = _woo.AddCatalogVariable("T-shirt", ("TS-S", "S", "120.00"), ("TS-L", "L", "130.00"));
        await using var host = await StartAsync();
        var till = await host.PairTillAsync("CAI1", "CAI1-T1");
        var other = await host.PairTillAsync("ALX1", "ALX1-T1");

        var report = await host.Services.GetRequiredService<CatalogPuller>().PullAsync(TestContext.Current.CancellationToken);
        var page = await PageAsync(till);

        Assert.Equal(4, report.Products);
        var products = page.Products.ToDictionary(p => p.Sku!);
        Assert.Equal(["BEANS-250", "TEA-1", "TS-L", "TS-S"], products.Keys.Order(StringComparer.Ordinal));
        var teaProduct = products["TEA-1"];
        Assert.Equal(("شاي بالنعناع", "6221234567890", 25.50m, "EGP", "vat14", true), (teaProduct.Name, teaProduct.Barcode, teaProduct.ListPrice, teaProduct.Currency, Assert.Single(teaProduct.TaxIds), teaProduct.Active));
        Assert.Equal($"CAI1:woo-cairo:{tea.Id}", teaProduct.Id);
        Assert.Equal("مشروبات", Assert.Single(page.Categories, c => c.Id == teaProduct.CategoryId).Name);
        Assert.Equal("vat0", Assert.Single(products["BEANS-250"].TaxIds));
        Assert.Equal(("T-shirt – L", $"CAI1:woo-cairo:{shirt.Id}/{sizes[1].Id}"), (products["TS-L"].Name, products["TS-L"].Id));
        Assert.Equal(["vat0", "vat14"], page.Taxes.Select(t => t.Id).Order(StringComparer.Ordinal));
        Assert.Equal("cai1-cash", Assert.Single(page.PaymentMethods).Id);
        Assert.Empty((await PageAsync(other)).Products); // another store's tills get none of them
        Assert.Empty(await host.Services.GetRequiredService<ICatalogSnapshot>().StockLevelsAsync(TestContext.Current.CancellationToken));
        Assert.Empty(_woo.Handler.Unexpected);
        Assert.Equal(0, _woo.Writes);
        _ = beans;
    }

    [Fact]
    public async Task Pull_ShopifyShop_ARiyadhStoresTillsGetItsProductsWithTheirVariants_TaxedAsConfigured()
    {
        var shop = new FakeShopify(_webTime);
        var dates = shop.AddProduct("تمر سكري ١ كجم", "DATES-1KG", "45.00", barcode: "6281234567891", productType: "تمور");
        var voucher = shop.AddProduct("Gift voucher", "GIFT-100", "100.00");
        voucher.Variants[0].Taxable = false;
        var abaya = shop.AddProductWithOptions("عباية", "المقاس", ("AB-52", "52", "350.00"), ("AB-54", "54", "360.00"));
        var settings = new Dictionary<string, string?>
        {
            ["PosBridge:Catalog:PullInterval"] = "00:00:00",
            ["PosBridge:Catalog:PageSize"] = "2",
            ["PosBridge:Stores:RUH1:Catalog:Source"] = "WebStore",
            ["PosBridge:Stores:RUH1:Catalog:WebStore"] = "shopify-riyadh",
            ["PosBridge:Stores:RUH1:Catalog:Taxes:0:Id"] = "vat15",
            ["PosBridge:Stores:RUH1:Catalog:Taxes:0:Percent"] = "15",
            ["PosBridge:Stores:RUH1:Catalog:TaxClasses:standard"] = "vat15",
            ["PosBridge:Stores:RUH1:Catalog:PaymentMethods:0:Id"] = "ruh1-mada",
            ["PosBridge:Stores:RUH1:Catalog:PaymentMethods:0:Name"] = "مدى · mada",
            ["PosBridge:Stores:RUH1:Catalog:PaymentMethods:0:Kind"] = "Card",
            ["Ecommerce:Stores:0:Name"] = "shopify-riyadh",
            ["Ecommerce:Stores:0:Platform"] = "Shopify",
            ["Ecommerce:Stores:0:ShopDomain"] = "cairo-shop.myshopify.com",
            ["Ecommerce:Stores:0:AccessToken"] = FakeShopify.Token,
            ["Ecommerce:Stores:0:ApiVersion"] = FakeShopify.ApiVersion,
            ["Ecommerce:Stores:0:Locations:RUH1"] = "gid://shopify/Location/1",
        };
        await using var host = await ConnectorHost.StartAsync(settings, services => services.AddSingleton<IHttpMessageHandlerBuilderFilter>(new ToFake(shop.Handler)), null);
        var till = await host.PairTillAsync("RUH1", "RUH1-T1");

        var report = await host.Services.GetRequiredService<CatalogPuller>().PullAsync(TestContext.Current.CancellationToken);
        var page = await PageAsync(till);

        Assert.Equal(4, report.Products);
        var products = page.Products.ToDictionary(p => p.Sku!);
        Assert.Equal(["AB-52", "AB-54", "DATES-1KG", "GIFT-100"], products.Keys.Order(StringComparer.Ordinal));
        var datesProduct = products["DATES-1KG"];
        Assert.Equal(("تمر سكري ١ كجم", "6281234567891", 45m, "SAR", "vat15"), (datesProduct.Name, datesProduct.Barcode, datesProduct.ListPrice, datesProduct.Currency, Assert.Single(datesProduct.TaxIds)));
        Assert.Equal($"RUH1:shopify-riyadh:{dates.Id[(dates.Id.LastIndexOf('/') + 1)..]}", datesProduct.Id);
        Assert.Equal("تمور", Assert.Single(page.Categories, c => c.Id == datesProduct.CategoryId).Name);
        Assert.Empty(products["GIFT-100"].TaxIds);
        Assert.Equal(("عباية – 54", 360m), (products["AB-54"].Name, products["AB-54"].ListPrice));
        Assert.Equal("ruh1-mada", Assert.Single(page.PaymentMethods).Id);
        Assert.Empty(shop.Handler.Unexpected);
        Assert.All(shop.Calls, c => Assert.StartsWith("PosBridgeProduct", c.Operation, StringComparison.Ordinal)); // read only: nothing written to the shop
        _ = abaya;
    }

    [Fact]
    public async Task Pull_KeyRefused_KeepsTheLastCatalog_StatusSaysWhyInOneLine_UntilAPullSucceeds()
    {
        _woo.AddCatalogProduct("Tea", "TEA-1", "25.00");
        _woo.AddCatalogProduct("Coffee", "COF-1", "30.00");
        await using var host = await StartAsync();
        var puller = host.Services.GetRequiredService<CatalogPuller>();
        await puller.PullAsync(TestContext.Current.CancellationToken);
        _woo.RefuseKey = true;
        host.Clock.Advance(TimeSpan.FromDays(1)); // a full run, which could remove products

        await puller.PullAsync(TestContext.Current.CancellationToken);
        var during = await StatusAsync(host);
        _woo.RefuseKey = false;
        await puller.PullAsync(TestContext.Current.CancellationToken);
        var after = await StatusAsync(host);

        Assert.Equal(2, (await host.Services.GetRequiredService<ICatalogSnapshot>().ProductsAsync(TestContext.Current.CancellationToken)).Count(p => p.Active));
        var line = Assert.Single(during.Split('\n'), l => l.StartsWith("catalog ", StringComparison.Ordinal));
        Assert.Contains("catalog webstore:CAI1: the pull failed at ", line, StringComparison.Ordinal);
        Assert.Contains("Web store woo-cairo refused the consumer key (401 Unauthorized); check Ecommerce:Stores:0:ConsumerKey and ConsumerSecret", line, StringComparison.Ordinal);
        Assert.DoesNotContain("catalog ", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pull_FullRunAfterAProductWasTrashed_RemovesIt_AStoreListingNothingRemovesNothing()
    {
        _woo.AddCatalogProduct("Tea", "TEA-1", "25.00");
        var coffee = _woo.AddCatalogProduct("Coffee", "COF-1", "30.00");
        await using var host = await StartAsync();
        var puller = host.Services.GetRequiredService<CatalogPuller>();
        var snapshot = host.Services.GetRequiredService<ICatalogSnapshot>();
        await puller.PullAsync(TestContext.Current.CancellationToken);

        coffee.Status = "trash";
        host.Clock.Advance(TimeSpan.FromDays(1));
        await puller.PullAsync(TestContext.Current.CancellationToken);
        var afterTrash = (await snapshot.ProductsAsync(TestContext.Current.CancellationToken)).Select(p => p.Sku).ToList();

        _woo.Products.Clear();
        host.Clock.Advance(TimeSpan.FromDays(1));
        await puller.PullAsync(TestContext.Current.CancellationToken);
        var afterEmpty = (await snapshot.ProductsAsync(TestContext.Current.CancellationToken)).Select(p => p.Sku).ToList();
        var status = await StatusAsync(host);

        Assert.Equal(["TEA-1"], afterTrash);
        Assert.Equal(["TEA-1"], afterEmpty);
        Assert.Contains("web store woo-cairo listed no products at all; the last catalog (1 products) is kept", status, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_WebStoreSourceWithWrongSettings_NamesEach()
    {
        var options = new StoreCatalogsOptions();
        StoreCatalogsOptions.Bind(
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["PosBridge:Stores:CAI1:Currency"] = "EGP",
                ["PosBridge:Stores:CAI1:Catalog:Source"] = "WebStore",
                ["PosBridge:Stores:CAI1:Catalog:WebStore"] = "woo-alex",
                ["PosBridge:Stores:RUH1:Currency"] = "SAR",
                ["PosBridge:Stores:RUH1:Catalog:Source"] = "WebStore",
                ["PosBridge:Stores:RUH1:Catalog:WebStore"] = "magento-sa",
                ["PosBridge:Stores:RUH1:Catalog:TaxClasses:standard"] = "vat15",
                ["PosBridge:Stores:ALX1:Catalog:Source"] = "WebStore",
                ["Ecommerce:Stores:0:Name"] = "magento-sa",
                ["Ecommerce:Stores:0:Platform"] = "Magento",
            }).Build(),
            options);

        var result = new StoreCatalogsOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.NotNull(result.Failures);
        Assert.Contains("PosBridge:Stores:CAI1:Catalog:WebStore is 'woo-alex', which is not the Name of a store under Ecommerce:Stores.", result.Failures);
        Assert.Contains(result.Failures, f => f.StartsWith("PosBridge:Stores:RUH1:Catalog:WebStore 'magento-sa' is on Magento; products are pulled from WooCommerce and Shopify stores only so far", StringComparison.Ordinal));
        Assert.Contains("PosBridge:Stores:RUH1:Catalog:TaxClasses:standard is 'vat15', which is not the Id of one of PosBridge:Stores:RUH1:Catalog:Taxes.", result.Failures);
        Assert.Contains("PosBridge:Stores:ALX1:Catalog:WebStore is required with Source WebStore: the Name of one of Ecommerce:Stores.", result.Failures);
        Assert.Contains(result.Failures, f => f.StartsWith("PosBridge:Stores:ALX1:Currency is ''", StringComparison.Ordinal));
    }

    private static async Task<string> StatusAsync(ConnectorHost host)
    {
        using var output = new StringWriter();
        await ManagerCommands.StatusAsync(host.Services, output, TestContext.Current.CancellationToken);
        return output.ToString();
    }

    private static async Task<CatalogChanges> PageAsync(TestTill till)
    {
        var response = await till.SendAsync(HttpMethod.Get, "/api/v1/catalog", []);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return (await response.Content.ReadFromJsonAsync<CatalogChanges>(TerminalApi.Json, TestContext.Current.CancellationToken))!;
    }

    private sealed class ToFake(HttpMessageHandler server) : IHttpMessageHandlerBuilderFilter
    {
        public Action<HttpMessageHandlerBuilder> Configure(Action<HttpMessageHandlerBuilder> next) => builder =>
        {
            next(builder);
            builder.PrimaryHandler = server;
        };
    }
}
