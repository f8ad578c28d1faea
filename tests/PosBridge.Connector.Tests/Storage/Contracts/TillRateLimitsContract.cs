using PosBridge.Connector.Tills;

namespace PosBridge.Connector.Tests.Storage.Contracts;

/// <summary>Per-till and per-address request limits: each key its own allowance per window, pairing attempts fewer.</summary>
public abstract class TillRateLimitsContract<TBackend> : StoreContract<TBackend>
    where TBackend : IStorageBackend, new()
{
    protected override IReadOnlyDictionary<string, string?> ContractSettings => new Dictionary<string, string?>
    {
        ["PosBridge:RequestsPerMinutePerTill"] = "3",
        ["PosBridge:PairingAttemptsPerMinute"] = "2",
    };

    [Fact]
    public async Task TryAcquireAsync_BeyondTheTillsAllowance_IsRefusedWithAWait()
    {
        var permits = new List<RatePermit>();
        for (var i = 0; i < 4; i++)
        {
            permits.Add(await Store<ITillRateLimits>().TryAcquireAsync("till:T2", TestContext.Current.CancellationToken));
        }

        Assert.Equal([true, true, true, false], permits.Select(p => p.Allowed));
        Assert.True(permits[^1].RetryAfter > TimeSpan.Zero);
    }

    [Fact]
    public async Task TryAcquireAsync_AnotherTill_HasItsOwnAllowance()
    {
        for (var i = 0; i < 3; i++)
        {
            Assert.True((await Store<ITillRateLimits>().TryAcquireAsync("till:T2", TestContext.Current.CancellationToken)).Allowed);
        }

        Assert.True((await Store<ITillRateLimits>().TryAcquireAsync("till:T3", TestContext.Current.CancellationToken)).Allowed);
    }

    [Fact]
    public async Task TryAcquireAsync_PairingFromOneAddress_HasThePairingAllowance()
    {
        var allowed = new List<bool>();
        for (var i = 0; i < 3; i++)
        {
            allowed.Add((await Store<ITillRateLimits>().TryAcquireAsync("pairing:192.0.2.7", TestContext.Current.CancellationToken)).Allowed);
        }

        Assert.Equal([true, true, false], allowed);
    }
}

public sealed class SqliteTillRateLimitsContractTests : TillRateLimitsContract<SqliteBackend>;

public sealed class PostgresTillRateLimitsContractTests : TillRateLimitsContract<PostgresBackend>;
