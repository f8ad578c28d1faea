using System.Net;
using Microsoft.Extensions.Time.Testing;
using PosBridge.Connector.Cli;
using PosBridge.Connector.Storage.Sqlite;
using PosBridge.Connector.Tests.Dashboard;
using PosBridge.Connector.Tests.Hosting;

namespace PosBridge.Connector.Tests.Cli;

public sealed class AccountsCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("posbridge-accounts-cli-").FullName;
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    public void Dispose()
    {
        SqliteDatabaseFile.CloseAll();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Add_ThenList_ShowsTheAccountWithItsRole_AndAudits()
    {
        var (added, addOutput, _) = await RunAsync("ledgers-and-tea-2025\n", "accounts", "add", "--name", "Layla", "--role", "accountant", "--data", _directory);
        var (listed, list, _) = await RunAsync(null, "accounts", "list", "--data", _directory);

        Assert.Equal(CommandLine.Ok, added);
        Assert.Contains("Added the accountant account 'layla'", addOutput, StringComparison.Ordinal);
        Assert.Equal(CommandLine.Ok, listed);
        Assert.Matches(@"layla\s+accountant\s+no\s+0\s+-\s+never", list);
        await using var host = await ConnectorHost.StartAsync(null, null, _directory);
        Assert.Contains("cli dashboard.account.add layla", await DashboardClient.AuditAsync(host));
    }

    [Theory]
    [InlineData("accounts")]
    [InlineData("accounts", "promote", "--name", "layla")]
    [InlineData("accounts", "add", "--role", "owner")]
    [InlineData("accounts", "add", "--name", "layla")]
    [InlineData("accounts", "add", "--name", "layla", "--role", "boss")]
    [InlineData("accounts", "add", "--name", "la yla", "--role", "owner")]
    [InlineData("accounts", "unlock")]
    [InlineData("accounts", "list", "--name", "layla")]
    public async Task BadCommandLine_IsAUsageErrorSayingWhatToType(params string[] args)
    {
        var (code, output, error) = await RunAsync(null, [.. args, "--data", _directory]);

        Assert.Equal(CommandLine.Usage, code);
        Assert.Empty(output);
        Assert.StartsWith("posbridge: ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("short\n")]
    public async Task Add_WithAMissingOrWeakPassword_AddsNothing(string input)
    {
        var (code, _, error) = await RunAsync(input, "accounts", "add", "--name", "layla", "--role", "owner", "--data", _directory);
        var (_, list, _) = await RunAsync(null, "accounts", "list", "--data", _directory);

        Assert.Equal(CommandLine.InputProblems, code);
        Assert.Contains("password", error, StringComparison.Ordinal);
        Assert.Contains("No dashboard accounts yet", list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Remove_TheLastOwner_IsRefused_AnotherAccountGoes()
    {
        await RunAsync("ledgers-and-tea-2025\n", "accounts", "add", "--name", "amira", "--role", "owner", "--data", _directory);
        await RunAsync("ledgers-and-tea-2025\n", "accounts", "add", "--name", "nour", "--role", "read-only", "--data", _directory);

        var (last, _, lastError) = await RunAsync(null, "accounts", "remove", "--name", "amira", "--data", _directory);
        var (other, _, _) = await RunAsync(null, "accounts", "remove", "--name", "nour", "--data", _directory);
        var (missing, _, missingError) = await RunAsync(null, "accounts", "remove", "--name", "nour", "--data", _directory);

        Assert.Equal(CommandLine.InputProblems, last);
        Assert.Contains("last owner", lastError, StringComparison.Ordinal);
        Assert.Equal(CommandLine.Ok, other);
        Assert.Equal(CommandLine.InputProblems, missing);
        Assert.Contains("no account 'nour'", missingError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetRole_ChangesIt_RefusesTheLastOwnerAndABadRole_AndAudits()
    {
        await RunAsync("ledgers-and-tea-2025\n", "accounts", "add", "--name", "amira", "--role", "owner", "--data", _directory);
        await RunAsync("ledgers-and-tea-2025\n", "accounts", "add", "--name", "nour", "--role", "read-only", "--data", _directory);

        var (last, _, lastError) = await RunAsync(null, "accounts", "set-role", "--name", "amira", "--role", "manager", "--data", _directory);
        var (bad, _, badError) = await RunAsync(null, "accounts", "set-role", "--name", "nour", "--role", "boss", "--data", _directory);
        var (promoted, promotedOutput, _) = await RunAsync(null, "accounts", "set-role", "--name", "nour", "--role", "accountant", "--data", _directory);
        var (missing, _, missingError) = await RunAsync(null, "accounts", "set-role", "--name", "omar", "--role", "owner", "--data", _directory);
        var (_, list, _) = await RunAsync(null, "accounts", "list", "--data", _directory);

        Assert.Equal(CommandLine.InputProblems, last);
        Assert.Contains("last owner", lastError, StringComparison.Ordinal);
        Assert.Equal(CommandLine.Usage, bad);
        Assert.Contains("'boss' is not a role", badError, StringComparison.Ordinal);
        Assert.Equal(CommandLine.Ok, promoted);
        Assert.Contains("'nour' is now accountant", promotedOutput, StringComparison.Ordinal);
        Assert.Equal(CommandLine.InputProblems, missing);
        Assert.Contains("no account 'omar'", missingError, StringComparison.Ordinal);
        Assert.Matches(@"nour\s+accountant", list);
        Assert.DoesNotContain("   at ", lastError + badError + missingError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LockedOutOwner_UnlocksAndResetsTheSecondFactorFromTheCli_AndSignsInAgain()
    {
        await using (var host = await ConnectorHost.StartAsync(DashboardClient.Settings, null, _directory))
        {
            var owner = new DashboardClient(host);
            Assert.Equal(HttpStatusCode.OK, (await owner.LoginAsync()).StatusCode); // enrolled
            for (var i = 0; i < 5; i++)
            {
                await new DashboardClient(host).LoginAsync("wrong-guess-number-" + i);
            }
        }

        var (unlocked, unlockOutput, _) = await RunAsync(null, "accounts", "unlock", "--name", "owner", "--data", _directory);
        var (reset, _, _) = await RunAsync(null, "accounts", "reset-mfa", "--name", "owner", "--data", _directory);
        var (password, _, _) = await RunAsync("a-brand-new-owner-secret-26\n", "accounts", "reset-password", "--name", "owner", "--data", _directory);

        Assert.Equal([CommandLine.Ok, CommandLine.Ok, CommandLine.Ok], new[] { unlocked, reset, password });
        Assert.Contains("Unlocked 'owner'", unlockOutput, StringComparison.Ordinal);
        await using var again = await ConnectorHost.StartAsync(DashboardClient.Settings, null, _directory);
        var back = new DashboardClient(again);
        Assert.Equal(HttpStatusCode.OK, (await back.LoginAsync("a-brand-new-owner-secret-26", enrol: false)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await back.GetAsync("/dashboard/api/overview")).StatusCode); // enrols again first
        var audit = await DashboardClient.AuditAsync(again);
        Assert.Contains("cli dashboard.account.unlock owner", audit);
        Assert.Contains("cli dashboard.mfa.reset owner", audit);
        Assert.Contains("cli dashboard.account.password owner", audit);
    }

    private async Task<(int Code, string Output, string Error)> RunAsync(string? input, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var reader = new StringReader(input ?? string.Empty);
        var code = await CommandLine.RunAsync(args, reader, output, error, _clock, TestContext.Current.CancellationToken);
        return (code, output.ToString(), error.ToString());
    }
}
