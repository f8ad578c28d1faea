using PosBridge.Connector.Ingestion;
using PosBridge.Connector.Receipts;
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
    public async Task ReceiveAsync_ForAnotherStoresSale_IsRefused()
    {
        var sale = new Sales(Clock, "ALX1", "T9").Next();
        await Store<IInbox>().StoreAsync("T9", "ALX1", InboxContract<TBackend>.Incoming([sale]), (_, _) => [], Clock.GetUtcNow(), TestContext.Current.CancellationToken);

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

    private static ReceiptMessageRequest Request() => new()
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
