using PosBridge.Connector.Tills;

namespace PosBridge.Connector.Tests.Storage.Contracts;

/// <summary>Tills and pairing: a code pairs its till once, before it expires; a new pairing replaces the credential; a till stays in its store.</summary>
public abstract class TillStoreContract<TBackend> : StoreContract<TBackend>
    where TBackend : IStorageBackend, new()
{
    [Fact]
    public async Task RedeemAsync_FreshCode_PairsTheTillOnceAndItsCredentialFindsIt()
    {
        await AddCodeAsync("T2", "code-1");

        var (outcome, till) = await Store<ITillStore>().RedeemAsync("code-1", "cred-1", "enc-key-1", Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        var again = await Store<ITillStore>().RedeemAsync("code-1", "cred-2", "enc-key-2", Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        var secrets = await Store<ITillStore>().FindByCredentialHashAsync("cred-1", TestContext.Current.CancellationToken);

        Assert.Equal(PairingOutcome.Paired, outcome);
        Assert.Equal(("T2", "paired", Clock.GetUtcNow()), (till!.Id, till.State, till.PairedAt));
        Assert.Equal((PairingOutcome.AlreadyUsed, (Till?)null), again);
        Assert.Equal(("T2", "enc-key-1"), (secrets!.Till.Id, secrets.EncryptedSigningKey));
        Assert.Null(await Store<ITillStore>().FindByCredentialHashAsync("cred-2", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task RedeemAsync_UnknownOrExpiredCode_PairsNothing()
    {
        await AddCodeAsync("T2", "code-1");

        var unknown = await Store<ITillStore>().RedeemAsync("no-such-code", "cred-1", "key", Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        var expired = await Store<ITillStore>().RedeemAsync("code-1", "cred-1", "key", Clock.GetUtcNow().AddMinutes(15), TestContext.Current.CancellationToken);

        Assert.Equal(PairingOutcome.UnknownCode, unknown.Outcome);
        Assert.Equal(PairingOutcome.Expired, expired.Outcome);
        Assert.Equal("waiting", Assert.Single(await Store<ITillStore>().ListAsync(TestContext.Current.CancellationToken)).State);
    }

    [Fact]
    public async Task RedeemAsync_NewPairing_ReplacesTheOldCredentialAndEndsARevocation()
    {
        await AddCodeAsync("T2", "code-1");
        await Store<ITillStore>().RedeemAsync("code-1", "cred-1", "key-1", Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        Assert.True(await Store<ITillStore>().RevokeAsync("T2", Clock.GetUtcNow(), TestContext.Current.CancellationToken));
        Assert.False(await Store<ITillStore>().RevokeAsync("T2", Clock.GetUtcNow(), TestContext.Current.CancellationToken));
        await AddCodeAsync("T2", "code-2");

        var (outcome, till) = await Store<ITillStore>().RedeemAsync("code-2", "cred-2", "key-2", Clock.GetUtcNow(), TestContext.Current.CancellationToken);

        Assert.Equal((PairingOutcome.Paired, "paired"), (outcome, till!.State));
        Assert.Null(await Store<ITillStore>().FindByCredentialHashAsync("cred-1", TestContext.Current.CancellationToken));
        Assert.NotNull(await Store<ITillStore>().FindByCredentialHashAsync("cred-2", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task AddPairingCodeAsync_TillOfAnotherStore_IsRefused()
    {
        await AddCodeAsync("T2", "code-1");

        await Assert.ThrowsAsync<InvalidOperationException>(() => Store<ITillStore>().AddPairingCodeAsync("T2", "ALX1", "Till 2", "code-2", Clock.GetUtcNow().AddMinutes(10), Clock.GetUtcNow(), TestContext.Current.CancellationToken));

        Assert.Equal("CAI1", Assert.Single(await Store<ITillStore>().ListAsync(TestContext.Current.CancellationToken)).StoreId);
        Assert.Equal(PairingOutcome.UnknownCode, (await Store<ITillStore>().RedeemAsync("code-2", "cred", "key", Clock.GetUtcNow(), TestContext.Current.CancellationToken)).Outcome);
    }

    [Fact]
    public async Task RecordContactAsync_OnlyMovesForward()
    {
        await AddCodeAsync("T2", "code-1");
        var later = Clock.GetUtcNow().AddMinutes(5);

        await Store<ITillStore>().RecordContactAsync("T2", later, TestContext.Current.CancellationToken);
        await Store<ITillStore>().RecordContactAsync("T2", Clock.GetUtcNow(), TestContext.Current.CancellationToken);

        Assert.Equal(later, Assert.Single(await Store<ITillStore>().ListAsync(TestContext.Current.CancellationToken)).LastContactAt);
    }

    [Fact]
    public async Task ListAsync_Tills_AreByStoreThenId()
    {
        await AddCodeAsync("T2", "code-1");
        await AddCodeAsync("T1", "code-2");
        await Store<ITillStore>().AddPairingCodeAsync("A9", "ALX1", "Till", "code-3", Clock.GetUtcNow().AddMinutes(10), Clock.GetUtcNow(), TestContext.Current.CancellationToken);

        var tills = await Store<ITillStore>().ListAsync(TestContext.Current.CancellationToken);

        Assert.Equal([("ALX1", "A9"), ("CAI1", "T1"), ("CAI1", "T2")], tills.Select(t => (t.StoreId, t.Id)));
    }

    [Fact]
    public async Task RedeemAsync_SameCodeOnTwoInstancesAtOnce_PairsOnce()
    {
        var other = (ITillStore)(await OpenInstanceAsync()).GetService(typeof(ITillStore))!;
        for (var round = 0; round < 10; round++)
        {
            var code = "code-" + round;
            await AddCodeAsync("T" + round, code);

            var results = await Task.WhenAll(
                Task.Run(() => Store<ITillStore>().RedeemAsync(code, $"cred-{round}-a", "key-a", Clock.GetUtcNow(), TestContext.Current.CancellationToken), TestContext.Current.CancellationToken),
                Task.Run(() => other.RedeemAsync(code, $"cred-{round}-b", "key-b", Clock.GetUtcNow(), TestContext.Current.CancellationToken), TestContext.Current.CancellationToken));

            Assert.Equal([PairingOutcome.Paired, PairingOutcome.AlreadyUsed], results.Select(r => r.Outcome).Order());
            var winner = results[0].Outcome == PairingOutcome.Paired ? "a" : "b";
            Assert.NotNull(await Store<ITillStore>().FindByCredentialHashAsync($"cred-{round}-{winner}", TestContext.Current.CancellationToken));
            Assert.Null(await Store<ITillStore>().FindByCredentialHashAsync($"cred-{round}-{(winner == "a" ? "b" : "a")}", TestContext.Current.CancellationToken));
        }
    }

    private Task<Till> AddCodeAsync(string tillId, string codeHash) =>
        Store<ITillStore>().AddPairingCodeAsync(tillId, "CAI1", "Till " + tillId, codeHash, Clock.GetUtcNow().AddMinutes(10), Clock.GetUtcNow(), TestContext.Current.CancellationToken);
}

public sealed class SqliteTillStoreContractTests : TillStoreContract<SqliteBackend>;

public sealed class PostgresTillStoreContractTests : TillStoreContract<PostgresBackend>;
