using PosBridge.Core.Sales;
using PosBridge.Terminal.Sales;
using PosBridge.Till.Payments;

namespace PosBridge.Terminal.Tests.Sales;

public sealed class VoidTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Void_CartWithApprovedCardPayment_ReversesItThroughProviderAndCommitsNothing()
    {
        using var till = new TestTill();
        till.Shifts.Open(TestTill.Cashier, 0m);
        var cart = till.Checkout.NewCart(TestTill.Cashier);
        cart.Add(TestTill.Coffee, 2); // 114.00
        await till.Checkout.PayByTerminalAsync(cart, PaymentKind.Card, "card", 100m, Token);
        till.Checkout.PayCash(cart, 20m); // 14 kept, 6 change

        var result = await till.Checkout.VoidAsync(cart, "customer changed their mind", Token);

        Assert.True(result.IsVoided, result.Message);
        var (operation, reference, request) = Assert.Single(till.Terminal.Reversals);
        Assert.Equal(("void", "SIM-00000001", 100m), (operation, reference, request.Amount));
        Assert.Equal(["SIM-00000001"], result.ReversedReferences);
        Assert.Equal(14m, result.CashToHandBack);
        Assert.Contains("Hand back 14.00 cash", result.Message, StringComparison.Ordinal);
        Assert.True(cart.IsVoided);
        Assert.Empty(cart.Lines);
        Assert.False(till.Checkout.Complete(cart).IsCommitted);
        Assert.Throws<InvalidOperationException>(() => cart.Add(TestTill.Milk));
        Assert.Equal(0, till.Sales.Count());

        var x = till.Shifts.XReport();
        Assert.Equal((1, 114m, 0), (x.VoidsCount, x.VoidsTotal, x.SalesCount));
        Assert.Equal(0m, x.ExpectedCash);
    }

    [Fact]
    public async Task Void_ProviderRefusesTheReversal_CartStaysOpenWithThePayment()
    {
        using var till = new TestTill();
        till.Shifts.Open(TestTill.Cashier, 0m);
        var cart = till.Checkout.NewCart(TestTill.Cashier);
        cart.Add(TestTill.Coffee);
        await till.Checkout.PayByTerminalAsync(cart, PaymentKind.Wallet, "wallet", cancellationToken: Token);
        till.Terminal.Script(SimulatedAnswer.Decline);

        var result = await till.Checkout.VoidAsync(cart, "wrong item", Token);

        Assert.Equal(VoidStatus.ReversalFailed, result.Status);
        Assert.False(cart.IsVoided);
        Assert.Single(cart.Payments);
        Assert.Single(result.NotReversed);
        Assert.Equal(0, till.Shifts.XReport().VoidsCount);

        var retry = await till.Checkout.VoidAsync(cart, "wrong item", Token);
        Assert.True(retry.IsVoided, retry.Message);
        Assert.Equal(1, till.Shifts.XReport().VoidsCount);
    }

    [Fact]
    public async Task Void_UnpaidCart_NeedsNoProvider()
    {
        using var till = new TestTill();
        var cart = till.Checkout.NewCart(TestTill.Cashier);
        cart.Add(TestTill.Milk);

        var result = await till.Checkout.VoidAsync(cart, "test", Token);

        Assert.True(result.IsVoided);
        Assert.Empty(till.Terminal.Reversals);
        await Assert.ThrowsAsync<InvalidOperationException>(() => till.Checkout.VoidAsync(cart, "again", Token));
    }
}
