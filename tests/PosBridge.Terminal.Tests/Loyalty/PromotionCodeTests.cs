using PosBridge.Core.Loyalty;
using PosBridge.Core.Sales;
using PosBridge.Terminal.Loyalty;
using PosBridge.Terminal.Sales;
using PosBridge.Till.Sales;

namespace PosBridge.Terminal.Tests.Loyalty;

/// <summary>
/// Promotion codes at the till. The program is shaped like the Odoo emulator's "Coffee lovers code": rule code
/// COFFEE10, at least 50 (tax included) and one unit of coffee (p1) or milk (p2), one point per order; its reward
/// costs that point and gives 10 % off the order. Coffee is 50 + 14 % VAT = 57.00 a cup; milk 20.50 + 14 % = 23.37.
/// </summary>
public sealed class PromotionCodeTests
{
    private static readonly LoyaltyRule CoffeeRule = new()
    {
        Id = "2", PointMode = LoyaltyPointMode.PerOrder, Points = 1m, MinimumAmount = 50m, MinimumQuantity = 1m, ProductIds = ["p1", "p2"], Code = "COFFEE10",
    };

    private static readonly LoyaltyReward TenPercent = new()
    {
        Id = "2", Kind = LoyaltyRewardKind.Discount, Description = "10% on your order", RequiredPoints = 1m, Discount = 10m, DiscountMode = LoyaltyDiscountMode.Percent,
    };

    private static readonly LoyaltyProgram CoffeeLovers = new()
    {
        Id = "2", Name = "Coffee lovers code", Kind = "promo_code", NeedsCode = true, Rules = [CoffeeRule], Rewards = [TenPercent],
    };

    private static (TestTill Till, LoyaltyService Loyalty, Cart Cart) Setup(params LoyaltyProgram[] programs)
    {
        var till = new TestTill();
        foreach (var program in programs.Length == 0 ? [CoffeeLovers] : programs)
        {
            till.Catalog.Upsert(program);
        }

        till.Shifts.Open(TestTill.Cashier, 100m);
        return (till, new LoyaltyService(till.Database, till.Options), till.Checkout.NewCart(TestTill.Cashier));
    }

    private static CompletionResult PayAndComplete(TestTill till, Cart cart)
    {
        Assert.True(till.Checkout.PayCash(cart, 500m).IsAccepted);
        return till.Checkout.Complete(cart);
    }

    [Fact]
    public void ApplyCode_RuleMet_TenPercentThroughCoresCalculator_AndTheSaleRecordsTheCode()
    {
        var (till, loyalty, cart) = Setup();
        using var _ = till;
        cart.Add(TestTill.Coffee, 2);

        var result = loyalty.ApplyCode(cart, " coffee10 ");
        var completed = PayAndComplete(till, cart);

        Assert.True(result.IsApplied, result.Message);
        Assert.Equal("COFFEE10: 10% on your order, 11.4 off.", result.Message);
        Assert.Equal(new AppliedPromotion("COFFEE10", "2", "Coffee lovers code", "2", "2", "10% on your order", 11.40m, 0m), result.Promotion);
        Assert.True(completed.IsCommitted, completed.Message);
        var sale = till.Sales.FindById(completed.Sale!.Id)!;
        Assert.Equal((102.60m, 12.60m, 11.40m), (sale.Totals.Total, sale.Totals.Tax, sale.Totals.Discount));
        Assert.Equal(10m, sale.OrderDiscountPercent);
        Assert.Equal("Promotion code COFFEE10: Coffee lovers code (program 2), 10% on your order", sale.Note);
        Assert.Null(sale.Loyalty); // a promotion costs no one's points
        Assert.True(sale.Validate().IsValid);

        // The same cart with the cashier's own 10 % order discount costs the same to the minor unit: one calculator.
        var plain = till.Checkout.NewCart(TestTill.Cashier);
        plain.Add(TestTill.Coffee, 2);
        plain.SetOrderDiscountPercent(10m);
        Assert.Equal(sale.Totals.Total, plain.Totals.Total);
    }

    [Fact]
    public void ApplyCode_BelowTheMinimum_RefusedWithWhatIsShort_AndTheCartUnchanged()
    {
        var (till, loyalty, cart) = Setup();
        using var _ = till;
        cart.Add(TestTill.Milk);
        cart.Add(TestTill.Cheese, 0.5m); // 150.00, but not a product of the rule

        var result = loyalty.ApplyCode(cart, "COFFEE10");

        Assert.Equal((RedeemStatus.Refused, PromotionRefusal.RuleNotMet, 26.63m, 0m), (result.Status, result.Refusal, result.AmountShort, result.QuantityShort));
        Assert.Equal("Coffee lovers code (COFFEE10) does not apply yet: it needs 50 of قهوة تركي, Lait entier Crème (tax included); the cart has 23.37: 26.63 short.", result.Message);
        Assert.Null(cart.Promotion);
        Assert.Equal(0m, cart.OrderDiscountPercent);
        Assert.Equal(173.37m, cart.Totals.Total);
    }

