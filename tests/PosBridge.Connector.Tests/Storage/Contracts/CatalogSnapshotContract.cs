using PosBridge.Connector.Catalog;
using PosBridge.Core.Catalog;
using PosBridge.Core.Stock;

namespace PosBridge.Connector.Tests.Storage.Contracts;

/// <summary>The catalog snapshot: every change takes the next version, so "changes since N" is all a till needs.</summary>
public abstract class CatalogSnapshotContract<TBackend> : StoreContract<TBackend>
    where TBackend : IStorageBackend, new()
{
    [Fact]
    public async Task ChangesAsync_FromTheStart_PagesEveryProductOnceByCursor()
    {
        await Store<ICatalogSnapshot>().SaveProductsAsync([Product("p1"), Product("p2"), Product("p3")], [], TestContext.Current.CancellationToken);

        var first = await Store<ICatalogSnapshot>().ChangesAsync(0, 2, TestContext.Current.CancellationToken);
        var second = await Store<ICatalogSnapshot>().ChangesAsync(long.Parse(first.NextCursor, System.Globalization.CultureInfo.InvariantCulture), 2, TestContext.Current.CancellationToken);

        Assert.True(first.HasMore);
        Assert.False(second.HasMore);
        Assert.Equal(["p1", "p2", "p3"], first.Products.Concat(second.Products).Select(p => p.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task SaveProductsAsync_WhatIsAlreadyThere_ChangesNothing()
    {
        await Store<ICatalogSnapshot>().SaveProductsAsync([Product("p1")], [], TestContext.Current.CancellationToken);
        var cursor = (await Store<ICatalogSnapshot>().ChangesAsync(0, 100, TestContext.Current.CancellationToken)).NextCursor;

        var changed = await Store<ICatalogSnapshot>().SaveProductsAsync([Product("p1")], [], TestContext.Current.CancellationToken);

        Assert.Equal(0, changed);
        Assert.Empty((await Store<ICatalogSnapshot>().ChangesAsync(long.Parse(cursor, System.Globalization.CultureInfo.InvariantCulture), 100, TestContext.Current.CancellationToken)).Products);
    }

    [Fact]
    public async Task SaveProductsAsync_ChangedAndRemoved_AreTheOnlyChangesAfterTheCursor()
    {
        await Store<ICatalogSnapshot>().SaveProductsAsync([Product("p1"), Product("p2")], [], TestContext.Current.CancellationToken);
        var cursor = long.Parse((await Store<ICatalogSnapshot>().ChangesAsync(0, 100, TestContext.Current.CancellationToken)).NextCursor, System.Globalization.CultureInfo.InvariantCulture);

        await Store<ICatalogSnapshot>().SaveProductsAsync([Product("p1", 45m)], ["p2"], TestContext.Current.CancellationToken);
        var changes = await Store<ICatalogSnapshot>().ChangesAsync(cursor, 100, TestContext.Current.CancellationToken);

        Assert.Equal(45m, Assert.Single(changes.Products).ListPrice);
        Assert.Equal(["p2"], changes.RemovedProductIds);
        Assert.Equal(["p1"], (await Store<ICatalogSnapshot>().ProductsAsync(TestContext.Current.CancellationToken)).Select(p => p.Id));
    }

    [Fact]
    public async Task SaveStockAsync_Levels_AreReadBack()
    {
        await Store<ICatalogSnapshot>().SaveStockAsync([new StockLevel { Sku = "BEANS-250", LocationId = "CAI1", OnHand = 40m }], TestContext.Current.CancellationToken);

        var level = Assert.Single(await Store<ICatalogSnapshot>().StockLevelsAsync(TestContext.Current.CancellationToken));

        Assert.Equal(("BEANS-250", "CAI1", 40m), (level.Sku, level.LocationId, level.OnHand));
    }

    [Fact]
    public async Task SaveProductsAsync_OnTwoInstancesAtOnce_EveryChangeIsReadOnceByCursor()
    {
        var other = (ICatalogSnapshot)(await OpenInstanceAsync()).GetService(typeof(ICatalogSnapshot))!;

        await Task.WhenAll(
            Task.Run(
                async () =>
                {
                    for (var i = 0; i < 20; i++)
                    {
                        await Store<ICatalogSnapshot>().SaveProductsAsync([Product("a" + i)], [], TestContext.Current.CancellationToken);
                    }
                },
                TestContext.Current.CancellationToken),
            Task.Run(
                async () =>
                {
                    for (var i = 0; i < 20; i++)
                    {
                        await other.SaveProductsAsync([Product("b" + i)], [], TestContext.Current.CancellationToken);
                    }
                },
                TestContext.Current.CancellationToken));

        // One row a page: two rows with one version would hide the second.
        var read = new List<string>();
        var cursor = 0L;
        while (true)
        {
            var page = await Store<ICatalogSnapshot>().ChangesAsync(cursor, 1, TestContext.Current.CancellationToken);
            read.AddRange(page.Products.Select(p => p.Id));
            cursor = long.Parse(page.NextCursor, System.Globalization.CultureInfo.InvariantCulture);
            if (!page.HasMore)
            {
                break;
            }
        }

        Assert.Equal(40, read.Count);
        Assert.Equal(40, read.Distinct(StringComparer.Ordinal).Count());
    }

    private static Product Product(string id, decimal price = 30m) =>
        new() { Id = id, Name = "قهوة " + id, CategoryId = "drinks", Unit = "Units", ListPrice = price, Currency = "EGP", TaxIds = ["vat14"] };
}

public sealed class SqliteCatalogSnapshotContractTests : CatalogSnapshotContract<SqliteBackend>;
public sealed class PostgresCatalogSnapshotContractTests : CatalogSnapshotContract<PostgresBackend>;
