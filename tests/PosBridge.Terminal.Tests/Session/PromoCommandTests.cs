using PosBridge.Core.Loyalty;
using PosBridge.Terminal.Session;

namespace PosBridge.Terminal.Tests.Session;

/// <summary>
/// The session's <c>promo</c> command over <c>LoyaltyService.ApplyCode</c>, with a program shaped like the Odoo
/// emulator's "Coffee lovers code" (COFFEE10: at least 50 of coffee or milk, 10 % off). Coffee is 57.00 with VAT,
/// milk 23.37.
/// </summary>
public sealed class PromoCommandTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static readonly LoyaltyProgram CoffeeLovers = new()
    {
        Id = "2",
        Name = "Coffee lovers code",
        Kind = "promo_code",
        NeedsCode = true,
        Rules = [new LoyaltyRule { Id = "2", PointMode = LoyaltyPointMode.PerOrder, Points = 1m, MinimumAmount = 50m, MinimumQuantity = 1m, ProductIds = ["p1", "p2"], Code = "COFFEE10" }],
        Rewards = [new LoyaltyReward { Id = "2", Kind = LoyaltyRewardKind.Discount, Description = "10% on your order", RequiredPoints = 1m, Discount = 10m, DiscountMode = LoyaltyDiscountMode.Percent }],
    };

    private static readonly LoyaltyProgram Coupons = CoffeeLovers with
    {
        Id = "7", Name = "Welcome coupons", Kind = "coupons", Rules = [CoffeeLovers.Rules[0] with { Id = "7", Code = "WELCOME-1" }],
    };

    private static (TestTill Till, TillSession Session, StringWriter Output) Setup()
    {
        var till = new TestTill();
        till.Catalog.Upsert(CoffeeLovers);
        till.Catalog.Upsert(Coupons);
        var (session, output) = TillSessionTests.Session(till);
        return (till, session, output);
    }

    [Fact]
    public async Task Script_PromoAppliedTakenOffWhenTheCartDropsBelow_AndRecordedOnTheSale()
    {
        var (till, session, output) = Setup();
        using var _ = till;
        const string script = """
            open 500
            sell COF-1
            sell MLK-1
            promo coffee10
            promo
            remove 1
            sell COF-1
            promo COFFEE10
            cart
            pay cash 100
            receipt last 48
            """;

        var exit = await session.RunAsync(new StringReader(script), interactive: false, Token);

        var text = output.ToString();
        TestContext.Current.TestOutputHelper?.WriteLine(text);
        Assert.True(exit == 0, text);
        Assert.Contains("COFFEE10: 10% on your order, 8.04 off.", text, StringComparison.Ordinal);
        Assert.Contains("Promotion COFFEE10: 10% on your order (Coffee lovers code), 8.04 EGP off", text, StringComparison.Ordinal);
        Assert.Contains("The promotion code COFFEE10 is on this sale: 10% on your order (Coffee lovers code).", text, StringComparison.Ordinal);
        Assert.Contains("The promotion code COFFEE10 was taken off: Coffee lovers code (COFFEE10) does not apply yet: it needs 50 of قهوة تركي, Lait entier Crème (tax included); the cart has 23.37: 26.63 short.", text, StringComparison.Ordinal);
        Assert.Contains("Promotion code COFFEE10: Coffee lovers code", text[text.LastIndexOf("> receipt", StringComparison.Ordinal)..], StringComparison.Ordinal);
        var sale = till.Sales.FindByNumber("CAI1-T2-0001-000001")!;
        // 80.37 − 8.04 by Core's calculator: the 10 % rounded to the minor unit, taken as the order discount that gives it.
        Assert.Equal((72.33m, 8.04m), (sale.Totals.Total, sale.Totals.Discount));
        Assert.Equal("Promotion code COFFEE10: Coffee lovers code (program 2), 10% on your order", sale.Note);
    }

    [Fact]
    public async Task Pay_ProgramEndedMeanwhile_CommitRefused_ThenPromoRemoveAndPayTheRest()
    {
        var (till, session, output) = Setup();
        using var _ = till;
        foreach (var command in new[] { "open 500", "sell COF-1 2", "promo COFFEE10" })
        {
            Assert.Equal(CommandOutcome.Done, await session.ExecuteAsync(command, Token));
        }

        till.Catalog.RemoveLoyaltyProgram("2");
        var refused = await session.ExecuteAsync("pay cash 102.60", Token);
        Assert.Equal(0, till.Sales.Count());
        Assert.Equal(CommandOutcome.Done, await session.ExecuteAsync("promo remove", Token));
        Assert.Equal(CommandOutcome.Done, await session.ExecuteAsync("pay cash 11.40", Token));

        var text = output.ToString();
        TestContext.Current.TestOutputHelper?.WriteLine(text);
        Assert.Equal(CommandOutcome.Refused, refused);
        Assert.Contains("The promotion code COFFEE10 is no longer offered by the back office; nothing was saved.", text, StringComparison.Ordinal);
        var sale = till.Sales.FindByNumber("CAI1-T2-0001-000001")!;
        Assert.Equal((114m, 0m), (sale.Totals.Total, sale.OrderDiscountPercent));
        Assert.Null(sale.Note);
    }

    [Theory]
    [InlineData("", "promo TEA20", "No promotion on this till has the code 'TEA20'")]
    [InlineData("", "promo WELCOME-1", "single-use coupons need the back office; not accepted at the till yet.")]
    [InlineData("", "promo remove", "No promotion code is on this sale, so there is none to take off.")]
    [InlineData("pay cash 20", "promo COFFEE10", "Payment has started on this cart")]
    [InlineData("promo COFFEE10", "promo COFFEE10", "The promotion code COFFEE10 is already on this sale.")]
    public async Task Promo_Refused_SaysWhyAndChangesNothing(string setup, string line, string expected)
    {
        var (till, session, output) = Setup();
        using var _ = till;
        foreach (var command in new[] { "open 500", "sell COF-1", setup }.Where(c => c.Length > 0))
        {
            Assert.Equal(CommandOutcome.Done, await session.ExecuteAsync(command, Token));
        }

        var before = (session.Cart?.Promotion, session.Cart?.Lines.Count, session.Cart?.Totals.Total ?? 0m, session.Cart?.OrderDiscountPercent);
        output.GetStringBuilder().Clear();

        var outcome = await session.ExecuteAsync(line, Token);

        Assert.Equal(CommandOutcome.Refused, outcome);
        Assert.StartsWith("error: ", output.ToString(), StringComparison.Ordinal);
        Assert.Contains(expected, output.ToString(), StringComparison.Ordinal);
        Assert.Equal(before, (session.Cart?.Promotion, session.Cart?.Lines.Count, session.Cart?.Totals.Total ?? 0m, session.Cart?.OrderDiscountPercent));
    }
}
