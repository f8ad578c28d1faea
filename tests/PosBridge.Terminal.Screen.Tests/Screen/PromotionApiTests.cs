using System.Net;
using PosBridge.Terminal.Sales;
using static PosBridge.Terminal.Screen.Tests.Screen.LoyaltyApiTests;
using static PosBridge.Terminal.Screen.Tests.Screen.ScreenApiTests;

namespace PosBridge.Terminal.Screen.Tests.Screen;

/// <summary>
/// Promotion codes at the cashier screen's API, over the demo till: COFFEE10 ("Coffee lovers code") gives 10 % off
/// from EGP 100 (VAT included) of Turkish coffee, espresso, cappuccino or coffee beans; WELCOME-7Q2X is a single-use
/// coupon. Beans are 120.00, cappuccino 60.00, espresso 40.00, water 10.00.
/// </summary>
public sealed class PromotionApiTests
{
    private const string Description = "10% on your order · خصم ١٠٪ على الطلب";

    [Fact]
    public async Task Promo_RuleMet_TenPercentOff_AndTheSaleCarriesTheCode()
    {
        await using var till = await StartSellingAsync();
        await PostAsync(till, "cart/scan", new { code = DemoCatalog.BeansBarcode });
        await PostAsync(till, "cart/scan", new { code = DemoCatalog.WaterBarcode });

        var applied = await PostAsync(till, "loyalty/promo", new { code = " coffee10 " });

        Assert.Equal("promo-applied", applied.Notice);
        Assert.Equal(new ScreenPromotion("COFFEE10", "coffee-lovers", "Coffee lovers code", Description, "13.00"), applied.State.Promotion);
        Assert.Equal("117.00", applied.State.Cart.AmountDue); // 130 − 10 %
        var paid = await PostAsync(till, "pay/cash", new { tendered = 120 });
        var sale = till.Service<SaleStore>().FindById(Guid.Parse(paid.State.LastSale!.Id))!;
        Assert.Equal(117.00m, sale.Totals.AmountDue);
        Assert.Equal($"Promotion code COFFEE10: Coffee lovers code (program coffee-lovers), {Description}", sale.Note);
        Assert.Null(paid.State.Promotion);
    }

    [Theory]
    [InlineData("COFFEE10", "promo-not-met", "it needs 100 of")]
    [InlineData("TEA20", "promo-unknown", "No promotion on this till has the code 'TEA20'")]
    [InlineData("welcome-7q2x", "promo-back-office", "single-use coupons need the back office; not accepted at the till yet.")]
    [InlineData(DemoCatalog.CardCode, "promo-is-card", "is the loyalty card of Layla Hassan")]
    [InlineData("  ", "promo-none", "Type or scan the promotion code")]
    public async Task Promo_Refused_SaysWhyAndChangesNothing(string code, string error, string message)
    {
        await using var till = await StartSellingAsync();
        await PostAsync(till, "cart/add", new { productId = "hot-3" });
        await PostAsync(till, "pay/cash", new { tendered = 20 });

        var refused = await PostAsync(till, "loyalty/promo", new { code }, HttpStatusCode.UnprocessableEntity);

        Assert.Equal(error, refused.Error!.Code);
        Assert.Contains(message, refused.Error.Message, StringComparison.Ordinal);
        Assert.Null(refused.State.Promotion);
        Assert.Equal("60.00", refused.State.Cart.AmountDue);
        Assert.Equal("20.00", refused.State.Cart.Paid); // the cash taken stays
    }

    [Fact]
    public async Task LineChanges_RecheckTheRule_AndDropThePromoBelowTheMinimum()
    {
        await using var till = await StartSellingAsync();
        await PostAsync(till, "cart/add", new { productId = "hot-3" });
        await PostAsync(till, "cart/add", new { productId = "hot-2" });
        Assert.Equal("90.00", (await PostAsync(till, "loyalty/promo", new { code = "COFFEE10" })).State.Cart.AmountDue);

        var more = await PostAsync(till, "cart/lines/0/quantity", new { quantity = 2 });
        var second = await PostAsync(till, "loyalty/promo", new { code = "COFFEE10" }, HttpStatusCode.UnprocessableEntity);
        var discounted = await PostAsync(till, "cart/discount", new { percent = 50 });
        await PostAsync(till, "cart/discount", new { percent = 0 });
        var fewer = await PostAsync(till, "cart/lines/0/quantity", new { quantity = 1 });
        var below = await DeleteLineAsync(till, 1);

        Assert.Equal("144.00", more.State.Cart.AmountDue); // (120 + 40) − 10 %, checked again on the new lines
        Assert.Equal("promo-on", second.Error!.Code);
        // The cashier's 50 % brings the coffees to 80, below the 100 the rule needs: the code comes off.
        Assert.Equal("promo-dropped", discounted.Notice);
        Assert.Null(discounted.State.Promotion);
        Assert.Equal("80.00", discounted.State.Cart.AmountDue);
        Assert.Null(fewer.State.Promotion);
        Assert.Equal("60.00", below.State.Cart.AmountDue);
    }

    [Fact]
    public async Task LineRemoved_BelowTheMinimum_PromoDroppedAndTheCashierTold()
    {
        await using var till = await StartSellingAsync();
        await PostAsync(till, "cart/add", new { productId = "hot-3" });
        await PostAsync(till, "cart/add", new { productId = "hot-2" });
        await PostAsync(till, "loyalty/promo", new { code = "COFFEE10" });

        var below = await DeleteLineAsync(till, 1);

        Assert.Equal("promo-dropped", below.Notice);
        Assert.Null(below.State.Promotion);
        Assert.Equal("60.00", below.State.Cart.AmountDue);
    }

    [Fact]
    public async Task RemovePromo_AfterCash_TheRestIsToPay()
    {
        await using var till = await StartSellingAsync();
        await PostAsync(till, "cart/scan", new { code = DemoCatalog.BeansBarcode });
        await PostAsync(till, "loyalty/promo", new { code = "COFFEE10" });
        await PostAsync(till, "pay/cash", new { tendered = 100 });

        var removed = await DeleteAsync(till, "loyalty/promo");

        Assert.Equal("promo-removed", removed.Notice);
        Assert.Equal(("120.00", "100.00", "20.00"), (removed.State.Cart.AmountDue, removed.State.Cart.Paid, removed.State.Cart.Remaining));
    }

    [Fact]
    public async Task SavedCart_AfterTillRestart_KeepsThePromo()
    {
        string data;
        await using (var till = await StartSellingAsync())
        {
            data = till.DataDirectory;
            await PostAsync(till, "cart/scan", new { code = DemoCatalog.BeansBarcode });
            await PostAsync(till, "loyalty/promo", new { code = "COFFEE10" });
        }

        await using var again = await TestTillHost.StartAsync(data);
        var state = await again.Service<TillScreen>().StateAsync(TestContext.Current.CancellationToken);

        Assert.Equal("COFFEE10", state.Promotion?.Code);
        Assert.Equal("108.00", state.Cart.AmountDue);
    }

    private static async Task<ScreenResponse> DeleteLineAsync(TestTillHost till, int index) => await DeleteAsync(till, $"cart/lines/{index}");
}
