using PosBridge.Connector.Ingestion;
using PosBridge.Connector.Tests.Hosting;
using PosBridge.Connector.Tills;

namespace PosBridge.Connector.Tests.Storage.Contracts;

/// <summary>Numbering epochs: a till starts in epoch 1; each restore gets the next; asking again gives the same one, never a lower.</summary>
public abstract class NumberingEpochsContract<TBackend> : StoreContract<TBackend>
    where TBackend : IStorageBackend, new()
{
    [Fact]
    public async Task FactsAsync_NewTill_IsInTheFirstEpochWithNothingReceived()
    {
        var facts = await Store<INumberingEpochs>().FactsAsync("T2", TestContext.Current.CancellationToken);

        Assert.Equal((1, (Guid?)null, (string?)null), (facts.Epoch, facts.LastSaleId, facts.LastClosedShiftId));
        Assert.Empty(facts.FiscalChains);
    }

    [Fact]
    public async Task NextAsync_AskedAgainOrForAnOlderEpoch_GivesTheLatestAndNeverBurnsOne()
    {
        var second = await Store<INumberingEpochs>().NextAsync("T2", 1, TestContext.Current.CancellationToken);
        var retried = await Store<INumberingEpochs>().NextAsync("T2", 1, TestContext.Current.CancellationToken);
        var third = await Store<INumberingEpochs>().NextAsync("T2", 2, TestContext.Current.CancellationToken);
        var older = await Store<INumberingEpochs>().NextAsync("T2", 1, TestContext.Current.CancellationToken);
        var otherTill = await Store<INumberingEpochs>().NextAsync("T3", 1, TestContext.Current.CancellationToken);

        Assert.Equal((2, 2, 3, 3, 2), (second, retried, third, older, otherTill));
        Assert.Equal(3, (await Store<INumberingEpochs>().FactsAsync("T2", TestContext.Current.CancellationToken)).Epoch);
    }

    [Fact]
    public async Task FactsAsync_StoredSales_NameTheTillsLastSale()
    {
        var sales = new Sales(Clock).Many(3);
        await Store<IInbox>().StoreAsync("T2", "CAI1", InboxContract<TBackend>.Incoming(sales), (_, _) => [], Clock.GetUtcNow(), TestContext.Current.CancellationToken);

        var facts = await Store<INumberingEpochs>().FactsAsync("T2", TestContext.Current.CancellationToken);

        Assert.Equal(sales[^1].Id, facts.LastSaleId);
        Assert.Null((await Store<INumberingEpochs>().FactsAsync("T9", TestContext.Current.CancellationToken)).LastSaleId);
    }

    [Fact]
    public async Task NextAsync_SameTillOnTwoInstancesAtOnce_IssuesOneEpoch()
    {
        var other = (INumberingEpochs)(await OpenInstanceAsync()).GetService(typeof(INumberingEpochs))!;
        for (var round = 0; round < 10; round++)
        {
            var till = "T" + round;

            var epochs = await Task.WhenAll(
                Task.Run(() => Store<INumberingEpochs>().NextAsync(till, 1, TestContext.Current.CancellationToken), TestContext.Current.CancellationToken),
                Task.Run(() => other.NextAsync(till, 1, TestContext.Current.CancellationToken), TestContext.Current.CancellationToken));

            Assert.Equal([2, 2], epochs);
            Assert.Equal(2, (await other.FactsAsync(till, TestContext.Current.CancellationToken)).Epoch);
        }
    }
}

public sealed class SqliteNumberingEpochsContractTests : NumberingEpochsContract<SqliteBackend>;

public sealed class PostgresNumberingEpochsContractTests : NumberingEpochsContract<PostgresBackend>;
