using Microsoft.Extensions.DependencyInjection;
using PosBridge.Connector.Dispatch;
using PosBridge.Connector.Shifts;
using PosBridge.Connector.Tests.Hosting;
using PosBridge.Core.Sync;

namespace PosBridge.Connector.Tests.Storage.Contracts;

/// <summary>Shift closes: stored once, handed to a back office only after the till's earlier sales reached it, each adapter's state kept.</summary>
public abstract class ShiftClosingStoreContract<TBackend> : StoreContract<TBackend>
    where TBackend : IStorageBackend, new()
{
    [Fact]
    public async Task ReceiveAsync_SameCloseAgain_IsADuplicateAndOtherFiguresAConflict()
    {
        var closing = Closing("S1", countedCash: 302m);

        var first = await Store<IShiftClosingStore>().ReceiveAsync(closing, Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        var again = await Store<IShiftClosingStore>().ReceiveAsync(closing, Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        var changed = await Store<IShiftClosingStore>().ReceiveAsync(closing with { CountedCash = 250m }, Clock.GetUtcNow(), TestContext.Current.CancellationToken);

        Assert.Equal([ShiftClosingReceipt.Accepted, ShiftClosingReceipt.Duplicate, ShiftClosingReceipt.Conflict], [first, again, changed]);
        var stored = Assert.Single(await Store<IShiftClosingStore>().ForStoreAsync("CAI1", DateTimeOffset.MinValue, DateTimeOffset.MaxValue, TestContext.Current.CancellationToken));
        Assert.Equal(302m, stored.CountedCash);
    }

    [Fact]
    public async Task ReceiveAsync_TwoInstancesTakingTheSameCloseAtOnce_StoreItOnce()
    {
        var other = (await OpenInstanceAsync()).GetRequiredService<IShiftClosingStore>();

        var receipts = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => (i % 2 == 0 ? Store<IShiftClosingStore>() : other).ReceiveAsync(Closing("S1"), Clock.GetUtcNow(), TestContext.Current.CancellationToken)));

        Assert.Single(receipts, r => r == ShiftClosingReceipt.Accepted);
        Assert.Equal(5, receipts.Count(r => r == ShiftClosingReceipt.Duplicate));
        Assert.Single(await other.ForStoreAsync("CAI1", DateTimeOffset.MinValue, DateTimeOffset.MaxValue, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task DueAsync_WhileAnEarlierSaleOfTheTillWaitsForTheAdapter_HoldsTheCloseBack()
    {
        var sale = new Sales(Clock, "CAI1", "T1").Next();
        await ContractRows.StoreSalesAsync(Services, "CAI1", "T1", [sale], Clock.GetUtcNow());
        await Store<IShiftClosingStore>().ReceiveAsync(Closing("S1"), Clock.GetUtcNow(), TestContext.Current.CancellationToken);

        var beforeDelivery = await Store<IShiftClosingStore>().DueAsync("odoo", 50, TestContext.Current.CancellationToken);
        await ContractRows.DeliverAsync(Services, "odoo", sale.Id, DeliveryState.Done, Clock.GetUtcNow());
        var afterDelivery = await Store<IShiftClosingStore>().DueAsync("odoo", 50, TestContext.Current.CancellationToken);
        var otherAdapter = await Store<IShiftClosingStore>().DueAsync("xero", 50, TestContext.Current.CancellationToken);

        Assert.Empty(beforeDelivery);
        Assert.Equal("S1", Assert.Single(afterDelivery).Closing.ShiftId);
        Assert.Empty(otherAdapter);
    }

    [Fact]
    public async Task RecordAsync_Closed_IsNoLongerDueAndItsStateIsKept()
    {
        var closing = Closing("S1");
        await Store<IShiftClosingStore>().ReceiveAsync(closing, Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        await Store<IShiftClosingStore>().RecordAsync("odoo", closing, "retry", 1, "timeout", Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        var retried = Assert.Single(await Store<IShiftClosingStore>().DueAsync("odoo", 50, TestContext.Current.CancellationToken));

        await Store<IShiftClosingStore>().RecordAsync("odoo", closing, "closed", 2, null, Clock.GetUtcNow(), TestContext.Current.CancellationToken);

        Assert.Equal(1, retried.Attempts);
        Assert.Empty(await Store<IShiftClosingStore>().DueAsync("odoo", 50, TestContext.Current.CancellationToken));
        Assert.Equal([("odoo", "closed", 2, (string?)null)], await Store<IShiftClosingStore>().StateAsync("CAI1", "T1", "S1", TestContext.Current.CancellationToken));
        var recent = Assert.Single(await Store<IShiftClosingStore>().RecentAsync(5, TestContext.Current.CancellationToken));
        Assert.Equal("closed", recent.States["odoo"]);
    }

    [Fact]
    public async Task ForStoreAsync_TakesTheStoresClosesInThePeriodInCloseOrder()
    {
        var start = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        await Store<IShiftClosingStore>().ReceiveAsync(Closing("S2", closedAt: start.AddHours(20)), Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        await Store<IShiftClosingStore>().ReceiveAsync(Closing("S1", closedAt: start.AddHours(9)), Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        await Store<IShiftClosingStore>().ReceiveAsync(Closing("S3", closedAt: start.AddDays(1)), Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        await Store<IShiftClosingStore>().ReceiveAsync(Closing("S9", closedAt: start.AddHours(10)) with { StoreId = "ALX1" }, Clock.GetUtcNow(), TestContext.Current.CancellationToken);

        var closes = await Store<IShiftClosingStore>().ForStoreAsync("CAI1", start, start.AddDays(1), TestContext.Current.CancellationToken);

        Assert.Equal(["S1", "S2"], closes.Select(c => c.ShiftId));
    }

    private ShiftClosing Closing(string shiftId, decimal countedCash = 300m, DateTimeOffset? closedAt = null) => new()
    {
        StoreId = "CAI1",
        TillId = "T1",
        ShiftId = shiftId,
        OpenedAtUtc = Clock.GetUtcNow().AddHours(-8),
        ClosedAtUtc = closedAt ?? Clock.GetUtcNow(),
        Currency = "EGP",
        OpeningFloat = 100m,
        ExpectedCash = 300m,
        CountedCash = countedCash,
        SaleCount = 1,
    };
}

public sealed class SqliteShiftClosingStoreContractTests : ShiftClosingStoreContract<SqliteBackend>;

public sealed class PostgresShiftClosingStoreContractTests : ShiftClosingStoreContract<PostgresBackend>;
