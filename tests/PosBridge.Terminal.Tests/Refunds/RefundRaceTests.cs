using PosBridge.Core.Amounts;
using PosBridge.Core.Sales;
using PosBridge.Terminal.Sales;
using PosBridge.Till.Refunds;
using PosBridge.Till.Sales;

namespace PosBridge.Terminal.Tests.Refunds;

/// <summary>The store, not the caller's earlier look, decides what is left to refund.</summary>
public sealed class RefundRaceTests
{
    [Fact]
    public async Task Refund_AnotherProcessRefundsBetweenCheckAndCommit_SecondIsRefusedInsideTheTransaction()
    {
        using var till = new TestTill();
        var sale = till.SellForCash();
        using var other = new TestTill(till.Directory); // a second connection to the same file, as a second process would have
        var raced = false;
        till.Database.BeforeStatement = sql =>
        {
            if (!raced && sql == "BEGIN IMMEDIATE")
            {
                // Both coffees go back through the other connection after this refund has checked what is
                // left and before its transaction starts.
                raced = true;
                other.Sales.Commit(RefundBuilder(sale, line: 1, quantity: 2m));
            }
        };

        var result = await till.Refunds.RefundAsync(
            new RefundRequest { SaleId = sale.Id, Cashier = TestTill.Cashier, Permissions = TillPermissions.Refund, Lines = [new RefundLineRequest(1, 1m)] },
            TestContext.Current.CancellationToken);

        Assert.True(raced);
        Assert.Equal(RefundStatus.Invalid, result.Status);
        Assert.Contains("left to refund", result.Message, StringComparison.Ordinal);
        Assert.Single(till.Sales.RefundsOf(sale.Id));
    }

    [Fact]
    public async Task Commit_ManyConnectionsRefundAtOnce_NeverMoreThanSold()
    {
        using var till = new TestTill();
        var sale = till.SellForCash(); // 2 coffees
        var tills = Enumerable.Range(0, 4).Select(_ => new TestTill(till.Directory)).ToList();
        try
        {
            using var start = new Barrier(tills.Count);
            var attempts = tills.Select(t => Task.Run(() =>
            {
                start.SignalAndWait(TestContext.Current.CancellationToken);
                try
                {
                    t.Sales.Commit(RefundBuilder(sale, line: 1, quantity: 1m));
                    return true;
                }
                catch (SaleInvalidException)
                {
                    return false;
                }
            })).ToList();

            var outcomes = await Task.WhenAll(attempts);

            Assert.Equal(2, outcomes.Count(ok => ok));
            var refunds = till.Sales.RefundsOf(sale.Id);
            Assert.Equal(2, refunds.Count);
            Assert.Equal(-2m, refunds.SelectMany(r => r.Lines).Sum(l => l.Quantity));
        }
        finally
        {
            tills.ForEach(t => t.Dispose());
        }
    }

    private static SaleBuilder RefundBuilder(Sale sale, int line, decimal quantity)
    {
        var builder = new SaleBuilder(Currency.FromCode(sale.Currency), sale.TaxRounding)
        {
            StoreId = sale.StoreId,
            TillId = sale.TillId,
            Cashier = sale.Cashier,
            RefundOf = new RefundOf { SaleId = sale.Id, SaleNumber = sale.SaleNumber },
        };
        foreach (var tax in sale.Taxes)
        {
            builder.AddTax(tax);
        }

        var sold = sale.Lines[line - 1];
        builder.AddLine(sold.ProductId, sold.Name, -quantity, sold.UnitPrice, sold.TaxIds, sold.DiscountPercent, sold.Unit, refundOfLine: line);
        return builder.PayCash(0m);
    }
}