    [Fact]
    public void ApplyCode_NoneOfTheRulesProducts_ShortOfAmountAndQuantity()
    {
        var (till, loyalty, cart) = Setup();
        using var _ = till;
        cart.Add(TestTill.Cheese, 1m);

        var result = loyalty.ApplyCode(cart, "COFFEE10");

        Assert.Equal((PromotionRefusal.RuleNotMet, 50m, 1m), (result.Refusal, result.AmountShort, result.QuantityShort));
        Assert.Null(cart.Promotion);
    }

    [Fact]
    public void Complete_CartDroppedBelowTheMinimum_RefusedInsideTheCommit_NothingSaved()
    {
        var (till, loyalty, cart) = Setup();
        using var _ = till;
        cart.Add(TestTill.Coffee);
        cart.Add(TestTill.Milk);
        Assert.True(loyalty.ApplyCode(cart, "COFFEE10").IsApplied);
        Assert.Equal(72.33m, cart.Totals.Total); // 80.37 − 8.04

        cart.Remove(0); // the coffee goes; the 10 % stays on the milk until the code is checked again
        var completed = PayAndComplete(till, cart);

        Assert.False(completed.IsCommitted);
        Assert.Equal("The promotion code COFFEE10 no longer applies: it needs 50 of قهوة تركي, Lait entier Crème (tax included); the cart has 23.37: 26.63 short; nothing was saved. Take the code off and take what is left to pay.", completed.Message);
        Assert.Equal(0, till.Sales.Count());

        cart.RemovePayments();
        var again = loyalty.ReapplyPromotion(cart);
        Assert.Equal(PromotionRefusal.RuleNotMet, again?.Refusal);
        Assert.Null(cart.Promotion);
        Assert.Equal((0m, 23.37m), (cart.OrderDiscountPercent, cart.Totals.Total));
        var sale = PayAndComplete(till, cart);
        Assert.True(sale.IsCommitted, sale.Message);
        Assert.Null(sale.Sale!.Note);
    }

    [Fact]
    public void Complete_ProgramEndedByACatalogPull_RefusedInsideTheCommit()
    {
        var (till, loyalty, cart) = Setup();
        using var _ = till;
        cart.Add(TestTill.Coffee, 2);
        Assert.True(loyalty.ApplyCode(cart, "COFFEE10").IsApplied);

        till.Catalog.RemoveLoyaltyProgram("2");
        var completed = PayAndComplete(till, cart);

        Assert.False(completed.IsCommitted);
        Assert.StartsWith("The promotion code COFFEE10 is no longer offered by the back office; nothing was saved.", completed.Message, StringComparison.Ordinal);
        Assert.Equal(0, till.Sales.Count());
    }

    [Fact]
    public void ReapplyPromotion_AfterMoreLines_AnAmountRewardStaysThatAmount()
    {
        var tenOff = CoffeeLovers with { Rewards = [TenPercent with { Description = "10 EGP off", Discount = 10m, DiscountMode = LoyaltyDiscountMode.PerOrder }] };
        var (till, loyalty, cart) = Setup(tenOff);
        using var _ = till;
        cart.Add(TestTill.Coffee);
        Assert.True(loyalty.ApplyCode(cart, "COFFEE10").IsApplied);
        Assert.Equal(47.00m, cart.Totals.Total);

        cart.Add(TestTill.Coffee);
        var again = loyalty.ReapplyPromotion(cart);

        Assert.True(again?.IsApplied, again?.Message);
        Assert.Equal(104.00m, cart.Totals.Total);
        Assert.Equal(104.00m, PayAndComplete(till, cart).Sale?.Totals.Total);
    }

    [Fact]
    public void ApplyCode_FreeProductReward_AddsAFreeLineTheRuleDoesNotCount()
    {
        var freeMilk = CoffeeLovers with
        {
            Rules = [CoffeeRule with { ProductIds = ["p1"] }],
            Rewards = [new LoyaltyReward { Id = "3", Kind = LoyaltyRewardKind.Product, Description = "Free milk", RequiredPoints = 1m, ProductId = "p2", ProductQuantity = 1m }],
        };
        var (till, loyalty, cart) = Setup(freeMilk);
        using var _ = till;
        cart.Add(TestTill.Coffee);

        Assert.True(loyalty.ApplyCode(cart, "COFFEE10").IsApplied);
        var sale = PayAndComplete(till, cart).Sale!;

        Assert.Equal(57.00m, sale.Totals.Total);
        Assert.Equal([("p1", 0m), ("p2", 100m)], sale.Lines.Select(l => (l.ProductId, l.DiscountPercent)));
    }

