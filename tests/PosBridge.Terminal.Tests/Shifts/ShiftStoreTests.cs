using PosBridge.Core.Catalog;
using PosBridge.Core.Sales;
using PosBridge.Till.Shifts;

namespace PosBridge.Terminal.Tests.Shifts;

public sealed class ShiftStoreTests
{
    [Fact]
    public void Open_WhileOneIsOpen_Throws()
    {
        using var till = new TestTill();
        till.Shifts.Open(TestTill.Cashier, 100m);
        Assert.Throws<InvalidOperationException>(() => till.Shifts.Open(TestTill.Cashier, 100m));
    }

    [Fact]
    public async Task CloseShift_AfterSalesAndCashMovements_ZReportAddsUp()
    {
        using var till = new TestTill();
        till.Shifts.Open(TestTill.Cashier, 500m);
        till.SellForCash(); // 2 coffee + milk = 137.37 cash
        var cart = till.Checkout.NewCart(TestTill.Cashier);
        cart.Add(TestTill.Coffee);
        cart.SetLineDiscountPercent(0, 10m); // 51.30
        await till.Checkout.PayByTerminalAsync(cart, PaymentKind.Card, "card", cancellationToken: TestContext.Current.CancellationToken);
        till.Checkout.Complete(cart);
        till.Shifts.MoveCash(50m, "change from bank");
        till.Shifts.MoveCash(-20m, "cleaning supplies");

        var x = till.Shifts.XReport();
        Assert.Equal(ShiftReportKind.X, x.Kind);
        Assert.Equal(667.37m, x.ExpectedCash);
        Assert.Null(x.Difference);

        var z = till.Shifts.Close(660m);
        Assert.Equal(ShiftReportKind.Z, z.Kind);
        Assert.Equal(2, z.SalesCount);
        Assert.Equal(188.67m, z.SalesTotal);
        Assert.Equal(5.7m, z.Discounts);
        var vat = Assert.Single(z.Taxes);
        Assert.Equal(165.5m, vat.Base);
        Assert.Equal(23.17m, vat.Amount);
        Assert.Equal([("card", 51.3m), ("cash", 137.37m)], z.Payments.Select(p => (p.MethodId, p.Amount)));
        Assert.Equal(50m, z.CashIn);
        Assert.Equal(-20m, z.CashOut);
        Assert.Equal(667.37m, z.ExpectedCash);
        Assert.Equal(-7.37m, z.Difference);
        Assert.Null(till.Shifts.Current);
        Assert.Equal(z.Difference, till.Shifts.ZReport(z.Shift.Id).Difference);
    }

    [Fact]
    public async Task XReport_MethodsFromOdooCatalog_NamesEachMethodByItsName()
    {
        // An Odoo catalog gives methods Odoo's ids ("9"); the report must say which drawer or terminal that is.
        using var till = new TestTill();
        till.Catalog.Upsert(new PaymentMethod { Id = "9", Name = "نقدي الفرع", Kind = PaymentKind.Cash });
        till.Catalog.Upsert(new PaymentMethod { Id = "12", Name = "Card NBE", Kind = PaymentKind.Card });
        till.Shifts.Open(TestTill.Cashier, 500m);
        var cart = till.Checkout.NewCart(TestTill.Cashier);
        cart.Add(TestTill.Coffee);
        Assert.True(till.Checkout.PayCash(cart, 100m, "9").IsAccepted);
        Assert.True(till.Checkout.Complete(cart).IsCommitted);
        cart = till.Checkout.NewCart(TestTill.Cashier);
        cart.Add(TestTill.Milk);
        await till.Checkout.PayByTerminalAsync(cart, PaymentKind.Card, "12", cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(till.Checkout.Complete(cart).IsCommitted);

        var x = till.Shifts.XReport();

        Assert.Equal([("12", "Card NBE"), ("9", "نقدي الفرع")], x.Payments.Select(p => (p.MethodId, p.Name)));
    }

    [Fact]
    public void XReport_MethodNoLongerInCatalog_NamedByItsKind()
    {
        using var till = new TestTill();
        till.Catalog.Upsert(new PaymentMethod { Id = "9", Name = "Cash", Kind = PaymentKind.Cash });
        till.Shifts.Open(TestTill.Cashier, 500m);
        var cart = till.Checkout.NewCart(TestTill.Cashier);
        cart.Add(TestTill.Coffee);
        Assert.True(till.Checkout.PayCash(cart, 100m, "9").IsAccepted);
        Assert.True(till.Checkout.Complete(cart).IsCommitted);
        till.Catalog.RemovePaymentMethod("9");

        Assert.Equal("Cash", Assert.Single(till.Shifts.XReport().Payments).Name);
    }

    [Fact]
    public void MoveCash_NoOpenShift_Throws()
    {
        using var till = new TestTill();
        Assert.Throws<InvalidOperationException>(() => till.Shifts.MoveCash(10m, "float top-up"));
    }
}
