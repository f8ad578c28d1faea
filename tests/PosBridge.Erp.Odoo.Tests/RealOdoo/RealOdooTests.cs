using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Newtonsoft.Json.Linq;
using PosBridge.Core.Adapters;
using PosBridge.Core.Sales;
using PosBridge.Erp.Odoo.Pos;
using PosBridge.Erp.Odoo.Rpc;

namespace PosBridge.Erp.Odoo.Tests.RealOdoo;

/// <summary>Against a real Odoo (ODOO_URL set): the "done when", measured.</summary>
[Collection(RealOdoo.Collection)]
public sealed class RealOdooTests(ITestOutputHelper output)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ThousandSales_FiveTillsTwoShifts_ArriveOnceAsPaidOrders_SessionsClosePosted_ReRunCreatesNothing()
    {
        await using var odoo = await RealOdoo.ConnectAsync(Ct);
        var sink = new OdooSalesSink(odoo.Client, odoo.Pos, NullLogger<OdooSalesSink>.Instance);
        var random = new Random(17);
        var at = DateTimeOffset.UtcNow.AddHours(-2);
        var tills = odoo.Tills.Take(5).ToList();
        var perShift = 1000 / (tills.Count * 2);
        var all = new List<Sale>();
        var clock = Stopwatch.StartNew();
        foreach (var shiftNumber in new[] { 1, 2 })
        {
            foreach (var till in tills)
            {
                var shift = odoo.Shift(shiftNumber.ToString(System.Globalization.CultureInfo.InvariantCulture));
                var sales = Enumerable.Range(1, perShift).Select(n => odoo.Sale(till, shift, n, at = at.AddSeconds(1), random)).ToList();
                var results = await sink.DeliverAsync(sales, Ct);
                Assert.All(results, r => Assert.True(r.Outcome == DeliveryOutcome.Done, $"{r.SaleId}: {r.Outcome} {r.Reason}"));
                Assert.True(await sink.CloseShiftAsync("RT", till, shift, null, Ct));
                all.AddRange(sales);
            }
        }

        var seconds = clock.Elapsed.TotalSeconds;
        output.WriteLine($"{all.Count} sales delivered and 10 sessions closed in {seconds:0.0} s ({all.Count / seconds:0} sales/s)");

        // Every sale is one order, finished, with our totals, in a closed session with its journal entry and stock moves.
        var references = all.Select(s => PosOrderPayload.Reference(s.SaleNumber, s.Id)).ToList();
        var orders = await odoo.Client.SearchReadAsync("pos.order", OdooValues.Domain(OdooValues.Leaf("pos_reference", "in", new JArray(references))), ["pos_reference", "state", "amount_total", "session_id"], cancellationToken: Ct);
        Assert.Equal(all.Count, orders.Count);
        Assert.All(orders, o => Assert.Contains(OdooValues.Text(o["state"]), new[] { "paid", "done", "invoiced" }));
        Assert.Equal(all.Sum(s => s.Totals.Total), orders.Sum(o => Math.Round(o["amount_total"]!.Value<decimal>(), 2)));
        var sessionIds = orders.Select(o => OdooValues.Ref(o["session_id"])!.Id).Distinct().ToList();
        var sessions = await odoo.Client.SearchReadAsync("pos.session", OdooValues.Domain(OdooValues.Leaf("id", "in", new JArray(sessionIds))), ["state", "move_id", "picking_ids"], cancellationToken: Ct);
        Assert.Equal(tills.Count * 2, sessions.Count);
        Assert.All(sessions, s =>
        {
            Assert.Equal("closed", OdooValues.Text(s["state"]));
            Assert.NotNull(OdooValues.Ref(s["move_id"]));
        });
        Assert.Contains(sessions, s => OdooValues.Ids(s["picking_ids"]).Count > 0);

        // A re-run of the whole delivery creates nothing new.
        var rerun = Stopwatch.StartNew();
        foreach (var chunk in all.Chunk(100))
        {
            var again = await sink.DeliverAsync(chunk, Ct);
            Assert.All(again, r => Assert.Equal(DeliveryOutcome.Duplicate, r.Outcome));
        }

        output.WriteLine($"Re-run of {all.Count} sales: all duplicates in {rerun.Elapsed.TotalSeconds:0.0} s");
        var count = await odoo.Client.ExecuteAsync(new OdooCall("pos.order", "search_count") { Arguments = new Dictionary<string, JToken?> { ["domain"] = OdooValues.Domain(OdooValues.Leaf("pos_reference", "in", new JArray(references))) }, Idempotent = true }, Ct);
        Assert.Equal(all.Count, count!.Value<int>());
    }

    [Fact]
    public async Task CatalogAndStock_PullFromTheRealServer_PageByPage()
    {
        await using var odoo = await RealOdoo.ConnectAsync(Ct);
        var source = new PosBridge.Erp.Odoo.Catalog.OdooCatalogSource(odoo.Client, odoo.Pos, TimeProvider.System);
        var products = new List<Core.Catalog.Product>();
        var taxes = new HashSet<string>();
        var methods = new List<Core.Catalog.PaymentMethod>();
        string? cursor = null;
        var pages = 0;
        Core.Catalog.CatalogChanges page;
        do
        {
            page = await source.GetChangesAsync(cursor, 25, Ct);
            products.AddRange(page.Products);
            taxes.UnionWith(page.Taxes.Select(t => t.Id));
            methods.AddRange(page.PaymentMethods);
            cursor = page.NextCursor;
            pages++;
        }
        while (page.HasMore && pages < 100);

        var again = await source.GetChangesAsync(cursor, 25, Ct);
        var levels = await source.GetLevelsAsync(null, Ct);
        output.WriteLine($"{products.Count} POS products in {pages} pages, {taxes.Count} taxes, {levels.Count} stock levels");

        Assert.NotEmpty(products);
        Assert.Equal(products.Count, products.Select(p => p.Id).Distinct().Count());
        Assert.All(products.SelectMany(p => p.TaxIds), t => Assert.Contains(t, taxes));
        Assert.Empty(again.Products);
        Assert.All(levels, l => Assert.False(string.IsNullOrEmpty(l.Sku)));

        // Each till gets its config's cash method under our id and a card method, with the kind Odoo's type gives.
        output.WriteLine(string.Join("; ", methods.Select(m => $"{m.Id} {m.Name} {m.Kind} at {string.Join(',', m.OfferedAt)}")));
        foreach (var till in odoo.Tills)
        {
            var cash = Assert.Single(methods, m => m.Id == "cash-" + till);
            Assert.Equal(Core.Sales.PaymentKind.Cash, cash.Kind);
            Assert.True(cash.IsOfferedTo("RT", till));
            // The demo's bank method is shared by every till's config, so it comes once, offered to all.
            Assert.Contains(methods, m => m.Kind == Core.Sales.PaymentKind.Card && m.IsOfferedTo("RT", till));
        }
    }

    [Fact]
    public async Task Totals_WeSend_EqualWhatOdooComputesForTheSameLines()
    {
        await using var odoo = await RealOdoo.ConnectAsync(Ct);
        var sale = odoo.Sale(odoo.Tills[0], odoo.Shift("totals"), 1, DateTimeOffset.UtcNow, new Random(5));
        foreach (var product in odoo.Products.Where(p => p.Tax is not null).Take(5))
        {
            foreach (var quantity in new[] { 1m, 3m, 7m })
            {
                var ours = SaleCalculator.Compute(Core.Amounts.Currency.FromCode(odoo.Currency), sale.TaxRounding, [product.Tax!], [new LineInput { Quantity = quantity, UnitPrice = product.Price, DiscountPercent = 10m, TaxIds = [product.Tax!.Id] }], 0m, null);
                var theirs = (JObject)(await odoo.Client.ExecuteAsync(new OdooCall("account.tax", "compute_all") { Ids = [long.Parse(product.Tax.Id, System.Globalization.CultureInfo.InvariantCulture)], Arguments = new Dictionary<string, JToken?> { ["price_unit"] = product.Price * 0.9m, ["quantity"] = quantity }, Idempotent = true }, Ct))!;
                Assert.Equal(Math.Round(theirs["total_excluded"]!.Value<decimal>(), 2), ours.Untaxed);
                Assert.Equal(Math.Round(theirs["total_included"]!.Value<decimal>(), 2), ours.Total);
            }
        }
    }

    [Fact]
    public async Task UnderpaidOrder_IsReportedNotDone_AndTheCustomersInvoiceNumberComesBack()
    {
        await using var odoo = await RealOdoo.ConnectAsync(Ct);
        var sink = new OdooSalesSink(odoo.Client, odoo.Pos, NullLogger<OdooSalesSink>.Instance);
        var till = odoo.Tills[^1];
        var shift = odoo.Shift("checks");
        var random = new Random(9);
        var sale = odoo.Sale(till, shift, 1, DateTimeOffset.UtcNow.AddMinutes(-5), random);
        var underpaid = sale with { Payments = [sale.Payments[0] with { Amount = sale.Payments[0].Amount - 1m, Tendered = sale.Payments[0].Tendered is { } t ? t - 1m : null }] };
        var invoiced = odoo.Sale(till, shift, 2, DateTimeOffset.UtcNow.AddMinutes(-4), random, new Customer { Id = "rt-" + shift, Name = "PosBridge test customer", Email = shift + "@example.com" });

        var results = await sink.DeliverAsync([underpaid, invoiced], Ct);

        Assert.Equal(DeliveryOutcome.Rejected, results[0].Outcome);
        Assert.Contains("'draft'", results[0].Reason, StringComparison.Ordinal);
        Assert.Equal(DeliveryOutcome.Done, results[1].Outcome);
        Assert.False(string.IsNullOrEmpty(results[1].InvoiceNumber));
        output.WriteLine($"Underpaid: {results[0].Reason}; invoice: {results[1].InvoiceNumber}");

        // The draft is discarded and the session closed by RealOdoo's clean-up, whatever the outcome.
    }
}
