using PosBridge.Core.Amounts;
using PosBridge.Core.Sales;
using PosBridge.Terminal.Refunds;
using PosBridge.Terminal.Sync;
using PosBridge.Terminal.Tests.Sync;
using PosBridge.Till.Payments;
using PosBridge.Till.Receipts;
using PosBridge.Till.Refunds;
using PosBridge.Till.Sales;
using PosBridge.Till.Sync;

namespace PosBridge.Terminal.Tests.Refunds;

public sealed class RefundServiceTests
{
    private static readonly Cashier Manager = new() { Id = "m1", Name = "Karim" };

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FindSale_ByPrintedNumberOrScannedCode_FindsTheSameSale()
    {
        using var till = new TestTill();
        var sale = till.SellForCash();

        var byNumber = await till.Refunds.FindSaleAsync(" " + sale.SaleNumber + " ", Token);
        var byCode = await till.Refunds.FindSaleAsync(ReceiptCode.For(sale.Id), Token);
        var byLowerCaseCode = await till.Refunds.FindSaleAsync(ReceiptCode.For(sale.Id).ToLowerInvariant(), Token);

        Assert.Equal(sale.Id, byNumber!.Id);
        Assert.Equal(sale.Id, byCode!.Id);
        Assert.Equal(sale.Id, byLowerCaseCode!.Id);
        Assert.Null(await till.Refunds.FindSaleAsync("CAI1-T2-0001-999999", Token));
        Assert.Null(await till.Refunds.FindSaleAsync(ReceiptCode.For(Guid.CreateVersion7(till.Clock.GetUtcNow())), Token));
    }

    [Fact]
    public async Task Refund_WithoutRefundPermission_IsNotAllowedAndWritesNothing()
    {
        using var till = new TestTill();
        var sale = till.SellForCash();

        var result = await till.Refunds.RefundAsync(Request(sale, TillPermissions.OverridePrice), Token);

        Assert.Equal(RefundStatus.NotAllowed, result.Status);
        Assert.Contains("manager", result.Message, StringComparison.Ordinal);
        Assert.Equal(1, till.Sales.Count());
        Assert.False(RefundService.CanRefund(TillPermissions.OverridePrice | TillPermissions.ManageShift));
        Assert.True(RefundService.CanRefund(TillPermissions.Refund));
    }

    [Fact]
    public async Task Refund_OneOfTwoCoffees_WritesNegativeRefundDocumentWithOutboxRow()
    {
        using var till = new TestTill();
        var sale = till.SellForCash(); // line 1: coffee ×2 (114.00), line 2: milk (23.37)

        var result = await till.Refunds.RefundAsync(Request(sale, lines: [new RefundLineRequest(1, 1m)], reason: "Spilled"), Token);

        Assert.True(result.IsRefunded, result.Message);
        var refund = result.Refund!;
        Assert.True(refund.IsRefund);
        Assert.Equal(new RefundOf { SaleId = sale.Id, SaleNumber = sale.SaleNumber }, refund.RefundOf);
        var line = Assert.Single(refund.Lines);
        Assert.Equal((-1m, 1, "p1"), (line.Quantity, line.RefundOfLine, line.ProductId));
        Assert.Equal(-57m, refund.Totals.AmountDue);
        Assert.Equal(-7m, refund.Totals.Tax);
        var cash = Assert.Single(refund.Payments);
        Assert.Equal((PaymentKind.Cash, -57m), (cash.Kind, cash.Amount));
        Assert.Equal("Spilled", refund.Note);
        Assert.Equal(Manager, refund.Cashier);
        Assert.Equal("CAI1-T2-0001-000002", refund.SaleNumber);

        // Stored like a sale, valid against its original, and waiting in the outbox to upload.
        Assert.True(refund.Validate(new RefundHistory(sale, [])).IsValid);
        Assert.Equal(refund, till.Sales.FindById(refund.Id)! with { Taxes = refund.Taxes, Lines = refund.Lines, Payments = refund.Payments, Totals = refund.Totals });
        Assert.Equal(2, new Outbox(till.Database, till.Clock).PendingCount);

        var left = await till.Refunds.RefundableLinesAsync(sale.Id, Token);
        Assert.Equal([(1, 2m, 1m, 1m), (2, 1m, 0m, 1m)], left.Select(l => (l.LineNumber, l.Sold, l.Refunded, l.Left)));
    }

