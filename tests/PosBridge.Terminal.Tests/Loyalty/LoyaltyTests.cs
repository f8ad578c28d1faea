using PosBridge.Core.Loyalty;
using PosBridge.Core.Sales;
using PosBridge.Terminal.Loyalty;
using PosBridge.Terminal.Sync;
using PosBridge.Till.Refunds;
using PosBridge.Till.Sales;

namespace PosBridge.Terminal.Tests.Loyalty;

/// <summary>Coffee is 50 + 14 % VAT = 57.00 a cup; milk 20.50 + 14 % = 23.37.</summary>
public sealed class LoyaltyTests
{
    private static readonly Customer Salma = new() { Id = "cu1", Name = "Salma", LoyaltyCardCode = "LOY-0042" };

    private static LoyaltyProgram Program(LoyaltyRule rule, params LoyaltyReward[] rewards) => new()
    {
        Id = "1", Name = "Café points", Kind = "loyalty", Rules = [rule], Rewards = rewards,
    };

    private static readonly LoyaltyReward TenPercent = new() { Id = "r1", Kind = LoyaltyRewardKind.Discount, Description = "10 % off", RequiredPoints = 100m, Discount = 10m, DiscountMode = LoyaltyDiscountMode.Percent };

    private static readonly LoyaltyReward PerPoint = new() { Id = "r2", Kind = LoyaltyRewardKind.Discount, Description = "0.10 per point", RequiredPoints = 100m, Discount = 0.1m, DiscountMode = LoyaltyDiscountMode.PerPoint };

    private static readonly LoyaltyReward FreeMilk = new() { Id = "r3", Kind = LoyaltyRewardKind.Product, Description = "Free milk", RequiredPoints = 30m, ProductId = "p2", ProductQuantity = 1m };

    private static readonly LoyaltyRule PerEgp = new() { Id = "1", PointMode = LoyaltyPointMode.PerCurrencyUnit, Points = 1m };

    private static (TestTill Till, LoyaltyService Loyalty, Cart Cart) Setup(LoyaltyProgram program)
    {
        var till = new TestTill();
        till.Catalog.Upsert(program);
        till.Shifts.Open(TestTill.Cashier, 100m);
        var loyalty = new LoyaltyService(till.Database, till.Options);
        var cart = till.Checkout.NewCart(TestTill.Cashier);
        return (till, loyalty, cart);
    }

    private static Sale Pay(TestTill till, Cart cart)
    {
        Assert.True(till.Checkout.PayCash(cart, 500m).IsAccepted);
        var result = till.Checkout.Complete(cart);
        Assert.True(result.IsCommitted, result.Message + result.Validation);
        return result.Sale!;
    }

    [Fact]
    public void Earn_PerCurrencyUnit_OnTheTaxIncludedTotal_RecordedOnTheSaleAndInTheBalance()
    {
        var (till, loyalty, cart) = Setup(Program(PerEgp));
        using var _ = till;
        loyalty.Attach(cart, Salma);
        cart.Add(TestTill.Coffee, 2);
        cart.Add(TestTill.Milk);

        Assert.Equal(137.37m, cart.PointsToEarn);
        var sale = Pay(till, cart);

        Assert.Equal(new LoyaltyPoints { ProgramId = "1", Earned = 137.37m, Spent = 0m }, sale.Loyalty);
        Assert.True(sale.Validate().IsValid);
        Assert.Equal(137.37m, loyalty.Balance("cu1", "1").Available);
        Assert.Equal(sale.Loyalty, till.Sales.FindById(sale.Id)!.Loyalty); // in the stored document the connector gets
    }

    [Fact]
    public void Earn_PerOrder_OnlyFromTheMinimumAmount()
    {
        var (till, loyalty, cart) = Setup(Program(new LoyaltyRule { Id = "1", PointMode = LoyaltyPointMode.PerOrder, Points = 5m, MinimumAmount = 100m }));
        using var _ = till;
        loyalty.Attach(cart, Salma);
        cart.Add(TestTill.Coffee);
        var small = Pay(till, cart);

        var big = till.Checkout.NewCart(TestTill.Cashier);
        loyalty.Attach(big, Salma);
        big.Add(TestTill.Coffee, 2);
        var large = Pay(till, big);

        Assert.Null(small.Loyalty);
        Assert.Equal(5m, large.Loyalty?.Earned);
    }

    [Fact]
    public void Earn_PerUnit_CountsOnlyTheRulesProductsFromTheMinimumQuantity()
    {
        var rule = new LoyaltyRule { Id = "1", PointMode = LoyaltyPointMode.PerUnit, Points = 2m, MinimumQuantity = 2m, ProductIds = ["p1"] };
        var (till, loyalty, cart) = Setup(Program(rule));
        using var _ = till;
        loyalty.Attach(cart, Salma);
        cart.Add(TestTill.Coffee);
        cart.Add(TestTill.Milk, 5);
        Assert.Equal(0m, cart.PointsToEarn); // one coffee: under the minimum; milk is not covered

        cart.Add(TestTill.Coffee, 2);
        Assert.Equal(6m, Pay(till, cart).Loyalty?.Earned);
    }

