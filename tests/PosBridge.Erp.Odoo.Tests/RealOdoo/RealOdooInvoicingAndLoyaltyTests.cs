using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Newtonsoft.Json.Linq;
using PosBridge.Core.Adapters;
using PosBridge.Core.Loyalty;
using PosBridge.Core.Sales;
using PosBridge.Erp.Odoo.Invoicing;
using PosBridge.Erp.Odoo.Loyalty;
using PosBridge.Erp.Odoo.Rpc;

namespace PosBridge.Erp.Odoo.Tests.RealOdoo;

/// <summary>The Invoicing fallback and loyalty against a real Odoo (ODOO_URL set); skipped otherwise.</summary>
[Collection(RealOdoo.Collection)]
public sealed class RealOdooInvoicingAndLoyaltyTests(ITestOutputHelper output)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<OdooInvoicingOptions> InvoicingAsync(RealOdoo odoo, OdooInvoicingMode mode)
    {
        var journals = await odoo.Client.SearchReadAsync("account.journal", OdooValues.Domain(OdooValues.Leaf("type", "in", new JArray("cash", "bank"))), ["id", "type"], order: "id asc", cancellationToken: Ct);
        var partner = (await odoo.Client.SearchReadAsync("res.partner", OdooValues.Domain(OdooValues.Leaf("is_company", "=", true)), ["id"], limit: 1, order: "id asc", cancellationToken: Ct))[0];
        var options = new OdooInvoicingOptions { Enabled = true, Mode = mode, WalkInPartnerId = partner["id"]!.Value<long>(), BatchSize = 500 };
        foreach (var till in odoo.Tills)
        {
            options.Journals["cash-" + till] = journals.First(j => OdooValues.Text(j["type"]) == "cash")["id"]!.Value<long>();
            options.Journals["card-" + till] = journals.First(j => OdooValues.Text(j["type"]) == "bank")["id"]!.Value<long>();
        }

        return options;
    }

    [Fact]
    public async Task Invoicing_PerSale_PostedPaidInvoicesWithOurTotals_ReRunCreatesNothing()
    {
        await using var odoo = await RealOdoo.ConnectAsync(Ct);
        var sink = new OdooInvoiceSink(odoo.Client, await InvoicingAsync(odoo, OdooInvoicingMode.PerSale), odoo.Pos, TimeProvider.System, NullLogger<OdooInvoiceSink>.Instance);
        var random = new Random(23);
        var at = DateTimeOffset.UtcNow.AddHours(-1);
        var run = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var sales = Enumerable.Range(1, 10).Select(n => odoo.Sale(odoo.Tills[0], odoo.Shift("inv"), n, at = at.AddSeconds(1), random) with { InvoiceRequested = false }).ToList();

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var results = await sink.DeliverAsync(sales, Ct);
        output.WriteLine($"{sales.Count} invoices posted and paid in {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.All(results, r => Assert.True(r.Outcome == DeliveryOutcome.Done, $"{r.Outcome}: {r.Reason}"));

        // The payments' own journal entries carry the memo as their ref too: only invoices are counted.
        var moves = await odoo.Client.SearchReadAsync("account.move", OdooValues.Domain(OdooValues.Leaf("ref", "in", new JArray(sales.Select(s => OdooInvoiceSink.SaleReference(s.Id)))), OdooValues.Leaf("move_type", "=", "out_invoice")), ["ref", "state", "payment_state", "amount_total", "name"], cancellationToken: Ct);
        Assert.Equal(sales.Count, moves.Count);
        Assert.All(moves, m => Assert.Equal("posted", OdooValues.Text(m["state"])));
        Assert.All(moves, m => Assert.Contains(OdooValues.Text(m["payment_state"]), new[] { "paid", "in_payment" }));
        Assert.Equal(sales.Sum(s => s.Totals.Total), moves.Sum(m => Math.Round(m["amount_total"]!.Value<decimal>(), 2)));
        output.WriteLine($"Invoices {OdooValues.Text(moves[0]["name"])}…, total {sales.Sum(s => s.Totals.Total)}");

        var again = await sink.DeliverAsync(sales, Ct);
        Assert.All(again, r => Assert.Equal(DeliveryOutcome.Duplicate, r.Outcome));
        var count = await odoo.Client.SearchReadAsync("account.move", OdooValues.Domain(OdooValues.Leaf("ref", "in", new JArray(sales.Select(s => OdooInvoiceSink.SaleReference(s.Id)))), OdooValues.Leaf("move_type", "=", "out_invoice")), ["id"], cancellationToken: Ct);
        Assert.Equal(sales.Count, count.Count);
    }

    [Fact]
    public async Task Invoicing_DailySummary_OnePerMethod_LateSaleInASupplement_ReRunCreatesNothing()
    {
        await using var odoo = await RealOdoo.ConnectAsync(Ct);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(2));
        var options = await InvoicingAsync(odoo, OdooInvoicingMode.DailySummary);
        var random = new Random(29);
        var at = DateTimeOffset.UtcNow.AddHours(-1);
        var store = "RS" + at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var sales = Enumerable.Range(1, 20).Select(n => odoo.Sale(odoo.Tills[0], odoo.Shift("day"), n, at = at.AddSeconds(1), random) with { StoreId = store, InvoiceRequested = false, Customer = null }).ToList();
        var late = sales[^1];

        var first = await new OdooInvoiceSink(odoo.Client, options, odoo.Pos, time, NullLogger<OdooInvoiceSink>.Instance).DeliverAsync(sales[..^1], Ct);
        var second = await new OdooInvoiceSink(odoo.Client, options, odoo.Pos, time, NullLogger<OdooInvoiceSink>.Instance).DeliverAsync([late], Ct);
        var rerun = await new OdooInvoiceSink(odoo.Client, options, odoo.Pos, time, NullLogger<OdooInvoiceSink>.Instance).DeliverAsync(sales, Ct);

        Assert.All(first.Concat(second), r => Assert.True(r.Outcome == DeliveryOutcome.Done, $"{r.Outcome}: {r.Reason}"));
        Assert.All(rerun, r => Assert.Equal(DeliveryOutcome.Duplicate, r.Outcome));
        var moves = await odoo.Client.SearchReadAsync("account.move", OdooValues.Domain(OdooValues.Leaf("ref", "=like", $"posbridge-day:{store}:%"), OdooValues.Leaf("move_type", "=", "out_invoice")), ["ref", "state", "payment_state", "amount_total", "name"], cancellationToken: Ct);
        foreach (var move in moves)
        {
            output.WriteLine($"{OdooValues.Text(move["name"])} {OdooValues.Text(move["ref"])} {move["amount_total"]} {OdooValues.Text(move["state"])}/{OdooValues.Text(move["payment_state"])}");
        }

        var methodGroups = sales[..^1].Select(s => string.Join('+', s.Payments.Select(p => p.MethodId).Distinct().Order(StringComparer.Ordinal))).Distinct().Count();
        Assert.Equal(methodGroups + 1, moves.Count);
        Assert.All(moves, m => Assert.Equal("posted", OdooValues.Text(m["state"])));
        Assert.All(moves, m => Assert.Contains(OdooValues.Text(m["payment_state"]), new[] { "paid", "in_payment" }));
        Assert.Equal(sales.Sum(s => s.Totals.Total), moves.Sum(m => Math.Round(m["amount_total"]!.Value<decimal>(), 2)));
    }

    [Fact]
    public async Task Loyalty_PointsChangeTheCardOnce_AndProgramsReadBack()
    {
        await using var odoo = await RealOdoo.ConnectAsync(Ct);
        var program = (await odoo.Client.SearchReadAsync("loyalty.program", OdooValues.Domain(OdooValues.Leaf("program_type", "=", "loyalty")), ["id"], limit: 1, cancellationToken: Ct))[0]["id"]!.Value<long>();
        var options = new OdooLoyaltyOptions { Enabled = true };
        var sink = new OdooLoyaltySink(odoo.Client, options, odoo.Pos, NullLogger<OdooLoyaltySink>.Instance);
        var run = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var customer = new Customer { Id = "loyal-" + run, Name = "PosBridge loyal " + run };
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        var random = new Random(31);
        var earn = odoo.Sale(odoo.Tills[0], odoo.Shift("loy"), 1, at, random) with { Customer = customer, InvoiceRequested = false, Loyalty = new LoyaltyPoints { ProgramId = program.ToString(CultureInfo.InvariantCulture), Earned = 12.5m } };
        var spend = odoo.Sale(odoo.Tills[0], odoo.Shift("loy"), 2, at.AddSeconds(1), random) with { Customer = customer, InvoiceRequested = false, Loyalty = new LoyaltyPoints { ProgramId = program.ToString(CultureInfo.InvariantCulture), Earned = 5m, Spent = 10m } };

        var first = await sink.DeliverAsync([earn, spend], Ct);
        var again = await new OdooLoyaltySink(odoo.Client, options, odoo.Pos, NullLogger<OdooLoyaltySink>.Instance).DeliverAsync([earn, spend], Ct);

        Assert.All(first, r => Assert.True(r.Outcome == DeliveryOutcome.Done, $"{r.Outcome}: {r.Reason}"));
        Assert.All(again, r => Assert.Equal(DeliveryOutcome.Duplicate, r.Outcome));
        var card = (await odoo.Client.SearchReadAsync("loyalty.card", OdooValues.Domain(OdooValues.Leaf("id", "=", long.Parse(first[0].ExternalId!, CultureInfo.InvariantCulture))), ["points", "code"], cancellationToken: Ct))[0];
        Assert.Equal(7.5m, card["points"]!.Value<decimal>());
        var notes = await odoo.Client.SearchReadAsync("mail.message", OdooValues.Domain(OdooValues.Leaf("model", "=", "loyalty.card"), OdooValues.Leaf("res_id", "=", card["id"]!.Value<long>()), OdooValues.Leaf("body", "ilike", "posbridge-sale:")), ["body"], cancellationToken: Ct);
        Assert.Equal(2, notes.Count);
        output.WriteLine($"Card {OdooValues.Text(card["code"])}: {card["points"]} points, {notes.Count} markers");

        var programs = await new OdooLoyaltySource(odoo.Client, options, TimeProvider.System).GetProgramsAsync(Ct);
        var loyalty = Assert.Single(programs, p => p.Id == program.ToString(CultureInfo.InvariantCulture));
        Assert.NotEmpty(loyalty.Rules);
        Assert.NotEmpty(loyalty.Rewards);
        output.WriteLine($"{programs.Count} programs, {programs.Sum(p => p.Rules.Count)} rules, {programs.Sum(p => p.Rewards.Count)} rewards; loyalty rule {loyalty.Rules[0].PointMode} {loyalty.Rules[0].Points}, reward {loyalty.Rewards[0].Kind} for {loyalty.Rewards[0].RequiredPoints} points");

        // The card pull brings this card with its holder and the points the sink left, paged.
        var source = new OdooLoyaltySource(odoo.Client, options, TimeProvider.System);
        var cards = new List<LoyaltyCard>();
        string? cursor = null;
        LoyaltyCardChanges page;
        var pages = 0;
        do
        {
            page = await source.GetCardsAsync(cursor, 50, Ct);
            cards.AddRange(page.Cards);
            cursor = page.NextCursor;
        }
        while (page.HasMore && ++pages < 1000);

        var pulled = Assert.Single(cards, c => c.Id == card["id"]!.Value<long>().ToString(CultureInfo.InvariantCulture));
        Assert.Equal((7.5m, OdooValues.Text(card["code"]), customer.Name), (pulled.Points, pulled.Code, pulled.Customer.Name));
        Assert.Equal(cards.Count, cards.Select(c => c.Id).Distinct().Count());
        output.WriteLine($"{cards.Count} cards pulled in {pages + 1} pages");
    }
}
