using Microsoft.Extensions.DependencyInjection;
using PosBridge.Connector.Dispatch;

namespace PosBridge.Connector.Tests.Storage.Contracts;

/// <summary>The per-adapter delivery lease: one instance delivers to an adapter at a time, across every instance on the database.</summary>
public abstract class DeliveryLeaseContract<TBackend> : StoreContract<TBackend>
    where TBackend : IStorageBackend, new()
{
    private static readonly TimeSpan Duration = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task TryAcquireAsync_WhileAnotherInstanceHoldsIt_IsRefusedUntilItIsReleased()
    {
        var other = (await OpenInstanceAsync()).GetRequiredService<IDeliveryLease>();
        var now = Clock.GetUtcNow();
        Assert.True(await Store<IDeliveryLease>().TryAcquireAsync("odoo", now, now + Duration, TestContext.Current.CancellationToken));

        var whileHeld = await other.TryAcquireAsync("odoo", now, now + Duration, TestContext.Current.CancellationToken);
        await Store<IDeliveryLease>().ReleaseAsync("odoo", TestContext.Current.CancellationToken);
        var afterRelease = await other.TryAcquireAsync("odoo", now, now + Duration, TestContext.Current.CancellationToken);

        Assert.False(whileHeld);
        Assert.True(afterRelease);
    }

    [Fact]
    public async Task TryAcquireAsync_ByItsHolder_RenewsIt()
    {
        var now = Clock.GetUtcNow();
        Assert.True(await Store<IDeliveryLease>().TryAcquireAsync("odoo", now, now + Duration, TestContext.Current.CancellationToken));

        Assert.True(await Store<IDeliveryLease>().TryAcquireAsync("odoo", now, now + Duration + Duration, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task TryAcquireAsync_AfterTheHoldersLeaseRanOut_IsGranted()
    {
        var other = (await OpenInstanceAsync()).GetRequiredService<IDeliveryLease>();
        var now = Clock.GetUtcNow();
        Assert.True(await other.TryAcquireAsync("odoo", now, now + Duration, TestContext.Current.CancellationToken));

        var later = now + Duration + TimeSpan.FromSeconds(1);
        Assert.True(await Store<IDeliveryLease>().TryAcquireAsync("odoo", later, later + Duration, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ReleaseAsync_ByAnInstanceNotHoldingIt_LeavesTheHoldersLease()
    {
        var other = (await OpenInstanceAsync()).GetRequiredService<IDeliveryLease>();
        var now = Clock.GetUtcNow();
        Assert.True(await other.TryAcquireAsync("odoo", now, now + Duration, TestContext.Current.CancellationToken));

        await Store<IDeliveryLease>().ReleaseAsync("odoo", TestContext.Current.CancellationToken);

        Assert.False(await Store<IDeliveryLease>().TryAcquireAsync("odoo", now, now + Duration, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task TryAcquireAsync_OtherAdapter_IsIndependent()
    {
        var other = (await OpenInstanceAsync()).GetRequiredService<IDeliveryLease>();
        var now = Clock.GetUtcNow();
        Assert.True(await other.TryAcquireAsync("odoo", now, now + Duration, TestContext.Current.CancellationToken));

        Assert.True(await Store<IDeliveryLease>().TryAcquireAsync("xero", now, now + Duration, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task TryAcquireAsync_TwoInstancesAtOnce_GrantsOne()
    {
        var other = (await OpenInstanceAsync()).GetRequiredService<IDeliveryLease>();
        var now = Clock.GetUtcNow();

        var granted = await Task.WhenAll(
            Store<IDeliveryLease>().TryAcquireAsync("odoo", now, now + Duration, TestContext.Current.CancellationToken),
            other.TryAcquireAsync("odoo", now, now + Duration, TestContext.Current.CancellationToken));

        Assert.Single(granted, g => g);
    }
}

public sealed class SqliteDeliveryLeaseContractTests : DeliveryLeaseContract<SqliteBackend>;

public sealed class PostgresDeliveryLeaseContractTests : DeliveryLeaseContract<PostgresBackend>;