    [Fact]
    public void Earn_NoCustomer_NoPointsOnTheSale()
    {
        var (till, _, cart) = Setup(Program(PerEgp));
        using var __ = till;
        cart.Add(TestTill.Coffee);

        Assert.Null(Pay(till, cart).Loyalty);
    }

    [Fact]
    public void Spend_WithoutCustomerOrWithTooFewPoints_IsRefusedAndTheCartUnchanged()
    {
        var (till, loyalty, cart) = Setup(Program(PerEgp, TenPercent));
        using var _ = till;
        cart.Add(TestTill.Coffee, 2);

        var anonymous = loyalty.Redeem(cart, "r1");
        loyalty.Attach(cart, Salma);
        loyalty.SetBackOfficeBalance("cu1", "1", 60m, till.Clock.GetUtcNow());
        var shortOf = loyalty.Redeem(cart, "r1");

        Assert.Equal((RedeemStatus.Refused, "Attach the customer first: points are spent from their card."), (anonymous.Status, anonymous.Message));
        Assert.Equal((RedeemStatus.Refused, "Salma has 60 points here; this reward needs 100."), (shortOf.Status, shortOf.Message));
        Assert.Equal(0m, cart.OrderDiscountPercent);
        Assert.Null(cart.Reward);
        Assert.Equal(114m, cart.Totals.Total);
    }

    [Fact]
    public void Spend_PercentReward_DiscountsThroughTheEngine_SpentOnTheSale_AndEarnsOnWhatIsPaid()
    {
        var (till, loyalty, cart) = Setup(Program(PerEgp, TenPercent));
        using var _ = till;
        loyalty.Attach(cart, Salma);
        loyalty.SetBackOfficeBalance("cu1", "1", 150m, till.Clock.GetUtcNow());
        till.Clock.Advance(TimeSpan.FromMinutes(1));
        cart.Add(TestTill.Coffee, 2);

        var applied = loyalty.Redeem(cart, "r1");
        var again = loyalty.Redeem(cart, "r1");
        var sale = Pay(till, cart);

        Assert.True(applied.IsApplied, applied.Message);
        Assert.Equal(RedeemStatus.Refused, again.Status);
        Assert.Equal(102.6m, sale.Totals.Total); // 114 − 10 %
        Assert.Equal(new LoyaltyPoints { ProgramId = "1", Earned = 102.6m, Spent = 100m }, sale.Loyalty);
        Assert.Equal(new LoyaltyBalance("cu1", "1", 150m, till.Clock.GetUtcNow().AddMinutes(-1), 102.6m, 100m), loyalty.Balance("cu1", "1") with { BackOfficeAsOf = till.Clock.GetUtcNow().AddMinutes(-1) });
        Assert.Equal(152.6m, loyalty.Balance("cu1", "1").Available);
    }

    [Fact]
    public void Spend_PerPointReward_TakesAsMuchAsThePointsBuy_AndRemovingItRestoresTheCart()
    {
        var (till, loyalty, cart) = Setup(Program(PerEgp, PerPoint));
        using var _ = till;
        loyalty.Attach(cart, Salma);
        loyalty.SetBackOfficeBalance("cu1", "1", 250m, till.Clock.GetUtcNow().AddSeconds(-1));
        cart.Add(TestTill.Coffee, 2);
        cart.SetOrderDiscountPercent(5m);

        var applied = loyalty.Redeem(cart, "r2");
        Assert.True(applied.IsApplied, applied.Message);
        Assert.Equal((250m, 25m), (applied.Reward!.Points, applied.Reward.DiscountAmount));
        Assert.Equal(108.3m - 25m, cart.Totals.Total);

        LoyaltyService.RemoveReward(cart);
        Assert.Equal((5m, 108.3m), (cart.OrderDiscountPercent, cart.Totals.Total));
        Assert.Null(cart.Reward);
    }

    [Fact]
    public void Spend_FreeProduct_AddsItAtNoCharge_AndItEarnsNothing()
    {
        var (till, loyalty, cart) = Setup(Program(PerEgp, FreeMilk));
        using var _ = till;
        loyalty.Attach(cart, Salma);
        loyalty.SetBackOfficeBalance("cu1", "1", 30m, till.Clock.GetUtcNow().AddSeconds(-1));
        cart.Add(TestTill.Coffee);

        var applied = loyalty.Redeem(cart, "r3");
        var sale = Pay(till, cart);

        Assert.True(applied.IsApplied, applied.Message);
        Assert.Equal(57m, sale.Totals.Total);
        Assert.Equal((2, 100m), (sale.Lines.Count, sale.Lines[1].DiscountPercent));
        Assert.Equal(new LoyaltyPoints { ProgramId = "1", Earned = 57m, Spent = 30m }, sale.Loyalty);
        Assert.Equal(57m, loyalty.Balance("cu1", "1").Available);
    }