    [Fact]
    public async Task Refund_MoreThanLeftAfterEarlierRefund_IsRefusedAndWritesNothing()
    {
        using var till = new TestTill();
        var sale = till.SellForCash();
        Assert.True((await till.Refunds.RefundAsync(Request(sale, lines: [new RefundLineRequest(1, 1m)]), Token)).IsRefunded);

        var result = await till.Refunds.RefundAsync(Request(sale, lines: [new RefundLineRequest(1, 2m)]), Token);

        Assert.Equal(RefundStatus.Invalid, result.Status);
        var error = Assert.Single(result.Errors!);
        Assert.Equal("lines[0].quantity", error.Field);
        Assert.Contains("2 were sold, 1 already refunded, 1 left", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, till.Sales.Count());
    }

    [Theory]
    [InlineData(3, 1)]
    [InlineData(1, 0)]
    [InlineData(1, -1)]
    public async Task Refund_UnknownLineOrNonPositiveQuantity_IsRefused(int lineNumber, int quantity)
    {
        using var till = new TestTill();
        var sale = till.SellForCash();

        var result = await till.Refunds.RefundAsync(Request(sale, lines: [new RefundLineRequest(lineNumber, quantity)]), Token);

        Assert.Equal(RefundStatus.Invalid, result.Status);
        Assert.Equal(1, till.Sales.Count());
    }

    [Fact]
    public async Task Refund_Everything_MirrorsTheOriginalAndASecondFullRefundIsRefused()
    {
        using var till = new TestTill();
        var sale = till.SellForCash();

        var first = await till.Refunds.RefundAsync(Request(sale), Token);
        var second = await till.Refunds.RefundAsync(Request(sale), Token);

        Assert.True(first.IsRefunded, first.Message);
        Assert.Equal(-sale.Totals.AmountDue, first.Refund!.Totals.AmountDue);
        Assert.Equal(-sale.Totals.Tax, first.Refund.Totals.Tax);
        Assert.Equal(RefundStatus.Invalid, second.Status);
        Assert.Contains("already refunded", second.Message, StringComparison.Ordinal);
        Assert.All(await till.Refunds.RefundableLinesAsync(sale.Id, Token), l => Assert.Equal(0m, l.Left));
    }

