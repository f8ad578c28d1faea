using System.Security.Cryptography;
using System.Text;
using PosBridge.Connector.Ingestion;
using PosBridge.Connector.Tests.Hosting;
using PosBridge.Core.Sales;
using PosBridge.Core.Sync;

namespace PosBridge.Connector.Tests.Storage.Contracts;

/// <summary>The sales inbox: each sale stored once, in arrival order; duplicates and conflicts told apart; refunds checked against what is stored.</summary>
public abstract class InboxContract<TBackend> : StoreContract<TBackend>
    where TBackend : IStorageBackend, new()
{
    private static readonly RefundCheck NoRefundsExpected = (_, _) => throw new InvalidOperationException("no refund in this batch");

    [Fact]
    public async Task StoreAsync_NewSales_AreAcceptedInOrderAndFoundAgain()
    {
        var sales = new Sales(Clock).Many(3);

        var results = await Store<IInbox>().StoreAsync("T2", "CAI1", Incoming(sales), NoRefundsExpected, Clock.GetUtcNow(), TestContext.Current.CancellationToken);

        Assert.All(results, r => Assert.Equal(StoreOutcome.Accepted, r.Outcome));
        Assert.Equal(3, await Store<IInbox>().CountAsync(TestContext.Current.CancellationToken));
        Assert.Equal(sales[1].SaleNumber, (await Store<IInbox>().FindAsync(sales[1].Id, TestContext.Current.CancellationToken))!.SaleNumber);
        var (stored, last) = await Store<IInbox>().TillSalesAsync("T2", TestContext.Current.CancellationToken);
        Assert.Equal(3, stored);
        Assert.Equal(Clock.GetUtcNow(), last);
    }

    [Fact]
    public async Task StoreAsync_SameSaleAgain_IsADuplicateAndStoredOnce()
    {
        var sale = new Sales(Clock).Next();
        await Store<IInbox>().StoreAsync("T2", "CAI1", Incoming([sale]), NoRefundsExpected, Clock.GetUtcNow(), TestContext.Current.CancellationToken);

        var again = await Store<IInbox>().StoreAsync("T2", "CAI1", Incoming([sale]), NoRefundsExpected, Clock.GetUtcNow(), TestContext.Current.CancellationToken);

        Assert.Equal(StoreOutcome.Duplicate, Assert.Single(again).Outcome);
        Assert.Equal(1, await Store<IInbox>().CountAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task StoreAsync_SameIdOtherContent_IsAConflictAndTheStoredSaleKept()
    {
        var sale = new Sales(Clock).Next();
        await Store<IInbox>().StoreAsync("T2", "CAI1", Incoming([sale]), NoRefundsExpected, Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        var changed = sale with { SaleNumber = sale.SaleNumber + "-X" };

        var again = await Store<IInbox>().StoreAsync("T2", "CAI1", Incoming([changed]), NoRefundsExpected, Clock.GetUtcNow(), TestContext.Current.CancellationToken);

        Assert.Equal(StoreOutcome.Conflict, Assert.Single(again).Outcome);
        Assert.Equal(sale.SaleNumber, (await Store<IInbox>().FindAsync(sale.Id, TestContext.Current.CancellationToken))!.SaleNumber);
    }

    [Fact]
    public async Task StoreAsync_RefundInTheSameBatchAsItsOriginal_SeesTheOriginalAndEarlierRefunds()
    {
        var sales = new Sales(Clock);
        var original = sales.Next(quantity: 2m);
        var first = sales.RefundOf(original);
        var second = sales.RefundOf(original);
        var histories = new List<RefundHistory>();

        var results = await Store<IInbox>().StoreAsync(
            "T2",
            "CAI1",
            Incoming([original, first, second]),
            (_, history) =>
            {
                histories.Add(history);
                return [];
            },
            Clock.GetUtcNow(),
            TestContext.Current.CancellationToken);

        Assert.All(results, r => Assert.Equal(StoreOutcome.Accepted, r.Outcome));
        Assert.Equal([0, 1], histories.Select(h => h.EarlierRefunds.Count));
        Assert.All(histories, h => Assert.Equal(original.Id, h.Original.Id));
        Assert.Equal(2, (await Store<IInbox>().FindRefundsOfAsync(original.Id, TestContext.Current.CancellationToken)).Count);
    }

    [Fact]
    public async Task StoreAsync_RefundOfAnotherStoresSale_IsRejectedAndNotStored()
    {
        var theirs = new Sales(Clock, "ALX1", "T9").Next();
        await Store<IInbox>().StoreAsync("T9", "ALX1", Incoming([theirs]), NoRefundsExpected, Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        var refund = new Sales(Clock).RefundOf(theirs);

        var results = await Store<IInbox>().StoreAsync("T2", "CAI1", Incoming([refund]), (_, _) => [], Clock.GetUtcNow(), TestContext.Current.CancellationToken);

        Assert.Equal(StoreOutcome.Rejected, Assert.Single(results).Outcome);
        Assert.Empty(await Store<IInbox>().FindRefundsOfAsync(theirs.Id, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task StoreAsync_RefundsOfOneOriginalFromTwoInstancesAtOnce_AreCheckedOneAfterTheOther()
    {
        var sales = new Sales(Clock);
        var original = sales.Next(quantity: 1m);
        await Store<IInbox>().StoreAsync("T2", "CAI1", Incoming([original]), NoRefundsExpected, Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        var other = (IInbox)(await OpenInstanceAsync()).GetService(typeof(IInbox))!;
        // Only one unit was sold: whichever refund is checked second sees the first and is refused.
        RefundCheck oneUnit = (_, history) => history.EarlierRefunds.Count == 0 ? [] : [new UploadError { Field = "lines", Message = "already refunded" }];

        var results = await Task.WhenAll(
            Store<IInbox>().StoreAsync("T2", "CAI1", Incoming([sales.RefundOf(original)]), oneUnit, Clock.GetUtcNow(), TestContext.Current.CancellationToken),
            other.StoreAsync("T2", "CAI1", Incoming([sales.RefundOf(original)]), oneUnit, Clock.GetUtcNow(), TestContext.Current.CancellationToken));

        Assert.Equal([StoreOutcome.Accepted, StoreOutcome.Rejected], results.Select(r => Assert.Single(r).Outcome).Order());
        Assert.Single(await Store<IInbox>().FindRefundsOfAsync(original.Id, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task StoreAsync_SameSalesFromTwoInstancesAtOnce_AreStoredOnceAndTheOtherGetsDuplicates()
    {
        var sales = new Sales(Clock).Many(20);
        var other = (IInbox)(await OpenInstanceAsync()).GetService(typeof(IInbox))!;

        // One sale per upload, both instances racing through the same list: every sale is contended.
        var results = await Task.WhenAll(
            Task.Run(() => StoreOneByOneAsync(Store<IInbox>(), Incoming(sales)), TestContext.Current.CancellationToken),
            Task.Run(() => StoreOneByOneAsync(other, Incoming(sales)), TestContext.Current.CancellationToken));

        for (var i = 0; i < sales.Count; i++)
        {
            Assert.Equal([StoreOutcome.Accepted, StoreOutcome.Duplicate], new[] { results[0][i], results[1][i] }.Order());
        }

        Assert.Equal(sales.Count, await Store<IInbox>().CountAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task StoreAsync_SameIdsWithOtherContentFromTwoInstancesAtOnce_OneIsStoredAndTheOtherAConflict()
    {
        var sales = new Sales(Clock).Many(20);
        var changed = sales.Select(s => s with { SaleNumber = s.SaleNumber + "-X" }).ToList();
        var other = (IInbox)(await OpenInstanceAsync()).GetService(typeof(IInbox))!;

        var results = await Task.WhenAll(
            Task.Run(() => StoreOneByOneAsync(Store<IInbox>(), Incoming(sales)), TestContext.Current.CancellationToken),
            Task.Run(() => StoreOneByOneAsync(other, Incoming(changed)), TestContext.Current.CancellationToken));

        for (var i = 0; i < sales.Count; i++)
        {
            Assert.Equal([StoreOutcome.Accepted, StoreOutcome.Conflict], new[] { results[0][i], results[1][i] }.Order());
            var kept = (await Store<IInbox>().FindAsync(sales[i].Id, TestContext.Current.CancellationToken))!.SaleNumber;
            Assert.Equal(results[0][i] == StoreOutcome.Accepted ? sales[i].SaleNumber : changed[i].SaleNumber, kept);
        }

        Assert.Equal(sales.Count, await Store<IInbox>().CountAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task StoreAsync_ManyRefundsOfOneOriginalFromThreeInstancesAtOnce_NeverRefundMoreThanWasSold()
    {
        var sales = new Sales(Clock);
        var original = sales.Next(quantity: 3m);
        await Store<IInbox>().StoreAsync("T2", "CAI1", Incoming([original]), NoRefundsExpected, Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        var inboxes = new List<IInbox> { Store<IInbox>() };
        for (var i = 0; i < 2; i++)
        {
            inboxes.Add((IInbox)(await OpenInstanceAsync()).GetService(typeof(IInbox))!);
        }

        var refunds = Enumerable.Range(0, 12).Select(_ => sales.RefundOf(original)).ToList();
        // Three units were sold, each refund returns one.
        RefundCheck threeUnits = (_, history) => history.EarlierRefunds.Count < 3 ? [] : [new UploadError { Field = "lines", Message = "already refunded" }];

        var results = await Task.WhenAll(refunds.Select((refund, i) => Task.Run(
            () => inboxes[i % inboxes.Count].StoreAsync("T2", "CAI1", Incoming([refund]), threeUnits, Clock.GetUtcNow(), TestContext.Current.CancellationToken),
            TestContext.Current.CancellationToken)));

        Assert.Equal(3, results.Count(r => Assert.Single(r).Outcome == StoreOutcome.Accepted));
        Assert.Equal(3, (await Store<IInbox>().FindRefundsOfAsync(original.Id, TestContext.Current.CancellationToken)).Count);
    }

    [Fact]
    public async Task PaymentMethodsOnRecentSalesAsync_StoresSales_EachMethodOnce()
    {
        await Store<IInbox>().StoreAsync("T2", "CAI1", Incoming(new Sales(Clock).Many(3)), NoRefundsExpected, Clock.GetUtcNow(), TestContext.Current.CancellationToken);

        var methods = await Store<IInbox>().PaymentMethodsOnRecentSalesAsync("CAI1", 10, TestContext.Current.CancellationToken);

        var (methodId, kind) = Assert.Single(methods);
        Assert.Equal("cash", methodId);
        Assert.Equal("cash", kind, ignoreCase: true);
        Assert.Empty(await Store<IInbox>().PaymentMethodsOnRecentSalesAsync("ALX1", 10, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ForStoreAsync_ATimeRange_ReadsThatStoresSalesInTimeOrder()
    {
        var sales = new Sales(Clock).Many(4);
        await Store<IInbox>().StoreAsync("T2", "CAI1", Incoming(sales), NoRefundsExpected, Clock.GetUtcNow(), TestContext.Current.CancellationToken);

        var read = await Store<IInbox>().ForStoreAsync("CAI1", sales[1].CreatedAtUtc, sales[3].CreatedAtUtc, TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);

        Assert.Equal([sales[1].Id, sales[2].Id], read.Select(s => s.Id));
        Assert.Empty(await Store<IInbox>().ForStoreAsync("ALX1", sales[0].CreatedAtUtc, Clock.GetUtcNow(), TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken));
    }

    private static async Task<List<StoreOutcome>> StoreOneByOneAsync(IInbox inbox, List<IncomingSale> sales)
    {
        var outcomes = new List<StoreOutcome>();
        foreach (var sale in sales)
        {
            var result = await inbox.StoreAsync("T2", "CAI1", [sale], NoRefundsExpected, DateTimeOffset.UnixEpoch, TestContext.Current.CancellationToken);
            outcomes.Add(Assert.Single(result).Outcome);
        }

        return outcomes;
    }

    internal static List<IncomingSale> Incoming(IEnumerable<Sale> sales) =>
        [.. sales.Select(sale =>
        {
            var document = SaleJson.Serialize(sale);
            return new IncomingSale(sale, document, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(document))));
        })];
}

public sealed class SqliteInboxContractTests : InboxContract<SqliteBackend>;
public sealed class PostgresInboxContractTests : InboxContract<PostgresBackend>;
