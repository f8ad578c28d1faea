using System.Net;
using Microsoft.Extensions.DependencyInjection;
using PosBridge.Core.Sales;
using PosBridge.Terminal.Sales;
using static PosBridge.Terminal.Screen.Tests.Screen.ScreenApiTests;
using PosBridge.Till.Nfc;

namespace PosBridge.Terminal.Screen.Tests.Screen;

/// <summary>
/// Customers and points at the cashier screen's API, over the demo till: the card NILE-1001 (Layla, 180 points in
/// "Nile Café points": 1 point per EGP 10; EGP 20 off for 100, a free croissant for 150, 10 % off for 300).
/// </summary>
public sealed class LoyaltyApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Scan_CardCode_AttachesCustomerWithBalanceAndPointsToEarn()
    {
        await using var till = await StartSellingAsync();
        await PostAsync(till, "cart/scan", new { code = DemoCatalog.MilkBarcode });
        await PostAsync(till, "cart/scan", new { code = DemoCatalog.WaterBarcode });

        var attached = await PostAsync(till, "cart/scan", new { code = "nile-1001" });

        Assert.Equal("customer-attached", attached.Notice);
        Assert.Equal(2, attached.State.Cart.Lines.Count);
        var customer = attached.State.Customer!;
        Assert.Equal("Layla Hassan", customer.Name);
        Assert.Equal("nile-points", customer.ProgramId);
        Assert.Equal("180", customer.Balance);
        // 48.50 EGP at 1 point per EGP 10.
        Assert.Equal("4.85", customer.PointsToEarn);
        Assert.Equal(["off-20", "free-croissant"], customer.Rewards.Where(r => r.Affordable).Select(r => r.Id));
        var tenPercent = Assert.Single(customer.Rewards, r => !r.Affordable);
        Assert.Equal("120", tenPercent.Needed);
    }

    [Fact]
    public async Task Scan_UnknownCode_StillSaysNoProduct()
    {
        await using var till = await StartSellingAsync();

        var answer = await PostAsync(till, "cart/scan", new { code = "NILE-9999" }, HttpStatusCode.UnprocessableEntity);

        Assert.Equal("bad-barcode", answer.Error!.Code);
        Assert.Contains("loyalty card", answer.Error.Message, StringComparison.Ordinal);
        Assert.Null(answer.State.Customer);
    }

    [Theory]
    [InlineData("100 555 0101")]
    [InlineData("+20 100-555-0101")]
    [InlineData("١٠٠٥٥٥٠١٠١")]
    public async Task Attach_ByPhone_FindsTheCustomer(string phone)
    {
        await using var till = await StartSellingAsync();

        var attached = await PostAsync(till, "customer", new { phone });

        Assert.Equal("cust-layla", attached.State.Customer!.Id);
    }

    [Fact]
    public async Task Attach_UnknownOrAmbiguous_IsRefusedAndChangesNothing()
    {
        await using var till = await StartSellingAsync();

        var unknown = await PostAsync(till, "customer", new { phone = "+20 111 222 3333" }, HttpStatusCode.UnprocessableEntity);
        var both = await PostAsync(till, "customer", new { phone = "100 555 0101", cardCode = "NILE-1001" }, HttpStatusCode.UnprocessableEntity);
        var neither = await PostAsync(till, "customer", new { }, HttpStatusCode.UnprocessableEntity);

        Assert.Equal("customer-not-found", unknown.Error!.Code);
        Assert.Equal("customer-how", both.Error!.Code);
        Assert.Equal("customer-how", neither.Error!.Code);
        Assert.Null(neither.State.Customer);
    }

    [Fact]
    public async Task Redeem_DiscountReward_TakesItOffAndRemoveGivesItBack()
    {
        await using var till = await StartSellingAsync();
        await PostAsync(till, "cart/scan", new { code = DemoCatalog.MilkBarcode });
        await PostAsync(till, "cart/scan", new { code = DemoCatalog.BeansBarcode });
        await PostAsync(till, "customer", new { cardCode = DemoCatalog.CardCode });

        var applied = await PostAsync(till, "loyalty/reward", new { rewardId = "off-20" });

        Assert.Equal("reward-applied", applied.Notice);
        Assert.Equal("138.50", applied.State.Cart.AmountDue);
        Assert.Equal(new ScreenAppliedReward("off-20", DemoCatalog.Points.Rewards[0].Description, "100", "20.00"), applied.State.Customer!.Reward);
        // Points are earned on what is paid, not on what points paid; the balance is spent when the sale commits.
        Assert.Equal("13.85", applied.State.Customer.PointsToEarn);
        Assert.Equal("180", applied.State.Customer.Balance);

        var removed = await DeleteAsync(till, "loyalty/reward");

        Assert.Equal("158.50", removed.State.Cart.AmountDue);
        Assert.Null(removed.State.Customer!.Reward);
    }

    [Theory]
    [InlineData("ten-percent", "points-short")]
    [InlineData("no-such-reward", "unknown-reward")]
    public async Task Redeem_EngineRefuses_SaysWhyAndChangesNothing(string rewardId, string code)
    {
        await using var till = await StartSellingAsync();
        await PostAsync(till, "cart/scan", new { code = DemoCatalog.BeansBarcode });
        await PostAsync(till, "customer", new { cardCode = DemoCatalog.CardCode });
        await PostAsync(till, "pay/cash", new { tendered = 50 });

        var refused = await PostAsync(till, "loyalty/reward", new { rewardId }, HttpStatusCode.UnprocessableEntity);

        Assert.Equal(code, refused.Error!.Code);
        Assert.Equal("120.00", refused.State.Cart.AmountDue);
        Assert.Null(refused.State.Customer!.Reward);
        // The cash already taken stays: a refusal changes nothing.
        Assert.Equal("50.00", refused.State.Cart.Paid);
    }

    [Fact]
    public async Task Redeem_WithoutCustomerOrSecondReward_IsRefused()
    {
        await using var till = await StartSellingAsync();
        await PostAsync(till, "cart/scan", new { code = DemoCatalog.BeansBarcode });

        var noCustomer = await PostAsync(till, "loyalty/reward", new { rewardId = "off-20" }, HttpStatusCode.UnprocessableEntity);
        await PostAsync(till, "customer", new { cardCode = DemoCatalog.CardCode });
        await PostAsync(till, "loyalty/reward", new { rewardId = "off-20" });
        var second = await PostAsync(till, "loyalty/reward", new { rewardId = "free-croissant" }, HttpStatusCode.UnprocessableEntity);

        Assert.Equal("no-customer", noCustomer.Error!.Code);
        Assert.Equal("reward-on", second.Error!.Code);
        Assert.Equal("100.00", second.State.Cart.AmountDue);
    }

    [Fact]
    public async Task Redeem_ProductReward_AddsAFreeLineTheCashierCannotEdit()
    {
        await using var till = await StartSellingAsync();
        await PostAsync(till, "cart/add", new { productId = "hot-3" });
        await PostAsync(till, "customer", new { cardCode = DemoCatalog.CardCode });

        var applied = await PostAsync(till, "loyalty/reward", new { rewardId = "free-croissant" });
        var edit = await PostAsync(till, "cart/lines/1/quantity", new { quantity = 3 }, HttpStatusCode.UnprocessableEntity);

        Assert.Equal([false, true], applied.State.Cart.Lines.Select(l => l.IsReward));
        Assert.Equal("0.00", applied.State.Cart.Lines[1].Total);
        Assert.Equal("60.00", applied.State.Cart.AmountDue);
        Assert.Equal("reward-line", edit.Error!.Code);
    }

    [Fact]
    public async Task LineChange_WithAmountReward_KeepsTheRewardAtItsAmount()
    {
        await using var till = await StartSellingAsync();
        await PostAsync(till, "cart/scan", new { code = DemoCatalog.BeansBarcode });
        await PostAsync(till, "customer", new { cardCode = DemoCatalog.CardCode });
        await PostAsync(till, "loyalty/reward", new { rewardId = "off-20" });

        var more = await PostAsync(till, "cart/lines/0/quantity", new { quantity = 2 });
        var emptied = await DeleteAsync(till, "cart/lines/0");

        // 2 × 120 − 20, not 240 less the percent 20 was of 120.
        Assert.Equal("220.00", more.State.Cart.AmountDue);
        Assert.Equal("reward-dropped", emptied.Notice);
        Assert.Null(emptied.State.Customer!.Reward);
    }

    [Fact]
    public async Task PayLater_WithoutCustomer_IsUnavailableAndRefused()
    {
        await using var till = await StartSellingAsync();
        var state = await PostAsync(till, "cart/scan", new { code = DemoCatalog.BeansBarcode });

        var refused = await PostAsync(till, "pay/later", new { }, HttpStatusCode.UnprocessableEntity);

        Assert.False(state.State.Methods.Single(m => m.Kind == "later").Available);
        Assert.Equal("no-customer", refused.Error!.Code);
        Assert.Empty(refused.State.Cart.Payments);
    }

    [Fact]
    public async Task PayLater_WithCustomerAndReward_CompletesWithPointsOnSaleAndReceipt()
    {
        await using var till = await StartSellingAsync();
        await PostAsync(till, "cart/scan", new { code = DemoCatalog.BeansBarcode });
        await PostAsync(till, "cart/scan", new { code = DemoCatalog.MilkBarcode });
        var attached = await PostAsync(till, "customer", new { cardCode = DemoCatalog.CardCode });
        await PostAsync(till, "loyalty/reward", new { rewardId = "off-20" });

        var paid = await PostAsync(till, "pay/later", new { });

        Assert.True(attached.State.Methods.Single(m => m.Kind == "later").Available);
        Assert.Equal("charged-to-account", paid.Notice);
        var done = paid.State.LastSale!;
        Assert.Equal(("Layla Hassan", "13.85", "100"), (done.Customer, done.PointsEarned, done.PointsSpent));
        Assert.Equal("customeraccount", Assert.Single(done.Payments).Kind);
        var sale = till.Service<SaleStore>().FindById(Guid.Parse(done.Id))!;
        Assert.Equal(new LoyaltyPoints { ProgramId = "nile-points", Earned = 13.85m, Spent = 100m }, sale.Loyalty);
        Assert.Equal("cust-layla", sale.Customer!.Id);
        var receipt = await till.Http.GetStringAsync($"/api/receipts/{done.Id}", Ct);
        Assert.Contains("Points earned", receipt, StringComparison.Ordinal);
        Assert.Contains("Points spent", receipt, StringComparison.Ordinal);
        // The next sale sees the balance the engine keeps: 180 − 100 + 13.85.
        await PostAsync(till, "sale/next", new { });
        var next = await PostAsync(till, "customer", new { cardCode = DemoCatalog.CardCode });
        Assert.Equal("93.85", next.State.Customer!.Balance);
    }

    [Fact]
    public async Task Detach_TakesCustomerAndRewardOff()
    {
        await using var till = await StartSellingAsync();
        await PostAsync(till, "cart/scan", new { code = DemoCatalog.BeansBarcode });
        await PostAsync(till, "customer", new { cardCode = DemoCatalog.CardCode });
        await PostAsync(till, "loyalty/reward", new { rewardId = "off-20" });

        var detached = await DeleteAsync(till, "customer");

        Assert.Null(detached.State.Customer);
        Assert.Equal("120.00", detached.State.Cart.AmountDue);
        Assert.False(detached.State.Methods.Single(m => m.Kind == "later").Available);
    }

    [Fact]
    public async Task SavedCart_AfterTillRestart_KeepsCustomerProgramAndReward()
    {
        string data;
        await using (var till = await StartSellingAsync())
        {
            data = till.DataDirectory;
            await PostAsync(till, "cart/scan", new { code = DemoCatalog.BeansBarcode });
            await PostAsync(till, "cart/add", new { productId = "hot-3" });
            await PostAsync(till, "customer", new { cardCode = DemoCatalog.CardCode });
            await PostAsync(till, "loyalty/reward", new { rewardId = "free-croissant" });
            await PostAsync(till, "cart/discount", new { percent = 10 });
        }

        await using var again = await TestTillHost.StartAsync(data);
        var state = (await PostAsync(again, "cart/scan", new { code = DemoCatalog.WaterBarcode })).State;

        Assert.Equal("cust-layla", state.Customer!.Id);
        Assert.Equal("nile-points", state.Customer.ProgramId);
        Assert.Equal("free-croissant", state.Customer.Reward!.Id);
        Assert.Equal([false, false, false, true], state.Cart.Lines.Select(l => l.IsReward));
        // (120 + 60 + 10) less the cashier's 10 %; the croissant is free.
        Assert.Equal("171.00", state.Cart.AmountDue);
        var paid = await PostAsync(again, "pay/cash", new { tendered = 200 });
        Assert.Equal("150", paid.State.LastSale!.PointsSpent);
    }

    [Fact]
    public async Task SavedCart_RewardNoLongerGiven_ComesBackWithCustomerOnly()
    {
        string data;
        await using (var till = await StartSellingAsync())
        {
            data = till.DataDirectory;
            await PostAsync(till, "cart/scan", new { code = DemoCatalog.BeansBarcode });
            await PostAsync(till, "customer", new { cardCode = DemoCatalog.CardCode });
            await PostAsync(till, "loyalty/reward", new { rewardId = "off-20" });
            // Meanwhile the back office's balance says the card has spent its points elsewhere.
            till.Service<PosBridge.Terminal.Loyalty.LoyaltyService>().SetBackOfficeBalance("cust-layla", "nile-points", 5m, DateTimeOffset.Parse("2030-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        }

        await using var again = await TestTillHost.StartAsync(data);
        var state = await again.Service<TillScreen>().StateAsync(Ct);

        Assert.Equal("cust-layla", state.Customer!.Id);
        Assert.Null(state.Customer.Reward);
        Assert.Equal("120.00", state.Cart.AmountDue);
    }

    [Fact]
    public async Task Tap_CardOnReader_AttachesItsCustomer()
    {
        var reader = new ScriptedNfcReader(TimeProvider.System);
        await using var till = await TestTillHost.StartWithAsync(s => s.AddSingleton<INfcReader>(reader));
        await PostAsync(till, "shift/open", new { openingFloat = 0 });
        reader.Present(DemoCatalog.CardTagUid);

        var tapped = await PostAsync(till, "customer/tap", new { });

        Assert.True(tapped.State.Nfc);
        Assert.Equal("cust-layla", tapped.State.Customer!.Id);
    }

    [Fact]
    public async Task Tap_WithoutReader_IsHiddenAndSaysSo()
    {
        await using var till = await StartSellingAsync();

        var tapped = await PostAsync(till, "customer/tap", new { }, HttpStatusCode.UnprocessableEntity);

        Assert.False(tapped.State.Nfc);
        Assert.Equal("nfc-unavailable", tapped.Error!.Code);
    }

    internal static async Task<TestTillHost> StartSellingAsync()
    {
        var till = await TestTillHost.StartAsync();
        await PostAsync(till, "shift/open", new { openingFloat = 0 });
        return till;
    }

    internal static async Task<ScreenResponse> DeleteAsync(TestTillHost till, string path)
    {
        using var response = await till.Http.DeleteAsync("/api/" + path, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
        return System.Text.Json.JsonSerializer.Deserialize<ScreenResponse>(text, Json)!;
    }
}