    [Fact]
    public async Task Refund_OfARefund_IsRefusedPointingAtTheOriginal()
    {
        using var till = new TestTill();
        var sale = till.SellForCash();
        var refund = (await till.Refunds.RefundAsync(Request(sale), Token)).Refund!;

        var result = await till.Refunds.RefundAsync(Request(refund), Token);

        Assert.Equal(RefundStatus.NotFound, result.Status);
        Assert.Contains(sale.SaleNumber, result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refund_CardSale_GoesBackThroughProviderByOriginalReference()
    {
        using var till = new TestTill();
        var sale = await SellByCardAsync(till); // coffee 57.00, SIM-00000001

        var result = await till.Refunds.RefundAsync(Request(sale), Token);

        Assert.True(result.IsRefunded, result.Message);
        var (operation, reference, request) = Assert.Single(till.Terminal.Reversals);
        Assert.Equal(("refund", "SIM-00000001", 57m, PaymentKind.Card), (operation, reference, request.Amount, request.Kind));
        var payment = Assert.Single(result.Refund!.Payments);
        Assert.Equal((PaymentKind.Card, -57m, "SIM-00000001"), (payment.Kind, payment.Amount, payment.Reference));
        Assert.Equal("SIM-00000002", payment.Card!.ProviderReference);
        Assert.Equal("4242", payment.Card.Last4);
        Assert.Equal(["SIM-00000002"], result.ProviderReferences);
    }

    [Fact]
    public async Task Refund_CardSaleWhileOffline_IsRefusedUnlessPaidBackInCash()
    {
        using var till = new TestTill();
        var sale = await SellByCardAsync(till);
        till.Network.IsOnline = false;

        var byCard = await till.Refunds.RefundAsync(Request(sale), Token);
        var byCash = await till.Refunds.RefundAsync(Request(sale) with { Payout = RefundPayout.Cash }, Token);

        Assert.Equal(RefundStatus.Refused, byCard.Status);
        Assert.Contains("offline", byCard.Message, StringComparison.Ordinal);
        Assert.True(byCash.IsRefunded, byCash.Message);
        Assert.Equal((PaymentKind.Cash, -57m), (byCash.Refund!.Payments[0].Kind, byCash.Refund.Payments[0].Amount));
        Assert.Empty(till.Terminal.Reversals);
    }

    [Fact]
    public async Task Refund_ProviderDeclines_RecordsNothing()
    {
        using var till = new TestTill();
        var sale = await SellByCardAsync(till);
        till.Terminal.Script(SimulatedAnswer.Decline);

        var result = await till.Refunds.RefundAsync(Request(sale), Token);

        Assert.Equal(RefundStatus.PaymentFailed, result.Status);
        Assert.Equal(1, till.Sales.Count());
        Assert.Equal(1m, (await till.Refunds.RefundableLinesAsync(sale.Id, Token))[0].Left);
    }

    [Fact]
    public async Task Refund_SplitTenderInParts_CardGivenBackFirstThenCash()
    {
        using var till = new TestTill();
        till.Shifts.Open(TestTill.Cashier, 100m);
        var cart = till.Checkout.NewCart(TestTill.Cashier);
        cart.Add(TestTill.Coffee, 2); // 114.00
        Assert.True((await till.Checkout.PayByTerminalAsync(cart, PaymentKind.Card, "card", 80m, Token)).IsAccepted);
        Assert.True(till.Checkout.PayCash(cart, 50m).IsAccepted); // 34 kept, 16 change
        var sale = till.Checkout.Complete(cart).Sale!;

        var first = await till.Refunds.RefundAsync(Request(sale, lines: [new RefundLineRequest(1, 1m)]), Token);
        var second = await till.Refunds.RefundAsync(Request(sale, lines: [new RefundLineRequest(1, 1m)]), Token);

        Assert.Equal([(PaymentKind.Card, -57m)], first.Refund!.Payments.Select(p => (p.Kind, p.Amount)));
        Assert.Equal([(PaymentKind.Card, -23m), (PaymentKind.Cash, -34m)], second.Refund!.Payments.Select(p => (p.Kind, p.Amount)));
        Assert.Equal([57m, 23m], till.Terminal.Reversals.Select(r => r.Request.Amount));
        Assert.All(till.Terminal.Reversals, r => Assert.Equal(sale.Payments[0].Card!.ProviderReference, r.ProviderReference));

        var x = till.Shifts.XReport();
        Assert.Equal(-34m, x.CashRefunded);
        Assert.Equal(100m, x.ExpectedCash); // float 100 + cash kept 34 − cash refunded 34
    }

    [Fact]
    public async Task Refund_QrPaidSale_NeedsTheTransferReference()
    {
        using var till = new TestTill();
        till.Shifts.Open(TestTill.Cashier, 0m);
        var cart = till.Checkout.NewCart(TestTill.Cashier);
        cart.Add(TestTill.Coffee);
        till.Checkout.PayByReference(cart, "instapay", "IP-1");
        var sale = till.Checkout.Complete(cart).Sale!;

        var without = await till.Refunds.RefundAsync(Request(sale), Token);
        var with = await till.Refunds.RefundAsync(Request(sale) with { TransferReference = "IP-BACK-9" }, Token);

        Assert.Equal(RefundStatus.Refused, without.Status);
        var payment = Assert.Single(with.Refund!.Payments);
        Assert.Equal(("instapay", PaymentKind.Qr, -57m, "IP-BACK-9"), (payment.MethodId, payment.Kind, payment.Amount, payment.Reference));
    }

    [Fact]
    public async Task Refund_CashFromDrawer_ShowsInXAndZReports()
    {
        using var till = new TestTill();
        var sale = till.SellForCash(); // float 500, 137.37 cash

        await till.Refunds.RefundAsync(Request(sale, lines: [new RefundLineRequest(2, 1m)]), Token); // milk 23.37

        var x = till.Shifts.XReport();
        Assert.Equal((1, 137.37m, 1, -23.37m), (x.SalesCount, x.SalesTotal, x.RefundsCount, x.RefundsTotal));
        Assert.Equal(-23.37m, x.CashRefunded);
        Assert.Equal(614m, x.ExpectedCash);
        Assert.Equal(114m, Assert.Single(x.Payments).Amount);
        Assert.Equal(14m, Assert.Single(x.Taxes).Amount); // 16.87 − 2.87
        var z = till.Shifts.Close(614m);
        Assert.Equal(0m, z.Difference);
    }

    [Fact]
    public async Task Refund_WithCashRounding_PaysBackTheRoundedAmount()
    {
        using var till = new TestTill();
        till.Options.CashRoundingStep = 0.25m;
        till.Options.CashRoundingMode = RoundingMode.HalfUp;
        till.Shifts.Open(TestTill.Cashier, 0m);
        var cart = till.Checkout.NewCart(TestTill.Cashier);
        cart.Add(TestTill.Milk); // 23.37 → 23.25
        till.Checkout.PayCash(cart, 30m);
        var sale = till.Checkout.Complete(cart).Sale!;

        var result = await till.Refunds.RefundAsync(Request(sale), Token);

        Assert.True(result.IsRefunded, result.Message);
        Assert.Equal(-23.25m, result.Refund!.Totals.AmountDue);
        Assert.Equal(-23.25m, Assert.Single(result.Refund.Payments).Amount);
    }

    [Fact]
    public async Task Refund_WithNoOpenShift_IsRefused()
    {
        using var till = new TestTill();
        var sale = till.SellForCash();
        till.Shifts.Close(637.37m);

        var result = await till.Refunds.RefundAsync(Request(sale), Token);

        Assert.Equal(RefundStatus.Refused, result.Status);
        Assert.Contains("No shift is open", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SearchSales_ByCustomerProductAmountOrCard_FindsOnlyMatchingSales()
    {
        using var till = new TestTill();
        till.Shifts.Open(TestTill.Cashier, 0m);
        var cart = till.Checkout.NewCart(TestTill.Cashier);
        cart.Customer = new Customer { Id = "cu1", Name = "Aya Hassan", Phone = "+201001234567" };
        cart.Add(TestTill.Milk);
        till.Checkout.PayCash(cart, 50m);
        var milkSale = till.Checkout.Complete(cart).Sale!;
        till.Clock.Advance(TimeSpan.FromMinutes(1));
        var cardSale = await SellByCardAsync(till);
        await till.Refunds.RefundAsync(Request(milkSale), Token); // refunds are not search results
        till.Clock.Advance(TimeSpan.FromDays(2));
        var later = till.SellForCash();

        async Task<Guid[]> Find(SaleSearch search) => [.. (await till.Refunds.SearchSalesAsync(search, Token)).Select(s => s.Id)];

        Assert.Equal([milkSale.Id], await Find(new SaleSearch { Text = "1234567" }));
        Assert.Equal([milkSale.Id], await Find(new SaleSearch { Text = "aya" }));
        Assert.Equal([later.Id, cardSale.Id], await Find(new SaleSearch { Text = "قهوه" })); // folded: ة typed as ه
        Assert.Equal([cardSale.Id], await Find(new SaleSearch { Text = "4242" }));
        Assert.Equal([cardSale.Id], await Find(new SaleSearch { Amount = 57m }));
        Assert.Equal([milkSale.Id], await Find(new SaleSearch { Text = milkSale.SaleNumber[^6..] }));
        var today = DateOnly.FromDateTime(till.Clock.GetUtcNow().UtcDateTime);
        Assert.Equal([later.Id], await Find(new SaleSearch { From = today }));
        Assert.Equal([cardSale.Id, milkSale.Id], await Find(new SaleSearch { To = today.AddDays(-1) }));
    }

    [Fact]
    public async Task RefundableLines_UnknownSale_Throws()
    {
        using var till = new TestTill();
        await Assert.ThrowsAsync<KeyNotFoundException>(() => till.Refunds.RefundableLinesAsync(Guid.CreateVersion7(till.Clock.GetUtcNow()), Token));
    }

    [Fact]
    public async Task Refund_UploadsAndTheConnectorAcceptsItAgainstTheOriginal()
    {
        var cancellationToken = Token;
        using var connector = await ConnectorProcess.StartAsync(cancellationToken);
        using var till = new TestTill();
        var uploader = new SaleUploader(till.Database, new Outbox(till.Database, till.Clock), new ConnectorClient(connector.Http, till.Clock), till.Clock, till.Logs.For<SaleUploader>());
        var credentials = await uploader.PairAsync(await connector.PairingCodeAsync("CAI1", "T2", cancellationToken), "test till", cancellationToken);
        var sale = till.SellForCash();
        await till.Refunds.RefundAsync(Request(sale, lines: [new RefundLineRequest(1, 2m)]), cancellationToken);

        var report = await uploader.UploadPendingAsync(cancellationToken);

        Assert.Equal(new UploadReport(2, 0, 0, false), report);
        Assert.Equal(2, (await new ConnectorClient(connector.Http, till.Clock).StatusAsync(credentials, cancellationToken)).SalesStored);
    }

    private static RefundRequest Request(Sale sale, TillPermissions permissions = TillPermissions.Refund, IReadOnlyList<RefundLineRequest>? lines = null, string? reason = null) =>
        new() { SaleId = sale.Id, Cashier = Manager, Permissions = permissions, Lines = lines, Reason = reason };

    internal static async Task<Sale> SellByCardAsync(TestTill till)
    {
        if (till.Shifts.Current is null)
        {
            till.Shifts.Open(TestTill.Cashier, 0m);
        }

        var cart = till.Checkout.NewCart(TestTill.Cashier);
        cart.Add(TestTill.Coffee);
        Assert.True((await till.Checkout.PayByTerminalAsync(cart, PaymentKind.Card, "card", cancellationToken: Token)).IsAccepted);
        return till.Checkout.Complete(cart).Sale!;
    }
}
