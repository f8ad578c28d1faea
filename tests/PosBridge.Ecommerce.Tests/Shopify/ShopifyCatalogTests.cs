using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PosBridge.Ecommerce.Catalog;
using PosBridge.Ecommerce.Tests.Http;

namespace PosBridge.Ecommerce.Tests.Shopify;

/// <summary>A Shopify shop's products read as a catalog, against the fake that follows the Admin GraphQL API.</summary>
public sealed class ShopifyCatalogTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
    private readonly FakeShopify _shop;
    private readonly TestHost _host;

    public ShopifyCatalogTests()
    {
        _shop = new FakeShopify(_time);
        _host = new TestHost(ShopifyStockTests.Configuration("Main store", new() { ["Ecommerce:Shopify:MaxRetryAttempts"] = "0" }), _shop.Handler, _time);
    }

    public void Dispose() => _host.Dispose();

    private IWebStoreCatalog Catalog => _host.Services.GetRequiredKeyedService<IWebStoreCatalog>("shopify");

    [Fact]
    public async Task ReadAsync_FirstRun_PagesThroughEveryProductAndVariantWithTheirFields()
    {
        var tea = _shop.AddProduct("شاي بالنعناع", "TEA-1", "25.50", barcode: "6221234567890", productType: "مشروبات", quantity: 40);
        var draft = _shop.AddProduct("Old mug", "MUG-OLD", "40.00");
        draft.Status = "DRAFT";
        var shirt = _shop.AddProductWithOptions("T-shirt", "Size", ("TS-S", "S", "120.00"), ("TS-L", "L", "130.00"));
        var gift = _shop.AddProduct("Gift card", null, "100.00");
        gift.Variants[0].Taxable = false;
        gift.Variants[0].Tracked = false;

        var pages = await ReadRunAsync(null, pageSize: 2);

        Assert.Equal(2, pages.Count);
        var items = pages.SelectMany(p => p.Items).ToDictionary(i => i.Id);
        Assert.Equal(5, items.Count);
        var teaItem = items[Number(tea.Id)];
        Assert.Equal(("شاي بالنعناع", "TEA-1", "6221234567890", 25.50m, true, "standard", true), (teaItem.Name, teaItem.Sku, teaItem.Barcode, teaItem.Price, teaItem.Taxable, teaItem.TaxClass, teaItem.Published));
        Assert.Equal((true, 40, (string?)null), (teaItem.StockTracked, teaItem.StockQuantity, teaItem.ParentId));
        Assert.Equal([new WebCatalogCategory("مشروبات", "مشروبات")], teaItem.Categories);
        Assert.False(items[Number(draft.Id)].Published);
        var large = items[$"{Number(shirt.Id)}/{Number(shirt.Variants[1].Id)}"];
        Assert.Equal(("T-shirt – L", "TS-L", 130m, Number(shirt.Id)), (large.Name, large.Sku, large.Price, large.ParentId));
        var giftItem = items[Number(gift.Id)];
        Assert.Equal((false, false, (int?)null), (giftItem.Taxable, giftItem.StockTracked, giftItem.StockQuantity));
        Assert.Null(pages[0].AllIds);
        Assert.Equal(items.Keys.Order(), pages[^1].AllIds!.Order());
        Assert.Contains(Number(shirt.Id), pages.SelectMany(p => p.CompleteParents));
        Assert.Empty(_shop.Handler.Unexpected);
    }

    [Fact]
    public async Task ReadAsync_AfterARun_AsksOnlyForWhatChangedSinceOnTheShopsClock()
    {
        _shop.AddProduct("Coffee", "COF-1", "30.00");
        _time.Advance(TimeSpan.FromMinutes(1));
        var tea = _shop.AddProduct("Tea", "TEA-1", "25.00");
        var first = await ReadRunAsync(null, pageSize: 10);
        _time.Advance(TimeSpan.FromMinutes(5));
        _shop.Touch(tea, p => p.Variants[0].Price = "27.00");
        _shop.Calls.Clear();

        var second = await ReadRunAsync(first[^1].NextCursor, pageSize: 10);

        var changed = Assert.Single(second.SelectMany(p => p.Items));
        Assert.Equal((Number(tea.Id), 27m), (changed.Id, changed.Price));
        Assert.Null(second[^1].AllIds); // a delta run cannot tell what was deleted
        Assert.Equal(["PosBridgeProducts"], _shop.Calls.Select(c => c.Operation));
    }

    [Fact]
    public async Task ReadAsync_ADayAfterTheLastFullRun_ReadsEverythingAgainSoDeletedProductsAreFound()
    {
        var tea = _shop.AddProduct("Tea", "TEA-1", "25.00");
        var coffee = _shop.AddProduct("Coffee", "COF-1", "30.00");
        var first = await ReadRunAsync(null, pageSize: 10);
        _shop.Products.Remove(coffee);
        _time.Advance(TimeSpan.FromDays(1));

        var again = await ReadRunAsync(first[^1].NextCursor, pageSize: 10);

        Assert.Equal([Number(tea.Id)], again[^1].AllIds!);
    }

    [Fact]
    public async Task ReadAsync_AProductWithManyVariants_IsReadWhole_AndEveryQueryStaysUnderShopifysCostLimit()
    {
        var sizes = Enumerable.Range(1, 25).Select(i => ($"SHOE-{i}", $"{i + 30}", "500.00")).ToArray();
        var shoe = _shop.AddProductWithOptions("Shoe", "Size", sizes);
        for (var i = 0; i < 30; i++)
        {
            _shop.AddProduct($"P{i}", $"SKU-{i}", "1.00");
        }

        var pages = await ReadRunAsync(null, pageSize: 500);

        var items = pages.SelectMany(p => p.Items).ToList();
        Assert.Equal(25, items.Count(i => i.ParentId == Number(shoe.Id)));
        Assert.Equal(55, items.Count);
        Assert.Contains(Number(shoe.Id), pages.SelectMany(p => p.CompleteParents));
        Assert.Equal(1, _shop.Count("PosBridgeProductVariants")); // 10 with the product, the other 15 in one more query
        Assert.Empty(_shop.Handler.Unexpected);
    }

    [Fact]
    public async Task ReadAsync_FromTheCursorOfAPage_GoesOnWithTheNextPage()
    {
        for (var i = 0; i < 5; i++)
        {
            _shop.AddProduct($"P{i}", $"SKU-{i}", "1.00");
        }

        var page1 = await Catalog.ReadAsync(null, 2, TestContext.Current.CancellationToken);

        // The connector stopped here; a new process goes on from the stored cursor.
        var rest = await ReadRunAsync(page1.NextCursor, pageSize: 2);

        Assert.Equal(5, page1.Items.Concat(rest.SelectMany(p => p.Items)).Select(i => i.Id).Distinct().Count());
        Assert.Equal(5, rest[^1].AllIds!.Count);
    }

    [Fact]
    public async Task ReadAsync_TokenRevoked_SaysSoInOneLineNamingTheSetting()
    {
        _shop.AddProduct("Tea", "TEA-1", "25.00");
        _shop.TokenRevoked = true;

        var error = await Assert.ThrowsAsync<WebStoreCatalogException>(() => Catalog.ReadAsync(null, 10, TestContext.Current.CancellationToken));

        Assert.Equal("Web store shopify refused the access token (401 Unauthorized); check Ecommerce:Shopify:AccessToken, and that the app may read products (read_products).", error.Message);
    }

    [Fact]
    public async Task ReadAsync_ShopDown_SaysItCouldNotBeReached()
    {
        _shop.Down = true;

        var error = await Assert.ThrowsAsync<WebStoreCatalogException>(() => Catalog.ReadAsync(null, 10, TestContext.Current.CancellationToken));

        Assert.StartsWith("Web store shopify (cairo-shop.myshopify.com) could not be reached for the product list: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("Connection refused", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    private static string Number(string gid) => gid[(gid.LastIndexOf('/') + 1)..];

    private Task<List<WebCatalogPage>> ReadRunAsync(string? cursor, int pageSize) => WebCatalogRuns.ReadRunAsync(Catalog, cursor, pageSize);
}