    [Fact]
    public void Spend_SamePointsOnTwoCarts_TheSecondCommitIsRefused()
    {
        var (till, loyalty, cart) = Setup(Program(PerEgp, TenPercent));
        using var _ = till;
        loyalty.SetBackOfficeBalance("cu1", "1", 100m, till.Clock.GetUtcNow().AddSeconds(-1));
        var other = till.Checkout.NewCart(TestTill.Cashier);
        foreach (var c in new[] { cart, other })
        {
            loyalty.Attach(c, Salma);
            c.Add(TestTill.Coffee);
            Assert.True(loyalty.Redeem(c, "r1").IsApplied);
            Assert.True(till.Checkout.PayCash(c, 100m).IsAccepted);
        }

        Assert.True(till.Checkout.Complete(cart).IsCommitted);
        var second = till.Checkout.Complete(other);

        Assert.False(second.IsCommitted);
        Assert.Contains("less than the 100 this sale spends", second.Message, StringComparison.Ordinal);
        Assert.Equal(1, till.Sales.Count());
    }

    [Fact]
    public async Task Refund_HalfOfTheSale_TakesBackHalfTheEarnedAndGivesBackHalfTheSpent_AllOfItExactlyAfterTheRest()
    {
        var (till, loyalty, cart) = Setup(Program(PerEgp, TenPercent));
        using var _ = till;
        loyalty.SetBackOfficeBalance("cu1", "1", 100m, till.Clock.GetUtcNow().AddSeconds(-1));
        loyalty.Attach(cart, Salma);
        cart.Add(TestTill.Coffee, 2);
        Assert.True(loyalty.Redeem(cart, "r1").IsApplied);
        var sale = Pay(till, cart); // 102.60 paid, 102.6 earned, 100 spent

        var half = await till.Refunds.RefundAsync(new RefundRequest { SaleId = sale.Id, Cashier = TestTill.Cashier, Permissions = TillPermissions.Refund, Lines = [new RefundLineRequest(1, 1m)] }, TestContext.Current.CancellationToken);
        var rest = await till.Refunds.RefundAsync(new RefundRequest { SaleId = sale.Id, Cashier = TestTill.Cashier, Permissions = TillPermissions.Refund }, TestContext.Current.CancellationToken);

        Assert.True(half.IsRefunded, half.Message);
        Assert.Equal(new LoyaltyPoints { ProgramId = "1", Earned = 50m, Spent = 51.3m }, half.Refund!.Loyalty);
        Assert.Equal(new LoyaltyPoints { ProgramId = "1", Earned = 50m, Spent = 51.3m }, rest.Refund!.Loyalty);
        Assert.True(half.Refund.Validate().IsValid);
        Assert.Equal(100m, loyalty.Balance("cu1", "1").Available); // back where it started
    }
    /// <summary>The connector acknowledges the sale's upload now (the till's clock), as the uploader records it.</summary>
    private static void Acknowledge(TestTill till, Guid saleId, bool accepted = true)
    {
        var outbox = new Outbox(till.Database, till.Clock);
        var (seq, _, _) = outbox.NextBatch(100).Single(r => r.SaleId == saleId);
        outbox.Record([(seq, accepted, accepted ? null : "rejected: test")]);
    }

    private static Sale SellCoffee(TestTill till, LoyaltyService loyalty, string? rewardId = null)
    {
        var cart = till.Checkout.NewCart(TestTill.Cashier);
        loyalty.Attach(cart, Salma);
        cart.Add(TestTill.Coffee);
        if (rewardId is not null)
        {
            Assert.True(loyalty.Redeem(cart, rewardId).IsApplied);
        }

        return Pay(till, cart);
    }

