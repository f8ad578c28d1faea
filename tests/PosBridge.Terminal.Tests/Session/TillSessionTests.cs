using Microsoft.Extensions.Logging.Abstractions;
using PosBridge.Terminal.Nfc;
using PosBridge.Terminal.Screen;
using PosBridge.Terminal.Session;
using PosBridge.Terminal.Sync;
using PosBridge.Terminal.Tests.Sync;

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
    [InlineData("pay later", "cannot attach a customer")]
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

    internal static (TillSession Session, StringWriter Output) Session(TestTill till, PosBridge.Terminal.Payments.IPaymentTerminal? terminal = null, INfcReader? nfc = null)
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
            string.Join(",", session.Cart?.Lines.Select(l => $"{l.Product.Id}x{l.Quantity}-{l.DiscountPercent}") ?? []),
            session.Cart?.OrderDiscountPercent,
            session.Cart?.Payments.Count);
}
