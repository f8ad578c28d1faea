using PosBridge.Ecommerce.Stock;

namespace PosBridge.Ecommerce.Tests.Stock;

public sealed class SaleStockDeltasTests
{
    private static readonly Guid SaleId = Guid.Parse("0193a5c2-7f00-7000-8000-000000000001");

    [Fact]
    public void From_SaleLines_TakeQuantitiesOffKeyedBySaleAndLine()
    {
        var deltas = SaleStockDeltas.From(Sales.Of(SaleId, ("A", 2m), (null, 1m), ("B", 0.5m)));

        Assert.Equal(2, deltas.Count);
        Assert.Equal(("A", "WH1", -2m, $"{SaleId}/1"), (deltas[0].Sku, deltas[0].LocationId, deltas[0].Change, deltas[0].IdempotencyKey));
        Assert.Equal(("B", -0.5m, $"{SaleId}/3"), (deltas[1].Sku, deltas[1].Change, deltas[1].IdempotencyKey));
    }

    [Fact]
    public void From_RefundLines_PutQuantitiesBackAtTheGivenLocation()
    {
        var delta = Assert.Single(SaleStockDeltas.From(Sales.Of(SaleId, ("A", -1m)), locationId: "WH/Stock"));

        Assert.Equal((1m, "WH/Stock"), (delta.Change, delta.LocationId));
    }
}
