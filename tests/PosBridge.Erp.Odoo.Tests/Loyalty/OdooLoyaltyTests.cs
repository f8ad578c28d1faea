using Microsoft.Extensions.Logging.Abstractions;
using Newtonsoft.Json.Linq;
using PosBridge.Core.Adapters;
using PosBridge.Core.Loyalty;
using PosBridge.Core.Sales;
using PosBridge.Erp.Odoo.Emulator;
using PosBridge.Erp.Odoo.Loyalty;

namespace PosBridge.Erp.Odoo.Tests.Loyalty;

public sealed class OdooLoyaltyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static OdooLoyaltySink Sink(OdooClient client) =>
        new(client, new OdooLoyaltyOptions { Enabled = true, Programs = new() { ["cafe"] = 1 } }, Odoo.EmulatorPos(), NullLogger<OdooLoyaltySink>.Instance);

    private static Sale WithPoints(decimal earned, decimal spent, Customer customer) =>
        Odoo.CafeSale() with { Customer = customer, Loyalty = new LoyaltyPoints { ProgramId = "cafe", Earned = earned, Spent = spent } };

    private static readonly Customer Nour = new() { Id = "k1", Name = "Nour Hassan", Phone = "+201001234567", LoyaltyCardCode = "044e-cd63-495c" };

    private static decimal Points(OdooEmulator odoo, long card = 1) => odoo.Read(s => s["loyalty.card"].Get(card)["points"]!.Value<decimal>());

    [Theory]
    [InlineData(17)]
    [InlineData(18)]
    public async Task Deliver_PointsEarnedAndSpent_ChangeTheCardOnce(int version)
    {
        await using var odoo = await OdooEmulator.StartAsync(version);
        await using var client = Odoo.Client(odoo);
        var sale = WithPoints(earned: 30m, spent: 100m, Nour);

        var first = Assert.Single(await Sink(client).DeliverAsync([sale], Ct));
        var again = Assert.Single(await Sink(client).DeliverAsync([sale], Ct));

        Assert.Equal(DeliveryOutcome.Done, first.Outcome);
        Assert.Equal(DeliveryOutcome.Duplicate, again.Outcome);
        Assert.Equal(180m, Points(odoo));
        if (version >= 18)
        {
            var history = Assert.Single(odoo.Read(s => s["loyalty.history"].Records.Values.Select(r => (JObject)r.DeepClone()).ToList()));
            Assert.Equal((30m, 100m), (history["issued"]!.Value<decimal>(), history["used"]!.Value<decimal>()));
            Assert.Contains(OdooLoyaltySink.MarkerFor(sale.Id), history["description"]!.Value<string>(), StringComparison.Ordinal);
        }
        else
        {
            var note = Assert.Single(odoo.Read(s => s["mail.message"].Records.Values.Select(r => (JObject)r.DeepClone()).ToList()));
            Assert.Equal(("loyalty.card", 1L), (note["model"]!.Value<string>(), note["res_id"]!.Value<long>()));
            Assert.Contains(OdooLoyaltySink.MarkerFor(sale.Id), note["body"]!.Value<string>(), StringComparison.Ordinal);
        }

        // Balance and marker travel in one write: one transaction.
        Assert.Single(odoo.Calls, c => c.Model == "loyalty.card" && c.Method == "write");
    }

    [Fact]
    public async Task Deliver_AnswerLostAfterTheWrite_RetryFindsTheMarkerAndDoesNotCountTwice()
    {
        await using var odoo = await OdooEmulator.StartAsync(17);
        await using var client = Odoo.Client(odoo);
        var sale = WithPoints(earned: 40m, spent: 0m, Nour);
        odoo.Inject(new Fault(FaultKind.AnswerLost, "loyalty.card.write"));

        var first = Assert.Single(await Sink(client).DeliverAsync([sale], Ct));
        var second = Assert.Single(await Sink(client).DeliverAsync([sale], Ct));

        Assert.Equal(DeliveryOutcome.RetryLater, first.Outcome);
        Assert.Equal(DeliveryOutcome.Duplicate, second.Outcome);
        Assert.Equal(290m, Points(odoo));
    }

    [Fact]
    public async Task Deliver_CustomerWithoutCard_GetsOneFoundByPartnerNextTime()
    {
        await using var odoo = await OdooEmulator.StartAsync(17);
        await using var client = Odoo.Client(odoo);
        var newcomer = new Customer { Id = "k9", Name = "Omar", Phone = "+201009999999" };
        var one = WithPoints(10m, 0m, newcomer);
        var two = WithPoints(5m, 0m, newcomer);

        var results = await Sink(client).DeliverAsync([one, two], Ct);

        Assert.All(results, r => Assert.Equal(DeliveryOutcome.Done, r.Outcome));
        var card = Assert.Single(odoo.Read(s => s["loyalty.card"].Records.Values.Where(c => c["id"]!.Value<long>() != 1).Select(r => (JObject)r.DeepClone()).ToList()));
        Assert.Equal(15m, card["points"]!.Value<decimal>());
    }

    [Fact]
    public async Task Deliver_SpendingMoreThanTheCardHolds_IsRejectedAndChangesNothing()
    {
        await using var odoo = await OdooEmulator.StartAsync(17);
        await using var client = Odoo.Client(odoo);

        var result = Assert.Single(await Sink(client).DeliverAsync([WithPoints(0m, 500m, Nour)], Ct));

        Assert.Equal(DeliveryOutcome.Rejected, result.Outcome);
        Assert.Contains("250", result.Reason, StringComparison.Ordinal);
        Assert.Equal(250m, Points(odoo));
    }

    [Fact]
    public async Task Deliver_SaleWithoutPoints_IsDoneWithoutACall()
    {
        await using var odoo = await OdooEmulator.StartAsync(17);
        await using var client = Odoo.Client(odoo);

        Assert.Equal(DeliveryOutcome.Done, Assert.Single(await Sink(client).DeliverAsync([Odoo.CafeSale()], Ct)).Outcome);
        Assert.DoesNotContain(odoo.Calls, c => c.Model.StartsWith("loyalty", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetPrograms_ReadsProgramsRulesAndRewards()
    {
        await using var odoo = await OdooEmulator.StartAsync(17);
        await using var client = Odoo.Client(odoo);

        var programs = await new OdooLoyaltySource(client, new OdooLoyaltyOptions()).GetProgramsAsync(Ct);

        Assert.Equal(2, programs.Count);
        var points = programs[0];
        Assert.Equal(("1", "loyalty", "EGP", false), (points.Id, points.Kind, points.Currency, points.NeedsCode));
        var rule = Assert.Single(points.Rules);
        Assert.Equal((LoyaltyPointMode.PerCurrencyUnit, 1m), (rule.PointMode, rule.Points));
        var reward = Assert.Single(points.Rewards);
        Assert.Equal((LoyaltyRewardKind.Discount, 100m, 0.1m, LoyaltyDiscountMode.PerPoint), (reward.Kind, reward.RequiredPoints, reward.Discount, reward.DiscountMode));
        var code = programs[1];
        Assert.True(code.NeedsCode);
        Assert.Equal(("COFFEE10", LoyaltyPointMode.PerOrder, 50m), (code.Rules[0].Code, code.Rules[0].PointMode, code.Rules[0].MinimumAmount));
        Assert.Equal(["1", "2"], code.Rules[0].ProductIds);
    }
}
