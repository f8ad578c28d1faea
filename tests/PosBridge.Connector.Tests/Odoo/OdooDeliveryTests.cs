using Microsoft.Extensions.DependencyInjection;
using Newtonsoft.Json.Linq;
using PosBridge.Connector.Dispatch;
using PosBridge.Connector.Tests.Hosting;
using PosBridge.Erp.Odoo.Emulator;

namespace PosBridge.Connector.Tests.Odoo;

/// <summary>A till's sales through the connector's terminal API, inbox and dispatch into an (emulated) Odoo.</summary>
public sealed class OdooDeliveryTests
{
    internal static Dictionary<string, string?> Settings(OdooEmulator odoo) => new()
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
        Assert.Equal((6, 0), (run.Delivered, run.DeadLettered));
        Assert.Equal((0, 0), (again.Delivered, again.Duplicates)); // nothing was due: delivered sales are never handed over again
    }

    [Fact]
    public async Task CatalogPull_FillsTheSnapshotFromOdoo_ThenOnlyChanges_AndTillsSeeIt()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var odoo = await OdooEmulator.StartAsync(17);
        await using var host = await ConnectorHost.StartAsync(Settings(odoo));
        var puller = host.Services.GetRequiredService<PosBridge.Connector.Catalog.CatalogPuller>();
        var snapshot = host.Services.GetRequiredService<PosBridge.Connector.Catalog.ICatalogSnapshot>();

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

    private static readonly System.Text.Json.JsonSerializerOptions Web = new(System.Text.Json.JsonSerializerDefaults.Web);

    private static byte[] Closing(string shift = "0001", decimal counted = 150m, string till = "T2") =>
        System.Text.Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(
            new PosBridge.Core.Sync.ShiftClosing
            {
                StoreId = "CAI1", TillId = till, ShiftId = shift, OpenedAtUtc = DateTimeOffset.Parse("2026-11-23T06:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
                ClosedAtUtc = DateTimeOffset.Parse("2026-11-23T14:00:00Z", System.Globalization.CultureInfo.InvariantCulture), Currency = "EGP",
                OpeningFloat = 0m, ExpectedCash = 150m, CountedCash = counted, SaleCount = 3,
            },
            Web));

    [Fact]
    public async Task ShiftClose_FromTheTill_ClosesTheOdooSessionAfterItsLastSale_WithTheCountedCash()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var odoo = await OdooEmulator.StartAsync(17);
        await using var host = await ConnectorHost.StartAsync(Settings(odoo));
        var till = await host.PairTillAsync();
        var made = new Sales(host.Clock);
        (await till.UploadAsync([.. Enumerable.Range(0, 3).Select(_ => made.Next(price: 35m, quantity: 1m, sku: "COF-TR"))])).EnsureSuccessStatusCode();
        var dispatcher = host.Services.GetRequiredService<SalesDispatcher>();

        // Odoo is down when the first delivery runs: the sales wait, so the session must not close yet.
        odoo.Inject(new Fault(FaultKind.BadGateway, Times: 50));
        var closeResponse = await till.SendAsync(HttpMethod.Post, "/api/v1/shifts/close", Closing());
        await dispatcher.DeliverAsync("odoo", ct);
        var whileDown = odoo.Read(s => s["pos.session"].Records.Count);

        odoo.ClearFaults();
        host.Clock.Advance(TimeSpan.FromHours(1));
        await dispatcher.DeliverAsync("odoo", ct);

        closeResponse.EnsureSuccessStatusCode();
        Assert.Equal(0, whileDown);
        var session = odoo.Read(s => (JObject)Assert.Single(s["pos.session"].Records.Values).DeepClone());
        Assert.Equal("closed", session["state"]!.Value<string>());
        Assert.Equal(150m, session["cash_register_balance_end_real"]!.Value<decimal>());
        Assert.Equal(3, odoo.Read(s => s["pos.order"].Records.Count));
        var state = await host.Services.GetRequiredService<PosBridge.Connector.Shifts.IShiftClosingStore>().StateAsync("CAI1", "T2", "0001", ct);
        Assert.Equal(("odoo", "closed"), (state[0].Adapter, state[0].State));
    }

    [Fact]
    public async Task ShiftClose_IsIdempotent_NeverOverwritten_AndOnlyForTheSigningTill()
    {
        await using var odoo = await OdooEmulator.StartAsync(17);
        await using var host = await ConnectorHost.StartAsync(Settings(odoo));
        var till = await host.PairTillAsync();

        var first = await till.SendAsync(HttpMethod.Post, "/api/v1/shifts/close", Closing());
        var again = await till.SendAsync(HttpMethod.Post, "/api/v1/shifts/close", Closing());
        var different = await till.SendAsync(HttpMethod.Post, "/api/v1/shifts/close", Closing(counted: 140m));
        var otherTill = await till.SendAsync(HttpMethod.Post, "/api/v1/shifts/close", Closing(shift: "0002", till: "T9"));

        Assert.Contains("accepted", await first.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Contains("duplicate", await again.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.Conflict, different.StatusCode);
        Assert.Equal("urn:posbridge:problem:shift-closing-conflict", await TestTill.ProblemTypeAsync(different));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, otherTill.StatusCode);
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
