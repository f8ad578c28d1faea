using PosBridge.Connector.Dispatch;
using PosBridge.Connector.Ingestion;
using PosBridge.Connector.Tests.Hosting;
using PosBridge.Core.Sales;

namespace PosBridge.Connector.Tests.Storage.Contracts;

/// <summary>Per adapter: which sales are due, in inbox order; finished ones never due again; retries wait; dead letters come back on request.</summary>
public abstract class DeliveryStoreContract<TBackend> : StoreContract<TBackend>
    where TBackend : IStorageBackend, new()
{
    [Fact]
    public async Task GetDueAsync_NewSales_AreDueInInboxOrderForEachAdapter()
    {
        var sales = await StoreAsync(3);

        var odoo = await Store<IDeliveryStore>().GetDueAsync("odoo", 10, ordered: false, Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        var xero = await Store<IDeliveryStore>().GetDueAsync("xero", 2, ordered: false, Clock.GetUtcNow(), TestContext.Current.CancellationToken);

        Assert.Equal(sales.Select(s => s.Id), odoo.Select(p => p.Sale.Id));
        Assert.Equal(sales.Take(2).Select(s => s.Id), xero.Select(p => p.Sale.Id));
        Assert.All(odoo, p => Assert.Equal(0, p.Attempts));
    }

    [Fact]
    public async Task RecordAsync_DoneAndDuplicate_AreNeverDueAgainAndCountAsSuccess()
    {
        await StoreAsync(3);
        var due = await Store<IDeliveryStore>().GetDueAsync("odoo", 10, ordered: false, Clock.GetUtcNow(), TestContext.Current.CancellationToken);

        await Store<IDeliveryStore>().RecordAsync("odoo", [Record(due[0], DeliveryState.Done), Record(due[1], DeliveryState.Duplicate)], Clock.GetUtcNow(), TestContext.Current.CancellationToken);

        var left = Assert.Single(await Store<IDeliveryStore>().GetDueAsync("odoo", 10, ordered: false, Clock.GetUtcNow(), TestContext.Current.CancellationToken));
        Assert.Equal(due[2].Seq, left.Seq);
        var backlog = await Store<IDeliveryStore>().GetBacklogAsync("odoo", TestContext.Current.CancellationToken);
        Assert.Equal((1L, 0L, Clock.GetUtcNow()), (backlog.Waiting, backlog.DeadLetters, backlog.LastSuccessAt));
    }

    [Fact]
    public async Task GetDueAsync_RetryNotYetDue_IsSkippedUnorderedAndHoldsBackLaterSalesOrdered()
    {
        await StoreAsync(2);
        var due = await Store<IDeliveryStore>().GetDueAsync("odoo", 10, ordered: false, Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        var later = Clock.GetUtcNow().AddMinutes(5);
        await Store<IDeliveryStore>().RecordAsync("odoo", [Record(due[0], DeliveryState.Retry, next: later)], Clock.GetUtcNow(), TestContext.Current.CancellationToken);

        var unordered = await Store<IDeliveryStore>().GetDueAsync("odoo", 10, ordered: false, Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        var ordered = await Store<IDeliveryStore>().GetDueAsync("odoo", 10, ordered: true, Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        var whenDue = await Store<IDeliveryStore>().GetDueAsync("odoo", 10, ordered: true, later, TestContext.Current.CancellationToken);

        Assert.Equal([due[1].Seq], unordered.Select(p => p.Seq));
        Assert.Empty(ordered);
        Assert.Equal([due[0].Seq, due[1].Seq], whenDue.Select(p => p.Seq));
        Assert.Equal(1, whenDue[0].Attempts);
    }

    [Fact]
    public async Task RetryDeadLettersAsync_PutsTheSaleBackInTheQueue()
    {
        var sales = await StoreAsync(2);
        var due = await Store<IDeliveryStore>().GetDueAsync("odoo", 10, ordered: false, Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        await Store<IDeliveryStore>().RecordAsync("odoo", [Record(due[0], DeliveryState.Dead, error: "no such product"), Record(due[1], DeliveryState.Done)], Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        var letter = Assert.Single(await Store<IDeliveryStore>().GetDeadLettersAsync("odoo", TestContext.Current.CancellationToken));

        var retried = await Store<IDeliveryStore>().RetryDeadLettersAsync("odoo", null, Clock.GetUtcNow(), TestContext.Current.CancellationToken);

        Assert.Equal((sales[0].Id, "no such product"), (letter.SaleId, letter.Reason));
        Assert.Equal(1, retried);
        Assert.Empty(await Store<IDeliveryStore>().GetDeadLettersAsync(null, TestContext.Current.CancellationToken));
        Assert.Equal([due[0].Seq], (await Store<IDeliveryStore>().GetDueAsync("odoo", 10, ordered: false, Clock.GetUtcNow(), TestContext.Current.CancellationToken)).Select(p => p.Seq));
    }

    [Fact]
    public async Task RecordAdapterErrorAsync_IsInTheBacklogUntilTheNextSuccess()
    {
        await StoreAsync(1);
        await Store<IDeliveryStore>().RecordAdapterErrorAsync("odoo", "connection refused", Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        var failing = await Store<IDeliveryStore>().GetBacklogAsync("odoo", TestContext.Current.CancellationToken);
        var due = Assert.Single(await Store<IDeliveryStore>().GetDueAsync("odoo", 10, ordered: false, Clock.GetUtcNow(), TestContext.Current.CancellationToken));

        await Store<IDeliveryStore>().RecordAsync("odoo", [Record(due, DeliveryState.Done)], Clock.GetUtcNow(), TestContext.Current.CancellationToken);

        Assert.Equal("connection refused", failing.LastError);
        Assert.Null((await Store<IDeliveryStore>().GetBacklogAsync("odoo", TestContext.Current.CancellationToken)).LastError);
    }

    [Fact]
    public async Task GetDueAsync_WhileFourInstancesStoreSalesAtOnce_DeliversEverySaleExactlyOnce()
    {
        var inboxes = new List<IInbox> { Store<IInbox>() };
        for (var i = 0; i < 3; i++)
        {
            inboxes.Add((IInbox)(await OpenInstanceAsync()).GetService(typeof(IInbox))!);
        }

        // Made before the race (the maker advances the shared clock). Each upload is a sale and a refund of it, and the
        // refund's check pauses: the sale's seq is taken while its transaction stays open, as on a slow or busy server.
        var uploads = inboxes.Select((_, i) =>
        {
            var maker = new Sales(Clock, "CAI1", "T" + i);
            return Enumerable.Range(0, 15).Select(_ => maker.Next()).Select(sale => new[] { sale, maker.RefundOf(sale) }).ToList();
        }).ToList();
        RefundCheck slowCheck = (_, _) =>
        {
            Thread.Sleep(20);
            return [];
        };
        var storing = Task.WhenAll(inboxes.Select((inbox, i) => Task.Run(
            async () =>
            {
                foreach (var upload in uploads[i])
                {
                    await inbox.StoreAsync("T" + i, "CAI1", InboxContract<TBackend>.Incoming(upload), slowCheck, Clock.GetUtcNow(), TestContext.Current.CancellationToken);
                }
            },
            TestContext.Current.CancellationToken)));

        var delivered = new List<Guid>();
        while (true)
        {
            var finished = storing.IsCompleted;
            var due = await Store<IDeliveryStore>().GetDueAsync("odoo", 7, ordered: false, Clock.GetUtcNow(), TestContext.Current.CancellationToken);
            if (due.Count == 0 && finished)
            {
                break;
            }

            delivered.AddRange(due.Select(p => p.Sale.Id));
            await Store<IDeliveryStore>().RecordAsync("odoo", [.. due.Select(p => Record(p, DeliveryState.Done))], Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        }

        await storing;
        var stored = uploads.SelectMany(u => u).SelectMany(s => s).Select(s => s.Id).ToList();
        Assert.Equal(stored.Count, delivered.Count);
        Assert.Equal(stored.Order(), delivered.Order());
    }

    [Fact]
    public async Task RetryDeadLettersAsync_OnOneInstanceWhileAnotherRecordsDeliveries_EveryRetriedSaleIsDueAgain()
    {
        var dead = await StoreAsync(20);
        var due = await Store<IDeliveryStore>().GetDueAsync("odoo", 100, ordered: false, Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        await Store<IDeliveryStore>().RecordAsync("odoo", [.. due.Select(p => Record(p, DeliveryState.Dead, error: "no such product"))], Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        var manager = (IDeliveryStore)(await OpenInstanceAsync()).GetService(typeof(IDeliveryStore))!;
        var later = new Sales(Clock, "CAI1", "T3").Many(20);
        var deadIds = dead.Select(s => s.Id).ToHashSet();

        // The manager puts the dead letters back one by one while this instance keeps delivering new sales.
        var retrying = Task.Run(
            async () =>
            {
                foreach (var sale in dead)
                {
                    await manager.RetryDeadLettersAsync("odoo", sale.Id, Clock.GetUtcNow(), TestContext.Current.CancellationToken);
                }
            },
            TestContext.Current.CancellationToken);
        foreach (var sale in later)
        {
            await Store<IInbox>().StoreAsync("T3", "CAI1", InboxContract<TBackend>.Incoming([sale]), (_, _) => [], Clock.GetUtcNow(), TestContext.Current.CancellationToken);
            var fresh = await Store<IDeliveryStore>().GetDueAsync("odoo", 100, ordered: false, Clock.GetUtcNow(), TestContext.Current.CancellationToken);
            await Store<IDeliveryStore>().RecordAsync("odoo", [.. fresh.Where(p => !deadIds.Contains(p.Sale.Id)).Select(p => Record(p, DeliveryState.Done))], Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        }

        await retrying;
        var retried = await Store<IDeliveryStore>().GetDueAsync("odoo", 100, ordered: false, Clock.GetUtcNow(), TestContext.Current.CancellationToken);

        Assert.Equal(dead.Select(s => s.Id).Order(), retried.Select(p => p.Sale.Id).Order());
    }

    private async Task<List<Sale>> StoreAsync(int count)
    {
        var sales = new Sales(Clock).Many(count);
        await Store<IInbox>().StoreAsync("T2", "CAI1", InboxContract<TBackend>.Incoming(sales), (_, _) => [], Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        return sales;
    }

    private static DeliveryRecord Record(PendingSale pending, DeliveryState state, DateTimeOffset? next = null, string? error = null) =>
        new(pending.Seq, state, pending.Attempts + 1, next, error, state is DeliveryState.Done ? "pos.order/" + pending.Seq : null);
}

public sealed class SqliteDeliveryStoreContractTests : DeliveryStoreContract<SqliteBackend>;
public sealed class PostgresDeliveryStoreContractTests : DeliveryStoreContract<PostgresBackend>;
