using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PosBridge.Ecommerce.Catalog;
using PosBridge.Ecommerce.Tests.Http;

namespace PosBridge.Ecommerce.Tests.WooCommerce;

public sealed class WooCommerceCatalogTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
    private readonly FakeWooCommerce _woo;
    private readonly TestHost _host;

    public WooCommerceCatalogTests()
    {
        _woo = new FakeWooCommerce(_time);
        _host = new TestHost(WooCommerceStockTests.Configuration(new() { ["Ecommerce:WooCommerce:MaxRetryAttempts"] = "0" }), _woo.Handler, _time);
    }

    public void Dispose() => _host.Dispose();

    private IWebStoreCatalog Catalog => _host.Services.GetRequiredKeyedService<IWebStoreCatalog>("woocommerce");

    [Fact]
    public async Task ReadAsync_FirstRun_PagesThroughEveryProductAndVariationWithTheirFields()
    {
        var tea = _woo.AddCatalogProduct("شاي بالنعناع", "TEA-1", "25.50", barcode: "6221234567890", categories: (7, "Drinks &amp; Tea"));
        var draft = _woo.AddCatalogProduct("Old mug", "MUG-OLD", "40.00", taxClass: "zero-rate");
        draft.Status = "draft";
        var (shirt, sizes) = _woo.AddCatalogVariable("T-shirt", ("TS-S", "S", "120.00"), ("TS-L", "L", "130.00"));
        _woo.AddCatalogProduct("Gift card", null, "100.00").TaxStatus = "none";
        var trashed = _woo.AddCatalogProduct("Gone", "GONE", "1.00");
        trashed.Status = "trash";

        var pages = await ReadRunAsync(null, pageSize: 2);

        Assert.Equal(2, pages.Count); // 4 listed products (the trash is not), 2 per page
        var items = pages.SelectMany(p => p.Items).ToDictionary(i => i.Id);
        Assert.Equal(5, items.Count);
        var teaItem = items[$"{tea.Id}"];
        Assert.Equal("شاي بالنعناع", teaItem.Name);
        Assert.Equal(("TEA-1", "6221234567890", 25.50m, true, "standard", true), (teaItem.Sku, teaItem.Barcode, teaItem.Price, teaItem.Taxable, teaItem.TaxClass, teaItem.Published));
        Assert.Equal([new WebCatalogCategory("7", "Drinks & Tea")], teaItem.Categories);
        Assert.Equal(("zero-rate", false), (items[$"{draft.Id}"].TaxClass, items[$"{draft.Id}"].Published));
        var small = items[$"{shirt.Id}/{sizes[0].Id}"];
        Assert.Equal(("T-shirt – S", "TS-S", 120m, $"{shirt.Id}", true, 5), (small.Name, small.Sku, small.Price, small.ParentId, small.StockTracked, small.StockQuantity));
        Assert.False(items.Values.Single(i => i.Name == "Gift card").Taxable);
        Assert.Null(pages[0].AllIds);
        Assert.True(pages[0].HasMore);
        Assert.Equal(items.Keys.Order(), pages[^1].AllIds!.Order());
        Assert.Contains($"{shirt.Id}", pages.SelectMany(p => p.CompleteParents));
        Assert.Empty(_woo.Handler.Unexpected);
    }

    [Fact]
    public async Task ReadAsync_AfterARun_AsksOnlyForWhatChangedSinceOnTheStoresClock()
    {
        _woo.AddCatalogProduct("Coffee", "COF-1", "30.00");
        _time.Advance(TimeSpan.FromMinutes(1));
        var tea = _woo.AddCatalogProduct("Tea", "TEA-1", "25.00");
        var first = await ReadRunAsync(null, pageSize: 10);
        _time.Advance(TimeSpan.FromMinutes(5));
        tea.Price = "27.00";
        _woo.Touch(tea);
        _woo.Requests.Clear();

        var second = await ReadRunAsync(first[^1].NextCursor, pageSize: 10);

        var changed = Assert.Single(second.SelectMany(p => p.Items));
        Assert.Equal(($"{tea.Id}", 27m), (changed.Id, changed.Price));
        Assert.Null(second[^1].AllIds); // a delta run cannot tell what was deleted
        var request = Assert.Single(_woo.Requests);
        Assert.Contains("modified_after=", request.PathAndQuery, StringComparison.Ordinal);
        Assert.Contains("orderby=modified", request.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_ADayAfterTheLastFullRun_ReadsEverythingAgainSoTrashedProductsAreFound()
    {
        var tea = _woo.AddCatalogProduct("Tea", "TEA-1", "25.00");
        var coffee = _woo.AddCatalogProduct("Coffee", "COF-1", "30.00");
        var first = await ReadRunAsync(null, pageSize: 10);
        coffee.Status = "trash";
        _time.Advance(TimeSpan.FromDays(1));

        var again = await ReadRunAsync(first[^1].NextCursor, pageSize: 10);

        Assert.Equal([$"{tea.Id}"], again[^1].AllIds!);
    }

    [Fact]
    public async Task ReadAsync_FromTheCursorOfAPage_GoesOnWithTheNextPage()
    {
        for (var i = 0; i < 5; i++)
        {
            _woo.AddCatalogProduct($"P{i}", $"SKU-{i}", "1.00");
        }

        var page1 = await Catalog.ReadAsync(null, 2, TestContext.Current.CancellationToken);

        // The connector stopped here; a new process goes on from the stored cursor.
        var rest = await ReadRunAsync(page1.NextCursor, pageSize: 2);

        Assert.Equal(5, page1.Items.Concat(rest.SelectMany(p => p.Items)).Select(i => i.Id).Distinct().Count());
        Assert.Equal(5, rest[^1].AllIds!.Count);
    }

    [Fact]
    public async Task ReadAsync_KeyRefused_SaysSoInOneLineNamingTheSettings()
    {
        _woo.AddCatalogProduct("Tea", "TEA-1", "25.00");
        _woo.RefuseKey = true;

        var error = await Assert.ThrowsAsync<WebStoreCatalogException>(() => Catalog.ReadAsync(null, 10, TestContext.Current.CancellationToken));

        Assert.Equal("Web store woocommerce refused the consumer key (401 Unauthorized); check Ecommerce:WooCommerce:ConsumerKey and ConsumerSecret, and that the key may read products.", error.Message);
    }

    [Fact]
    public async Task ReadAsync_StoreDown_SaysItCouldNotBeReached()
    {
        _woo.Down = true;

        var error = await Assert.ThrowsAsync<WebStoreCatalogException>(() => Catalog.ReadAsync(null, 10, TestContext.Current.CancellationToken));

        Assert.StartsWith("Web store woocommerce (https://shop.example.com/) could not be reached for the product list: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("Connection refused", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    private Task<List<WebCatalogPage>> ReadRunAsync(string? cursor, int pageSize) => WebCatalogRuns.ReadRunAsync(Catalog, cursor, pageSize);
}
