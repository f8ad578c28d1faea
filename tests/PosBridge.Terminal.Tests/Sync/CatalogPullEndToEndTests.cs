using PosBridge.Core.Sales;
using PosBridge.Erp.Odoo.Emulator;
using PosBridge.Terminal.Customers;
using PosBridge.Terminal.Loyalty;
using PosBridge.Terminal.Sync;
using PosBridge.Till.Sync;

namespace PosBridge.Terminal.Tests.Sync;

/// <summary>Odoo (emulated) → the real connector as a child process (its own catalog pull) → the till's pull → a sale.</summary>
public sealed class CatalogPullEndToEndTests
{
    [Fact]
    public async Task Pull_FromARealConnectorFedByOdoo_GivesTheTillProductsMethodsAndLoyalty_AndASaleEarnsPoints()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var odoo = await OdooEmulator.StartAsync(17);
        var settings = new Dictionary<string, string>
        {
            ["Odoo__Url"] = odoo.Url.ToString(),
            ["Odoo__Database"] = OdooEmulator.Database,
            ["Odoo__User"] = OdooEmulator.Login,
            ["Odoo__Password"] = OdooEmulator.Password,
            ["Odoo__Pos__Tills__T2"] = "2",
            ["Odoo__Pos__PaymentMethods__cash"] = "1",
            ["Odoo__Loyalty__Enabled"] = "true",
            ["PosBridge__Catalog__PullInterval"] = "00:00:30",
        };
        using var connector = await ConnectorProcess.StartAsync(cancellationToken, settings);
        using var till = new TestTill();
        var client = new ConnectorClient(connector.Http, till.Clock);
        var uploader = new SaleUploader(till.Database, new Outbox(till.Database, till.Clock), client, till.Clock, till.Logs.For<SaleUploader>());
        var credentials = await uploader.PairAsync(await connector.PairingCodeAsync("CAI1", "T2", cancellationToken), "test till", cancellationToken);
        var puller = new CatalogPuller(till.Database, till.Options, client, till.Clock, till.Logs.For<CatalogPuller>()) { PageSize = 2 };

        // The connector pulls Odoo a few seconds after it starts; the till asks until that has landed.
        CatalogPullReport report;
        var attempts = 0;
        do
        {
            report = await puller.PullAsync(credentials, cancellationToken);
            Assert.Null(report.Problem);
            if (till.Catalog.FindBySku("DAT-1K") is not null && till.Catalog.LoyaltyPrograms().Count > 0 && new CustomerStore(till.Database).FindByCardCode("044e-cd63-495c") is not null)
            {
                break;
            }

            await Task.Delay(250, cancellationToken);
        }
        while (++attempts < 240);

        var coffee = till.Catalog.FindBySku("COF-TR");
        Assert.Equal(("Turkish Coffee", 35m, "1"), (coffee?.Name, coffee?.ListPrice, coffee?.CategoryId));
        Assert.Equal([("cash", PaymentKind.Cash), ("2", PaymentKind.Card), ("3", PaymentKind.CustomerAccount)], till.Catalog.PaymentMethods().Select(m => (m.Id, m.Kind)));
        Assert.Equal(["Café points", "Coffee lovers code"], till.Catalog.LoyaltyPrograms().Select(p => p.Name));

        // Odoo's card holder is at the till, found by the card's code in any case, with Odoo's points.
        till.Shifts.Open(TestTill.Cashier, 100m);
        var loyalty = new LoyaltyService(till.Database, till.Options);
        var customers = new CustomerStore(till.Database);
        var holder = customers.FindCardByCode("044E-CD63-495C")!;
        Assert.Equal(("res.partner:2", "Nour Hassan", "1"), (holder.Customer.Id, holder.Customer.Name, holder.ProgramId));
        Assert.Equal(250m, loyalty.Balance("res.partner:2", "1").Available);

        // A sale with the pulled catalog: the customer earns a point per EGP on Odoo's own rule.
        var cart = till.Checkout.NewCart(TestTill.Cashier);
        loyalty.Attach(cart, holder);
        cart.Add(coffee!, 2);
        Assert.True(till.Checkout.PayCash(cart, 100m).IsAccepted);
        var sale = till.Checkout.Complete(cart).Sale!;
        Assert.Equal(new LoyaltyPoints { ProgramId = "1", Earned = 79.8m, Spent = 0m }, sale.Loyalty); // 2 × 35 + 14 % VAT
        Assert.Equal("cash", sale.Payments[0].MethodId);

        // The connector takes the sale with its points; until Odoo has them, the till adds them on top of Odoo's
        // balance, on either side of the acknowledgement (the till's clock is hours behind the connector's here).
        Assert.Equal(329.8m, loyalty.Balance("res.partner:2", "1").Available);
        till.Clock.Advance(TimeSpan.FromMinutes(1)); // the till's clock stands still unless moved; a real one has moved on since the pull
        Assert.Equal(1, (await uploader.UploadPendingAsync(cancellationToken)).Sent);
        Assert.Equal(329.8m, loyalty.Balance("res.partner:2", "1").Available);

        // Odoo's promotion code as pulled: COFFEE10 needs 50 (tax included) of products 1 and 2; Turkish coffee is 1.
        var promo = till.Checkout.NewCart(TestTill.Cashier);
        promo.Add(coffee!);
        var short1 = loyalty.ApplyCode(promo, "COFFEE10");
        Assert.Equal((PromotionRefusal.RuleNotMet, 10.10m), (short1.Refusal, short1.AmountShort)); // 39.90 of 50
        promo.Add(coffee!);
        var applied = loyalty.ApplyCode(promo, "coffee10");
        Assert.True(applied.IsApplied, applied.Message);
        Assert.Equal(71.82m, promo.Totals.Total); // 79.80 less Odoo's 10 % reward
    }
}
