using PosBridge.Core.Stock;
using PosBridge.Ecommerce.Stock;

namespace PosBridge.Ecommerce.Tests.Stock;

public sealed class AvailableToSellTests
{
    [Theory]
    [InlineData(10, 0, 0, 10)]
    [InlineData(10, 3, 2, 5)]
    [InlineData(10, 8, 5, 0)]
    [InlineData(2.75, 0, 0, 2)]
    [InlineData(-4, 0, 0, 0)]
    public void Compute_OnHandReservedBuffer_SubtractsFloorsAndNeverGoesBelowZero(decimal onHand, decimal reserved, decimal buffer, int expected) =>
        Assert.Equal(expected, AvailableToSell.Compute(onHand, reserved, buffer));

    [Fact]
    public void For_BuffersAtEveryLevel_MostSpecificWins()
    {
        var buffers = new SafetyBufferOptions
        {
            Store = 1,
            Categories = new() { ["fragile"] = 3 },
            Skus = new() { ["VASE-1"] = 0 },
        };
        var categories = new Dictionary<string, string> { ["VASE-1"] = "fragile", ["VASE-2"] = "fragile" };
        StockLevel[] levels = [Level("VASE-1", 10), Level("VASE-2", 10), Level("MUG", 10)];

        var desired = AvailableToSell.For(levels, _ => "web", buffers, categories).ToDictionary(d => d.Key.Sku, d => d.Available);

        Assert.Equal(10, desired["VASE-1"]);
        Assert.Equal(7, desired["VASE-2"]);
        Assert.Equal(9, desired["MUG"]);
    }

    [Fact]
    public void For_SeveralLocationsFeedOneStore_SumsThemAndSkipsLocationsThatFeedNone()
    {
        StockLevel[] levels = [Level("A", 4, "WH1", reserved: 1), Level("A", 6, "WH2"), Level("A", 100, "BACKROOM")];

        var desired = AvailableToSell.For(levels, l => l == "BACKROOM" ? null : "web", new SafetyBufferOptions { Store = 2 }, new Dictionary<string, string>());

        var only = Assert.Single(desired);
        Assert.Equal(new StockKey("A", "web"), only.Key);
        Assert.Equal(7, only.Available);
    }

    [Fact]
    public void Diff_OnlyDifferingLevelsAreChanges_AbsentAndUntrackedOnesSetApart()
    {
        DesiredLevel[] desired = [new(new("A", "web"), 5), new(new("B", "web"), 3), new(new("C", "web"), 1), new(new("D", "web"), 2)];
        var current = new Dictionary<StockKey, int?> { [new("A", "web")] = 5, [new("B", "web")] = 4, [new("C", "web")] = null };

        var plan = StockPlan.Diff(desired, current);

        Assert.Equal("B", Assert.Single(plan.Changes).Key.Sku);
        Assert.Equal("C", Assert.Single(plan.Untracked).Sku);
        Assert.Equal("A", Assert.Single(plan.Unchanged).Key.Sku);
        Assert.Equal("D", Assert.Single(plan.NotInStore).Sku);
    }

    [Fact]
    public void Check_WithinLimits_AllowsThePush()
    {
        var plan = StockPlan.Diff([new(new("A", "web"), 0), new(new("B", "web"), 8)], new Dictionary<StockKey, int?> { [new("A", "web")] = 1, [new("B", "web")] = 10 });

        Assert.Null(plan.Check("shop", new StockPolicyOptions { MaxSkusToZero = 1, MaxDecreaseShare = 0.5m }));
    }

    [Fact]
    public void Check_MoreSkusToZeroThanAllowed_StopsNamingThem()
    {
        var plan = StockPlan.Diff(
            [new(new("A", "web"), 0), new(new("B", "web"), 0), new(new("C", "web"), 50)],
            new Dictionary<StockKey, int?> { [new("A", "web")] = 1, [new("B", "web")] = 1, [new("C", "web")] = 50 });

        var stop = plan.Check("shop", new StockPolicyOptions { MaxSkusToZero = 1, MaxDecreaseShare = 1m });

        Assert.NotNull(stop);
        Assert.Equal(2, stop.SkusToZero);
        Assert.Equal(["A", "B"], stop.SampleSkus);
    }

    [Fact]
    public void Check_TotalFallsByMoreThanTheShare_Stops()
    {
        var plan = StockPlan.Diff([new(new("A", "web"), 40)], new Dictionary<StockKey, int?> { [new("A", "web")] = 100 });

        var stop = plan.Check("shop", new StockPolicyOptions { MaxSkusToZero = 10, MaxDecreaseShare = 0.5m });

        Assert.NotNull(stop);
        Assert.Equal(0.6m, stop.DecreaseShare);
    }

    private static StockLevel Level(string sku, decimal onHand, string location = "WH1", decimal reserved = 0m) =>
        new() { Sku = sku, LocationId = location, OnHand = onHand, Reserved = reserved };
}
