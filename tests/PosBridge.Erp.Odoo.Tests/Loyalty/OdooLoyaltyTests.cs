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

        var programs = await new OdooLoyaltySource(client, new OdooLoyaltyOptions(), TimeProvider.System).GetProgramsAsync(Ct);

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

    [Theory]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(18)]
    public async Task GetCards_WalksEveryCardOnceByPages_WithItsHolder_ThenOnlyWhatChanged(int version)
    {
        await using var odoo = await OdooEmulator.StartAsync(version);
        await using var client = Odoo.Client(odoo);
        var at = DateTimeOffset.Parse("2026-11-23T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        odoo.Read(s =>
        {
            // Cards 2..6 over two seconds (three in the first), one with no holder, one held by an archived partner.
            for (var i = 0; i < 5; i++)
            {
                s.Clock = () => at.AddSeconds(i < 3 ? 1 : 2);
                var partner = s.Create("res.partner", new JObject { ["name"] = "Holder " + i, ["mobile"] = "+2010000000" + i, ["email"] = $"h{i}@example.com", ["active"] = i != 4 });
                s.Create("loyalty.card", new JObject { ["program_id"] = 1, ["partner_id"] = i == 3 ? false : partner, ["code"] = "CARD-" + i, ["points"] = 10m * i });
            }

            return 0;
        });
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(at.AddHours(1)); // past the re-read window of every change below
        var source = new OdooLoyaltySource(client, new OdooLoyaltyOptions(), clock);

        var cards = new List<LoyaltyCard>();
        var removed = new List<string>();
        string? cursor = null;
        var pages = 0;
        LoyaltyCardChanges page;
        do
        {
            page = await source.GetCardsAsync(cursor, 2, Ct);
            cards.AddRange(page.Cards);
            removed.AddRange(page.RemovedCardIds);
            cursor = page.NextCursor;
            pages++;
        }
        while (page.HasMore && pages < 20);

        Assert.InRange(pages, 3, 10); // pages of at most two, a second with three cards walked by id
        Assert.Equal(["1", "2", "3", "4"], cards.Select(c => c.Id).Order(StringComparer.Ordinal));
        Assert.Equal(["5", "6"], removed.Order(StringComparer.Ordinal)); // no holder; archived holder
        var nour = cards.Single(c => c.Id == "1");
        Assert.Equal(("1", "044e-cd63-495c", 250m, at.AddHours(1)), (nour.ProgramId, nour.Code, nour.Points, nour.AsOf));
        Assert.Equal(("res.partner:2", "Nour Hassan", "+201001234567", "nour@example.com", "044e-cd63-495c"), (nour.Customer.Id, nour.Customer.Name, nour.Customer.Phone, nour.Customer.Email, nour.Customer.LoyaltyCardCode));
        var second = cards.Single(c => c.Id == "3");
        Assert.Equal(("Holder 1", "+20100000001", 10m), (second.Customer.Name, second.Customer.Phone, second.Points)); // phone from mobile when phone is empty

        // Nothing changed: nothing comes. Points change on one card: that card alone comes.
        var quiet = await source.GetCardsAsync(cursor, 2, Ct);
        Assert.Empty(quiet.Cards);
        Assert.False(quiet.HasMore);
        odoo.Read(s =>
        {
            s.Clock = () => at.AddSeconds(30);
            s.Write("loyalty.card", 1, new JObject { ["points"] = 300m });
            return 0;
        });
        var changed = await Walk(quiet.NextCursor);
        Assert.Equal([("1", 300m)], changed.Cards.Select(c => (c.Id, c.Points)));

        // The holder's new phone (the card itself untouched) brings the card again; an archived holder's card goes.
        odoo.Read(s =>
        {
            s.Clock = () => at.AddSeconds(40);
            s.Write("res.partner", 2, new JObject { ["phone"] = "+201009990000" });
            s.Write("res.partner", s["loyalty.card"].Get(3)["partner_id"]!.Value<long>(), new JObject { ["active"] = false });
            return 0;
        });
        var holders = await Walk(changed.NextCursor);
        Assert.Equal([("1", "+201009990000", 300m)], holders.Cards.Select(c => (c.Id, c.Customer.Phone, c.Points)));
        Assert.Equal(["3"], holders.RemovedCardIds);
        Assert.Empty((await Walk(holders.NextCursor)).Cards);

        async Task<(List<LoyaltyCard> Cards, List<string> RemovedCardIds, string NextCursor)> Walk(string from)
        {
            var found = new List<LoyaltyCard>();
            var gone = new List<string>();
            LoyaltyCardChanges next;
            var calls = 0;
            do
            {
                next = await source.GetCardsAsync(from, 2, Ct);
                found.AddRange(next.Cards);
                gone.AddRange(next.RemovedCardIds);
                from = next.NextCursor;
            }
            while (next.HasMore && ++calls < 20);

            return (found, gone, from);
        }
    }

    [Fact]
    public async Task Deliver_PulledCardHolder_IsTheirOwnPartner_NoNewOne()
    {
        await using var odoo = await OdooEmulator.StartAsync(17);
        await using var client = Odoo.Client(odoo);
        var partners = odoo.Read(s => s["res.partner"].Records.Count);
        var pulled = new Customer { Id = "res.partner:2", Name = "Nour Hassan" }; // no card code, no phone: found by the id alone

        var result = Assert.Single(await Sink(client).DeliverAsync([WithPoints(20m, 0m, pulled)], Ct));

        Assert.Equal(DeliveryOutcome.Done, result.Outcome);
        Assert.Equal(270m, Points(odoo));
        Assert.Equal(partners, odoo.Read(s => s["res.partner"].Records.Count));
    }
}
