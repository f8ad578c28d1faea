using PosBridge.Core.Amounts;
using PosBridge.Core.Sales;
using PosBridge.Core.Taxes;
using PosBridge.Till.Sales;

namespace PosBridge.Terminal.Tests.Sales;

public sealed class CartTests
{
    [Fact]
    public void Add_SameProductTwice_AddsToOneLine()
    {
        using var till = new TestTill();
        var cart = till.Checkout.NewCart(TestTill.Cashier);
        cart.Add(TestTill.Coffee);
        cart.Add(TestTill.Coffee);
        Assert.Equal(2m, Assert.Single(cart.Lines).Quantity);
    }

    [Fact]
    public void Totals_AnyCart_EqualCoreCalculatorForTheSameLines()
    {
        using var till = new TestTill();
        var cart = till.Checkout.NewCart(TestTill.Cashier);
        cart.Add(TestTill.Coffee, 3);
        cart.Add(TestTill.Milk);
        cart.Add(TestTill.Cheese, 0.375m);
        cart.SetLineDiscountPercent(1, 10m);
        cart.SetOrderDiscountPercent(5m);

        var expected = new SaleBuilder(Currency.EGP, TaxRoundingMethod.RoundPerLine) { OrderDiscountPercent = 5m }
            .AddTax(TestTill.Vat14)
            .AddLine("p1", "c", 3m, 50m, ["vat14"])
            .AddLine("p2", "m", 1m, 20.5m, ["vat14"], discountPercent: 10m)
            .AddLine("p3", "g", 0.375m, 300m, [])
            .ComputeTotals();
        Assert.Equal(expected.AmountDue, cart.Totals.AmountDue);
        Assert.Equal(expected.Tax, cart.Totals.Tax);
    }

    [Fact]
    public void SetQuantity_ThenRemove_ChangesLines()
    {
        using var till = new TestTill();
        var cart = till.Checkout.NewCart(TestTill.Cashier);
        cart.Add(TestTill.Coffee);
        cart.Add(TestTill.Milk);
        cart.SetQuantity(0, 4m);
        cart.Remove(1);
        Assert.Equal(4m, Assert.Single(cart.Lines).Quantity);
        Assert.Equal(228m, cart.Totals.AmountDue); // 4 × 50 + 14 %
    }

    [Fact]
    public void SetQuantity_FractionOfUnitProduct_Throws()
    {
        using var till = new TestTill();
        var cart = till.Checkout.NewCart(TestTill.Cashier);
        cart.Add(TestTill.Coffee);
        Assert.Throws<ArgumentOutOfRangeException>(() => cart.SetQuantity(0, 1.5m));
    }

    [Fact]
    public void Add_WeighedProductByWeightLabel_SellsDecimalQuantity()
    {
        using var till = new TestTill();
        var cart = till.Checkout.NewCart(TestTill.Cashier);
        cart.Add(till.Catalog.FindByBarcode("2112345012506")!);
        Assert.Equal(1.25m, cart.Lines[0].Quantity);
        Assert.Equal(375m, cart.Totals.AmountDue);
    }

    [Fact]
    public void SetLineDiscountAmount_TenPoundsOffLine_LowersTotalByTenBeforeTax()
    {
        using var till = new TestTill();
        var cart = till.Checkout.NewCart(TestTill.Cashier);
        cart.Add(TestTill.Coffee, 3); // 150 before tax
        cart.SetLineDiscountAmount(0, 10m);
        Assert.Equal(140m, cart.Totals.Untaxed);
        Assert.Equal(159.6m, cart.Totals.AmountDue);
    }

    [Fact]
    public void OverridePrice_WithoutPermission_IsRefused()
    {
        using var till = new TestTill();
        var cart = till.Checkout.NewCart(TestTill.Cashier);
        cart.Add(TestTill.Coffee);
        Assert.Throws<UnauthorizedAccessException>(() => cart.OverridePrice(0, 1m));
        Assert.Equal(50m, cart.Lines[0].UnitPrice);
    }

    [Fact]
    public void OverridePrice_WithPermission_SellsAtNewPrice()
    {
        using var till = new TestTill();
        var cart = till.Checkout.NewCart(TestTill.Cashier, TillPermissions.OverridePrice);
        cart.Add(TestTill.Coffee);
        cart.OverridePrice(0, 40m);
        Assert.Equal(45.6m, cart.Totals.AmountDue);
    }

    [Fact]
    public void Complete_WithNotesAndDiscounts_CommitsValidSaleCarryingThem()
    {
        using var till = new TestTill();
        till.Shifts.Open(TestTill.Cashier, 0m);
        var cart = till.Checkout.NewCart(TestTill.Cashier);
        cart.Add(TestTill.Coffee, 2);
        cart.SetLineNote(0, "no sugar");
        cart.SetOrderDiscountPercent(10m);
        cart.Note = "table 4";
        till.Checkout.PayCash(cart, 200m);
        var sale = till.Checkout.Complete(cart).Sale!;
        Assert.Equal("table 4", sale.Note);
        Assert.Equal(10m, sale.OrderDiscountPercent);
        Assert.Equal(102.6m, sale.Totals.AmountDue);
        Assert.Equal(97.4m, sale.Totals.Change);
        Assert.True(sale.Validate().IsValid);
    }
}
