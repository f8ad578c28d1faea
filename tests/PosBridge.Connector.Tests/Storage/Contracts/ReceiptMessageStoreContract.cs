using Microsoft.Extensions.DependencyInjection;
using PosBridge.Connector.Receipts;
using PosBridge.Connector.Storage.Postgres;
using PosBridge.Connector.Tests.Hosting;
using PosBridge.Core.Sync;

namespace PosBridge.Connector.Tests.Storage.Contracts;

/// <summary>Receipt messages: taken once, claimed by one run, their link opening the page while it lasts.</summary>
public abstract class ReceiptMessageStoreContract<TBackend> : StoreContract<TBackend>
    where TBackend : IStorageBackend, new()
{
    private static readonly TimeSpan LinkLifetime = TimeSpan.FromDays(30);

    [Fact]
    public async Task ReceiveAsync_SameRequestAgain_IsADuplicateAndOtherContentAConflict()
    {
        var request = Request();

        var first = await Store<IReceiptMessageStore>().ReceiveAsync("CAI1", "T2", request, LinkLifetime, TestContext.Current.CancellationToken);
        var again = await Store<IReceiptMessageStore>().ReceiveAsync("CAI1", "T2", request, LinkLifetime, TestContext.Current.CancellationToken);
        var changed = await Store<IReceiptMessageStore>().ReceiveAsync("CAI1", "T2", request with { To = "other@example.com" }, LinkLifetime, TestContext.Current.CancellationToken);
        var otherTill = await Store<IReceiptMessageStore>().ReceiveAsync("CAI1", "T3", request, LinkLifetime, TestContext.Current.CancellationToken);

        Assert.Equal([ReceiptRequestReceipt.Accepted, ReceiptRequestReceipt.Duplicate, ReceiptRequestReceipt.Conflict, ReceiptRequestReceipt.Conflict], [first, again, changed, otherTill]);
        Assert.Equal(new ReceiptMessageCounts(1, 0, 0, 0), await Store<IReceiptMessageStore>().CountsAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ReceiveAsync_TwoInstancesTakingTheSameRequestAtOnce_StoreItOnce()
    {
        var other = (await OpenInstanceAsync()).GetRequiredService<IReceiptMessageStore>();

        var receipts = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => (i % 2 == 0 ? Store<IReceiptMessageStore>() : other).ReceiveAsync("CAI1", "T2", Request(), LinkLifetime, TestContext.Current.CancellationToken)));

        Assert.Single(receipts, r => r == ReceiptRequestReceipt.Accepted);
        Assert.Equal(5, receipts.Count(r => r == ReceiptRequestReceipt.Duplicate));
        Assert.Single(await other.DueAsync([ReceiptChannel.Email], 10, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ReceiveAsync_ForAnotherStoresSale_IsRefused()
    {
        var sale = new Sales(Clock, "ALX1", "T9").Next();
        await ContractRows.StoreSalesAsync(Services, "ALX1", "T9", [sale], Clock.GetUtcNow());

        var outcome = await Store<IReceiptMessageStore>().ReceiveAsync("CAI1", "T2", Request() with { SaleId = sale.Id }, LinkLifetime, TestContext.Current.CancellationToken);

        Assert.Equal(ReceiptRequestReceipt.OtherStoresSale, outcome);
    }

    [Fact]
    public async Task ClaimAsync_TheSameMessageTwice_IsGrantedOnce()
    {
        var request = Request();
        await Store<IReceiptMessageStore>().ReceiveAsync("CAI1", "T2", request, LinkLifetime, TestContext.Current.CancellationToken);
        var due = Assert.Single(await Store<IReceiptMessageStore>().DueAsync([ReceiptChannel.Email], 10, TestContext.Current.CancellationToken));

        var claims = await Task.WhenAll(
            Store<IReceiptMessageStore>().ClaimAsync(due.RequestId, TestContext.Current.CancellationToken),
            Store<IReceiptMessageStore>().ClaimAsync(due.RequestId, TestContext.Current.CancellationToken));

        Assert.Single(claims, c => c);
        Assert.Empty(await Store<IReceiptMessageStore>().DueAsync([ReceiptChannel.Email], 10, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ClaimAsync_TwoInstancesSendingAtOnce_ClaimEachMessageOnce()
    {
        for (var i = 0; i < 20; i++)
        {
            await Store<IReceiptMessageStore>().ReceiveAsync("CAI1", "T2", Request() with { RequestId = Guid.NewGuid() }, LinkLifetime, TestContext.Current.CancellationToken);
        }

        var other = (await OpenInstanceAsync()).GetRequiredService<IReceiptMessageStore>();

        var claimed = await Task.WhenAll(ClaimDueAsync(Store<IReceiptMessageStore>()), ClaimDueAsync(other));

        Assert.Equal(20, claimed[0].Count + claimed[1].Count);
        Assert.Empty(claimed[0].Intersect(claimed[1]));
        Assert.Empty(await other.DueAsync([ReceiptChannel.Email], 100, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task PageAsync_LinkOfAStoredMessage_OpensThePageUntilItExpires()
    {
        await Store<IReceiptMessageStore>().ReceiveAsync("CAI1", "T2", Request(), LinkLifetime, TestContext.Current.CancellationToken);
        var due = Assert.Single(await Store<IReceiptMessageStore>().DueAsync([ReceiptChannel.Email], 10, TestContext.Current.CancellationToken));

        var page = await Store<IReceiptMessageStore>().PageAsync(due.Token, TestContext.Current.CancellationToken);
        Clock.Advance(LinkLifetime);
        var expired = await Store<IReceiptMessageStore>().PageAsync(due.Token, TestContext.Current.CancellationToken);

        Assert.Equal("<p>receipt</p>", page);
        Assert.Null(expired);
        Assert.Null(await Store<IReceiptMessageStore>().PageAsync("not-a-token", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task SettleInterruptedAsync_MessageLeftSending_BecomesUncertainAndIsNotSentAgain()
    {
        await Store<IReceiptMessageStore>().ReceiveAsync("CAI1", "T2", Request(), LinkLifetime, TestContext.Current.CancellationToken);
        var due = Assert.Single(await Store<IReceiptMessageStore>().DueAsync([ReceiptChannel.Email], 10, TestContext.Current.CancellationToken));
        Assert.True(await Store<IReceiptMessageStore>().ClaimAsync(due.RequestId, TestContext.Current.CancellationToken));

        var settled = await Store<IReceiptMessageStore>().SettleInterruptedAsync(TestContext.Current.CancellationToken);

        Assert.Equal(1, settled);
        Assert.Equal(new ReceiptMessageCounts(0, 0, 0, 1), await Store<IReceiptMessageStore>().CountsAsync(TestContext.Current.CancellationToken));
        Assert.Equal("uncertain", Assert.Single(await Store<IReceiptMessageStore>().ProblemsAsync(10, TestContext.Current.CancellationToken)).State);
        Assert.Equal(ResendOutcome.Queued, await Store<IReceiptMessageStore>().ResendAsync(due.RequestId, TestContext.Current.CancellationToken));
        Assert.Single(await Store<IReceiptMessageStore>().DueAsync([ReceiptChannel.Email], 10, TestContext.Current.CancellationToken));
    }

    /// <summary>What a send run does before anything leaves: every due message, claimed one by one.</summary>
    internal static async Task<List<Guid>> ClaimDueAsync(IReceiptMessageStore store)
    {
        var claimed = new List<Guid>();
        foreach (var message in await store.DueAsync([ReceiptChannel.Email], 100, TestContext.Current.CancellationToken))
        {
            if (await store.ClaimAsync(message.RequestId, TestContext.Current.CancellationToken))
            {
                claimed.Add(message.RequestId);
            }
        }

        return claimed;
    }

    internal static ReceiptMessageRequest Request() => new()
    {
        RequestId = Guid.Parse("6f1c2a50-0000-4000-8000-000000000001"),
        SaleId = Guid.Parse("6f1c2a50-0000-4000-8000-0000000000aa"),
        SaleNumber = "CAI1-T2-0001-000001",
        Channel = ReceiptChannel.Email,
        To = "mona@example.com",
        Language = "en",
        StoreName = "Downtown",
        ReceiptHtml = "<p>receipt</p>",
    };
}

public sealed class SqliteReceiptMessageStoreContractTests : ReceiptMessageStoreContract<SqliteBackend>;

public sealed class PostgresReceiptMessageStoreContractTests : ReceiptMessageStoreContract<PostgresBackend>;

/// <summary>
/// Several instances send receipts from one PostgreSQL database: a run's check for sends cut off by a crash takes its own
/// instance's earlier claims, never another instance's send in flight (which would be recorded as uncertain while it
/// goes out), until that claim is older than any send takes.
/// </summary>
public sealed class PostgresReceiptMessageInstancesTests : StoreContract<PostgresBackend>
{
    [Fact]
    public async Task SettleInterruptedAsync_AnotherInstancesSendInFlight_IsLeftToItUntilItsClaimRunsOut()
    {
        var sending = Store<IReceiptMessageStore>();
        await sending.ReceiveAsync("CAI1", "T2", ReceiptMessageStoreContract<PostgresBackend>.Request(), TimeSpan.FromDays(30), TestContext.Current.CancellationToken);
        var claimed = Assert.Single(await ReceiptMessageStoreContract<PostgresBackend>.ClaimDueAsync(sending));
        var other = (await OpenInstanceAsync()).GetRequiredService<IReceiptMessageStore>();

        var whileSending = await other.SettleInterruptedAsync(TestContext.Current.CancellationToken);
        await sending.RecordAsync(claimed, "sent", null, null, TestContext.Current.CancellationToken);

        Assert.Equal(0, whileSending);
        Assert.Equal(new ReceiptMessageCounts(0, 1, 0, 0), await other.CountsAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task SettleInterruptedAsync_ClaimOfAnInstanceThatDied_BecomesUncertainOnceItRunsOut()
    {
        var died = Store<IReceiptMessageStore>();
        await died.ReceiveAsync("CAI1", "T2", ReceiptMessageStoreContract<PostgresBackend>.Request(), TimeSpan.FromDays(30), TestContext.Current.CancellationToken);
        Assert.Single(await ReceiptMessageStoreContract<PostgresBackend>.ClaimDueAsync(died));
        var other = (await OpenInstanceAsync()).GetRequiredService<IReceiptMessageStore>();

        Clock.Advance(PostgresReceiptMessageStore.ClaimGivenUpAfter);
        var settled = await other.SettleInterruptedAsync(TestContext.Current.CancellationToken);

        Assert.Equal(1, settled);
        Assert.Equal(new ReceiptMessageCounts(0, 0, 0, 1), await other.CountsAsync(TestContext.Current.CancellationToken));
    }
}
