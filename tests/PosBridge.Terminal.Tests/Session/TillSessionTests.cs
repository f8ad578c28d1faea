using Microsoft.Extensions.Logging.Abstractions;
using PosBridge.Core.Loyalty;
using PosBridge.Core.Sales;
using PosBridge.Terminal.Customers;
using PosBridge.Terminal.Loyalty;
using PosBridge.Terminal.Nfc;
using PosBridge.Terminal.Screen;
using PosBridge.Terminal.Session;
using PosBridge.Terminal.Sync;
using PosBridge.Terminal.Tests.Sync;
using PosBridge.Till.Nfc;
using PosBridge.Till.Sync;

namespace PosBridge.Terminal.Tests.Session;

/// <summary>Scripted sessions run in-process on a test till; the output and the database are both checked.</summary>
public sealed class TillSessionTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Script_SellPayRefundAndClose_WritesEveryDocumentAndPrintsReports()
    {
        using var till = new TestTill();
        var (session, output) = Session(till);
        const string script = """
            # a morning at the counter
            open 500
            sell COF-1 2
            sell 036000291452 1 discount 10%
            cart
            pay card 50
            pay cash 200
            receipt last 32
            refund CAI1-T2-0001-000001 2:1 cash pin 4321 reason "wrong milk"
            x
            close 600
            """;

        var exit = await session.RunAsync(new StringReader(script), interactive: false, Token);

        var text = output.ToString();
        TestContext.Current.TestOutputHelper?.WriteLine(text);
        Assert.True(exit == 0, text);
        Assert.Contains("Sale CAI1-T2-0001-000001 saved: 135.03 EGP, change 114.97 EGP.", text, StringComparison.Ordinal);
        Assert.Contains("Refund CAI1-T2-0001-000002", text, StringComparison.Ordinal);
        Assert.Contains("X report (running)", text, StringComparison.Ordinal);
        Assert.Contains("Z report (closed)", text, StringComparison.Ordinal);
        Assert.Contains("PBS:", text, StringComparison.Ordinal);
        var sale = till.Sales.FindByNumber("CAI1-T2-0001-000001")!;
        Assert.Equal([(Core.Sales.PaymentKind.Card, 50m), (Core.Sales.PaymentKind.Cash, 85.03m)], sale.Payments.Select(p => (p.Kind, p.Amount)));
        Assert.Equal(10m, sale.Lines[1].DiscountPercent);
        var refund = Assert.Single(till.Sales.RefundsOf(sale.Id));
        Assert.Equal("wrong milk", refund.Note);
        Assert.Equal(-1m, Assert.Single(refund.Lines).Quantity);
        Assert.Null(till.Shifts.Current);
        Assert.Equal(3, new Outbox(till.Database, till.Clock).PendingCount); // sale, refund, shift close
    }

    [Fact]
    public async Task Script_OdooCatalogWithBadCheckDigitBarcode_SellsItAndXReportNamesMethods()
    {
        using var till = new TestTill();
        till.Catalog.Upsert(new Core.Catalog.PaymentMethod { Id = "9", Name = "نقدي الفرع", Kind = Core.Sales.PaymentKind.Cash });
        till.Catalog.Upsert(new Core.Catalog.Product { Id = "p8", Name = "عصير مانجو", Barcode = "6221234500005", Unit = "Units", ListPrice = 15m, Currency = "EGP", TaxIds = [] });
        var (session, output) = Session(till);
        const string script = """
            open 100
            sell 6221234500005
            pay cash 20
            x
            """;

        var exit = await session.RunAsync(new StringReader(script), interactive: false, Token);

        var text = output.ToString();
        TestContext.Current.TestOutputHelper?.WriteLine(text);
        Assert.True(exit == 0, text);
        Assert.Equal("6221234500005", Assert.Single(till.Sales.FindByNumber("CAI1-T2-0001-000001")!.Lines).Barcode);
        Assert.Contains("paid نقدي الفرع ×1: 15.00 EGP", text, StringComparison.Ordinal);
        Assert.DoesNotContain("paid 9", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sell COF-1", "No shift is open")]
    [InlineData("frobnicate", "'frobnicate' is not a command. Type 'help'")]
    [InlineData("open", "Missing the opening float. Type: open FLOAT")]
    [InlineData("open 12,5", "'12,5' is not the opening float")]
    [InlineData("open 100", "is already open; type 'close COUNTED' first")]
    [InlineData("sell", "Missing a barcode or SKU. Type: sell CODE")]
    [InlineData("sell NOPE-9", "No product has the barcode or SKU 'NOPE-9'")]
    [InlineData("sell COF-1 1.5", "is sold in whole Units")]
    [InlineData("sell COF-1 0", "A quantity must be above zero")]
    [InlineData("sell COF-1 1 discount 150%", "cannot be more than 100%")]
    [InlineData("sell COF-1 1 discount 999", "more than the line's")]
    [InlineData("sell MLK-1 1 discount 5%", "is already on line 1")]
    [InlineData("sell COF-1 2 3", "'3' is not understood here")]
    [InlineData("pay bitcoin", "'bitcoin' is not a way to pay")]
    [InlineData("pay cash", "Missing the cash tendered")]
    [InlineData("pay later", "Attach a customer before charging to an account. Type 'customer PHONE', 'customer card CODE' or 'customer tap' first.")]
    [InlineData("customer card NOPE", "No customer has the card 'NOPE': check it, or type 'customer add ID NAME card NOPE'")]
    [InlineData("customer card LOY-0042 extra", "'extra' is not understood here. Type: customer PHONE")]
    [InlineData("customer 0100999", "No customer has the phone '0100999' on this till. Type: customer PHONE")]
    [InlineData("customer tap 5", "This till has no NFC reader; type or scan the card code instead. Type 'customer card CODE'")]
    [InlineData("customer tap 0", "above zero")]
    [InlineData("customer none", "No customer is on this sale, so there is none to take off.")]
    [InlineData("customer add", "Missing the customer's id. Type: customer add ID NAME")]
    [InlineData("customer add cu2", "Missing the customer's name")]
    [InlineData("customer add \"\" Omar", "A customer needs an id. Type: customer add")]
    [InlineData("customer add cu2 Omar card loy-0042", "The card loy-0042 is already Salma's (cu1). Type: customer add")]
    [InlineData("customer add cu2 Omar tag 04:a2:b3:c4", "The tag 04A2B3C4 is already Salma's (cu1).")]
    [InlineData("customer add cu2 Omar tag XYZ", "'XYZ' is not a tag UID (hex).")]
    [InlineData("customer add cu2 Omar phone 123", "'123' is not a phone number: give at least 6 digits.")]
    [InlineData("customer add cu2 Omar email omar", "'omar' is not an e-mail address")]
    [InlineData("customer add cu2 Omar nickname O", "'nickname' is not understood here. Type: customer add")]
    [InlineData("points", "No customer is on this sale. Type 'customer PHONE'")]
    [InlineData("reward", "Missing the reward's id. Type: reward ID")]
    [InlineData("reward r1", "Attach the customer first: points are spent from their card. Type 'customer PHONE'")]
    [InlineData("reward none", "No reward is on this sale")]
    [InlineData("qty 9 1", "'9' is not a line of the cart (1 to 1)")]
    [InlineData("remove x", "'x' is not a line of the cart")]
    [InlineData("discount 5", "An order discount is a percentage")]
    [InlineData("refund", "Missing the receipt number or code")]
    [InlineData("refund CAI1-T2-0001-000001 pin 0000", "That PIN is not a manager's")]
    [InlineData("refund CAI1-T2-0001-000001", "needs a manager's PIN")]
    [InlineData("refund CAI1-T2-0001-000001 one pin 4321", "'one' is not LINE:QTY")]
    [InlineData("refund NOPE pin 4321", "No sale 'NOPE' on this till")]
    [InlineData("receipt NOPE", "No sale 'NOPE' on this till")]
    [InlineData("receipt last escpos /nonexistent-dir/r.bin", "Could not write")]
    [InlineData("sync", "not paired")]
    [InlineData("pair ABCDE-FGHJK", "No connector address is known")]
    [InlineData("pair ABCDE-FGHJK ftp://x", "is not a connector address")]
    [InlineData("z", "type 'z SHIFT-ID'")]
    [InlineData("cash sideways 5 x", "Say whether cash goes in or out")]
    [InlineData("void", "A void needs a reason")]
    [InlineData("network maybe", "Type: network on | network off")]
    [InlineData("sell \"COF-1", "A quote is not closed")]
    public async Task Command_BadOrRefused_SaysWhatToTypeAndChangesNothing(string line, string expected)
    {
        using var till = new TestTill();
        var (session, output) = Session(till);
        AddLoyalty(till);
        if (line != "sell COF-1")
        {
            // Every other command is tried on a till with an open shift, a stored sale and a cart in progress.
            Assert.Equal(CommandOutcome.Done, await session.ExecuteAsync("open 500", Token));
            Assert.Equal(CommandOutcome.Done, await session.ExecuteAsync("sell COF-1", Token));
            Assert.Equal(CommandOutcome.Done, await session.ExecuteAsync("pay cash 100", Token));
            Assert.Equal(CommandOutcome.Done, await session.ExecuteAsync("sell MLK-1", Token));
        }

        var before = State(till, session);
        output.GetStringBuilder().Clear();

        var outcome = await session.ExecuteAsync(line, Token);

        Assert.Equal(CommandOutcome.Refused, outcome);
        Assert.StartsWith("error: ", output.ToString(), StringComparison.Ordinal);
        Assert.Contains(expected, output.ToString(), StringComparison.Ordinal);
        Assert.Equal(before, State(till, session));
    }

    [Theory]
    [InlineData("", "reward nope", "'Café points' has no reward 'nope'. Type 'points' for the rewards")]
    [InlineData("", "reward r1", "Salma has 0 points here; this reward needs 100.")]
    [InlineData("", "reward r1 abc", "'abc' is not understood here. Type: reward ID")]
    [InlineData("", "pay later 999", "999 is not between zero and the 57.00 still to pay.")]
    [InlineData("", "customer tap 5", "This till has no NFC reader")]
    [InlineData("pay cash 20", "customer none", "Payment has started on this cart")]
    [InlineData("pay cash 20", "customer card LOY-0042", "Payment has started on this cart")]
    [InlineData("pay later 20", "reward r1", "Payment has started on this cart")]
    [InlineData("pay later 20", "pay later 40", "40 is not between zero and the 37.00 still to pay.")]
    public async Task CustomerCommand_RefusedWithACustomerAttached_SaysWhyAndChangesNothing(string setup, string line, string expected)
    {
        using var till = new TestTill();
        var (session, output) = Session(till);
        AddLoyalty(till);
        foreach (var command in new[] { "open 500", "customer card LOY-0042", "sell COF-1", setup }.Where(c => c.Length > 0))
        {
            Assert.Equal(CommandOutcome.Done, await session.ExecuteAsync(command, Token));
        }

        var before = State(till, session);
        output.GetStringBuilder().Clear();

        var outcome = await session.ExecuteAsync(line, Token);

        Assert.Equal(CommandOutcome.Refused, outcome);
        Assert.StartsWith("error: ", output.ToString(), StringComparison.Ordinal);
        Assert.Contains(expected, output.ToString(), StringComparison.Ordinal);
        Assert.Equal(before, State(till, session));
        Assert.Equal("cu1", session.Cart?.Customer?.Id);
    }

    /// <summary>
    /// Coffee is 57.00 with VAT; the program gives 1 point per EGP, tax included, and 10 % off for 100 points.
    /// Salma earns on a first sale (attached by her card), Omar pays part later (attached by tapping his tag),
    /// then Salma spends points on the 10 % and puts the rest on her account.
    /// </summary>
    [Fact]
    public async Task Script_CustomersByCardAndTap_EarnSpendAndPayLater_OnTheStoredSales()
    {
        using var till = new TestTill();
        var nfc = new ScriptedNfcReader(till.Clock);
        var (session, output) = Session(till, nfc: nfc);
        till.Catalog.Upsert(CafePoints);
        nfc.Present("04:D1:E2:F3");
        const string script = """
            open 500
            customer add cu1 Salma phone "+20 100 123 4567" card LOY-0042 email salma@example.com
            customer add cu2 "Omar Nabil" phone 01005556677 tag 04d1e2f3
            customer card loy-0042
            sell COF-1 2
            points
            pay cash 120
            customer tap 5
            sell COF-1
            cart
            pay later 20
            pay cash 40
            customer +201001234567
            sell COF-1 2
            reward r1
            points
            pay later
            receipt last 48
            x
            """;

        var exit = await session.RunAsync(new StringReader(script), interactive: false, Token);

        var text = output.ToString();
        TestContext.Current.TestOutputHelper?.WriteLine(text);
        Assert.True(exit == 0, text);
        Assert.Contains("Customer cu1 (Salma) added.", text, StringComparison.Ordinal);
        Assert.Contains("Customer Salma (cu1) is on this sale: 0 points in Café points.", text, StringComparison.Ordinal);
        Assert.Contains("This sale earns 114 points.", text, StringComparison.Ordinal);
        Assert.Contains("  reward r1: 10 % off, 100 points (needs 100 more)", text, StringComparison.Ordinal);
        Assert.Contains("Salma: 114 points earned.", text, StringComparison.Ordinal);
        Assert.Contains("Customer Omar Nabil (cu2) is on this sale: 0 points in Café points.", text, StringComparison.Ordinal);
        Assert.Contains("Customer Omar Nabil (cu2), earning 57 points", text, StringComparison.Ordinal);
        Assert.Contains("Still to pay: 37.00 EGP.", text, StringComparison.Ordinal);
        Assert.Contains("Customer Salma (cu1) is on this sale: 114 points in Café points.", text, StringComparison.Ordinal);
        Assert.Contains("10 % off: 11.40 off for 100 points.", text, StringComparison.Ordinal);
        Assert.Contains("  reward r1: 10 % off, 100 points (on this sale)", text, StringComparison.Ordinal);
        Assert.Contains("This sale earns 102.6 points and spends 100 on 10 % off.", text, StringComparison.Ordinal);
        Assert.Contains("Salma: 102.6 points earned, 100 spent.", text, StringComparison.Ordinal);
        Assert.Contains("Customer", text[text.LastIndexOf("> receipt", StringComparison.Ordinal)..], StringComparison.Ordinal);
        Assert.Contains("Points earned", text, StringComparison.Ordinal);
        Assert.Contains("Points spent", text, StringComparison.Ordinal);
        Assert.Contains("paid Customer account ×2: 122.60 EGP", text, StringComparison.Ordinal);

        var first = till.Sales.FindByNumber("CAI1-T2-0001-000001")!;
        var second = till.Sales.FindByNumber("CAI1-T2-0001-000002")!;
        var third = till.Sales.FindByNumber("CAI1-T2-0001-000003")!;
        Assert.Equal(("cu1", "LOY-0042"), (first.Customer?.Id, first.Customer?.LoyaltyCardCode));
        Assert.Equal(new LoyaltyPoints { ProgramId = "cp", Earned = 114m, Spent = 0m }, first.Loyalty);
        Assert.Equal("cu2", second.Customer?.Id);
        Assert.Equal(new LoyaltyPoints { ProgramId = "cp", Earned = 57m, Spent = 0m }, second.Loyalty);
        Assert.Equal([(PaymentKind.CustomerAccount, 20m), (PaymentKind.Cash, 37m)], second.Payments.Select(p => (p.Kind, p.Amount)));
        Assert.Equal("cu1", third.Customer?.Id);
        Assert.Equal(new LoyaltyPoints { ProgramId = "cp", Earned = 102.6m, Spent = 100m }, third.Loyalty);
        Assert.Equal(102.6m, third.Totals.AmountDue);
        Assert.Equal([(PaymentKind.CustomerAccount, 102.6m)], third.Payments.Select(p => (p.Kind, p.Amount)));
        Assert.True(third.Validate().IsValid);

        var loyalty = new LoyaltyService(till.Database, till.Options);
        Assert.Equal(116.6m, loyalty.Balance("cu1", "cp").Available);
        Assert.Equal(57m, loyalty.Balance("cu2", "cp").Available);
        Assert.Equal(3, till.Database.Scalar<int>("SELECT COUNT(*) FROM LoyaltyMoves"));
        var customers = new CustomerStore(till.Database);
        Assert.Equal(new Customer { Id = "cu1", Name = "Salma", Phone = "+20 100 123 4567", Email = "salma@example.com", LoyaltyCardCode = "LOY-0042" }, customers.FindById("cu1"));
        Assert.Equal("cu2", customers.FindByNfcTag("04D1E2F3")?.Id);
        Assert.Equal(3, new Outbox(till.Database, till.Clock).PendingCount);
    }

    [Fact]
    public async Task CustomerCard_OfAPulledBackOfficeCard_EarnsInTheCardsProgram_FromTheBackOfficePoints()
    {
        using var till = new TestTill();
        AddLoyalty(till);
        var gold = new LoyaltyProgram { Id = "gold", Name = "Gold club", Kind = "loyalty", Rules = [new LoyaltyRule { Id = "g1", PointMode = LoyaltyPointMode.PerOrder, Points = 5m }], Rewards = [] };
        var connector = new FakeCatalogConnector();
        connector.Serve(string.Empty, new PosBridge.Core.Catalog.CatalogChanges
        {
            Products = [],
            Taxes = [],
            Categories = [],
            LoyaltyPrograms = [gold],
            LoyaltyCards =
            [
                new LoyaltyCard { Id = "9", ProgramId = "gold", Code = "GOLD-9", Customer = new Customer { Id = "partner-9", Name = "Layla" }, Points = 40m, AsOf = till.Clock.GetUtcNow().AddHours(-1) },
            ],
            NextCursor = "1",
        });
        var pulled = await new CatalogPuller(till.Database, till.Options, new ConnectorClient(connector.Client(), till.Clock), till.Clock, till.Logs.For<CatalogPuller>()).PullAsync(FakeCatalogConnector.Credentials, Token);
        Assert.True(pulled.Complete, pulled.Problem);
        var (session, output) = Session(till);

        var exit = await session.RunAsync(new StringReader("open 500\nsell COF-1\ncustomer card gold-9\npay cash 100\n"), interactive: false, Token);

        var text = output.ToString();
        Assert.True(exit == 0, text);
        Assert.Contains("Customer Layla (partner-9) is on this sale: 40 points in Gold club", text, StringComparison.Ordinal);
        var sale = till.Sales.FindByNumber("CAI1-T2-0001-000001")!;
        Assert.Equal(("partner-9", "GOLD-9"), (sale.Customer?.Id, sale.Customer?.LoyaltyCardCode));
        Assert.Equal(new LoyaltyPoints { ProgramId = "gold", Earned = 5m, Spent = 0m }, sale.Loyalty);
        Assert.Equal(45m, new LoyaltyService(till.Database, till.Options).Balance("partner-9", "gold").Available);
    }

    [Fact]
    public async Task Customer_DetachAndRewardNone_PutTheCartBack()
    {
        using var till = new TestTill();
        var (session, output) = Session(till);
        AddLoyalty(till);
        new LoyaltyService(till.Database, till.Options).SetBackOfficeBalance("cu1", "cp", 150m, till.Clock.GetUtcNow());
        till.Clock.Advance(TimeSpan.FromMinutes(1));

        var exit = await session.RunAsync(new StringReader("open 500\nsell COF-1 2\ndiscount 5%\ncustomer card LOY-0042\nreward r1\nreward none\nreward r1\ncustomer none\npay cash 200\n"), interactive: false, Token);

        var text = output.ToString();
        Assert.True(exit == 0, text);
        Assert.Contains("Customer Salma (cu1) is on this sale: 150 points in Café points, this sale earns 108.3.", text, StringComparison.Ordinal);
        Assert.Contains("The reward 10 % off was taken off; no points are spent.", text, StringComparison.Ordinal);
        Assert.Contains("Salma taken off this sale; the reward 10 % off was taken off too.", text, StringComparison.Ordinal);
        var sale = till.Sales.FindByNumber("CAI1-T2-0001-000001")!;
        Assert.Null(sale.Customer);
        Assert.Null(sale.Loyalty);
        Assert.Equal(108.3m, sale.Totals.AmountDue); // 114 less the 5 % order discount, the reward's 10 % gone
        Assert.Equal(150m, new LoyaltyService(till.Database, till.Options).Balance("cu1", "cp").Available);
    }

    [Fact]
    public async Task Script_RefusedLine_StopsTheScriptWithExitCodeOne()
    {
        using var till = new TestTill();
        var (session, output) = Session(till);

        var exit = await session.RunAsync(new StringReader("open 500\nsell NOPE\nsell COF-1\n"), interactive: false, Token);

        Assert.Equal(1, exit);
        Assert.Contains("The script stopped at line 2.", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, till.Sales.Count());
    }

    [Fact]
    public async Task Interactive_RefusedLine_GoesOnWithTheNext()
    {
        using var till = new TestTill();
        var (session, output) = Session(till);

        var exit = await session.RunAsync(new StringReader("open 500\nsell NOPE\nsell COF-1\npay cash 60\nquit\nsell COF-1\n"), interactive: true, Token);

        Assert.Equal(0, exit);
        Assert.Contains("till> ", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, till.Sales.Count());
    }

    [Fact]
    public async Task Receipt_EscPos_WritesPrinterBytesToTheFile()
    {
        using var till = new TestTill();
        var (session, output) = Session(till);
        var file = Path.Combine(till.Directory, "receipt.bin");

        var exit = await session.RunAsync(new StringReader($"open 500\nsell COF-1\npay cash 57\nreceipt CAI1-T2-0001-000001 32 escpos {file}\n"), interactive: false, Token);

        Assert.True(exit == 0, output.ToString());
        var bytes = await File.ReadAllBytesAsync(file, Token);
        Assert.Equal([0x1B, 0x40], bytes[..2]); // ESC @: initialise
        Assert.Equal([0x1D, 0x56, 66, 3], bytes[^4..]); // GS V 66 3: feed and cut
    }

    [Fact]
    public async Task Card_WhileNetworkOff_IsRefusedAndCashStillWorks()
    {
        using var till = new TestTill();
        var (session, output) = Session(till);

        var exit = await session.RunAsync(new StringReader("open 500\nnetwork off\nsell COF-1\npay card\n"), interactive: false, Token);

        Assert.Equal(1, exit);
        Assert.Contains("the till is offline", output.ToString(), StringComparison.Ordinal);
        Assert.Empty(till.Terminal.Requests);
        Assert.Equal(CommandOutcome.Done, await session.ExecuteAsync("pay cash 57", Token));
        Assert.Equal(1, till.Sales.Count());
    }

    /// <summary>Pairing by NFC tap against the real connector, then sync and status from the session.</summary>
    [Fact]
    public async Task PairTap_PairingTagOfTheConnector_PairsThenSyncUploadsEverySale()
    {
        using var connector = await ConnectorProcess.StartAsync(Token);
        using var till = new TestTill();
        var nfc = new ScriptedNfcReader(till.Clock);
        var (session, output) = Session(till, nfc: nfc);
        var code = await connector.PairingCodeAsync("CAI1", "T2", Token);
        nfc.Present(new NfcTag([0x04, 0xA2, 0x11, 0x7C], [new PairingTag(connector.Http.BaseAddress!, code).ToRecord()]));

        var exit = await session.RunAsync(new StringReader("open 500\nsell COF-1\npay cash 57\nsell MLK-1\npay cash 30\npair tap 5\nsync\nstatus\n"), interactive: false, Token);

        var text = output.ToString();
        Assert.True(exit == 0, text);
        Assert.Contains("as till T2 of store CAI1", text, StringComparison.Ordinal);
        Assert.Contains("Sent 2, rejected 0, waiting 0.", text, StringComparison.Ordinal);
        Assert.Contains("Waiting to upload: 0", text, StringComparison.Ordinal);
        Assert.Contains("circuit Closed", text, StringComparison.Ordinal);
        Assert.Equal(2, new Outbox(till.Database, till.Clock).SentCount);
        // After the sales, sync pulled the catalog (empty here: the connector has no back office) and kept its cursor.
        Assert.Contains("Catalog: 0 products (0 taken off sale), 0 taxes, 0 payment methods, 0 loyalty programs, 0 loyalty cards changed (0 cards removed).", text, StringComparison.Ordinal);
        Assert.NotNull(till.Database.GetSetting("catalog.cursor"));

        // The same tag again: its code was used once and is worth nothing now; nothing changes on the till.
        nfc.Present(new NfcTag([0x04, 0xA2, 0x11, 0x7C], [new PairingTag(connector.Http.BaseAddress!, code).ToRecord()]));
        Assert.Equal(CommandOutcome.Refused, await session.ExecuteAsync("pair tap 5", Token));
        Assert.Contains("Pairing refused", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PairTap_TagWithoutPairingRecord_IsRefusedNamingTheTag()
    {
        using var till = new TestTill();
        var nfc = new ScriptedNfcReader(till.Clock);
        var (session, output) = Session(till, nfc: nfc);
        nfc.Present("04A2117C");

        Assert.Equal(CommandOutcome.Refused, await session.ExecuteAsync("pair tap 5", Token));

        Assert.Contains("The tag 04A2117C carries no NDEF record: it is not a pairing tag.", output.ToString(), StringComparison.Ordinal);
        Assert.Null(till.Database.GetSetting("sync.credentials"));
    }

    private static readonly LoyaltyProgram CafePoints = new()
    {
        Id = "cp",
        Name = "Café points",
        Kind = "loyalty",
        Rules = [new LoyaltyRule { Id = "1", PointMode = LoyaltyPointMode.PerCurrencyUnit, Points = 1m }],
        Rewards = [new LoyaltyReward { Id = "r1", Kind = LoyaltyRewardKind.Discount, Description = "10 % off", RequiredPoints = 100m, Discount = 10m, DiscountMode = LoyaltyDiscountMode.Percent }],
    };

    /// <summary>A pulled program (through the engine's catalog store) and Salma, card LOY-0042, tag 04A2B3C4.</summary>
    private static void AddLoyalty(TestTill till)
    {
        till.Catalog.Upsert(CafePoints);
        new CustomerStore(till.Database).Save(new Customer { Id = "cu1", Name = "Salma", Phone = "+20 100 123 4567", LoyaltyCardCode = "LOY-0042" }, "04A2B3C4");
    }

    internal static (TillSession Session, StringWriter Output) Session(TestTill till, PosBridge.Till.Payments.IPaymentTerminal? terminal = null, INfcReader? nfc = null)
    {
        var output = new StringWriter();
        var settings = new ScreenOptions { CashierId = "c1", CashierName = "Mona" };
        settings.Managers.Add(new ManagerOptions { Id = "m1", Name = "Karim", Pin = "4321" });
        var session = new TillSession(till.Database, till.Options, settings, terminal ?? till.Terminal, nfc ?? new UnavailableNfcReader(), till.Clock, NullLoggerFactory.Instance, output);
        return (session, output);
    }

    private static string State(TestTill till, TillSession session) =>
        string.Join(
            "|",
            till.Database.Scalar<int>("SELECT COUNT(*) FROM Sales"),
            till.Database.Scalar<int>("SELECT COUNT(*) FROM Outbox"),
            till.Database.Scalar<int>("SELECT COUNT(*) FROM Shifts"),
            till.Database.Scalar<int>("SELECT COUNT(*) FROM Shifts WHERE ClosedAtUtc IS NULL"),
            till.Database.Scalar<int>("SELECT COUNT(*) FROM CashMovements"),
            till.Database.Scalar<int>("SELECT COUNT(*) FROM Settings"),
            till.Database.Scalar<int>("SELECT COUNT(*) FROM LoyaltyMoves"),
            till.Database.Scalar<string>("SELECT group_concat(Id || ':' || ifnull(Name, '') || ':' || ifnull(Phone, '') || ':' || ifnull(Email, '') || ':' || ifnull(CardCode, '') || ':' || ifnull(NfcTagId, ''), ';') FROM Customers"),
            session.Cart?.Customer?.Id,
            session.Cart?.Reward?.RewardId,
            string.Join(",", session.Cart?.Payments.Select(p => $"{p.Kind}:{p.Amount}") ?? []),
            string.Join(",", session.Cart?.Lines.Select(l => $"{l.Product.Id}x{l.Quantity}-{l.DiscountPercent}") ?? []),
            session.Cart?.OrderDiscountPercent,
            session.Cart?.Payments.Count);
}
