using Microsoft.Extensions.DependencyInjection;
using PosBridge.Connector.Tills;

namespace PosBridge.Connector.Tests.Storage.Contracts;

/// <summary>The replay cache: a till's nonce is taken once while it is kept, on every instance.</summary>
public abstract class NonceCacheContract<TBackend> : StoreContract<TBackend>
    where TBackend : IStorageBackend, new()
{
    [Fact]
    public async Task UseNonceAsync_SameNonceAgain_IsRefusedOnAnotherInstanceToo()
    {
        var now = Clock.GetUtcNow();
        var other = (await OpenInstanceAsync()).GetRequiredService<INonceCache>();

        var first = await Store<INonceCache>().UseNonceAsync("T2", "nonce-0000000001", now.AddMinutes(10), now, TestContext.Current.CancellationToken);
        var here = await Store<INonceCache>().UseNonceAsync("T2", "nonce-0000000001", now.AddMinutes(10), now, TestContext.Current.CancellationToken);
        var there = await other.UseNonceAsync("T2", "nonce-0000000001", now.AddMinutes(10), now, TestContext.Current.CancellationToken);

        Assert.True(first);
        Assert.False(here);
        Assert.False(there);
    }

    [Fact]
    public async Task UseNonceAsync_SameNonceOtherTill_IsTaken()
    {
        var now = Clock.GetUtcNow();
        Assert.True(await Store<INonceCache>().UseNonceAsync("T2", "nonce-0000000001", now.AddMinutes(10), now, TestContext.Current.CancellationToken));

        Assert.True(await Store<INonceCache>().UseNonceAsync("T3", "nonce-0000000001", now.AddMinutes(10), now, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task UseNonceAsync_AfterItExpired_IsTakenAgain()
    {
        var now = Clock.GetUtcNow();
        Assert.True(await Store<INonceCache>().UseNonceAsync("T2", "nonce-0000000001", now.AddMinutes(10), now, TestContext.Current.CancellationToken));

        var later = now.AddMinutes(11);
        Assert.True(await Store<INonceCache>().UseNonceAsync("T2", "nonce-0000000001", later.AddMinutes(10), later, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task UseNonceAsync_ManyAtOnce_TakesEachExactlyOnce()
    {
        var now = Clock.GetUtcNow();
        var other = (await OpenInstanceAsync()).GetRequiredService<INonceCache>();

        var taken = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            (i % 2 == 0 ? Store<INonceCache>() : other).UseNonceAsync("T2", "nonce-0000000001", now.AddMinutes(10), now, TestContext.Current.CancellationToken)));

        Assert.Single(taken, t => t);
    }
}

public sealed class SqliteNonceCacheContractTests : NonceCacheContract<SqliteBackend>;

public sealed class PostgresNonceCacheContractTests : NonceCacheContract<PostgresBackend>;
