using Microsoft.Extensions.DependencyInjection;
using Newtonsoft.Json.Linq;
using PosBridge.Connector.Catalog;
using PosBridge.Connector.Dispatch;
using PosBridge.Connector.Tests.Hosting;
using PosBridge.Core.Sales;
using PosBridge.Erp.Odoo.Emulator;

namespace PosBridge.Connector.Tests.Odoo;

/// <summary>Customers' loyalty cards from an (emulated) Odoo through the connector's pull to the tills' catalog feed.</summary>
public sealed class LoyaltyCardPullTests
{
    private static Dictionary<string, string?> Settings(OdooEmulator odoo) => new(OdooDeliveryTests.Settings(odoo))
    {
        ["Odoo:Loyalty:Enabled"] = "true",
        ["Odoo:Loyalty:Programs:cafe"] = "1",
        ["PosBridge:Catalog:PullInterval"] = "00:00:00", // the test pulls; no scheduled pull in between
    };

    [Fact]
    public async Task Cards_ReachTheTills_WithPointsAsOfBeforeAnySaleStillOnItsWayToOdoo()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var odoo = await OdooEmulator.StartAsync(17);
        await using var host = await ConnectorHost.StartAsync(Settings(odoo));
        var till = await host.PairTillAsync();
        var puller = host.Services.GetRequiredService<CatalogPuller>();
        var snapshot = host.Services.GetRequiredService<ICatalogSnapshot>();
        var odooClock = DateTimeOffset.Parse("2026-11-23T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        odoo.Read(s => s.Clock = () => odooClock);

        // Nothing waiting: the card's points are as of the pull.
        var t0 = host.Clock.GetUtcNow();
        var first = await puller.PullAsync(ct);
        var view = await snapshot.ChangesAsync(0, 100, "CAI1", "T2", ct);
        var card = Assert.Single(view.LoyaltyCards);
        Assert.Equal(1, first.LoyaltyCards);
        Assert.Equal(("1", "044e-cd63-495c", 250m), (card.ProgramId, card.Code, card.Points));
        Assert.InRange(card.AsOf, t0, host.Clock.GetUtcNow());
        Assert.Equal(("res.partner:2", "Nour Hassan", "+201001234567"), (card.Customer.Id, card.Customer.Name, card.Customer.Phone));

        // A sale earning 30 points reaches the connector but not Odoo yet; meanwhile the card changes online (+5).
        host.Clock.Advance(TimeSpan.FromMinutes(10));
        var received = host.Clock.GetUtcNow();
        var sale = new Sales(host.Clock).Next() with
        {
            Customer = new Customer { Id = "res.partner:2", Name = "Nour Hassan", LoyaltyCardCode = "044e-cd63-495c" },
            Loyalty = new LoyaltyPoints { ProgramId = "1", Earned = 30m },
        };
        (await till.UploadAsync([sale])).EnsureSuccessStatusCode();
        var stored = host.Clock.GetUtcNow();
        host.Clock.Advance(TimeSpan.FromMinutes(10));
        odoo.Read(s =>
        {
            odooClock = odooClock.AddMinutes(1);
            s.Write("loyalty.card", 1, new JObject { ["points"] = 255m });
            return 0;
        });
        await puller.PullAsync(ct);
        var waiting = Assert.Single((await snapshot.ChangesAsync(long.Parse(view.NextCursor, System.Globalization.CultureInfo.InvariantCulture), 100, "CAI1", "T2", ct)).LoyaltyCards);
        Assert.Equal(255m, waiting.Points);
        Assert.Equal(250m + 5m, odoo.Read(s => s["loyalty.card"].Get(1)["points"]!.Value<decimal>()));
        Assert.InRange(waiting.AsOf, received, stored); // when the sale was received: a till still adds its 30 points on top

        // The sale reaches Odoo: the card changes again and its points are as of the pull.
        odoo.Read(s => odooClock = odooClock.AddMinutes(1));
        var run = await host.Services.GetRequiredService<SalesDispatcher>().DeliverAsync("odoo-loyalty", ct);
        Assert.Equal(1, run.Delivered);
        Assert.Equal(285m, odoo.Read(s => s["loyalty.card"].Get(1)["points"]!.Value<decimal>()));
        Assert.Equal("2026-11-23 09:02:00", odoo.Read(s => s["loyalty.card"].Get(1)["write_date"]!.Value<string>()));
        var backlog = await host.Services.GetRequiredService<IDeliveryStore>().GetBacklogAsync("odoo-loyalty", ct);
        Assert.Equal((0L, null), (backlog.Waiting, backlog.OldestWaitingReceivedAt));
        host.Clock.Advance(TimeSpan.FromMinutes(10));
        var t2 = host.Clock.GetUtcNow();
        var last = await puller.PullAsync(ct);
        var all = await snapshot.ChangesAsync(0, 100, "CAI1", "T2", ct);
        Assert.Equal(1, last.LoyaltyCards);
        Assert.Equal(285m, all.LoyaltyCards.Single().Points);
        Assert.InRange(all.LoyaltyCards.Single().AsOf, t2, host.Clock.GetUtcNow());
    }

    [Fact]
    public async Task ACardReadAgainUnchanged_IsNoChangeForTheTills_NewPointsAre()
    {
        await using var host = await ConnectorHost.StartAsync();
        var snapshot = host.Services.GetRequiredService<ICatalogSnapshot>();
        var at = DateTimeOffset.Parse("2026-11-23T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var card = new PosBridge.Core.Loyalty.LoyaltyCard { Id = "1", ProgramId = "1", Code = "044e-cd63-495c", Points = 250m, AsOf = at, Customer = new Customer { Id = "res.partner:2", Name = "Nour Hassan" } };

        Assert.Equal(1, await snapshot.SaveLoyaltyCardsAsync([card], [], Ct));
        var cursor = long.Parse((await snapshot.ChangesAsync(0, 100, Ct)).NextCursor, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(0, await snapshot.SaveLoyaltyCardsAsync([card with { AsOf = at.AddMinutes(5) }], [], Ct));
        Assert.Empty((await snapshot.ChangesAsync(cursor, 100, Ct)).LoyaltyCards);
        Assert.Equal(1, await snapshot.SaveLoyaltyCardsAsync([card with { AsOf = at.AddMinutes(10), Points = 280m }], [], Ct));
        Assert.Equal([(280m, at.AddMinutes(10))], (await snapshot.ChangesAsync(cursor, 100, Ct)).LoyaltyCards.Select(c => (c.Points, c.AsOf)));
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void CardsAsOf_IsTheEarliestOfTheReadAndTheSalesWaiting()
    {
        var read = DateTimeOffset.Parse("2026-11-23T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(read, CatalogPuller.CardsAsOf(read, null, null));
        Assert.Equal(read.AddHours(-3), CatalogPuller.CardsAsOf(read, read.AddHours(-3), null)); // delivered during the read
        Assert.Equal(read.AddHours(-1), CatalogPuller.CardsAsOf(read, null, read.AddHours(-1))); // arrived during the read
        Assert.Equal(read, CatalogPuller.CardsAsOf(read, read.AddMinutes(1), null));
    }
}
