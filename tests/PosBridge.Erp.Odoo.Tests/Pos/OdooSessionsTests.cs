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
}
