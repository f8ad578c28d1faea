using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using PosBridge.Connector.Catalog;
using PosBridge.Connector.Hosting;
using PosBridge.Connector.Tests.Hosting;
using PosBridge.Core.Catalog;
using PosBridge.Core.Loyalty;
using PosBridge.Core.Sales;
using PosBridge.Core.Taxes;

namespace PosBridge.Connector.Tests.Catalog;

public sealed class CatalogApiTests
{
    private static Product Product(string id, decimal price) => new()
    {
        Id = id,
        Name = "Product " + id,
        Sku = id.ToUpperInvariant(),
        Unit = "Units",
        ListPrice = price,
        Currency = "EGP",
        TaxIds = ["vat14"],
        CategoryId = "drinks",
    };

    private static async Task<CatalogChanges> PageAsync(TestTill till, string query)
    {
        var response = await till.SendAsync(HttpMethod.Get, "/api/v1/catalog" + query, []);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return (await response.Content.ReadFromJsonAsync<CatalogChanges>(TerminalApi.Json, TestContext.Current.CancellationToken))!;
    }

    [Fact]
    public async Task Catalog_PagedFromTheStart_ThenOnlyWhatChangedSinceTheCursor()
    {
        await using var host = await ConnectorHost.StartAsync();
        var till = await host.PairTillAsync();
        var catalog = host.Services.GetRequiredService<ICatalogSnapshot>();
        await catalog.SaveTaxesAsync([new TaxDefinition { Id = "vat14", Name = "VAT 14%", AmountType = TaxAmountType.Percent, Amount = 14m, PriceInclude = true }], TestContext.Current.CancellationToken);
        await catalog.SaveCategoriesAsync([new Category { Id = "drinks", Name = "مشروبات" }], TestContext.Current.CancellationToken);
        await catalog.SaveProductsAsync([Product("p1", 35.5m), Product("p2", 12m), Product("p3", 7.25m)], [], TestContext.Current.CancellationToken);

        var first = await PageAsync(till, "?limit=3");
        var second = await PageAsync(till, $"?limit=3&cursor={first.NextCursor}");
        var nothing = await PageAsync(till, $"?cursor={second.NextCursor}");

        Assert.True(first.HasMore);
        Assert.Equal(2, first.RemainingRows); // the till's first pull says "page 1 of 2"
        Assert.Equal(0, second.RemainingRows);
        Assert.Equal((1, 1, 1), (first.Taxes.Count, first.Categories.Count, first.Products.Count));
        Assert.Equal(14m, first.Taxes[0].Amount);
        Assert.False(second.HasMore);
        Assert.Equal(["p2", "p3"], second.Products.Select(p => p.Id));
        Assert.Empty(nothing.Products);
        Assert.Equal(second.NextCursor, nothing.NextCursor);

        // A new price and a removed product; saving an unchanged product again is no change.
        await catalog.SaveProductsAsync([Product("p1", 36m), Product("p2", 12m)], ["p3"], TestContext.Current.CancellationToken);
        var changes = await PageAsync(till, $"?cursor={second.NextCursor}");

        Assert.Equal(36m, Assert.Single(changes.Products).ListPrice);
        Assert.Equal(["p3"], changes.RemovedProductIds);
        Assert.Empty(changes.Taxes);
    }

    [Theory]
    [InlineData("?limit=0", "limit '0'")]
    [InlineData("?limit=5000", "limit '5000'")]
    [InlineData("?cursor=abc", "cursor 'abc'")]
    public async Task Catalog_BadCursorOrLimit_IsAnInvalidRequestNamingIt(string query, string message)
    {
        await using var host = await ConnectorHost.StartAsync();
        var till = await host.PairTillAsync();

        var response = await till.SendAsync(HttpMethod.Get, "/api/v1/catalog" + query, []);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("urn:posbridge:problem:invalid-request", await TestTill.ProblemTypeAsync(response));
        Assert.Contains(message, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Catalog_Unsigned_IsRefused()
    {
        await using var host = await ConnectorHost.StartAsync();

        var response = await host.Client.GetAsync("/api/v1/catalog", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Catalog_PaymentMethodsOfferedElsewhere_ComeAsRemoved_AndEndedProgramsAsRemoved()
    {
        await using var host = await ConnectorHost.StartAsync();
        var till = await host.PairTillAsync(); // CAI1/T2
        var catalog = host.Services.GetRequiredService<ICatalogSnapshot>();
        var ct = TestContext.Current.CancellationToken;
        await catalog.SavePaymentMethodsAsync(
            [
                new PaymentMethod { Id = "cash", Name = "Cash", Kind = PaymentKind.Cash },
                new PaymentMethod { Id = "7", Name = "Visa", Kind = PaymentKind.Card, OfferedAt = ["CAI1/T2"] },
                new PaymentMethod { Id = "8", Name = "Vodafone Cash", Kind = PaymentKind.Wallet, OfferedAt = ["CAI1/T9", "ALX1"] },
                new PaymentMethod { Id = "9", Name = "InstaPay", Kind = PaymentKind.Qr, OfferedAt = ["*/T2"] },
            ],
            ["old"],
            ct);
        LoyaltyProgram Program(string id) => new()
        {
            Id = id, Name = "Program " + id, Kind = "loyalty",
            Rules = [new LoyaltyRule { Id = "r", PointMode = LoyaltyPointMode.PerCurrencyUnit, Points = 1m }],
            Rewards = [new LoyaltyReward { Id = "w", Kind = LoyaltyRewardKind.Discount, Description = "10 %", RequiredPoints = 100m, Discount = 10m }],
        };
        await catalog.ReplaceLoyaltyProgramsAsync([Program("1"), Program("2")], ct);

        var first = await PageAsync(till, string.Empty);

        Assert.Equal([("cash", PaymentKind.Cash), ("7", PaymentKind.Card), ("9", PaymentKind.Qr)], first.PaymentMethods.Select(m => (m.Id, m.Kind)));
        Assert.All(first.PaymentMethods, m => Assert.Empty(m.OfferedAt));
        Assert.Equal(["8", "old"], first.RemovedPaymentMethodIds);
        Assert.Equal(["1", "2"], first.LoyaltyPrograms.Select(p => p.Id));
        Assert.Equal(LoyaltyPointMode.PerCurrencyUnit, first.LoyaltyPrograms[0].Rules[0].PointMode);

        // Program 2 ended; the same set again changes nothing.
        await catalog.ReplaceLoyaltyProgramsAsync([Program("1")], ct);
        await catalog.ReplaceLoyaltyProgramsAsync([Program("1")], ct);
        var changes = await PageAsync(till, $"?cursor={first.NextCursor}");

        Assert.Empty(changes.LoyaltyPrograms);
        Assert.Equal(["2"], changes.RemovedLoyaltyProgramIds);
        Assert.Empty(changes.PaymentMethods);
    }

    [Fact]
    public void CatalogChanges_WrittenByAnOlderConnector_StillRead()
    {
        var old = System.Text.Json.JsonSerializer.Deserialize<CatalogChanges>(
            """{"products":[],"taxes":[],"categories":[],"removedProductIds":["p1"],"nextCursor":"5","hasMore":false}""", TerminalApi.Json)!;

        Assert.Equal(["p1"], old.RemovedProductIds);
        Assert.Equal((0, 0, 0, 0), (old.PaymentMethods.Count, old.RemovedPaymentMethodIds.Count, old.LoyaltyPrograms.Count, old.RemovedLoyaltyProgramIds.Count));
    }
}