    [Theory]
    [InlineData("coupons")]
    [InlineData("gift_card")]
    [InlineData("ewallet")]
    public void ApplyCode_SingleUseKinds_RefusedForTheBackOffice(string kind)
    {
        var coupon = CoffeeLovers with { Id = "7", Name = "Welcome coupons", Kind = kind, Rules = [CoffeeRule with { Code = "WELCOME-1" }] };
        var (till, loyalty, cart) = Setup(coupon);
        using var _ = till;
        cart.Add(TestTill.Coffee, 2);

        var result = loyalty.ApplyCode(cart, "welcome-1");

        Assert.Equal((RedeemStatus.Refused, PromotionRefusal.NeedsBackOffice), (result.Status, result.Refusal));
        Assert.EndsWith("single-use coupons need the back office; not accepted at the till yet.", result.Message, StringComparison.Ordinal);
        Assert.Null(cart.Promotion);
        Assert.Equal(114m, cart.Totals.Total);
    }

    [Theory]
    [InlineData("TEA20", PromotionRefusal.UnknownCode)]
    [InlineData("  ", PromotionRefusal.NoCode)]
    [InlineData(null, PromotionRefusal.NoCode)]
    public void ApplyCode_UnknownOrNoCode_RefusedAndNothingChanges(string? code, PromotionRefusal why)
    {
        var (till, loyalty, cart) = Setup();
        using var _ = till;
        cart.Add(TestTill.Coffee, 2);

        var result = loyalty.ApplyCode(cart, code);

        Assert.Equal(why, result.Refusal);
        Assert.Null(cart.Promotion);
        Assert.Equal(114m, cart.Totals.Total);
    }

    [Fact]
    public void ApplyCode_Twice_OrWithAPointsReward_OneRewardPerSale()
    {
        var points = new LoyaltyProgram
        {
            Id = "1", Name = "Café points", Kind = "loyalty", Rules = [new LoyaltyRule { Id = "1", PointMode = LoyaltyPointMode.PerCurrencyUnit, Points = 1m }],
            Rewards = [new LoyaltyReward { Id = "r1", Kind = LoyaltyRewardKind.Discount, Description = "5 % off", RequiredPoints = 10m, Discount = 5m, DiscountMode = LoyaltyDiscountMode.Percent }],
        };
        var (till, loyalty, cart) = Setup(points, CoffeeLovers);
        using var _ = till;
        loyalty.Attach(cart, new Customer { Id = "cu1", Name = "Salma" });
        loyalty.SetBackOfficeBalance("cu1", "1", 50m, till.Clock.GetUtcNow());
        cart.Add(TestTill.Coffee, 2);

        Assert.True(loyalty.ApplyCode(cart, "COFFEE10").IsApplied);
        var twice = loyalty.ApplyCode(cart, "COFFEE10");
        var reward = loyalty.Redeem(cart, "r1");
        LoyaltyService.RemovePromotion(cart);
        Assert.True(loyalty.Redeem(cart, "r1").IsApplied);
        var promoOverReward = loyalty.ApplyCode(cart, "COFFEE10");

        Assert.Equal(PromotionRefusal.AlreadyApplied, twice.Refusal);
        Assert.Equal(RedeemRefusal.RewardAlreadyApplied, reward.Refusal);
        Assert.Equal(PromotionRefusal.RewardOn, promoOverReward.Refusal);
        Assert.Equal(5m, cart.OrderDiscountPercent);
    }

    [Fact]
    public void ApplyCode_WithACustomer_TheirPointsAreEarnedOnWhatIsPaidAndNoneSpent()
    {
        var points = new LoyaltyProgram
        {
            Id = "1", Name = "Café points", Kind = "loyalty", Rules = [new LoyaltyRule { Id = "1", PointMode = LoyaltyPointMode.PerCurrencyUnit, Points = 1m }], Rewards = [],
        };
        var (till, loyalty, cart) = Setup(points, CoffeeLovers);
        using var _ = till;
        loyalty.Attach(cart, new Customer { Id = "cu1", Name = "Salma" });
        cart.Add(TestTill.Coffee, 2);

        Assert.True(loyalty.ApplyCode(cart, "COFFEE10").IsApplied);
        var sale = PayAndComplete(till, cart).Sale!;

        Assert.Equal(new LoyaltyPoints { ProgramId = "1", Earned = 102.60m, Spent = 0m }, sale.Loyalty);
    }

    [Fact]
    public void ApplyCode_AfterPaymentStarted_Refused()
    {
        var (till, loyalty, cart) = Setup();
        using var _ = till;
        cart.Add(TestTill.Coffee, 2);
        Assert.True(till.Checkout.PayCash(cart, 50m).IsAccepted);

        Assert.Equal(PromotionRefusal.PaymentStarted, loyalty.ApplyCode(cart, "COFFEE10").Refusal);
        Assert.Equal(114m, cart.Totals.Total);
    }
}
