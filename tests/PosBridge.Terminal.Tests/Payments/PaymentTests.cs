using PosBridge.Core.Amounts;
using PosBridge.Core.Sales;
using PosBridge.Terminal.Sales;
using PosBridge.Till.Payments;

namespace PosBridge.Terminal.Tests.Payments;

public sealed class PaymentTests
{
    [Fact]
    public void PayCash_MoreThanDue_GivesChange()
    {
        using var till = new TestTill();
        var cart = till.Checkout.NewCart(TestTill.Cashier);
        cart.Add(TestTill.Milk); // 23.37
        var result = till.Checkout.PayCash(cart, 50m);
        Assert.Equal(23.37m, result.Payment!.Amount);
        Assert.Equal(26.63m, result.Payment.Change);
        Assert.Equal(0m, cart.Remaining);
    }

    [Fact]
    public void PayCash_WithCashRounding_RoundsAmountDue()
    {
        using var till = new TestTill();
        till.Options.CashRoundingStep = 0.25m;
        till.Options.CashRoundingMode = RoundingMode.HalfUp;
        till.Shifts.Open(TestTill.Cashier, 0m);
        var cart = till.Checkout.NewCart(TestTill.Cashier);
        cart.Add(TestTill.Milk); // 23.37 → 23.25
        till.Checkout.PayCash(cart, 30m);
        var sale = till.Checkout.Complete(cart).Sale!;
        Assert.Equal(23.25m, sale.Totals.AmountDue);
        Assert.Equal(6.75m, sale.Totals.Change);
    }

    [Theory]
    [InlineData(PaymentKind.Card)]
    [InlineData(PaymentKind.Wallet)]
    public async Task PayByTerminal_Offline_RefusedUpFrontWithoutAskingProvider(PaymentKind kind)
    {
        using var till = new TestTill();
        till.Network.IsOnline = false;
        var cart = till.Checkout.NewCart(TestTill.Cashier);
        cart.Add(TestTill.Coffee);
        var result = await till.Checkout.PayByTerminalAsync(cart, kind, "card", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(PaymentStatus.Refused, result.Status);
        Assert.Contains("offline", result.Message, StringComparison.Ordinal);
        Assert.Empty(till.Terminal.Requests);
    }

    [Fact]
    public void PayByReference_Offline_Refused()
    {
        using var till = new TestTill();
        till.Network.IsOnline = false;
        var cart = till.Checkout.NewCart(TestTill.Cashier);
        cart.Add(TestTill.Coffee);
        Assert.Equal(PaymentStatus.Refused, till.Checkout.PayByReference(cart, "instapay", "IP123").Status);
    }

    [Theory]
    [InlineData(SimulatedAnswer.Decline, PaymentStatus.Declined)]
    [InlineData(SimulatedAnswer.TimeOut, PaymentStatus.TimedOut)]
    public async Task PayByTerminal_ProviderSaysNo_AddsNoPayment(SimulatedAnswer answer, PaymentStatus expected)
    {
        using var till = new TestTill();
        till.Terminal.Script(answer);
        var cart = till.Checkout.NewCart(TestTill.Cashier);
        cart.Add(TestTill.Coffee);
        var result = await till.Checkout.PayByTerminalAsync(cart, PaymentKind.Card, "card", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(expected, result.Status);
        Assert.Empty(cart.Payments);
    }

    [Fact]
    public async Task PayByTerminal_CashierCancels_Cancelled()
    {
        using var till = new TestTill();
        till.Terminal.Script(SimulatedAnswer.WaitForCancel);
        var cart = till.Checkout.NewCart(TestTill.Cashier);
        cart.Add(TestTill.Coffee);
        using var cancel = new CancellationTokenSource();
        var pending = till.Checkout.PayByTerminalAsync(cart, PaymentKind.Card, "card", cancellationToken: cancel.Token);
        await cancel.CancelAsync();
        Assert.Equal(PaymentStatus.Cancelled, (await pending).Status);
    }

    [Fact]
    public async Task PayByTerminal_ProviderNeverAnswers_TimesOutByTillClock()
    {
        using var till = new TestTill();
        till.Terminal.Script(SimulatedAnswer.WaitForCancel);
        var cart = till.Checkout.NewCart(TestTill.Cashier);
        cart.Add(TestTill.Coffee);
        var pending = till.Checkout.PayByTerminalAsync(cart, PaymentKind.Card, "card", cancellationToken: TestContext.Current.CancellationToken);
        till.Clock.Advance(till.Checkout.TerminalTimeout);
        Assert.Equal(PaymentStatus.TimedOut, (await pending).Status);
    }

    [Fact]
    public async Task Complete_SplitTenderCashCardAndQr_CommitsAllPayments()
    {
        using var till = new TestTill();
        till.Shifts.Open(TestTill.Cashier, 0m);
        var cart = till.Checkout.NewCart(TestTill.Cashier);
        cart.Add(TestTill.Coffee, 2); // 114
        Assert.True(till.Checkout.PayCash(cart, 50m).IsAccepted);
        Assert.True((await till.Checkout.PayByTerminalAsync(cart, PaymentKind.Card, "card", 40m, TestContext.Current.CancellationToken)).IsAccepted);
        Assert.True(till.Checkout.PayByReference(cart, "instapay", "IP-778899").IsAccepted);
        var sale = till.Checkout.Complete(cart).Sale!;
        Assert.Equal([50m, 40m, 24m], sale.Payments.Select(p => p.Amount));
        Assert.Equal("4242", sale.Payments[1].Card!.Last4);
        Assert.Equal("visa", sale.Payments[1].Card!.Scheme);
    }

    [Fact]
    public void PayLater_WithoutCustomer_Refused_WithCustomerOfflineAccepted()
    {
        using var till = new TestTill();
        till.Network.IsOnline = false;
        till.Shifts.Open(TestTill.Cashier, 0m);
        var cart = till.Checkout.NewCart(TestTill.Cashier);
        cart.Add(TestTill.Coffee);
        Assert.Equal(PaymentStatus.Refused, till.Checkout.PayLater(cart).Status);
        cart.Customer = new Customer { Id = "cust-7", Name = "Hany", Phone = "+201001234567" };
        Assert.True(till.Checkout.PayLater(cart).IsAccepted);
        var sale = till.Checkout.Complete(cart).Sale!;
        Assert.Equal(PaymentKind.CustomerAccount, Assert.Single(sale.Payments).Kind);
    }

    [Fact]
    public void Complete_NotFullyPaid_CommitsNothing()
    {
        using var till = new TestTill();
        till.Shifts.Open(TestTill.Cashier, 0m);
        var cart = till.Checkout.NewCart(TestTill.Cashier);
        cart.Add(TestTill.Coffee);
        till.Checkout.PayCash(cart, 20m);
        var result = till.Checkout.Complete(cart);
        Assert.False(result.IsCommitted);
        Assert.Equal(0, till.Sales.Count());
    }
}
