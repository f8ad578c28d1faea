using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using PosBridge.Connector.Storage.Sqlite;
using PosBridge.Ecommerce.Stock;

namespace PosBridge.Connector.Tests.WebStores;

public sealed class SqliteWebStoreStoresTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("posbridge-webstores-").FullName;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));

    private string Path => System.IO.Path.Combine(_directory, "connector.db");

    private async Task<ConnectorDatabase> OpenAsync()
    {
        var database = new ConnectorDatabase(Path);
        await database.MigrateAsync(TestContext.Current.CancellationToken);
        return database;
    }

    [Fact]
    public async Task Mappings_SavedThenReopened_AreFoundPerStoreAndRemovable()
    {
        using (var database = await OpenAsync())
        {
            var store = new SqliteSkuMappingStore(database, _clock);
            await store.SaveAsync("woo-cairo", [new SkuMapping("A", "101"), new SkuMapping("SHIRT-M", "203", "200")], TestContext.Current.CancellationToken);
            await store.SaveAsync("woo-alex", [new SkuMapping("A", "9")], TestContext.Current.CancellationToken);
            await store.SaveAsync("woo-cairo", [new SkuMapping("A", "102")], TestContext.Current.CancellationToken);
        }

        SqliteConnection.ClearAllPools();
        using var reopened = await OpenAsync();
        var mappings = new SqliteSkuMappingStore(reopened, _clock);
        var found = await mappings.FindAsync("woo-cairo", ["A", "SHIRT-M", "NONE"], TestContext.Current.CancellationToken);
        await mappings.RemoveAsync("woo-cairo", "A", TestContext.Current.CancellationToken);
        var afterRemove = await mappings.FindAsync("woo-cairo", ["A"], TestContext.Current.CancellationToken);

        Assert.Equal(new SkuMapping("A", "102"), found["A"]);
        Assert.Equal(new SkuMapping("SHIRT-M", "203", "200"), found["SHIRT-M"]);
        Assert.Equal(2, found.Count);
        Assert.Empty(afterRemove);
        Assert.Equal("9", (await mappings.FindAsync("woo-alex", ["A"], TestContext.Current.CancellationToken))["A"].ItemId);
    }

    [Fact]
    public async Task Mappings_MoreSkusThanOneInList_AllFound()
    {
        using var database = await OpenAsync();
        var store = new SqliteSkuMappingStore(database, _clock);
        var all = Enumerable.Range(0, 1200).Select(i => new SkuMapping($"S{i}", $"{i}")).ToList();
        await store.SaveAsync("shop", all, TestContext.Current.CancellationToken);

        var found = await store.FindAsync("shop", all.Select(m => m.Sku).ToList(), TestContext.Current.CancellationToken);

        Assert.Equal(1200, found.Count);
    }

    [Fact]
    public async Task Deltas_PendingIntentSurvivesARestartWithItsWholeRequest_AppliedIsNeverDowngraded()
    {
        var a = new PendingStockChange { Batch = "req-1", Sku = "A", Location = "store", Change = -3, Before = 10, After = 7, IdempotencyKeys = ["s1/1", "s2/1"] };
        var b = new PendingStockChange { Batch = "req-1", Sku = "B", Location = "store", Change = -1, Before = 4, After = 3, IdempotencyKeys = ["s2/2"] };
        using (var database = await OpenAsync())
        {
            var store = new SqliteAppliedDeltaStore(database, _clock);
            await store.MarkAppliedAsync("woo", ["s0/1"], TestContext.Current.CancellationToken);
            await store.RecordPendingAsync("woo", [a, b], TestContext.Current.CancellationToken);
            await store.RecordPendingAsync("woo", [a with { Batch = "req-2", IdempotencyKeys = ["s0/1"] }], TestContext.Current.CancellationToken);
        }

        SqliteConnection.ClearAllPools();
        using var reopened = await OpenAsync();
        var deltas = new SqliteAppliedDeltaStore(reopened, _clock);
        var states = await deltas.FindAsync("woo", ["s0/1", "s1/1"], TestContext.Current.CancellationToken);

        Assert.Equal(["s0/1"], states.Applied);
        Assert.Equal(2, states.Pending.Count);
        var pendingA = states.Pending.Single(p => p.Sku == "A");
        Assert.Equal(("req-1", -3, 10, 7), (pendingA.Batch, pendingA.Change, pendingA.Before, pendingA.After));
        Assert.Equal(["s1/1", "s2/1"], pendingA.IdempotencyKeys.Order());
        Assert.Equal(["s2/2"], states.Pending.Single(p => p.Sku == "B").IdempotencyKeys);

        await deltas.MarkAppliedAsync("woo", ["s1/1", "s2/1"], TestContext.Current.CancellationToken);
        await deltas.ForgetPendingAsync("woo", ["s2/2", "s0/1"], TestContext.Current.CancellationToken);
        var after = await deltas.FindAsync("woo", ["s0/1", "s1/1", "s2/1", "s2/2"], TestContext.Current.CancellationToken);

        Assert.Equal(["s0/1", "s1/1", "s2/1"], after.Applied.Order());
        Assert.Empty(after.Pending);
        Assert.Empty((await deltas.FindAsync("shopify", ["s1/1"], TestContext.Current.CancellationToken)).Applied);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
