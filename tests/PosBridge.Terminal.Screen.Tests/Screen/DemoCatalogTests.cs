using PosBridge.Core.Taxes;
using PosBridge.Terminal.Catalog;
using PosBridge.Terminal.Storage;
using PosBridge.Till;

namespace PosBridge.Terminal.Screen.Tests.Screen;

/// <summary>The demo's catalog follows the till's currency: a Saudi (SAR) till sells at VAT 15 %, an Egyptian one at 14 %.</summary>
public sealed class DemoCatalogTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("posbridge-demo-catalog-").FullName;

    [Fact]
    public void SeedIfEmpty_ForASaudiTill_SeedsSarPricesTaxedAtVat15IncludedInThePrice()
    {
        var (catalog, database) = Till("SAR");
        using (database)
        {
            var layout = new TileLayout(database);
            DemoCatalog.SeedIfEmpty(catalog, layout, database, "SAR");

            var taxes = catalog.Taxes();
            var vat = Assert.Single(taxes.Values, t => t.Amount > 0);
            Assert.Equal(15m, vat.Amount);
            Assert.Equal(TaxAmountType.Percent, vat.AmountType);
            Assert.True(vat.PriceInclude);
            var products = layout.Categories.SelectMany(c => c.ProductIds).Select(id => catalog.FindById(id)!).ToList();
            Assert.NotEmpty(products);
            Assert.All(products, p => Assert.Equal("SAR", p.Currency));
            Assert.All(products.Where(p => !p.IsWeighed), p => Assert.Equal([vat.Id], p.TaxIds));
            Assert.All(catalog.LoyaltyPrograms(), p => Assert.Equal("SAR", p.Currency));
        }
    }

    [Fact]
    public void SeedIfEmpty_ForAnEgyptianTill_KeepsTheCairoCafeAtVat14()
    {
        var (catalog, database) = Till("EGP");
        using (database)
        {
            var layout = new TileLayout(database);
            DemoCatalog.SeedIfEmpty(catalog, layout, database, "EGP");

            Assert.Equal(14m, Assert.Single(catalog.Taxes().Values, t => t.Amount > 0).Amount);
            Assert.All(layout.Categories.SelectMany(c => c.ProductIds), id => Assert.Equal("EGP", catalog.FindById(id)!.Currency));
        }
    }

    private (CatalogStore, TillDatabase) Till(string currency)
    {
        var database = TillDatabase.Open(Path.Combine(_directory, currency + ".db"));
        return (new CatalogStore(database, new TillOptions { StoreId = "S1", TillId = "T1", Currency = currency, TimeZone = "Asia/Riyadh" }), database);
    }

    public void Dispose()
    {
        Directory.Delete(_directory, recursive: true);
    }
}
