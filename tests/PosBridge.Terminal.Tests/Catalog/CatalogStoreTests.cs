using PosBridge.Core.Catalog;
using PosBridge.Till.Catalog;

namespace PosBridge.Terminal.Tests.Catalog;

public sealed class CatalogStoreTests
{
    [Fact]
    public void FindByBarcode_Ean13AndUpcA_FindsProducts()
    {
        using var till = new TestTill();
        Assert.Equal("p1", till.Catalog.FindByBarcode("6221234567891")?.Product.Id);
        Assert.Equal("p2", till.Catalog.FindByBarcode("036000291452")?.Product.Id);
        Assert.Equal("p2", till.Catalog.FindByBarcode("0036000291452")?.Product.Id);
    }

    [Fact]
    public void FindByBarcode_BadCheckDigit_FindsNothing()
    {
        using var till = new TestTill();
        Assert.Null(till.Catalog.FindByBarcode("6221234567892"));
    }

    [Fact]
    public void FindByBarcode_CatalogCodeWithWrongCheckDigit_FindsThatProduct()
    {
        // Odoo takes any text as a barcode: a product printed with a wrong EAN check digit must still sell
        // when that exact code is scanned or typed, while a misread of a good code still finds nothing.
        using var till = new TestTill();
        till.Catalog.Upsert(new Product { Id = "p8", Name = "عصير مانجو", Barcode = "6221234500005", Unit = "Units", ListPrice = 15m, Currency = "EGP", TaxIds = [] });
        Assert.False(Barcode.IsValid("6221234500005"));
        Assert.Equal("p8", till.Catalog.FindByBarcode("6221234500005")?.Product.Id);
        Assert.Equal("p8", till.Catalog.FindByBarcode(" 6221234500005 ")?.Product.Id);
        Assert.Null(till.Catalog.FindByBarcode("6221234500006"));
    }

    [Fact]
    public void FindByBarcode_WeightLabel_FindsProductWithWeight()
    {
        using var till = new TestTill();
        var match = till.Catalog.FindByBarcode("2112345012506");
        Assert.Equal("p3", match?.Product.Id);
        Assert.Equal(1.250m, match?.Quantity);
    }

    [Fact]
    public void FindByBarcode_PriceLabel_FindsProductWithLinePrice()
    {
        using var till = new TestTill();
        till.Catalog.Upsert(new Product { Id = "p9", Name = "Cake slice", Barcode = "2212345", Unit = "Units", ListPrice = 0m, Currency = "EGP", TaxIds = [] });
        var match = till.Catalog.FindByBarcode("2212345009954");
        Assert.Equal("p9", match?.Product.Id);
        Assert.Equal(9.95m, match?.LinePrice);
        Assert.Equal(1m, match?.Quantity);
    }

    [Fact]
    public void FindBySku_AnyCase_FindsProduct()
    {
        using var till = new TestTill();
        Assert.Equal("p2", till.Catalog.FindBySku(" mlk-1 ")?.Id);
    }

    [Theory]
    [InlineData("قهوة")]
    [InlineData("قهوه")] // ta marbuta typed as ha
    [InlineData("قَهْوَة")] // with harakat
    [InlineData("QAHWA")]
    [InlineData("coffee")]
    [InlineData("تركي قهوة")] // words in any order
    public void Search_ArabicOrLatinAsTyped_FindsCoffee(string typed)
    {
        using var till = new TestTill();
        Assert.Equal(["p1"], till.Catalog.Search(typed).Select(p => p.Id));
    }

    [Theory]
    [InlineData("creme")]
    [InlineData("CRÈME")]
    [InlineData("lait")]
    public void Search_LatinWithoutAccentsOrCase_FindsMilk(string typed)
    {
        using var till = new TestTill();
        Assert.Equal(["p2"], till.Catalog.Search(typed).Select(p => p.Id));
    }

    [Fact]
    public void Search_ArchivedProduct_IsNotOffered()
    {
        using var till = new TestTill();
        till.Catalog.Upsert(TestTill.Milk with { Active = false });
        Assert.Empty(till.Catalog.Search("lait"));
        Assert.Null(till.Catalog.FindByBarcode("036000291452"));
    }
}
