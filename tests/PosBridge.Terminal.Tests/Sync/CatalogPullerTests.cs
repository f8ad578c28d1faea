using PosBridge.Core.Catalog;
using PosBridge.Core.Loyalty;
using PosBridge.Core.Sales;
using PosBridge.Core.Taxes;
using PosBridge.Terminal.Customers;
using PosBridge.Terminal.Loyalty;
using PosBridge.Terminal.Sales;
using PosBridge.Terminal.Sync;
using PosBridge.Till.Sync;

namespace PosBridge.Terminal.Tests.Sync;

public sealed class CatalogPullerTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static Product Product(string id, decimal price = 10m, string currency = "EGP") => new()
    {
        Id = id, Name = "Product " + id, Sku = "SKU-" + id, Unit = "Units", ListPrice = price, Currency = currency, TaxIds = ["t14"], CategoryId = "c1",
    };

    private static CatalogChanges Page(string next, bool more, IReadOnlyList<Product>? products = null, IReadOnlyList<string>? removed = null) => new()
    {
        Products = products ?? [],
        Taxes = [],
        Categories = [],
        RemovedProductIds = removed ?? [],
        NextCursor = next,
        HasMore = more,
    };

    private static readonly LoyaltyProgram Points = new()
    {
        Id = "1", Name = "Café points", Kind = "loyalty",
        Rules = [new LoyaltyRule { Id = "1", PointMode = LoyaltyPointMode.PerCurrencyUnit, Points = 1m }],
        Rewards = [new LoyaltyReward { Id = "1", Kind = LoyaltyRewardKind.Discount, Description = "10 % off", RequiredPoints = 100m, Discount = 10m, DiscountMode = LoyaltyDiscountMode.Percent }],
    };

    /// <summary>Three pages from the start: taxes, categories, methods and a program with the first.</summary>
    private static FakeCatalogConnector ThreePages()
    {
        var connector = new FakeCatalogConnector();
        connector.Serve(string.Empty, Page("2", true, [Product("a"), Product("b")]) with
        {
            Taxes = [new TaxDefinition { Id = "t14", Name = "VAT 14%", AmountType = TaxAmountType.Percent, Amount = 14m }],
            Categories = [new Category { Id = "c1", Name = "مشروبات" }],
            PaymentMethods = [new PaymentMethod { Id = "cash", Name = "Cash", Kind = PaymentKind.Cash }, new PaymentMethod { Id = "7", Name = "Visa", Kind = PaymentKind.Card }],
            LoyaltyPrograms = [Points],
        });
        connector.Serve("2", Page("4", true, [Product("c"), Product("d")]));
        connector.Serve("4", Page("5", false, [Product("e")]));
        return connector;
    }

    private static CatalogPuller Puller(TestTill till, FakeCatalogConnector connector) =>
        new(till.Database, till.Options, new ConnectorClient(connector.Client(), till.Clock), till.Clock, till.Logs.For<CatalogPuller>()) { PageSize = 2 };

    [Fact]
    public async Task Pull_LongFirstPull_SaysPageNOfMAtMostOncePerInterval()
    {
        using var till = new TestTill();
        var connector = new FakeCatalogConnector();
        // As the connector sends them: with the rows still waiting after each page.
        connector.Serve(string.Empty, Page("2", true, [Product("a"), Product("b")]) with { RemainingRows = 4 });
        connector.Serve("2", Page("4", true, [Product("c"), Product("d")]) with { RemainingRows = 2 });
        connector.Serve("4", Page("6", false, [Product("e"), Product("f")]) with { RemainingRows = 0 });
        // Each page takes the connector a second; progress at most every 1.5 s: after page 2 only.
        connector.Answering = _ => till.Clock.Advance(TimeSpan.FromSeconds(1));
        var puller = Puller(till, connector);
        puller.ProgressInterval = TimeSpan.FromMilliseconds(1500);

        var report = await puller.PullAsync(FakeCatalogConnector.Credentials, Token);

        Assert.True(report.Complete);
        Assert.Equal(["Catalog pull: page 2 of 3"], till.Logs.Lines.Where(l => l.StartsWith("Catalog pull: ", StringComparison.Ordinal)).Select(l => l[..l.IndexOf(" of 3", StringComparison.Ordinal)] + " of 3"));
    }

    [Fact]
    public async Task Pull_Quick_SaysNoProgress()
    {
        using var till = new TestTill();

        await Puller(till, ThreePages()).PullAsync(FakeCatalogConnector.Credentials, Token);

        Assert.DoesNotContain(till.Logs.Lines, l => l.StartsWith("Catalog pull: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Pull_FromTheStart_StoresEveryPageAndTheCursor()
    {
        using var till = new TestTill();
        var connector = ThreePages();

        var report = await Puller(till, connector).PullAsync(FakeCatalogConnector.Credentials, Token);

        Assert.True(report.Complete);
        Assert.Equal((3, 5, 2, 1), (report.Pages, report.Products, report.PaymentMethods, report.LoyaltyPrograms));
        Assert.Equal(["", "2", "4"], connector.CursorsAsked);
        Assert.Empty(connector.Unexpected);
        Assert.Equal("c1", till.Catalog.FindBySku("SKU-e")?.CategoryId);
        Assert.Equal("مشروبات", Assert.Single(till.Catalog.Categories()).Name);
        Assert.Equal(["cash", "7"], till.Catalog.PaymentMethods().Select(m => m.Id));
        Assert.Equal(Points.Rewards, Assert.Single(till.Catalog.LoyaltyPrograms()).Rewards);
        Assert.Equal("5", Puller(till, connector).Cursor);

        // Nothing new: one request with the stored cursor, nothing applied.
        connector.Serve("5", Page("5", false));
        var again = await Puller(till, connector).PullAsync(FakeCatalogConnector.Credentials, Token);
        Assert.Equal((1, 0), (again.Pages, again.Products));
        Assert.Equal("5", connector.CursorsAsked[^1]);
    }

    [Fact]
    public async Task Pull_KilledWhileWritingTheSecondPage_ResumesAtThatPageWithNothingLostOrDoubled()
    {
        using var till = new TestTill();
        var connector = ThreePages();
        var cursorWrites = 0;
        till.Database.BeforeStatement = sql =>
        {
            // Each page ends with its cursor (then the cleared problem): die at the second page's cursor write.
            if (sql.StartsWith("INSERT INTO Settings", StringComparison.Ordinal) && ++cursorWrites == 3)
            {
                throw new IOException("power cut");
            }
        };

        await Assert.ThrowsAsync<IOException>(() => Puller(till, connector).PullAsync(FakeCatalogConnector.Credentials, Token));
        till.Database.BeforeStatement = null;

        // The first page is whole; none of the second is there.
        Assert.Equal("2", Puller(till, connector).Cursor);
        Assert.NotNull(till.Catalog.FindBySku("SKU-b"));
        Assert.Null(till.Catalog.FindBySku("SKU-c"));

        var resumed = await Puller(till, connector).PullAsync(FakeCatalogConnector.Credentials, Token);

        Assert.True(resumed.Complete);
        Assert.Equal(3, resumed.Products);
        Assert.Equal(["", "2", "2", "4"], connector.CursorsAsked);
        Assert.Equal(5, "abcde".Count(c => till.Catalog.FindBySku("SKU-" + c) is not null));
        Assert.Equal(5, till.Database.Scalar<int>("SELECT COUNT(*) FROM Products WHERE Sku LIKE 'SKU-%'"));
    }

    [Fact]
    public async Task Pull_Removals_TakeProductOffSaleAndDropMethodAndProgram()
    {
        using var till = new TestTill();
        var connector = ThreePages();
        await Puller(till, connector).PullAsync(FakeCatalogConnector.Credentials, Token);
        connector.Serve("5", Page("8", false, removed: ["a"]) with { RemovedPaymentMethodIds = ["7"], RemovedLoyaltyProgramIds = ["1"] });

        var report = await Puller(till, connector).PullAsync(FakeCatalogConnector.Credentials, Token);

        Assert.Equal(1, report.RemovedProducts);
        Assert.Null(till.Catalog.FindBySku("SKU-a"));
        Assert.DoesNotContain(till.Catalog.Search("Product a"), p => p.Id == "a");
        Assert.False(till.Catalog.FindById("a")!.Active); // kept for earlier sales, no longer sold
        Assert.Equal(["cash"], till.Catalog.PaymentMethods().Select(m => m.Id));
        Assert.Empty(till.Catalog.LoyaltyPrograms());
    }

    [Fact]
    public async Task Pull_CatalogInAnotherCurrency_IsRefusedWithOneMessage_NotOnePerProduct()
    {
        using var till = new TestTill();
        var connector = new FakeCatalogConnector();
        connector.Serve(string.Empty, Page("1", false, [.. Enumerable.Range(1, 46).Select(i => Product("p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), currency: "USD"))]));

        var report = await Puller(till, connector).PullAsync(FakeCatalogConnector.Credentials, Token);

        Assert.False(report.Complete);
        Assert.Equal(
            "The catalog page after cursor '(start)' was refused; nothing of it was applied: the back office prices 46 product(s) in 'USD' (e.g. 'Product p1'), but this till sells in EGP: set the till's currency to USD (--currency USD, or Till:Currency) if that is its store's currency, else check the store's currency in the back office.",
            report.Problem);
    }

    [Fact]
    public async Task Pull_BadPage_IsRefusedWholeWithTheReasonsAndTheStoreUnchanged()
    {
        using var till = new TestTill();
        var connector = ThreePages();
        connector.Serve("2", Page("4", true, [Product("c"), Product("d", price: -1m), Product("x", currency: "USD")]));

        var report = await Puller(till, connector).PullAsync(FakeCatalogConnector.Credentials, Token);

        Assert.False(report.Complete);
        Assert.Equal(1, report.Pages);
        Assert.Contains("product 'd' has a negative price -1", report.Problem, StringComparison.Ordinal);
        Assert.Contains("the back office prices 1 product(s) in 'USD'", report.Problem, StringComparison.Ordinal);
        Assert.Null(till.Catalog.FindBySku("SKU-c"));
        var puller = Puller(till, connector);
        Assert.Equal("2", puller.Cursor);
        Assert.Equal(report.Problem, puller.Problem);
        Assert.Contains(till.Logs.Lines, l => l.Contains("refused", StringComparison.Ordinal) && l.Contains("negative price", StringComparison.Ordinal));

        // Fixed at the source: the next pull applies it and clears the problem.
        connector.Serve("2", Page("4", true, [Product("c"), Product("d")]));
        Assert.True((await puller.PullAsync(FakeCatalogConnector.Credentials, Token)).Complete);
        Assert.Null(puller.Problem);
    }

    [Theory]
    [InlineData("""{"products":null,"taxes":[],"categories":[],"nextCursor":"2","hasMore":false}""")]
    [InlineData("""{"products":[{"id":"p9","unit":"Units","listPrice":1,"currency":"EGP","taxIds":[]}],"taxes":[],"categories":[],"nextCursor":"2","hasMore":false}""")]
    [InlineData("""{"products":[],"taxes":[],"categories":[],"paymentMethods":[{"id":"9","name":"Crypto","kind":"crypto"}],"nextCursor":"2","hasMore":false}""")]
    [InlineData("""<html>proxy error</html>""")]
    public async Task Pull_AnswerThatIsNotACatalogPage_IsRefusedAndNothingApplied(string json)
    {
        using var till = new TestTill();
        var connector = new FakeCatalogConnector();
        connector.ServeRaw(string.Empty, json);

        var report = await Puller(till, connector).PullAsync(FakeCatalogConnector.Credentials, Token);

        Assert.Contains("not a catalog page", report.Problem, StringComparison.Ordinal);
        Assert.Null(Puller(till, connector).Cursor);
        Assert.Empty(till.Catalog.PaymentMethods());
    }

    [Fact]
    public async Task Pull_OldConnectorWithoutMethodsOrPrograms_StillReadsItsPages()
    {
        using var till = new TestTill();
        var connector = new FakeCatalogConnector();
        connector.ServeRaw(string.Empty, """{"products":[{"id":"p9","name":"Tea","unit":"Units","listPrice":5,"currency":"EGP","taxIds":[]}],"taxes":[],"categories":[],"removedProductIds":[],"nextCursor":"3","hasMore":false}""");

        var report = await Puller(till, connector).PullAsync(FakeCatalogConnector.Credentials, Token);

        Assert.True(report.Complete, report.Problem);
        Assert.Equal("Tea", till.Catalog.FindById("p9")?.Name);
        Assert.Equal((0, 0), (report.LoyaltyCards, report.RemovedLoyaltyCards));
        Assert.Equal(0, till.Database.Scalar<int>("SELECT COUNT(*) FROM LoyaltyCards"));
    }

    private static readonly LoyaltyProgram Gold = new()
    {
        Id = "2", Name = "Gold club", Kind = "loyalty",
        Rules = [new LoyaltyRule { Id = "2", PointMode = LoyaltyPointMode.PerOrder, Points = 5m }], Rewards = [],
    };

    private static readonly DateTimeOffset ReadAt = new(2026, 11, 23, 6, 30, 0, TimeSpan.Zero);

    private static LoyaltyCard Card(string id, string programId, string? code, string customerId, string name, string? phone, decimal points, DateTimeOffset? asOf = null) => new()
    {
        Id = id,
        ProgramId = programId,
        Code = code,
        Customer = new Customer { Id = customerId, Name = name, Phone = phone, Email = name.ToLowerInvariant() + "@example.com" },
        Points = points,
        AsOf = asOf ?? ReadAt,
    };

    /// <summary>Programs 1 and 2 and two card holders: Layla (Gold, code NILE-7) and Omar (points, no code, a 3-digit phone).</summary>
    private static FakeCatalogConnector WithCards()
    {
        var connector = new FakeCatalogConnector();
        connector.Serve(string.Empty, Page("2", false) with
        {
            LoyaltyPrograms = [Points, Gold],
            LoyaltyCards =
            [
                Card("card-9", "2", " nile-7 ", "partner-9", "Layla", "+20 100 555 0101", 120m),
                Card("card-10", "1", null, "partner-10", "Omar", "123", 5m),
            ],
        });
        return connector;
    }

    [Fact]
    public async Task Pull_Cards_HolderFoundByCardCodeAndPhone_WithTheBackOfficePoints_EarningInTheCardsProgram()
    {
        using var till = new TestTill();
        var customers = new CustomerStore(till.Database);
        customers.Save(new Customer { Id = "local-1", Name = "Walk-in", LoyaltyCardCode = "NILE-7" }); // made at the till before the card came

        var report = await Puller(till, WithCards()).PullAsync(FakeCatalogConnector.Credentials, Token);

        Assert.True(report.Complete, report.Problem);
        Assert.Equal((2, 0), (report.LoyaltyCards, report.RemovedLoyaltyCards));
        var byCard = customers.FindCardByCode("Nile-7");
        Assert.Equal(("partner-9", "Layla", "nile-7", "2"), (byCard?.Customer.Id, byCard?.Customer.Name, byCard?.Customer.LoyaltyCardCode, byCard?.ProgramId));
        Assert.Equal("partner-9", customers.FindByPhone("01005550101")?.Id);
        Assert.Null(customers.FindById("local-1")!.LoyaltyCardCode); // the back office's card won the code
        Assert.Equal(new Customer { Id = "partner-10", Name = "Omar", Phone = "123", Email = "omar@example.com" }, customers.FindById("partner-10")); // kept, not findable by phone
        var loyalty = new LoyaltyService(till.Database, till.Options);
        Assert.Equal(new LoyaltyBalance("partner-9", "2", 120m, ReadAt, 0m, 0m), loyalty.Balance("partner-9", "2"));
        Assert.Equal(5m, loyalty.Balance("partner-10", "1").Available);

        till.Shifts.Open(TestTill.Cashier, 100m);
        var cart = till.Checkout.NewCart(TestTill.Cashier);
        loyalty.Attach(cart, byCard!);
        Assert.Equal(("2", "nile-7"), (cart.LoyaltyProgram?.Id, cart.Customer?.LoyaltyCardCode));
        loyalty.Attach(cart, customers.FindByPhone("01005550101")!); // by phone: the default program, where Layla has no card
        Assert.Equal("1", cart.LoyaltyProgram?.Id);
        Assert.Null(cart.Customer?.LoyaltyCardCode);

        // A code given at the till can no longer take the back office's card.
        var taken = Assert.Throws<ArgumentException>(() => customers.Save(new Customer { Id = "local-2", Name = "Other", LoyaltyCardCode = "NILE-7" }));
        Assert.Contains("already Layla's", taken.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pull_LaterPageWithNewPoints_ReplacesThemAndTheHoldersDetails()
    {
        using var till = new TestTill();
        var connector = WithCards();
        await Puller(till, connector).PullAsync(FakeCatalogConnector.Credentials, Token);
        var later = ReadAt.AddHours(3);
        connector.Serve("2", Page("3", false) with { LoyaltyCards = [Card("card-9", "2", "NILE-7", "partner-9", "Layla Hassan", "+20 100 555 0199", 340.5m, later)] });

        var report = await Puller(till, connector).PullAsync(FakeCatalogConnector.Credentials, Token);

        Assert.Equal(1, report.LoyaltyCards);
        var loyalty = new LoyaltyService(till.Database, till.Options);
        Assert.Equal((340.5m, later), (loyalty.Balance("partner-9", "2").Available, loyalty.Balance("partner-9", "2").BackOfficeAsOf));
        var customers = new CustomerStore(till.Database);
        Assert.Equal("Layla Hassan", customers.FindByCardCode("nile-7")?.Name);
        Assert.Equal("partner-9", customers.FindByPhone("01005550199")?.Id);
        Assert.Null(customers.FindByPhone("01005550101"));
        Assert.Equal(1, till.Database.Scalar<int>("SELECT COUNT(*) FROM LoyaltyCards WHERE CustomerId = 'partner-9'"));
    }

    [Fact]
    public async Task Pull_RemovedCard_IsNoLongerFoundByItsCode_TheCustomerStays()
    {
        using var till = new TestTill();
        var connector = WithCards();
        await Puller(till, connector).PullAsync(FakeCatalogConnector.Credentials, Token);
        connector.Serve("2", Page("3", false) with { RemovedLoyaltyCardIds = ["card-9", "card-unknown"] });

        var report = await Puller(till, connector).PullAsync(FakeCatalogConnector.Credentials, Token);

        Assert.True(report.Complete, report.Problem);
        Assert.Equal(2, report.RemovedLoyaltyCards);
        var customers = new CustomerStore(till.Database);
        Assert.Null(customers.FindByCardCode("NILE-7"));
        Assert.Equal("partner-9", customers.FindByPhone("01005550101")?.Id);
        // The deleted card's points are gone with it; the other card is untouched.
        var loyalty = new LoyaltyService(till.Database, till.Options);
        Assert.Equal(new LoyaltyBalance("partner-9", "2", 0m, null, 0m, 0m), loyalty.Balance("partner-9", "2"));
        Assert.Equal(5m, loyalty.Balance("partner-10", "1").Available);
    }

    [Fact]
    public async Task Pull_BadCardRow_RefusesThePageWhole_AndChangesNothing()
    {
        using var till = new TestTill();
        var connector = new FakeCatalogConnector();
        connector.Serve(string.Empty, Page("2", false, [Product("a")]) with
        {
            LoyaltyPrograms = [Points],
            LoyaltyCards =
            [
                Card("card-1", "1", "GOOD-1", "partner-1", "Good", "+20 100 000 0001", 10m),
                Card(" ", "1", "NO-ID", "partner-2", "No id", null, 1m),
                Card("card-3", "", "NO-PROGRAM", "partner-3", "No program", null, 1m),
                Card("card-4", "1", "NO-HOLDER", "", "No holder", null, 1m),
                Card("card-1", "1", "TWICE", "partner-1", "Good", null, 1m),
            ],
        });

        var report = await Puller(till, connector).PullAsync(FakeCatalogConnector.Credentials, Token);

        Assert.False(report.Complete);
        Assert.Equal(0, report.Pages);
        Assert.Contains("loyalty card ' ' id is empty", report.Problem, StringComparison.Ordinal);
        Assert.Contains("loyalty card 'card-3' program id is empty", report.Problem, StringComparison.Ordinal);
        Assert.Contains("loyalty card 'card-4' customer id is empty", report.Problem, StringComparison.Ordinal);
        Assert.Contains("loyalty card 'card-1' appears more than once", report.Problem, StringComparison.Ordinal);
        Assert.Null(Puller(till, connector).Cursor);
        Assert.Equal(report.Problem, Puller(till, connector).Problem);
        Assert.Null(new CustomerStore(till.Database).FindByCardCode("GOOD-1"));
        Assert.Null(new CustomerStore(till.Database).FindById("partner-1"));
        Assert.Equal(0, till.Database.Scalar<int>("SELECT COUNT(*) FROM LoyaltyBalances"));
        Assert.Null(till.Catalog.FindById("a"));
        Assert.Empty(till.Catalog.LoyaltyPrograms());
    }

    [Fact]
    public async Task Pull_CardsAsTheConnectorWritesThem_AreReadWithTheirHolder()
    {
        using var till = new TestTill();
        var connector = new FakeCatalogConnector();
        connector.ServeRaw(string.Empty, """{"products":[],"taxes":[],"categories":[],"loyaltyCards":[{"id":"7","programId":"1","code":"C-7","customer":{"id":"44","name":"Mona"},"points":12.5,"asOf":"2026-11-23T06:00:00Z"}],"nextCursor":"3","hasMore":false}""");

        var report = await Puller(till, connector).PullAsync(FakeCatalogConnector.Credentials, Token);

        Assert.True(report.Complete, report.Problem);
        Assert.Equal("Mona", new CustomerStore(till.Database).FindByCardCode("c-7")?.Name);
        Assert.Equal(12.5m, new LoyaltyService(till.Database, till.Options).Balance("44", "1").Available);
    }

    [Fact]
    public async Task Checkout_AfterPull_OffersOnlyTheBackOfficeMethods_CardUnavailableOffline()
    {
        using var till = new TestTill();
        await Puller(till, ThreePages()).PullAsync(FakeCatalogConnector.Credentials, Token);
        till.Shifts.Open(TestTill.Cashier, 100m);
        var cart = till.Checkout.NewCart(TestTill.Cashier);
        cart.Add(TestTill.Coffee);

        till.Network.IsOnline = false;
        var offline = till.Checkout.PaymentMethods();
        Assert.Equal([("cash", true), ("7", false)], offline.Select(o => (o.Method.Id, o.Available)));
        Assert.Contains("offline", offline[1].Reason, StringComparison.Ordinal);
        till.Network.IsOnline = true;

        var unknown = till.Checkout.PayByReference(cart, "instapay", "TX-1");
        var wrongKind = await till.Checkout.PayByTerminalAsync(cart, PaymentKind.Wallet, "7", cancellationToken: Token);
        cart.Customer = new Customer { Id = "cu1", Name = "Salma" };
        var noAccount = till.Checkout.PayLater(cart);
        cart.Customer = null;
        Assert.Equal((PaymentStatus.Refused, "Payment method 'instapay' is not offered at this till."), (unknown.Status, unknown.Message));
        Assert.Equal((PaymentStatus.Refused, "'Visa' is a Card method, not Wallet."), (wrongKind.Status, wrongKind.Message));
        Assert.Equal((PaymentStatus.Refused, "The back office offers no CustomerAccount payment method at this till."), (noAccount.Status, noAccount.Message));

        var card = await till.Checkout.PayByTerminalAsync(cart, PaymentKind.Card, "7", 20m, Token);
        var cash = till.Checkout.PayCash(cart, 100m);
        Assert.True(card.IsAccepted, card.Message);
        Assert.Equal("cash", cash.Payment?.MethodId);
        var sale = till.Checkout.Complete(cart).Sale!;
        Assert.Equal(["7", "cash"], sale.Payments.Select(p => p.MethodId));
    }

    [Fact]
    public async Task Checkout_PayCardByItsKind_TakesTheBackOfficesCardMethod_WhateverItsId()
    {
        using var till = new TestTill();
        await Puller(till, ThreePages()).PullAsync(FakeCatalogConnector.Credentials, Token);
        till.Shifts.Open(TestTill.Cashier, 100m);
        var cart = till.Checkout.NewCart(TestTill.Cashier);
        cart.Add(TestTill.Coffee);

        // As the till's "pay card" command asks: by the kind's name, not Odoo's id ("7").
        var card = await till.Checkout.PayByTerminalAsync(cart, PaymentKind.Card, "card", cancellationToken: Token);
        var wallet = await till.Checkout.PayByTerminalAsync(cart, PaymentKind.Wallet, "wallet", cancellationToken: Token);

        Assert.True(card.IsAccepted, card.Message);
        Assert.Equal("7", card.Payment?.MethodId);
        Assert.Equal((PaymentStatus.Refused, "The back office offers no Wallet payment method at this till."), (wallet.Status, wallet.Message));
        Assert.Equal(["7"], till.Checkout.Complete(cart).Sale!.Payments.Select(p => p.MethodId));
    }
}
