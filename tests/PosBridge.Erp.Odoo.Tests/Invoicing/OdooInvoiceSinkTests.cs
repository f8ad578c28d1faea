using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Newtonsoft.Json.Linq;
using PosBridge.Core.Adapters;
using PosBridge.Core.Sales;
using PosBridge.Erp.Odoo.Emulator;
using PosBridge.Erp.Odoo.Invoicing;

namespace PosBridge.Erp.Odoo.Tests.Invoicing;

public sealed class OdooInvoiceSinkTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The emulator's journals: 2 Cash, 3 Bank; partner 1 takes walk-in sales.</summary>
    private static OdooInvoiceSink Sink(OdooClient client, OdooInvoicingMode mode = OdooInvoicingMode.PerSale, TimeProvider? time = null) =>
        new(client, new OdooInvoicingOptions { Enabled = true, Mode = mode, Journals = new() { ["cash"] = 2, ["card"] = 3 }, WalkInPartnerId = 1 }, Odoo.EmulatorPos(), time ?? TimeProvider.System, NullLogger<OdooInvoiceSink>.Instance);

    private static List<JObject> Moves(OdooEmulator odoo) => odoo.Read(s => s["account.move"].Records.Values.Select(r => (JObject)r.DeepClone()).ToList());

    private static List<JObject> Payments(OdooEmulator odoo) => odoo.Read(s => s["account.payment"].Records.Values.Select(r => (JObject)r.DeepClone()).ToList());

    private static Sale CashAndCard() => Odoo.CafeSale(arrange: b =>
    {
        b.AddLine("1", "Turkish Coffee", 2, 35m, ["1"]);
        b.AddLine("4", "Mineral Water 600ml", 1, 10m, ["2"]);
        b.PayCash(50m);
        b.PayRemaining("card", PaymentKind.Card, new CardDetails { Scheme = "visa", Last4 = "4242", AuthorizationCode = "A1", ProviderReference = "TX1" });
    });

    [Fact]
    public async Task Deliver_ASale_BecomesAPostedPaidInvoiceWithOurTotalAndOnePaymentPerMethod()
    {
        await using var odoo = await OdooEmulator.StartAsync(17);
        await using var client = Odoo.Client(odoo);
        var sale = CashAndCard();

        var result = Assert.Single(await Sink(client).DeliverAsync([sale], Ct));

        Assert.Equal(DeliveryOutcome.Done, result.Outcome);
        var move = Assert.Single(Moves(odoo));
        Assert.Equal("out_invoice", move["move_type"]!.Value<string>());
        Assert.Equal("posted", move["state"]!.Value<string>());
        Assert.Equal("paid", move["payment_state"]!.Value<string>());
        Assert.Equal(sale.Totals.Total, move["amount_total"]!.Value<decimal>());
        Assert.Equal(OdooInvoiceSink.SaleReference(sale.Id), move["ref"]!.Value<string>());
        Assert.Equal(1, move["partner_id"]!.Value<long>());
        Assert.Equal(move["name"]!.Value<string>(), result.InvoiceNumber);
        var payments = Payments(odoo);
        Assert.Equal([(2L, 50m), (3L, sale.Totals.Total - 50m)], payments.Select(p => (p["journal_id"]!.Value<long>(), p["amount"]!.Value<decimal>())).ToList());

        // The wizard was called as the Register Payment button calls it: the invoice in the context.
        Assert.All(odoo.Calls.Where(c => c.Model == "account.payment.register" && c.Method == "create"), c => Assert.Equal("account.move", c.Context["active_model"]!.Value<string>()));
    }

    [Fact]
    public async Task Deliver_TheSameSaleAgain_AnswersDuplicateAndCreatesNothing()
    {
        await using var odoo = await OdooEmulator.StartAsync(17);
        await using var client = Odoo.Client(odoo);
        var sale = CashAndCard();
        await Sink(client).DeliverAsync([sale], Ct);

        var again = Assert.Single(await Sink(client).DeliverAsync([sale], Ct));

        Assert.Equal(DeliveryOutcome.Duplicate, again.Outcome);
        Assert.Single(Moves(odoo));
        Assert.Equal(2, Payments(odoo).Count);
    }

    [Theory]
    [InlineData("account.move.create")]
    [InlineData("account.move.action_post")]
    [InlineData("account.payment.register.action_create_payments")]
    public async Task Deliver_AnswerLostMidway_RetryFinishesWithoutASecondInvoiceOrPayment(string lostCall)
    {
        await using var odoo = await OdooEmulator.StartAsync(17);
        await using var client = Odoo.Client(odoo);
        var sale = CashAndCard();
        odoo.Inject(new Fault(FaultKind.AnswerLost, lostCall));

        var first = Assert.Single(await Sink(client).DeliverAsync([sale], Ct));
        var second = Assert.Single(await Sink(client).DeliverAsync([sale], Ct));

        Assert.Equal(DeliveryOutcome.RetryLater, first.Outcome);
        Assert.Equal(DeliveryOutcome.Done, second.Outcome);
        var move = Assert.Single(Moves(odoo));
        Assert.Equal("paid", move["payment_state"]!.Value<string>());
        Assert.Equal(2, Payments(odoo).Count);
    }

    [Fact]
    public async Task Deliver_Refund_BecomesAPaidCreditNote()
    {
        await using var odoo = await OdooEmulator.StartAsync(17);
        await using var client = Odoo.Client(odoo);
        var sale = Odoo.CafeSale();
        var refund = Odoo.CafeSale(arrange: b =>
        {
            b.RefundOf = new RefundOf { SaleId = sale.Id, SaleNumber = sale.SaleNumber };
            b.AddLine("3", "Croissant", -1, 25m, ["1"], discountPercent: 10m, refundOfLine: 2);
            b.PayCash(0m);
        });

        var results = await Sink(client).DeliverAsync([sale, refund], Ct);

        Assert.All(results, r => Assert.Equal(DeliveryOutcome.Done, r.Outcome));
        var note = Assert.Single(Moves(odoo), m => m["move_type"]!.Value<string>() == "out_refund");
        Assert.Equal(-refund.Totals.Total, note["amount_total"]!.Value<decimal>());
        Assert.Equal("paid", note["payment_state"]!.Value<string>());
        Assert.StartsWith("RINV/", note["name"]!.Value<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deliver_NamedCustomer_IsInvoicedToTheirPartner()
    {
        await using var odoo = await OdooEmulator.StartAsync(17);
        await using var client = Odoo.Client(odoo);
        var sale = Odoo.CafeSale() with { Customer = new Customer { Id = "k1", Name = "Nour Hassan", Phone = "+201001234567" } };

        Assert.Equal(DeliveryOutcome.Done, Assert.Single(await Sink(client).DeliverAsync([sale], Ct)).Outcome);

        Assert.Equal(2, Assert.Single(Moves(odoo))["partner_id"]!.Value<long>());
    }

    [Fact]
    public async Task Deliver_UnmappedPaymentMethodOrUnknownProduct_IsRejectedWithTheSettingAndNothingIsCreated()
    {
        await using var odoo = await OdooEmulator.StartAsync(17);
        await using var client = Odoo.Client(odoo);
        var wallet = Odoo.CafeSale(arrange: b =>
        {
            b.AddLine("1", "Turkish Coffee", 1, 35m, ["1"]);
            b.PayRemaining("wallet", PaymentKind.Wallet, reference: "W1");
        });
        var unknown = Odoo.CafeSale(arrange: b =>
        {
            b.AddLine("999", "Mystery", 1, 10m, ["1"]);
            b.PayCash(20m);
        });

        var results = await Sink(client).DeliverAsync([wallet, unknown], Ct);

        Assert.All(results, r => Assert.Equal(DeliveryOutcome.Rejected, r.Outcome));
        Assert.Contains("Odoo:Invoicing:Journals", results[0].Reason, StringComparison.Ordinal);
        Assert.Contains("Mystery", results[1].Reason, StringComparison.Ordinal);
        Assert.Empty(Moves(odoo));
    }

    /// <summary>
    /// The POS sink's refusal of a weight finer than Odoo's "Product Unit of Measure" precision, for the Invoicing
    /// fallback too: account.move.line.quantity has the same digits, so 0.875 kg would be invoiced as 0.88 and the
    /// invoice's total would not be the till's. Refused before anything is created, with what to change.
    /// </summary>
    [Fact]
    public async Task Deliver_AWeightFinerThanOdoosQuantityPrecision_IsRefusedBeforeAnyInvoice_ThenInvoicedExactly()
    {
        await using var odoo = await OdooEmulator.StartAsync(17);
        await using var client = Odoo.Client(odoo);
        var weighed = Odoo.CafeSale(arrange: b => b.AddLine("5", "Dates 1kg", 0.875m, 95m, ["2"], unit: "kg").PayCash(100m));

        var refused = Assert.Single(await Sink(client).DeliverAsync([weighed], Ct));

        Assert.Equal(DeliveryOutcome.Rejected, refused.Outcome);
        Assert.Contains("0.875", refused.Reason, StringComparison.Ordinal);
        Assert.Contains("Decimal Accuracy", refused.Reason, StringComparison.Ordinal);
        Assert.Empty(Moves(odoo));

        odoo.Read(s => { s.Write("decimal.precision", 2, new JObject { ["digits"] = 3 }); return 0; });
        var replay = Assert.Single(await Sink(client).DeliverAsync([weighed], Ct));

        Assert.Equal(DeliveryOutcome.Done, replay.Outcome);
        Assert.Equal(weighed.Totals.Total, Assert.Single(Moves(odoo))["amount_total"]!.Value<decimal>());
    }

    [Fact]
    public async Task Deliver_TotalOdooComputesDiffers_IsRejectedAndLeftAsADraftUnpaid()
    {
        await using var odoo = await OdooEmulator.StartAsync(17);
        await using var client = Odoo.Client(odoo);

        // The sale claims VAT 14% on water, but Odoo's tax 1 is applied to a line our totals computed without tax.
        var sale = Odoo.CafeSale();
        var tampered = sale with { Totals = sale.Totals with { Total = sale.Totals.Total + 1m } };

        var result = Assert.Single(await Sink(client).DeliverAsync([tampered], Ct));

        Assert.Equal(DeliveryOutcome.Rejected, result.Outcome);
        Assert.Contains("not our", result.Reason, StringComparison.Ordinal);
        Assert.Equal("draft", Assert.Single(Moves(odoo))["state"]!.Value<string>());
        Assert.Empty(Payments(odoo));
    }

    [Fact]
    public async Task Summary_DayStillOpen_WaitsUntilItCloses()
    {
        await using var odoo = await OdooEmulator.StartAsync(17);
        await using var client = Odoo.Client(odoo);
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-23T20:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var sale = Odoo.CafeSale();

        var result = Assert.Single(await Sink(client, OdooInvoicingMode.DailySummary, time).DeliverAsync([sale], Ct));

        Assert.Equal(DeliveryOutcome.RetryLater, result.Outcome);
        // Cairo's 24 Nov 00:00 is 22:00 UTC; the day closes two hours later.
        Assert.Equal(TimeSpan.FromHours(4), result.RetryAfter);
        Assert.Empty(Moves(odoo));
    }

    [Fact]
    public async Task Summary_ClosedDay_OneInvoicePerPaymentMethod_LateSaleGoesToASupplement_ReRunCreatesNothing()
    {
        await using var odoo = await OdooEmulator.StartAsync(17);
        await using var client = Odoo.Client(odoo);
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-25T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var cash = new[] { Odoo.CafeSale(), Odoo.CafeSale(), Odoo.CafeSale() };
        var card = Odoo.CafeSale(arrange: b =>
        {
            b.AddLine("2", "Espresso", 1, 40m, ["1"]);
            b.PayRemaining("card", PaymentKind.Card, new CardDetails { Scheme = "visa", Last4 = "4242", AuthorizationCode = "A2", ProviderReference = "TX2" });
        });
        var late = Odoo.CafeSale();
        var sink = Sink(client, OdooInvoicingMode.DailySummary, time);

        var first = await sink.DeliverAsync([.. cash, card], Ct);
        var supplement = Assert.Single(await sink.DeliverAsync([late], Ct));
        var rerun = await Sink(client, OdooInvoicingMode.DailySummary, time).DeliverAsync([.. cash, card, late], Ct);

        Assert.All(first, r => Assert.Equal(DeliveryOutcome.Done, r.Outcome));
        Assert.Equal(DeliveryOutcome.Done, supplement.Outcome);
        Assert.All(rerun, r => Assert.Equal(DeliveryOutcome.Duplicate, r.Outcome));
        var moves = Moves(odoo);
        Assert.Equal(3, moves.Count);
        Assert.All(moves, m => Assert.Equal(("posted", "paid"), (m["state"]!.Value<string>(), m["payment_state"]!.Value<string>())));
        var byRef = moves.ToDictionary(m => m["ref"]!.Value<string>()!, m => m["amount_total"]!.Value<decimal>());
        Assert.Equal(cash.Sum(s => s.Totals.Total), byRef["posbridge-day:CAI1:2026-11-23:cash:invoice:1"]);
        Assert.Equal(card.Totals.Total, byRef["posbridge-day:CAI1:2026-11-23:card:invoice:2"]);
        Assert.Equal(late.Totals.Total, byRef["posbridge-day:CAI1:2026-11-23:cash:invoice:3"]);
        Assert.Equal(3, Payments(odoo).Count);
        Assert.All(first.Take(3), r => Assert.Equal(first[0].ExternalId, r.ExternalId));
    }

    [Fact]
    public async Task Summary_AnswerLostBeforePayment_RetryFindsTheSummaryByItsNarrationAndPaysIt()
    {
        await using var odoo = await OdooEmulator.StartAsync(17);
        await using var client = Odoo.Client(odoo);
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-25T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var sales = new[] { Odoo.CafeSale(), Odoo.CafeSale() };
        odoo.Inject(new Fault(FaultKind.AnswerLost, "account.move.action_post"));

        var first = await Sink(client, OdooInvoicingMode.DailySummary, time).DeliverAsync(sales, Ct);
        var second = await Sink(client, OdooInvoicingMode.DailySummary, time).DeliverAsync(sales, Ct);

        Assert.All(first, r => Assert.Equal(DeliveryOutcome.RetryLater, r.Outcome));
        Assert.All(second, r => Assert.Equal(DeliveryOutcome.Done, r.Outcome));
        var move = Assert.Single(Moves(odoo));
        Assert.Equal("paid", move["payment_state"]!.Value<string>());
        Assert.Single(Payments(odoo));
    }
}
