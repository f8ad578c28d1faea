using PosBridge.Core.Sales;
using PosBridge.Terminal.Refunds;
using PosBridge.Terminal.Sales;
using PosBridge.Till.Payments;
using PosBridge.Till.Refunds;
using PosBridge.Till.Sales;

namespace PosBridge.Terminal.Tests.Refunds;

/// <summary>
/// A card refund with the till killed before each of its statements: what the killed till leaves, opened again and
/// reconciled, has the refund recorded exactly when the provider paid it back, and never pays it twice.
/// </summary>
public sealed class RefundCrashTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CardRefund_KilledAtEveryStatement_RecordedOnceExactlyWhenTheProviderPaidIt()
    {
        var sawMoneyMovedButNotRecorded = false;
        var sawNothingMoved = false;
        for (var killAt = 1; ; killAt++)
        {
            var directory = Directory.CreateTempSubdirectory("posbridge-refund-crash-").FullName;
            var provider = new SimulatedPaymentTerminal(); // the provider outlives the till: it is another system
            Guid saleId;
            var completed = false;
            using (var till = new TestTill(directory))
            {
                saleId = (await SellByCardAsync(till, provider)).Id;
                var refunds = Refunds(till, provider);
                var seen = 0;
                till.Database.BeforeStatement = _ =>
                {
                    if (++seen >= killAt)
                    {
                        throw new ProcessKilled();
                    }
                };
                try
                {
                    completed = (await refunds.RefundAsync(Request(saleId), Token)).IsRefunded;
                }
                catch (ProcessKilled)
                {
                }

                till.Database.BeforeStatement = null;
            }

            using (var restarted = new TestTill(directory, ownsDirectory: true))
            {
                var paidBeforeRestart = Paid(provider);
                var refunds = Refunds(restarted, provider);
                await refunds.ReconcileAsync(Token);

                var recorded = restarted.Sales.RefundsOf(saleId).Count;
                Assert.True(Paid(provider) <= 1, $"kill at {killAt}: the provider paid back {Paid(provider)} times");
                Assert.True(recorded == Paid(provider), $"kill at {killAt}: {recorded} refunds recorded, {Paid(provider)} paid back");
                Assert.Empty(refunds.UnresolvedRefunds());
                sawMoneyMovedButNotRecorded |= paidBeforeRestart == 1 && !completed && recorded == 1;
                sawNothingMoved |= recorded == 0;

                // Whatever the crash left, the sale can be refunded to the end, and only once in all.
                var again = await refunds.RefundAsync(Request(saleId), Token);
                Assert.True(recorded == 1 ? again.Status == RefundStatus.Invalid : again.IsRefunded, $"kill at {killAt}: {again.Message}");
                Assert.Single(restarted.Sales.RefundsOf(saleId));
                Assert.Equal(1, Paid(provider));
            }

            if (completed)
            {
                break;
            }
        }

        Assert.True(sawMoneyMovedButNotRecorded, "no kill fell between the provider's answer and the refund's commit");
        Assert.True(sawNothingMoved, "no kill fell before the provider was asked");
    }

    [Fact]
    public async Task CardRefund_KilledWaitingForAProviderThatCannotLookUp_WaitsForAManagerAndBlocksAnotherRefund()
    {
        using var till = new TestTill();
        var provider = new SimulatedPaymentTerminal { CanFind = false };
        var sale = await SellByCardAsync(till, provider);
        // Killed at the first write after the provider's answer: the answer is lost.
        var calls = 0;
        till.Database.BeforeStatement = sql =>
        {
            if (sql.StartsWith("UPDATE RefundIntents SET Parts", StringComparison.Ordinal) && ++calls == 2)
            {
                throw new ProcessKilled();
            }
        };
        await Assert.ThrowsAsync<ProcessKilled>(() => Refunds(till, provider).RefundAsync(Request(sale.Id), Token));
        till.Database.BeforeStatement = null;

        var refunds = Refunds(till, provider);
        var reconciled = Assert.Single(await refunds.ReconcileAsync(Token));
        Assert.Equal(RefundStatus.NotRecorded, reconciled.Status);
        var unresolved = Assert.Single(refunds.UnresolvedRefunds());
        Assert.Equal(("CAI1-T2-0001-000001-R1", 57m), (unresolved.Id, unresolved.Amount));
        Assert.Contains("cannot say whether refund CAI1-T2-0001-000001-R1-1", unresolved.Problem, StringComparison.Ordinal);

        var blocked = await refunds.RefundAsync(Request(sale.Id), Token);
        Assert.Equal(RefundStatus.Refused, blocked.Status);
        Assert.Contains("a manager must resolve it", blocked.Message, StringComparison.Ordinal);
        Assert.Equal(1, Paid(provider));

        Assert.Throws<KeyNotFoundException>(() => refunds.Resolve("CAI1-T2-0001-000001-R9", "nothing"));
        refunds.Resolve(unresolved.Id, "provider portal shows it paid; recorded by hand");
        Assert.Empty(refunds.UnresolvedRefunds());
    }

    [Fact]
    public async Task SplitRefund_SecondCardDeclined_IsKeptForAManagerWithTheFirstCardsReference()
    {
        using var till = new TestTill();
        till.Shifts.Open(TestTill.Cashier, 100m);
        var cart = till.Checkout.NewCart(TestTill.Cashier);
        cart.Add(TestTill.Coffee, 2); // 114.00 on two cards
        Assert.True((await till.Checkout.PayByTerminalAsync(cart, PaymentKind.Card, "card", 60m, Token)).IsAccepted);
        Assert.True((await till.Checkout.PayByTerminalAsync(cart, PaymentKind.Card, "card", cancellationToken: Token)).IsAccepted);
        var sale = till.Checkout.Complete(cart).Sale!;
        till.Terminal.Script(SimulatedAnswer.Approve, SimulatedAnswer.Decline);

        var result = await till.Refunds.RefundAsync(Request(sale.Id), Token);

        Assert.Equal(RefundStatus.NotRecorded, result.Status);
        var unresolved = Assert.Single(till.Refunds.UnresolvedRefunds());
        Assert.Equal(result.ProviderReferences, unresolved.ProviderReferences);
        Assert.Empty(till.Sales.RefundsOf(sale.Id));
    }

    private static int Paid(SimulatedPaymentTerminal provider) => provider.Reversals.Count(r => r.Operation == "refund");

    private static RefundService Refunds(TestTill till, SimulatedPaymentTerminal provider) =>
        new(till.Database, till.Sales, till.Options, provider, till.Network, till.Clock, till.Logs.For<RefundService>());

    private static RefundRequest Request(Guid saleId) =>
        new() { SaleId = saleId, Cashier = TestTill.Cashier, Permissions = TillPermissions.Refund };

    private static async Task<Sale> SellByCardAsync(TestTill till, SimulatedPaymentTerminal provider)
    {
        till.Shifts.Open(TestTill.Cashier, 100m);
        var checkout = new Checkout(till.Catalog, till.Sales, till.Options, provider, till.Network, till.Clock, till.Logs.For<Checkout>());
        var cart = checkout.NewCart(TestTill.Cashier);
        cart.Add(TestTill.Coffee);
        Assert.True((await checkout.PayByTerminalAsync(cart, PaymentKind.Card, "card", cancellationToken: Token)).IsAccepted);
        return checkout.Complete(cart).Sale!;
    }

    private sealed class ProcessKilled : Exception;
}
