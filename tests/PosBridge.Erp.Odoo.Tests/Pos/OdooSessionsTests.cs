using Newtonsoft.Json.Linq;
using PosBridge.Core.Adapters;
using PosBridge.Erp.Odoo.Emulator;

namespace PosBridge.Erp.Odoo.Tests.Pos;

public sealed class OdooSessionsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static List<JObject> Sessions(OdooEmulator odoo) => odoo.Read(s => s["pos.session"].Records.Values.Select(r => (JObject)r.DeepClone()).ToList());

    [Theory]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(18)]
    public async Task FirstSaleOfAShift_OpensASession_CloseShift_PostsItsEntryAndStockMoves(int version)
    {
        await using var odoo = await OdooEmulator.StartAsync(version);
        await using var client = Odoo.Client(odoo);
        var sink = Odoo.Sink(client);
        await sink.DeliverAsync([Odoo.CafeSale(shift: "S1"), Odoo.CafeSale(shift: "S1")], Ct);

        var open = Assert.Single(Sessions(odoo));
        Assert.Equal("opened", open["state"]!.Value<string>());
        Assert.StartsWith("posbridge-shift:T1/S1", open["opening_notes"]!.Value<string>(), StringComparison.Ordinal);

        Assert.True(await sink.CloseShiftAsync("CAI1", "T1", "S1", 120m, Ct));

        var closed = Assert.Single(Sessions(odoo));
        Assert.Equal("closed", closed["state"]!.Value<string>());
        Assert.Equal(120m, closed["cash_register_balance_end_real"]!.Value<decimal>());
        Assert.False(Store.IsFalse(closed["move_id"]));
        Assert.NotEmpty((JArray)closed["picking_ids"]!);
        Assert.Equal(500m - 4m, odoo.Read(s => s["product.product"].Get(1)["qty_available"]!.Value<decimal>()));
        Assert.Contains(odoo.Calls, c => c.Method == (version >= 18 ? "set_opening_control" : "set_cashbox_pos"));
    }

    [Fact]
    public async Task SessionClosedInOdooBehindOurBack_On18_SaleWaitsOnce_ThenGoesToANewSession_NotADeadLetter()
    {
        await using var odoo = await OdooEmulator.StartAsync(18);
        await using var client = Odoo.Client(odoo);
        var sink = Odoo.Sink(client);
        Assert.Equal(DeliveryOutcome.Done, Assert.Single(await sink.DeliverAsync([Odoo.CafeSale(shift: "S1")], Ct)).Outcome);
        odoo.Read(s =>
        {
            // A manager closes the till's session from Odoo's own screen while the shift goes on.
            var session = s["pos.session"].Records.Keys.Single();
            s.Write("pos.session", session, new JObject { ["state"] = "closed" });
            return 0;
        });
        var late = Odoo.CafeSale(shift: "S1");

        var first = Assert.Single(await sink.DeliverAsync([late], Ct));
        var second = Assert.Single(await sink.DeliverAsync([late], Ct));

        Assert.Equal(DeliveryOutcome.RetryLater, first.Outcome);
        Assert.Contains("closed in Odoo", first.Reason, StringComparison.Ordinal);
        Assert.Equal(DeliveryOutcome.Done, second.Outcome);
        var sessions = Sessions(odoo);
        Assert.Equal(["closed", "opened"], sessions.Select(s => s["state"]!.Value<string>()));
        Assert.Contains("(late sales)", sessions[1]["opening_notes"]!.Value<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NextShiftBegins_WhileThePreviousIsOpen_ClosesItFirst()
    {
        await using var odoo = await OdooEmulator.StartAsync(17);
        await using var client = Odoo.Client(odoo);
        var sink = Odoo.Sink(client);

        await sink.DeliverAsync([Odoo.CafeSale(shift: "S1")], Ct);
        await sink.DeliverAsync([Odoo.CafeSale(shift: "S2")], Ct);

        var sessions = Sessions(odoo);
        Assert.Equal(["closed", "opened"], sessions.Select(s => s["state"]!.Value<string>()));
        Assert.StartsWith("posbridge-shift:T1/S2", sessions[1]["opening_notes"]!.Value<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(18)]
    public async Task OneBatchSpanningTwoShifts_EachSaleGoesIntoItsOwnShiftsSession_NoRescueSession(int version)
    {
        // A till back from a day offline uploads the end of one shift and the start of the next together: the next
        // shift's session may only close the previous one after the previous shift's sales are in it.
        await using var odoo = await OdooEmulator.StartAsync(version);
        await using var client = Odoo.Client(odoo);
        var sink = Odoo.Sink(client);

        var results = await sink.DeliverAsync([Odoo.CafeSale(shift: "S1"), Odoo.CafeSale(shift: "S1"), Odoo.CafeSale(shift: "S2")], Ct);

        Assert.All(results, r => Assert.Equal(DeliveryOutcome.Done, r.Outcome));
        var sessions = Sessions(odoo);
        Assert.Equal(["closed", "opened"], sessions.Select(s => s["state"]!.Value<string>()));
        Assert.DoesNotContain(sessions, s => s["rescue"]?.Value<bool?>() == true);
        var bySession = odoo.Read(s => s["pos.order"].Records.Values.CountBy(o => o["session_id"]!.Value<long>()).ToDictionary());
        Assert.Equal(2, bySession[sessions[0]["id"]!.Value<long>()]);
        Assert.Equal(1, bySession[sessions[1]["id"]!.Value<long>()]);
    }

    [Theory]
    [InlineData(16)]
    [InlineData(17)]
    public async Task ARescueSessionIsOpen_TheNextShiftIsNotPutInIt_AndThePreviousShiftsSessionCloses(int version)
    {
        // Odoo opened a rescue session for a late order: it is Odoo's, not a shift's. The next shift gets its own
        // session, and the previous shift's session, still open, is closed, not forgotten.
        await using var odoo = await OdooEmulator.StartAsync(version);
        await using var client = Odoo.Client(odoo);
        var sink = Odoo.Sink(client);
        await sink.DeliverAsync([Odoo.CafeSale(shift: "S1")], Ct);
        odoo.Read(s => s.Create("pos.session", new JObject
        {
            ["name"] = "(RESCUE FOR POS/00001)", ["config_id"] = 1, ["user_id"] = 2, ["state"] = "opened", ["rescue"] = true,
        }));

        Assert.Equal(DeliveryOutcome.Done, Assert.Single(await sink.DeliverAsync([Odoo.CafeSale(shift: "S2")], Ct)).Outcome);

        var sessions = Sessions(odoo);
        Assert.Equal("closed", Tagged(sessions, "S1")["state"]!.Value<string>());
        Assert.Equal("opened", Tagged(sessions, "S2")["state"]!.Value<string>());
        var rescue = sessions.Single(s => s["rescue"]!.Value<bool>());
        Assert.True(Store.IsFalse(rescue["opening_notes"]), "the rescue session was adopted as a shift's session");
    }

    private static JObject Tagged(List<JObject> sessions, string shift) =>
        sessions.Single(s => (s["opening_notes"]?.Type == JTokenType.String ? s["opening_notes"]!.Value<string>() : string.Empty)!.StartsWith($"posbridge-shift:T1/{shift}", StringComparison.Ordinal));

    [Theory]
    [InlineData(17, true)]
    [InlineData(18, false)]
    public async Task LateSaleAfterTheShiftClosed_GoesToARescueSession16And17_OrAnOpenSession18(int version, bool rescue)
    {
        await using var odoo = await OdooEmulator.StartAsync(version);
        await using var client = Odoo.Client(odoo);
        var sink = Odoo.Sink(client);
        await sink.DeliverAsync([Odoo.CafeSale(shift: "S1")], Ct);
        await sink.CloseShiftAsync("CAI1", "T1", "S1", null, Ct);

        var late = Assert.Single(await Odoo.Sink(client).DeliverAsync([Odoo.CafeSale(shift: "S1")], Ct));

        Assert.Equal(DeliveryOutcome.Done, late.Outcome);
        var sessions = Sessions(odoo);
        Assert.Equal(2, sessions.Count);
        Assert.Equal(rescue, sessions[1]["rescue"]!.Value<bool>());
        Assert.Equal("opened", sessions[1]["state"]!.Value<string>());
    }

    [Fact]
    public async Task ClosingAShiftWithADraftOrder_FailsWithOdoosReason()
    {
        await using var odoo = await OdooEmulator.StartAsync(17);
        await using var client = Odoo.Client(odoo);
        var sink = Odoo.Sink(client);
        var sale = Odoo.CafeSale();
        await sink.DeliverAsync([sale with { Payments = [sale.Payments[0] with { Amount = 1m, Tendered = 1m, Change = 0m }] }], Ct);

        var failure = await Assert.ThrowsAsync<PosBridge.Erp.Odoo.Rpc.OdooException>(() => sink.CloseShiftAsync("CAI1", "T1", "S1", null, Ct));

        Assert.Contains("still in draft (Order CAI1-T1-", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Pay or cancel them in Odoo", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(odoo.Calls, c => c.Method == "post_closing_cash_details"); // nothing half-done in Odoo
    }

    /// <summary>A Z report as the till makes it: expected = float + cash kept from sales + cash in + cash out.</summary>
    private static Core.Sync.ShiftClosing Z(string shift, IEnumerable<Core.Sales.Sale> sales, decimal openingFloat, decimal cashIn, decimal cashOut, decimal shortfall)
    {
        var cashFromSales = sales.SelectMany(s => s.Payments).Where(p => p.Kind == Core.Sales.PaymentKind.Cash).Sum(p => p.Amount);
        var expected = openingFloat + cashFromSales + cashIn + cashOut;
        return new Core.Sync.ShiftClosing
        {
            StoreId = "CAI1", TillId = "T1", ShiftId = shift, OpenedAtUtc = DateTimeOffset.UnixEpoch, ClosedAtUtc = DateTimeOffset.UnixEpoch.AddHours(8), Currency = "EGP",
            OpeningFloat = openingFloat, CashIn = cashIn, CashOut = cashOut, ExpectedCash = expected, CountedCash = expected - shortfall, SaleCount = sales.Count(),
        };
    }

    private static List<JObject> StatementLines(OdooEmulator odoo, long sessionId) =>
        odoo.Read(s => s["account.bank.statement.line"].Records.Values.Where(l => l["pos_session_id"]!.Value<long>() == sessionId).Select(l => (JObject)l.DeepClone()).ToList());

    [Theory]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(18)]
    public async Task TwoShiftsWithFloatCashInOutAndAShortfall_EachSessionsOpeningExpectedAndDifference_EqualTheZReport(int version)
    {
        await using var odoo = await OdooEmulator.StartAsync(version);
        await using var client = Odoo.Client(odoo);
        var sink = Odoo.Sink(client);
        var shifts = new[] { ("S1", 200m, 50m, -30m, 12.5m), ("S2", 250m, 0m, -400m, 0.75m) };
        foreach (var (shift, opening, cashIn, cashOut, shortfall) in shifts)
        {
            var sales = new[] { Odoo.CafeSale(shift: shift), Odoo.CafeSale(shift: shift), Odoo.CafeSale(shift: shift, arrange: b => b.AddTax(Odoo.Vat14).AddLine("1", "Turkish Coffee", 1, 35m, ["1"]).PayRemaining("card", Core.Sales.PaymentKind.Card)) };
            Assert.All(await sink.DeliverAsync(sales, Ct), r => Assert.Equal(DeliveryOutcome.Done, r.Outcome));
            var z = Z(shift, sales, opening, cashIn, cashOut, shortfall);

            Assert.True(await sink.CloseShiftAsync(z, Ct));

            var session = Sessions(odoo)[^1];
            Assert.Equal("closed", session["state"]!.Value<string>());
            Assert.Equal(opening, session["cash_register_balance_start"]!.Value<decimal>());
            Assert.Equal(z.ExpectedCash, session["cash_register_balance_end"]!.Value<decimal>());
            Assert.Equal(z.CountedCash, session["cash_register_balance_end_real"]!.Value<decimal>());
            Assert.Equal(-shortfall, session["cash_register_difference"]!.Value<decimal>());
            var lines = StatementLines(odoo, session["id"]!.Value<long>());
            Assert.Equal(-shortfall, lines.Single(l => l["payment_ref"]!.Value<string>()!.EndsWith("- closing", StringComparison.Ordinal))["amount"]!.Value<decimal>());
            Assert.Equal(cashIn + cashOut, lines.Where(l => l["payment_ref"]!.Value<string>()!.Contains(" at the till", StringComparison.Ordinal)).Sum(l => l["amount"]!.Value<decimal>()));
        }

        // The second shift opened from the first one's count: the float's difference from it is an opening line.
        var (first, second) = (Sessions(odoo)[0], Sessions(odoo)[1]);
        var openingLine = StatementLines(odoo, second["id"]!.Value<long>()).Single(l => l["payment_ref"]!.Value<string>()!.EndsWith("- opening", StringComparison.Ordinal));
        Assert.Equal(250m - first["cash_register_balance_end_real"]!.Value<decimal>(), openingLine["amount"]!.Value<decimal>());
    }

    [Fact]
    public async Task CloseInterruptedAfterTheCashMoves_Retried_PostsEachCashMoveOnce()
    {
        await using var odoo = await OdooEmulator.StartAsync(17);
        await using var client = Odoo.Client(odoo);
        var sink = Odoo.Sink(client);
        var sales = new[] { Odoo.CafeSale(shift: "S1") };
        await sink.DeliverAsync(sales, Ct);
        var z = Z("S1", sales, 200m, 50m, -30m, 0m);
        odoo.Inject(new Fault(FaultKind.AnswerLost, "pos.session.post_closing_cash_details"));

        await Assert.ThrowsAnyAsync<Exception>(() => sink.CloseShiftAsync(z, Ct));
        Assert.True(await sink.CloseShiftAsync(z, Ct));

        var session = Assert.Single(Sessions(odoo));
        Assert.Equal("closed", session["state"]!.Value<string>());
        Assert.Equal(0m, session["cash_register_difference"]!.Value<decimal>());
        var moves = StatementLines(odoo, session["id"]!.Value<long>()).Where(l => l["payment_ref"]!.Value<string>()!.Contains(" at the till", StringComparison.Ordinal)).Select(l => l["amount"]!.Value<decimal>()).ToList();
        Assert.Equal([50m, -30m], moves);
    }

    [Theory]
    [InlineData(17)]
    [InlineData(18)]
    public async Task ConfigWithoutACashMethod_CashControlOff_ClosesWithoutACount(int version)
    {
        await using var odoo = await OdooEmulator.StartAsync(version);
        odoo.Read(s =>
        {
            // A card-only till: Odoo 16+ turns cash control off when the config has no cash method.
            s.Write("pos.config", 1, new JObject { ["payment_method_ids"] = new JArray((object)new JArray(6, 0, new JArray(2))), ["cash_control"] = false });
            return 0;
        });
        await using var client = Odoo.Client(odoo);
        var sink = Odoo.Sink(client);
        var sales = new[] { Odoo.CafeSale(arrange: b => b.AddTax(Odoo.Vat14).AddLine("1", "Turkish Coffee", 2, 35m, ["1"]).PayRemaining("card", Core.Sales.PaymentKind.Card)) };
        Assert.Equal(DeliveryOutcome.Done, Assert.Single(await sink.DeliverAsync(sales, Ct)).Outcome);

        Assert.True(await sink.CloseShiftAsync(Z("S1", sales, 200m, 0m, 0m, 0m), Ct));

        var session = Assert.Single(Sessions(odoo));
        Assert.Equal("closed", session["state"]!.Value<string>());
        Assert.False(Store.IsFalse(session["move_id"]));
        Assert.DoesNotContain(odoo.Calls, c => c.Method is "post_closing_cash_details" or "set_cashbox_pos" or "set_opening_control" or "try_cash_in_out");
    }
}
