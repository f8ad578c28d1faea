using Microsoft.Extensions.DependencyInjection;
using Newtonsoft.Json.Linq;
using PosBridge.Connector.Dispatch;
using PosBridge.Connector.Tests.Hosting;
using PosBridge.Erp.Odoo.Emulator;

namespace PosBridge.Connector.Tests.Odoo;

/// <summary>A till's sales through the connector's terminal API, inbox and dispatch into an (emulated) Odoo.</summary>
public sealed class OdooDeliveryTests
{
    private static Dictionary<string, string?> Settings(OdooEmulator odoo) => new()
    {
        ["Odoo:Url"] = odoo.Url.ToString(),
        ["Odoo:Database"] = OdooEmulator.Database,
        ["Odoo:User"] = OdooEmulator.Login,
        ["Odoo:Password"] = OdooEmulator.Password,
        ["Odoo:RetryBaseDelay"] = "00:00:00",
        ["Odoo:Pos:Tills:CAI1/T2"] = "2",
        ["Odoo:Pos:PaymentMethods:cash"] = "1",
        ["Odoo:Pos:Taxes:vat14"] = "3",
        ["Odoo:Pos:ProductIdsAreOdooIds"] = "false",
    };

    [Fact]
    public async Task UploadedSales_ReachOdooAsPaidOrders_AndASecondDeliveryCreatesNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var odoo = await OdooEmulator.StartAsync(17);
        await using var host = await ConnectorHost.StartAsync(Settings(odoo));
        var till = await host.PairTillAsync();
        var made = new Sales(host.Clock);
        var sales = Enumerable.Range(0, 6).Select(_ => made.Next(price: 35m, quantity: 2m, sku: "COF-TR")).ToList();
        (await till.UploadAsync(sales)).EnsureSuccessStatusCode();

        var dispatcher = host.Services.GetRequiredService<SalesDispatcher>();
        var run = await dispatcher.DeliverAsync("odoo", ct);
        var again = await dispatcher.DeliverAsync("odoo", ct);

        var orders = odoo.Read(s => s["pos.order"].Records.Values.Select(o => (JObject)o.DeepClone()).ToList());
        Assert.Equal(6, orders.Count);
        Assert.All(orders, o => Assert.Equal("paid", o["state"]!.Value<string>()));
        Assert.Equal(sales.Sum(s => s.Totals.Total), orders.Sum(o => o["amount_total"]!.Value<decimal>()));
        Assert.Empty(odoo.TotalsDisagreements);
        Assert.Equal(1, odoo.Calls.Count(c => c.Method == "create_from_ui"));
        Assert.NotNull(run);
        Assert.NotNull(again);
    }

    [Fact]
    public async Task CatalogPull_FillsTheSnapshotFromOdoo_ThenOnlyChanges_AndTillsSeeIt()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var odoo = await OdooEmulator.StartAsync(17);
        await using var host = await ConnectorHost.StartAsync(Settings(odoo));
        var puller = host.Services.GetRequiredService<PosBridge.Connector.Catalog.CatalogPuller>();
        var snapshot = host.Services.GetRequiredService<PosBridge.Connector.Catalog.CatalogSnapshot>();

        var first = await puller.PullAsync(ct);
        odoo.Read(s =>
        {
            s.Clock = () => DateTimeOffset.Parse("2026-11-23T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
            s.Write("product.product", 2, new JObject { ["lst_price"] = 42m });
            return 0;
        });
        var second = await puller.PullAsync(ct);

        Assert.Equal((5, 5), (first.Products, first.StockLevels));
        Assert.Equal(1, second.Products);
        var products = await snapshot.ProductsAsync(ct);
        Assert.Equal(42m, Assert.Single(products, p => p.Id == "2").ListPrice);
        Assert.Contains(await snapshot.StockLevelsAsync(ct), l => l.Sku == "COF-TR" && l.OnHand == 500m);
        var tillView = await snapshot.ChangesAsync(0, 100, ct);
        Assert.Contains(tillView.Products, p => p.Name == "Turkish Coffee");
    }

    [Fact]
    public async Task Start_WithAnIncompleteOdooSection_FailsNamingEverySetting()
    {
        var settings = new Dictionary<string, string?> { ["Odoo:Url"] = "http://erp.example.com", ["Odoo:User"] = "" };

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => ConnectorHost.StartAsync(settings));

        var message = failure.ToString();
        Assert.Contains("Odoo:Url http://erp.example.com/ is not HTTPS", message, StringComparison.Ordinal);
        Assert.Contains("Odoo:Database is empty", message, StringComparison.Ordinal);
        Assert.Contains("Odoo:ApiKey", message, StringComparison.Ordinal);
        Assert.Contains("Odoo:Pos:Tills is empty", message, StringComparison.Ordinal);
    }
}
