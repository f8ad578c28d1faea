using Microsoft.Extensions.Logging.Abstractions;
using Newtonsoft.Json.Linq;
using PosBridge.Core.Adapters;
using PosBridge.Core.Sales;
using PosBridge.Core.Sync;
using PosBridge.Erp.Odoo.Pos;
using PosBridge.Erp.Odoo.Rpc;

namespace PosBridge.Erp.Odoo.Tests.RealOdoo;

/// <summary>Against a real Odoo (ODOO_URL set): the till's Z reports and Odoo's cash registers agree to the cent.</summary>
[Collection(RealOdoo.Collection)]
public sealed class RealOdooCashControlTests(ITestOutputHelper output)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] SessionFields = ["state", "cash_control", "cash_register_balance_start", "cash_register_balance_end", "cash_register_balance_end_real", "cash_register_difference", "move_id", "opening_notes"];

    /// <summary>The Z report the till makes: expected = float + cash kept from sales + cash in + cash out.</summary>
    private static ShiftClosing Z(string till, string shift, List<Sale> sales, decimal openingFloat, decimal cashIn, decimal cashOut, decimal counted) => new()
    {
        StoreId = "RT", TillId = till, ShiftId = shift, OpenedAtUtc = sales[0].CreatedAtUtc, ClosedAtUtc = sales[^1].CreatedAtUtc, Currency = sales[0].Currency,
        OpeningFloat = openingFloat, CashIn = cashIn, CashOut = cashOut, CountedCash = counted, SaleCount = sales.Count,
        ExpectedCash = openingFloat + sales.SelectMany(s => s.Payments).Where(p => p.Kind == PaymentKind.Cash).Sum(p => p.Amount) + cashIn + cashOut,
    };

    [Fact]
    public async Task TwoTillsTwoShifts_FloatsCashInOutAndAShortfall_EachSessionsCashRegisterEqualsTheZReport()
    {
        await using var odoo = await RealOdoo.ConnectAsync(Ct);
        var sink = new OdooSalesSink(odoo.Client, odoo.Pos, NullLogger<OdooSalesSink>.Instance);
        var random = new Random(16);
        var at = DateTimeOffset.UtcNow.AddHours(-3);
        var day = new[] { (Shift: 1, Float: 200m, In: 150m, Out: -75.25m, Short: 12.5m), (Shift: 2, Float: 300m, In: 0m, Out: -500m, Short: 0.05m) };
        foreach (var till in odoo.Tills.Take(2))
        {
            foreach (var (number, openingFloat, cashIn, cashOut, shortfall) in day)
            {
                var shift = odoo.Shift("cash" + number);
                var sales = Enumerable.Range(1, 12).Select(n => odoo.Sale(till, shift, n, at = at.AddSeconds(30), random)).ToList();
                Assert.All(await sink.DeliverAsync(sales, Ct), r => Assert.True(r.Outcome == DeliveryOutcome.Done, $"{r.SaleId}: {r.Outcome} {r.Reason}"));
                var expected = Z(till, shift, sales, openingFloat, cashIn, cashOut, 0m).ExpectedCash;
                var z = Z(till, shift, sales, openingFloat, cashIn, cashOut, expected - shortfall);

                Assert.True(await sink.CloseShiftAsync(z, Ct));

                var session = Assert.Single(await odoo.Client.SearchReadAsync("pos.session", OdooValues.Domain(OdooValues.Leaf("opening_notes", "=like", OdooSessions.Tag(till, shift) + "%")), SessionFields, cancellationToken: Ct));
                var id = session["id"]!.Value<long>();
                var lines = await odoo.Client.SearchReadAsync("account.bank.statement.line", OdooValues.Domain(OdooValues.Leaf("pos_session_id", "=", id)), ["amount", "payment_ref", "move_id"], order: "id asc", cancellationToken: Ct);
                output.WriteLine($"{till}/{number}: pos.session {id} start {session["cash_register_balance_start"]} expected {session["cash_register_balance_end"]} counted {session["cash_register_balance_end_real"]} difference {session["cash_register_difference"]}; till: float {z.OpeningFloat} expected {z.ExpectedCash} counted {z.CountedCash}; lines: {string.Join(" | ", lines.Select(l => $"{l["payment_ref"]} {l["amount"]}"))}");
                Assert.Equal("closed", OdooValues.Text(session["state"]));
                Assert.True(OdooValues.Bool(session["cash_control"]));
                Assert.Equal(z.OpeningFloat, Math.Round(session["cash_register_balance_start"]!.Value<decimal>(), 2));
                Assert.Equal(z.ExpectedCash, Math.Round(session["cash_register_balance_end"]!.Value<decimal>(), 2));
                Assert.Equal(z.CountedCash, Math.Round(session["cash_register_balance_end_real"]!.Value<decimal>(), 2));
                Assert.Equal(-shortfall, Math.Round(session["cash_register_difference"]!.Value<decimal>(), 2));

                // Posted: the session's entry, a cash move per cash in and out, and the shortfall as a closing loss.
                Assert.NotNull(OdooValues.Ref(session["move_id"]));
                var closing = Assert.Single(lines, l => (OdooValues.Text(l["payment_ref"]) ?? string.Empty).Contains("closing", StringComparison.Ordinal));
                Assert.Equal(-shortfall, Math.Round(closing["amount"]!.Value<decimal>(), 2));
                var moves = lines.Where(l => (OdooValues.Text(l["payment_ref"]) ?? string.Empty).Contains(" at the till", StringComparison.Ordinal)).Select(l => Math.Round(l["amount"]!.Value<decimal>(), 2)).ToList();
                Assert.Equal(new[] { cashIn, cashOut }.Where(a => a != 0m), moves);
                var entries = await odoo.Client.SearchReadAsync("account.move", OdooValues.Domain(OdooValues.Leaf("id", "in", new JArray(lines.Select(l => OdooValues.Ref(l["move_id"])!.Id).Append(OdooValues.Ref(session["move_id"])!.Id)))), ["state"], cancellationToken: Ct);
                Assert.All(entries, e => Assert.Equal("posted", OdooValues.Text(e["state"])));
            }
        }
    }

    [Fact]
    public async Task OneUploadSpanningTwoShifts_EachShiftsSalesInItsOwnSession_NoRescueSession_AndTheLostCloseClosedWithOdoosCash()
    {
        // A till back after a day offline (or restored from a backup whose shift close was lost) uploads the end of
        // one shift and the start of the next in one batch.
        await using var odoo = await RealOdoo.ConnectAsync(Ct);
        var sink = new OdooSalesSink(odoo.Client, odoo.Pos, NullLogger<OdooSalesSink>.Instance);
        var till = odoo.Tills[2];
        var random = new Random(5);
        var at = DateTimeOffset.UtcNow.AddHours(-2);
        var (first, second) = (odoo.Shift("span1"), odoo.Shift("span2"));
        var sales = Enumerable.Range(1, 3).Select(n => odoo.Sale(till, first, n, at = at.AddSeconds(30), random))
            .Concat(Enumerable.Range(1, 2).Select(n => odoo.Sale(till, second, n, at = at.AddSeconds(30), random))).ToList();

        Assert.All(await sink.DeliverAsync(sales, Ct), r => Assert.True(r.Outcome == DeliveryOutcome.Done, $"{r.SaleId}: {r.Outcome} {r.Reason}"));

        foreach (var (shift, count, state) in new[] { (first, 3, "closed"), (second, 2, "opened") })
        {
            var session = Assert.Single(await odoo.Client.SearchReadAsync("pos.session", OdooValues.Domain(OdooValues.Leaf("opening_notes", "=like", OdooSessions.Tag(till, shift) + "%")), ["state", "rescue", "order_count", "cash_register_difference"], cancellationToken: Ct));
            output.WriteLine($"{shift}: {session}");
            Assert.Equal(state, OdooValues.Text(session["state"]));
            Assert.False(OdooValues.Bool(session["rescue"]));
            Assert.Equal(count, session["order_count"]!.Value<int>());
            if (state == "closed")
            {
                // Closed when the next shift began, with the cash Odoo expected: no false difference.
                Assert.Equal(0m, Math.Round(session["cash_register_difference"]!.Value<decimal>(), 2));
            }
        }

        var config = odoo.Pos.Tills.Single(t => t.Key.EndsWith("/" + till, StringComparison.Ordinal)).Value;
        Assert.Empty(await odoo.Client.SearchReadAsync("pos.session", OdooValues.Domain(OdooValues.Leaf("config_id", "=", config), OdooValues.Leaf("rescue", "=", true), OdooValues.Leaf("state", "!=", "closed")), ["id"], cancellationToken: Ct));
        var z = Z(till, second, sales[3..], 0m, 0m, 0m, 0m);
        Assert.True(await sink.CloseShiftAsync(z with { CountedCash = z.ExpectedCash }, Ct));
    }

    [Fact]
    public async Task CardOnlyTill_CashControlOff_ShiftClosesPosted()
    {
        await using var odoo = await RealOdoo.ConnectAsync(Ct);
        var till = await odoo.CardOnlyTillAsync(Ct);
        var sink = new OdooSalesSink(odoo.Client, odoo.Pos, NullLogger<OdooSalesSink>.Instance);
        var shift = odoo.Shift("card");
        var random = new Random(3);
        var at = DateTimeOffset.UtcNow.AddHours(-1);
        var sales = Enumerable.Range(1, 5).Select(n => odoo.Sale(till, shift, n, at = at.AddSeconds(30), random, byCard: true)).ToList();
        Assert.All(await sink.DeliverAsync(sales, Ct), r => Assert.True(r.Outcome == DeliveryOutcome.Done, $"{r.SaleId}: {r.Outcome} {r.Reason}"));

        Assert.True(await sink.CloseShiftAsync(Z(till, shift, sales, 0m, 0m, 0m, 0m), Ct));

        var session = Assert.Single(await odoo.Client.SearchReadAsync("pos.session", OdooValues.Domain(OdooValues.Leaf("opening_notes", "=like", OdooSessions.Tag(till, shift) + "%")), SessionFields, cancellationToken: Ct));
        Assert.Equal("closed", OdooValues.Text(session["state"]));
        Assert.False(OdooValues.Bool(session["cash_control"]));
        Assert.NotNull(OdooValues.Ref(session["move_id"]));
    }
}
