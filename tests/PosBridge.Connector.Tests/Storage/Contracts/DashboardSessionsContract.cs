using PosBridge.Connector.Dashboard;

namespace PosBridge.Connector.Tests.Storage.Contracts;

/// <summary>Dashboard sessions and failed logins, under the policy of <c>PosBridge:Dashboard</c>.</summary>
public abstract class DashboardSessionsContract<TBackend> : StoreContract<TBackend>
    where TBackend : IStorageBackend, new()
{
    private static readonly DashboardOptions Policy = new()
    {
        SessionIdleTimeout = TimeSpan.FromMinutes(30),
        SessionLifetime = TimeSpan.FromHours(8),
        LoginAttemptsPerWindow = 3,
        LoginWindow = TimeSpan.FromMinutes(15),
    };

    [Fact]
    public async Task FindAsync_TokenOfAStartedSession_FindsItWithItsCsrfToken()
    {
        var (token, session) = await Store<IDashboardSessions>().StartAsync(Policy, "amira", true, TestContext.Current.CancellationToken);

        var found = await Store<IDashboardSessions>().FindAsync(token, Policy, TestContext.Current.CancellationToken);

        Assert.NotNull(found);
        Assert.True(found.IsCsrfToken(session.CsrfToken));
        Assert.Equal(("amira", true), (found.Account, found.SecondFactor));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-a-token-this-connector-gave")]
    public async Task FindAsync_UnknownToken_FindsNothing(string? token)
    {
        await Store<IDashboardSessions>().StartAsync(Policy, "amira", true, TestContext.Current.CancellationToken);

        Assert.Null(await Store<IDashboardSessions>().FindAsync(token, Policy, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task FindAsync_AfterEndAsync_FindsNothing()
    {
        var (token, _) = await Store<IDashboardSessions>().StartAsync(Policy, "amira", true, TestContext.Current.CancellationToken);

        await Store<IDashboardSessions>().EndAsync(token, TestContext.Current.CancellationToken);

        Assert.Null(await Store<IDashboardSessions>().FindAsync(token, Policy, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task FindAsync_IdleLongerThanTheTimeout_EndsTheSession()
    {
        var (token, _) = await Store<IDashboardSessions>().StartAsync(Policy, "amira", true, TestContext.Current.CancellationToken);

        Clock.Advance(Policy.SessionIdleTimeout);

        Assert.Null(await Store<IDashboardSessions>().FindAsync(token, Policy, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task FindAsync_SeenWithinTheIdleTimeout_KeepsTheSessionUntilItsLifetime()
    {
        var (token, _) = await Store<IDashboardSessions>().StartAsync(Policy, "amira", true, TestContext.Current.CancellationToken);
        var seen = new List<bool>();
        for (var elapsed = TimeSpan.Zero; elapsed + TimeSpan.FromMinutes(20) < Policy.SessionLifetime; elapsed += TimeSpan.FromMinutes(20))
        {
            Clock.Advance(TimeSpan.FromMinutes(20));
            seen.Add(await Store<IDashboardSessions>().FindAsync(token, Policy, TestContext.Current.CancellationToken) is not null);
        }

        Clock.Advance(TimeSpan.FromMinutes(20));

        Assert.All(seen, Assert.True);
        Assert.Null(await Store<IDashboardSessions>().FindAsync(token, Policy, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task LoginWaitAsync_AfterTooManyFailures_AsksTheClientToWaitButNotOthers()
    {
        Assert.Equal(TimeSpan.Zero, await Store<IDashboardSessions>().LoginWaitAsync("192.0.2.7", Policy, TestContext.Current.CancellationToken));
        for (var i = 0; i < Policy.LoginAttemptsPerWindow; i++)
        {
            await Store<IDashboardSessions>().LoginFailedAsync("192.0.2.7", TestContext.Current.CancellationToken);
        }

        Assert.True(await Store<IDashboardSessions>().LoginWaitAsync("192.0.2.7", Policy, TestContext.Current.CancellationToken) > TimeSpan.Zero);
        Assert.Equal(TimeSpan.Zero, await Store<IDashboardSessions>().LoginWaitAsync("192.0.2.8", Policy, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task LoginWaitAsync_AfterTheWindowPassed_LetsTheClientTryAgain()
    {
        for (var i = 0; i < Policy.LoginAttemptsPerWindow; i++)
        {
            await Store<IDashboardSessions>().LoginFailedAsync("192.0.2.7", TestContext.Current.CancellationToken);
        }

        Clock.Advance(Policy.LoginWindow);

        Assert.Equal(TimeSpan.Zero, await Store<IDashboardSessions>().LoginWaitAsync("192.0.2.7", Policy, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task LoginSucceededAsync_ForgetsTheClientsEarlierFailures()
    {
        for (var i = 0; i < Policy.LoginAttemptsPerWindow - 1; i++)
        {
            await Store<IDashboardSessions>().LoginFailedAsync("192.0.2.7", TestContext.Current.CancellationToken);
        }

        await Store<IDashboardSessions>().LoginSucceededAsync("192.0.2.7", TestContext.Current.CancellationToken);
        await Store<IDashboardSessions>().LoginFailedAsync("192.0.2.7", TestContext.Current.CancellationToken);

        Assert.Equal(TimeSpan.Zero, await Store<IDashboardSessions>().LoginWaitAsync("192.0.2.7", Policy, TestContext.Current.CancellationToken));
    }
}

public sealed class SqliteDashboardSessionsContractTests : DashboardSessionsContract<SqliteBackend>;

public sealed class PostgresDashboardSessionsContractTests : DashboardSessionsContract<PostgresBackend>;
