using Newtonsoft.Json.Linq;
using PosBridge.Core.Sales;
using PosBridge.Core.Taxes;
using PosBridge.Erp.Odoo.Catalog;
using PosBridge.Erp.Odoo.Emulator;

namespace PosBridge.Erp.Odoo.Tests.Catalog;

public sealed class OdooCatalogSourceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(18)]
    public async Task FirstPull_PagesThroughEveryProduct_WithTaxesCategoriesAndUnits(int version)
    {
        await using var odoo = await OdooEmulator.StartAsync(version);
        await using var client = Odoo.Client(odoo);
        var source = new OdooCatalogSource(client, Odoo.EmulatorPos(), TimeProvider.System);

        // Every demo product was written in the same second: more than a page, so the source walks it by id.
        var pages = new List<PosBridge.Core.Catalog.CatalogChanges>();
        string? cursor = null;
        do
        {
            pages.Add(await source.GetChangesAsync(cursor, 3, Ct));
            cursor = pages[^1].NextCursor;
        }
        while (pages[^1].HasMore && pages.Count < 10);

        Assert.False(pages[^1].HasMore);
        Assert.All(pages, p => Assert.True(p.Products.Count <= 3));
        var products = pages.SelectMany(p => p.Products).ToList();
        Assert.Equal(["1", "2", "3", "4", "5"], products.Select(p => p.Id));
        var coffee = products[0];
        Assert.Equal(("Turkish Coffee", "COF-TR", "6221234567892", 35m, "EGP", "1"), (coffee.Name, coffee.Sku, coffee.Barcode, coffee.ListPrice, coffee.Currency, coffee.CategoryId));
        Assert.Equal(["1"], coffee.TaxIds);
        Assert.True(coffee.IsStockTracked);
        var dates = products[4];
        Assert.Null(dates.Barcode);
        Assert.True(dates.IsWeighed);
        Assert.Equal("kg", dates.Unit);
        var vat = Assert.Single(pages.SelectMany(p => p.Taxes).DistinctBy(t => t.Id), t => t.Id == "2");
        Assert.Equal((TaxAmountType.Percent, 15m, true), (vat.AmountType, vat.Amount, vat.PriceInclude));
        Assert.Contains(pages.SelectMany(p => p.Categories), c => c.Name == "Drinks");
    }

    [Fact]
    public async Task ChangesInLaterSeconds_ComePageByPage_EndingOnWholeSeconds()
    {
        await using var odoo = await OdooEmulator.StartAsync(17);
        await using var client = Odoo.Client(odoo);
        var source = new OdooCatalogSource(client, Odoo.EmulatorPos(), TimeProvider.System);
        var cursor = (await source.GetChangesAsync(null, 100, Ct)).NextCursor;
        odoo.Read(s =>
        {
            // Products 1 and 2 in one second, 3 in the next, 4 and 5 in a third.
            foreach (var (id, second) in new[] { (1L, 10), (2L, 10), (3L, 11), (4L, 12), (5L, 12) })
            {
                s.Clock = () => DateTimeOffset.Parse("2026-11-23T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture).AddSeconds(second);
                s.Write("product.product", id, new JObject { ["lst_price"] = 50m + id });
            }

            return 0;
        });

        var first = await source.GetChangesAsync(cursor, 4, Ct);
        var second = await source.GetChangesAsync(first.NextCursor, 4, Ct);

        Assert.Equal(["1", "2", "3"], first.Products.Select(p => p.Id));
        Assert.True(first.HasMore);
        Assert.Equal(["4", "5"], second.Products.Select(p => p.Id));
        Assert.False(second.HasMore);
    }

    [Fact]
    public async Task ALongTransaction_CommittedAfterAPull_WithRowsDatedBeforeIt_IsStillPulled()
    {
        await using var odoo = await OdooEmulator.StartAsync(17);
        await using var client = Odoo.Client(odoo);
        var at = DateTimeOffset.Parse("2026-11-23T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(at.AddSeconds(30));
        var source = new OdooCatalogSource(client, Odoo.EmulatorPos(), clock);
        void Write(long product, DateTimeOffset when, decimal price) => odoo.Read(s =>
        {
            s.Clock = () => when;
            s.Write("product.product", product, new JObject { ["lst_price"] = price });
            return 0;
        });

        // Product 1 saved at 09:00:00 and pulled at 09:00:30, while an import that began at 08:59:50 is still writing
        // product 2: Odoo dates its rows at the start of their transaction, so they show up dated before the pull.
        Write(1, at, 41m);
        var first = await Pull(null);
        Write(2, at.AddSeconds(-10), 42m);
        clock.Advance(TimeSpan.FromMinutes(5));
        var second = await Pull(first.Cursor);
        clock.Advance(TimeSpan.FromMinutes(15));
        var third = await Pull(second.Cursor);
        var fourth = await Pull(third.Cursor);

        Assert.Contains("1", first.Ids);
        Assert.Contains("2", second.Ids); // read again within the window: the late rows are not skipped
        Assert.Equal(42m, second.Prices["2"]);
        Assert.Equal(["1", "2"], third.Ids.Order(StringComparer.Ordinal)); // the window's last read
        Assert.Empty(fourth.Ids); // settled: only new changes from here

        async Task<(List<string> Ids, Dictionary<string, decimal> Prices, string Cursor)> Pull(string? cursor)
        {
            var products = new List<PosBridge.Core.Catalog.Product>();
            PosBridge.Core.Catalog.CatalogChanges page;
            var pages = 0;
            do
            {
                page = await source.GetChangesAsync(cursor, 100, Ct);
                products.AddRange(page.Products);
                cursor = page.NextCursor;
            }
            while (page.HasMore && ++pages < 10);

            return ([.. products.Select(p => p.Id)], products.ToDictionary(p => p.Id, p => p.ListPrice), cursor!);
        }
    }

    [Fact]
    public async Task NextPull_BringsOnlyWhatChanged_ArchivedStaysForRefunds_TakenOutOfPosIsRemoved()
    {
        await using var odoo = await OdooEmulator.StartAsync(17);
        await using var client = Odoo.Client(odoo);
        var source = new OdooCatalogSource(client, Odoo.EmulatorPos(), TimeProvider.System);
        var everything = await source.GetChangesAsync(null, 100, Ct);

        odoo.Read(s =>
        {
            s.Clock = () => DateTimeOffset.Parse("2026-11-23T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
            s.Write("product.product", 2, new JObject { ["lst_price"] = 42m });
            s.Write("product.product", 3, new JObject { ["active"] = false });
            s.Write("product.product", 4, new JObject { ["available_in_pos"] = false });
            return 0;
        });
        var changes = await source.GetChangesAsync(everything.NextCursor, 100, Ct);

        Assert.Equal(["2", "3"], changes.Products.Select(p => p.Id));
        Assert.Equal(42m, changes.Products[0].ListPrice);
        Assert.False(changes.Products[1].Active);
        Assert.Equal(["4"], changes.RemovedProductIds);
        Assert.Empty((await source.GetChangesAsync(changes.NextCursor, 100, Ct)).Products);
    }

    [Fact]
    public async Task StockLevels_AreOnHandAndReservedPerSkuAndLocation()
    {
        await using var odoo = await OdooEmulator.StartAsync(17);
        await using var client = Odoo.Client(odoo);
        odoo.Read(s => { s.Write("stock.quant", 1, new JObject { ["reserved_quantity"] = 20m }); return 0; });
        var source = new OdooCatalogSource(client, Odoo.EmulatorPos(), TimeProvider.System);

        var levels = await source.GetLevelsAsync(["COF-TR", "DAT-1K"], Ct);

        Assert.Equal([("COF-TR", 500m, 20m), ("DAT-1K", 40m, 0m)], levels.Select(l => (l.Sku, l.OnHand, l.Reserved)));
        Assert.All(levels, l => Assert.Equal("1", l.LocationId));
    }

    [Theory]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(18)]
    public async Task LastPage_CarriesThePaymentMethodsOfTheMappedConfigs_WithKindsAndTills(int version)
    {
        await using var odoo = await OdooEmulator.StartAsync(version);
        await using var client = Odoo.Client(odoo);
        var options = new PosBridge.Erp.Odoo.Pos.OdooPosOptions
        {
            Tills = new() { ["CAI1/T1"] = 1, ["T2"] = 2 },
            PaymentMethods = new() { ["cash"] = 1 },
            PaymentMethodKinds = new() { ["4"] = "Wallet" },
        };
        odoo.Read(s =>
        {
            // A wallet and a QR method offered at till 2 only; QR needs 18's payment_method_type (17.0 has none: a card).
            s.Create("pos.payment.method", new JObject { ["name"] = "Vodafone Cash", ["journal_id"] = 3, ["active"] = true });
            s.Create("pos.payment.method", new JObject { ["name"] = "InstaPay QR", ["journal_id"] = 3, ["active"] = true, [version >= 18 ? "payment_method_type" : "use_payment_terminal"] = version >= 18 ? "qr_code" : false });
            s.Write("pos.config", 2, new JObject { ["payment_method_ids"] = new JArray((object)new JArray(6, 0, new JArray(1, 2, 4, 5))) });
            return 0;
        });
        var source = new OdooCatalogSource(client, options, TimeProvider.System);

        var first = await source.GetChangesAsync(null, 2, Ct);
        var last = await source.GetChangesAsync(null, 100, Ct);

        Assert.True(first.HasMore);
        Assert.Empty(first.PaymentMethods); // only the page that ends the pull carries them
        Assert.Equal(
            [("cash", "Cash", PaymentKind.Cash, "*/T2,CAI1/T1"), ("2", "Card", PaymentKind.Card, "*/T2,CAI1/T1"), ("3", "Customer Account", PaymentKind.CustomerAccount, "CAI1/T1"),
             ("4", "Vodafone Cash", PaymentKind.Wallet, "*/T2"), ("5", "InstaPay QR", version >= 18 ? PaymentKind.Qr : PaymentKind.Card, "*/T2")],
            last.PaymentMethods.Select(m => (m.Id, m.Name, m.Kind, string.Join(',', m.OfferedAt))));
        Assert.True(last.PaymentMethods[2].IsOfferedTo("CAI1", "T1"));
        Assert.False(last.PaymentMethods[2].IsOfferedTo("CAI1", "T2"));

        // Archived in Odoo, or offered by no mapped till: removed.
        odoo.Read(s =>
        {
            s.Write("pos.payment.method", 4, new JObject { ["active"] = false });
            s.Create("pos.payment.method", new JObject { ["name"] = "Other shop", ["journal_id"] = 3, ["active"] = true });
            return 0;
        });
        var after = await source.GetChangesAsync(null, 100, Ct);
        Assert.Equal(["1", "4", "6"], after.RemovedPaymentMethodIds); // 1 is mapped as "cash": not offered twice
        Assert.Contains("1", last.RemovedPaymentMethodIds);
        Assert.DoesNotContain(after.PaymentMethods, m => m.Id is "4" or "6");
    }

    [Fact]
    public void Options_UnknownPaymentMethodKind_IsNamed()
    {
        var failures = PosBridge.Erp.Odoo.Pos.OdooPosOptionsValidation.Validate(new PosBridge.Erp.Odoo.Pos.OdooPosOptions
        {
            Tills = new() { ["T1"] = 1 },
            PaymentMethodKinds = new() { ["4"] = "Crypto", ["5"] = "2", ["6"] = "wallet" },
        });

        Assert.Equal(
            ["Odoo:Pos:PaymentMethodKinds:4 is 'Crypto'; use Cash, Card, Wallet, Qr or CustomerAccount.", "Odoo:Pos:PaymentMethodKinds:5 is '2'; use Cash, Card, Wallet, Qr or CustomerAccount."],
            failures);
    }
}
