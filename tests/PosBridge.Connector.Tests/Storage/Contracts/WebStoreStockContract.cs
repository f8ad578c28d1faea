using PosBridge.Ecommerce.Stock;

namespace PosBridge.Connector.Tests.Storage.Contracts;

/// <summary>SKU ↔ web-store ids per store: the last answer kept, found in any number, removable, seen by every instance.</summary>
public abstract class SkuMappingStoreContract<TBackend> : StoreContract<TBackend>
    where TBackend : IStorageBackend, new()
{
    [Fact]
    public async Task SaveAsync_PerStore_TheLastMappingIsFoundOnAnyInstanceAndRemovable()
    {
        var other = (ISkuMappingStore)(await OpenInstanceAsync()).GetService(typeof(ISkuMappingStore))!;
        await Store<ISkuMappingStore>().SaveAsync("woo-cairo", [new SkuMapping("A", "101"), new SkuMapping("SHIRT-M", "203", "200")], TestContext.Current.CancellationToken);
        await Store<ISkuMappingStore>().SaveAsync("woo-alex", [new SkuMapping("A", "9")], TestContext.Current.CancellationToken);
        await other.SaveAsync("woo-cairo", [new SkuMapping("A", "102")], TestContext.Current.CancellationToken);

        var found = await Store<ISkuMappingStore>().FindAsync("woo-cairo", ["A", "SHIRT-M", "NONE"], TestContext.Current.CancellationToken);
        await other.RemoveAsync("woo-cairo", "A", TestContext.Current.CancellationToken);

        Assert.Equal(new SkuMapping("A", "102"), found["A"]);
        Assert.Equal(new SkuMapping("SHIRT-M", "203", "200"), found["SHIRT-M"]);
        Assert.Equal(2, found.Count);
        Assert.Empty(await Store<ISkuMappingStore>().FindAsync("woo-cairo", ["A"], TestContext.Current.CancellationToken));
        Assert.Equal("9", (await Store<ISkuMappingStore>().FindAsync("woo-alex", ["A"], TestContext.Current.CancellationToken))["A"].ItemId);
    }

    [Fact]
    public async Task FindAsync_ThousandsOfSkus_AllFound()
    {
        var all = Enumerable.Range(0, 1200).Select(i => new SkuMapping($"S{i}", $"{i}")).ToList();
        await Store<ISkuMappingStore>().SaveAsync("shop", all, TestContext.Current.CancellationToken);

        var found = await Store<ISkuMappingStore>().FindAsync("shop", [.. all.Select(m => m.Sku)], TestContext.Current.CancellationToken);

        Assert.Equal(1200, found.Count);
    }
}

/// <summary>Stock changes sent to a web store: a pending intent kept with its whole request, applied never downgraded, per store.</summary>
public abstract class AppliedDeltaStoreContract<TBackend> : StoreContract<TBackend>
    where TBackend : IStorageBackend, new()
{
    [Fact]
    public async Task RecordPendingAsync_PendingIntentIsFoundWithItsWholeRequest_AppliedIsNeverDowngraded()
    {
        var a = new PendingStockChange { Batch = "req-1", Sku = "A", Location = "store", Change = -3, Before = 10, After = 7, IdempotencyKeys = ["s1/1", "s2/1"] };
        var b = new PendingStockChange { Batch = "req-1", Sku = "B", Location = "store", Change = -1, Before = 4, After = 3, IdempotencyKeys = ["s2/2"] };
        var other = (IAppliedDeltaStore)(await OpenInstanceAsync()).GetService(typeof(IAppliedDeltaStore))!;
        await Store<IAppliedDeltaStore>().MarkAppliedAsync("woo", ["s0/1"], TestContext.Current.CancellationToken);
        await Store<IAppliedDeltaStore>().RecordPendingAsync("woo", [a, b], TestContext.Current.CancellationToken);
        await Store<IAppliedDeltaStore>().RecordPendingAsync("woo", [a with { Batch = "req-2", IdempotencyKeys = ["s0/1"] }], TestContext.Current.CancellationToken);

        var states = await other.FindAsync("woo", ["s0/1", "s1/1"], TestContext.Current.CancellationToken);

        Assert.Equal(["s0/1"], states.Applied);
        Assert.Equal(2, states.Pending.Count);
        var pendingA = states.Pending.Single(p => p.Sku == "A");
        Assert.Equal(("req-1", -3, 10, 7), (pendingA.Batch, pendingA.Change, pendingA.Before, pendingA.After));
        Assert.Equal(["s1/1", "s2/1"], pendingA.IdempotencyKeys.Order());
        Assert.Equal(["s2/2"], states.Pending.Single(p => p.Sku == "B").IdempotencyKeys);

        await other.MarkAppliedAsync("woo", ["s1/1", "s2/1"], TestContext.Current.CancellationToken);
        await other.ForgetPendingAsync("woo", ["s2/2", "s0/1"], TestContext.Current.CancellationToken);
        var after = await Store<IAppliedDeltaStore>().FindAsync("woo", ["s0/1", "s1/1", "s2/1", "s2/2"], TestContext.Current.CancellationToken);

        Assert.Equal(["s0/1", "s1/1", "s2/1"], after.Applied.Order());
        Assert.Empty(after.Pending);
        Assert.Empty((await Store<IAppliedDeltaStore>().FindAsync("shopify", ["s1/1"], TestContext.Current.CancellationToken)).Applied);
    }

    [Fact]
    public async Task MarkAppliedAsync_ThousandsOfKeys_AllFoundApplied()
    {
        var keys = Enumerable.Range(0, 1200).Select(i => $"s{i}/1").ToList();
        await Store<IAppliedDeltaStore>().MarkAppliedAsync("woo", keys, TestContext.Current.CancellationToken);

        var states = await Store<IAppliedDeltaStore>().FindAsync("woo", keys, TestContext.Current.CancellationToken);

        Assert.Equal(1200, states.Applied.Count);
    }
}

public sealed class SqliteSkuMappingStoreContractTests : SkuMappingStoreContract<SqliteBackend>;

public sealed class PostgresSkuMappingStoreContractTests : SkuMappingStoreContract<PostgresBackend>;

public sealed class SqliteAppliedDeltaStoreContractTests : AppliedDeltaStoreContract<SqliteBackend>;

public sealed class PostgresAppliedDeltaStoreContractTests : AppliedDeltaStoreContract<PostgresBackend>;
