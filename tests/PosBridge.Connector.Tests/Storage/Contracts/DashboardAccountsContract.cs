using PosBridge.Connector.Dashboard.Accounts;

namespace PosBridge.Connector.Tests.Storage.Contracts;

/// <summary>Dashboard accounts: their lock, their used code steps and recovery codes, and the last owner, on every backend.</summary>
public abstract class DashboardAccountsContract<TBackend> : StoreContract<TBackend>
    where TBackend : IStorageBackend, new()
{
    private IDashboardAccounts Accounts => Store<IDashboardAccounts>();

    [Fact]
    public async Task AddAsync_NewName_IsFoundWithItsRole_ASecondTimeIsRefused()
    {
        Assert.True(await Accounts.AddAsync("amira", DashboardRole.Accountant, "hash-1", Clock.GetUtcNow(), TestContext.Current.CancellationToken));
        Assert.False(await Accounts.AddAsync("amira", DashboardRole.Owner, "hash-2", Clock.GetUtcNow(), TestContext.Current.CancellationToken));

        var found = await Accounts.FindAsync("amira", TestContext.Current.CancellationToken);

        Assert.NotNull(found);
        Assert.Equal((DashboardRole.Accountant, "hash-1", false, 0), (found.Role, found.PasswordHash, found.HasSecondFactor, found.FailedLogins));
        Assert.Null(await Accounts.FindAsync("omar", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task LoginFailedAsync_FifthInARow_LocksForTheTime_ThenCountsAfresh()
    {
        await Accounts.AddAsync("amira", DashboardRole.Manager, "hash", Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        DashboardAccount? after = null;
        for (var i = 0; i < 5; i++)
        {
            after = await Accounts.LoginFailedAsync("amira", 5, Clock.GetUtcNow(), TimeSpan.FromMinutes(15), TestContext.Current.CancellationToken);
            Assert.Equal(i == 4, after!.IsLockedAt(Clock.GetUtcNow()));
        }

        Clock.Advance(TimeSpan.FromMinutes(15));
        Assert.False(after!.IsLockedAt(Clock.GetUtcNow()));
        var afresh = await Accounts.LoginFailedAsync("amira", 5, Clock.GetUtcNow(), TimeSpan.FromMinutes(15), TestContext.Current.CancellationToken);
        Assert.Equal(1, afresh!.FailedLogins);
        Assert.False(afresh.IsLockedAt(Clock.GetUtcNow()));
    }

    [Fact]
    public async Task UnlockAsync_EndsTheLock()
    {
        await Accounts.AddAsync("amira", DashboardRole.Manager, "hash", Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        for (var i = 0; i < 5; i++)
        {
            await Accounts.LoginFailedAsync("amira", 5, Clock.GetUtcNow(), TimeSpan.FromMinutes(15), TestContext.Current.CancellationToken);
        }

        Assert.True(await Accounts.UnlockAsync("amira", TestContext.Current.CancellationToken));

        Assert.False((await Accounts.FindAsync("amira", TestContext.Current.CancellationToken))!.IsLockedAt(Clock.GetUtcNow()));
        Assert.False(await Accounts.UnlockAsync("omar", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task UseStepAsync_EachStepOnce_NeverAnEarlierOne()
    {
        await EnrolledAsync("amira", 100);

        Assert.False(await Accounts.UseStepAsync("amira", 100, TestContext.Current.CancellationToken));
        Assert.True(await Accounts.UseStepAsync("amira", 101, TestContext.Current.CancellationToken));
        Assert.False(await Accounts.UseStepAsync("amira", 101, TestContext.Current.CancellationToken));
        Assert.False(await Accounts.UseStepAsync("amira", 99, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task UseRecoveryCodeAsync_EachCodeOnce()
    {
        await EnrolledAsync("amira", 100);

        Assert.True(await Accounts.UseRecoveryCodeAsync("amira", "code-3", TestContext.Current.CancellationToken));
        Assert.False(await Accounts.UseRecoveryCodeAsync("amira", "code-3", TestContext.Current.CancellationToken));
        Assert.False(await Accounts.UseRecoveryCodeAsync("omar", "code-4", TestContext.Current.CancellationToken));
        Assert.Equal(9, (await Accounts.FindAsync("amira", TestContext.Current.CancellationToken))!.RecoveryCodesLeft);
    }

    [Fact]
    public async Task ConfirmEnrolmentAsync_OfAnotherPendingSecret_ChangesNothing()
    {
        await Accounts.AddAsync("amira", DashboardRole.Owner, "hash", Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        await Accounts.BeginEnrolmentAsync("amira", "secret-2", TestContext.Current.CancellationToken);

        Assert.False(await Accounts.ConfirmEnrolmentAsync("amira", "secret-1", 5, ["a"], TestContext.Current.CancellationToken));
        Assert.False((await Accounts.FindAsync("amira", TestContext.Current.CancellationToken))!.HasSecondFactor);
    }

    [Fact]
    public async Task ResetSecondFactorAsync_ForgetsTheSecretAndTheRecoveryCodes()
    {
        await EnrolledAsync("amira", 100);

        Assert.True(await Accounts.ResetSecondFactorAsync("amira", TestContext.Current.CancellationToken));

        var account = (await Accounts.FindAsync("amira", TestContext.Current.CancellationToken))!;
        Assert.Equal((false, 0, (long?)null), (account.HasSecondFactor, account.RecoveryCodesLeft, account.LastTotpStep));
        Assert.False(await Accounts.UseRecoveryCodeAsync("amira", "code-1", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task RemoveAsync_NeverTheLastOwner()
    {
        await Accounts.AddAsync("amira", DashboardRole.Owner, "hash", Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        await EnrolledAsync("omar", 7);

        Assert.Equal(AccountChangeOutcome.Done, await Accounts.RemoveAsync("omar", TestContext.Current.CancellationToken));
        Assert.Equal(AccountChangeOutcome.LastOwner, await Accounts.RemoveAsync("amira", TestContext.Current.CancellationToken));
        Assert.Equal(AccountChangeOutcome.NotFound, await Accounts.RemoveAsync("omar", TestContext.Current.CancellationToken));
        Assert.Equal(["amira"], (await Accounts.ListAsync(TestContext.Current.CancellationToken)).Select(a => a.Name));
    }

    [Fact]
    public async Task SetRoleAsync_ChangesTheRole_NeverDemotesTheLastOwner()
    {
        await Accounts.AddAsync("amira", DashboardRole.Owner, "hash", Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        await Accounts.AddAsync("nour", DashboardRole.ReadOnly, "hash", Clock.GetUtcNow(), TestContext.Current.CancellationToken);

        Assert.Equal(AccountChangeOutcome.LastOwner, await Accounts.SetRoleAsync("amira", DashboardRole.Manager, TestContext.Current.CancellationToken));
        Assert.Equal(AccountChangeOutcome.Done, await Accounts.SetRoleAsync("nour", DashboardRole.Owner, TestContext.Current.CancellationToken));
        Assert.Equal(AccountChangeOutcome.Done, await Accounts.SetRoleAsync("amira", DashboardRole.Accountant, TestContext.Current.CancellationToken));
        Assert.Equal(AccountChangeOutcome.NotFound, await Accounts.SetRoleAsync("omar", DashboardRole.Owner, TestContext.Current.CancellationToken));
        Assert.Equal(
            [("amira", DashboardRole.Accountant), ("nour", DashboardRole.Owner)],
            (await Accounts.ListAsync(TestContext.Current.CancellationToken)).Select(a => (a.Name, a.Role)).OrderBy(a => a.Name, StringComparer.Ordinal));
    }

    private async Task EnrolledAsync(string name, long step)
    {
        await Accounts.AddAsync(name, DashboardRole.Owner, "hash", Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        await Accounts.BeginEnrolmentAsync(name, "secret", TestContext.Current.CancellationToken);
        Assert.True(await Accounts.ConfirmEnrolmentAsync(name, "secret", step, [.. Enumerable.Range(0, 10).Select(i => $"code-{i}")], TestContext.Current.CancellationToken));
    }
}

public sealed class SqliteDashboardAccountsContractTests : DashboardAccountsContract<SqliteBackend>;

public sealed class PostgresDashboardAccountsContractTests : DashboardAccountsContract<PostgresBackend>;