    [Fact]
    public void Balance_SaleMadeOfflineBeforeAsOf_UploadedAfter_CountsOnTop_OneUploadedBeforeDoesNot()
    {
        var (till, loyalty, _) = Setup(Program(PerEgp));
        using var _ = till;
        var day = till.Clock.GetUtcNow().Date;
        till.Clock.SetUtcNow(new DateTimeOffset(day.AddHours(8), TimeSpan.Zero));
        var morning = SellCoffee(till, loyalty); // 57 points, uploaded at 09:00: in the back office's balance
        till.Clock.SetUtcNow(new DateTimeOffset(day.AddHours(9), TimeSpan.Zero));
        Acknowledge(till, morning.Id);
        till.Clock.SetUtcNow(new DateTimeOffset(day.AddHours(10), TimeSpan.Zero));
        var offline = SellCoffee(till, loyalty); // 57 points, made offline, uploaded at 17:00
        var rejected = SellCoffee(till, loyalty); // 57 points the connector refused: never reached the back office

        Acknowledge(till, rejected.Id, accepted: false);
        var readAt = new DateTimeOffset(day.AddHours(16).AddMinutes(58), TimeSpan.Zero);
        loyalty.SetBackOfficeBalance("cu1", "1", 57m, readAt); // the card as the back office read it: the morning's sale only
        till.Clock.SetUtcNow(new DateTimeOffset(day.AddHours(17), TimeSpan.Zero));
        Acknowledge(till, offline.Id);

        var balance = loyalty.Balance("cu1", "1");

        Assert.Equal(new LoyaltyBalance("cu1", "1", 57m, readAt, 114m, 0m), balance);
        Assert.Equal(171m, balance.Available);

        // The next read has the afternoon's upload in it: it no longer counts on top.
        loyalty.SetBackOfficeBalance("cu1", "1", 114m, new DateTimeOffset(day.AddHours(18), TimeSpan.Zero));
        Assert.Equal(171m, loyalty.Balance("cu1", "1").Available);
    }

    [Fact]
    public void Balance_SpendNotYetAcknowledged_IsTakenOffABalanceReadAfterIt()
    {
        var (till, loyalty, _) = Setup(Program(PerEgp, TenPercent));
        using var _ = till;
        loyalty.SetBackOfficeBalance("cu1", "1", 150m, till.Clock.GetUtcNow().AddMinutes(-1));
        var spent = SellCoffee(till, loyalty, "r1"); // 100 spent, 51.3 earned, offline
        till.Clock.Advance(TimeSpan.FromHours(2));

        // Read after the sale, but the back office has not had it: still 150.
        loyalty.SetBackOfficeBalance("cu1", "1", 150m, till.Clock.GetUtcNow());

        Assert.Equal(101.3m, loyalty.Balance("cu1", "1").Available);
        var cart = till.Checkout.NewCart(TestTill.Cashier);
        loyalty.Attach(cart, Salma);
        cart.Add(TestTill.Coffee);
        Assert.Equal(RedeemRefusal.None, loyalty.Redeem(cart, "r1").Refusal); // 101.3 ≥ 100: the 150 alone would allow it too
        loyalty.SetBackOfficeBalance("cu1", "1", 120m, till.Clock.GetUtcNow());
        LoyaltyService.RemoveReward(cart);
        Assert.Equal(RedeemRefusal.PointsShort, loyalty.Redeem(cart, "r1").Refusal); // 120 − 100 + 51.3 = 71.3

        // Uploaded, then read with it: the back office's balance alone.
        till.Clock.Advance(TimeSpan.FromMinutes(5));
        Acknowledge(till, spent.Id);
        till.Clock.Advance(TimeSpan.FromMinutes(5));
        loyalty.SetBackOfficeBalance("cu1", "1", 101.3m, till.Clock.GetUtcNow());
        Assert.Equal(101.3m, loyalty.Balance("cu1", "1").Available);
    }

    [Fact]
    public async Task Balance_RefundWaitingToUpload_TakesItsPointsOff_AndIsNotCountedTwiceOnceUploaded()
    {
        var (till, loyalty, cart) = Setup(Program(PerEgp));
        using var _ = till;
        loyalty.Attach(cart, Salma);
        cart.Add(TestTill.Coffee, 2);
        var sale = Pay(till, cart); // 114 earned
        till.Clock.Advance(TimeSpan.FromMinutes(5));
        Acknowledge(till, sale.Id);
        till.Clock.Advance(TimeSpan.FromHours(1));
        loyalty.SetBackOfficeBalance("cu1", "1", 114m, till.Clock.GetUtcNow());
        till.Clock.Advance(TimeSpan.FromHours(1));

        var refund = await till.Refunds.RefundAsync(new RefundRequest { SaleId = sale.Id, Cashier = TestTill.Cashier, Permissions = TillPermissions.Refund }, TestContext.Current.CancellationToken);

        Assert.True(refund.IsRefunded, refund.Message);
        Assert.Equal(0m, loyalty.Balance("cu1", "1").Available);
        till.Clock.Advance(TimeSpan.FromMinutes(5));
        Acknowledge(till, refund.Refund!.Id);
        till.Clock.Advance(TimeSpan.FromMinutes(5));
        loyalty.SetBackOfficeBalance("cu1", "1", 0m, till.Clock.GetUtcNow());
        Assert.Equal(0m, loyalty.Balance("cu1", "1").Available);
    }
}
