using Microsoft.Extensions.DependencyInjection;
using PosBridge.Connector.Cli;
using PosBridge.Connector.Dispatch;
using PosBridge.Connector.Storage;
using PosBridge.Connector.Storage.Sqlite;
using PosBridge.Connector.Tests.Dispatch;
using PosBridge.Connector.Tests.Hosting;

namespace PosBridge.Connector.Tests.Cli;

public sealed class SyncNowTests
{
    [Fact]
    public async Task SyncNow_Adapter_DeliversWaitingSalesAtOnce()
    {
        var odoo = new FakeSalesSink("odoo");
        await using var host = await ConnectorHost.StartAsync(null, odoo);
        var till = await host.PairTillAsync();
        (await till.UploadAsync(new Sales(host.Clock).Many(3))).EnsureSuccessStatusCode();

        var (code, output, _) = await SyncAsync(host, "odoo");

        Assert.Equal(CommandLine.Ok, code);
        Assert.Contains("odoo: 3 delivered", output, StringComparison.Ordinal);
        Assert.Equal(3, odoo.Delivered.Count);
    }

    [Fact]
    public async Task SyncNow_AnotherLiveProcessIsDelivering_LeavesItAloneUntilItsLeaseRunsOut()
    {
        var odoo = new FakeSalesSink("odoo");
        await using var host = await ConnectorHost.StartAsync(null, odoo);
        var till = await host.PairTillAsync();
        (await till.UploadAsync(new Sales(host.Clock).Many(2))).EnsureSuccessStatusCode();
        var otherMachine = new SqliteDeliveryLease(host.Services.GetRequiredService<ConnectorDatabase>(), new ConnectorInstance("abcd"), "other-machine", 42);
        var now = host.Clock.GetUtcNow();
        Assert.True(await otherMachine.TryAcquireAsync("odoo", now, now + SalesDispatcher.LeaseDuration, TestContext.Current.CancellationToken));

        var (_, busy, _) = await SyncAsync(host, "odoo");
        host.Clock.Advance(SalesDispatcher.LeaseDuration + TimeSpan.FromSeconds(1));
        var (_, after, _) = await SyncAsync(host, "odoo");

        Assert.Contains("another process is delivering", busy, StringComparison.Ordinal);
        Assert.Contains("odoo: 2 delivered", after, StringComparison.Ordinal);
        Assert.Equal(2, odoo.Delivered.Count);
    }

    [Fact]
    public async Task SyncNow_LeaseOfAKilledProcessOnThisMachine_IsTakenOverAtOnce()
    {
        var odoo = new FakeSalesSink("odoo");
        await using var host = await ConnectorHost.StartAsync(null, odoo);
        var till = await host.PairTillAsync();
        (await till.UploadAsync(new Sales(host.Clock).Many(1))).EnsureSuccessStatusCode();
        using var gone = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("true") { UseShellExecute = false })!;
        await gone.WaitForExitAsync(TestContext.Current.CancellationToken);
        var now = host.Clock.GetUtcNow();
        var killed = new SqliteDeliveryLease(host.Services.GetRequiredService<ConnectorDatabase>(), new ConnectorInstance("dead"), Environment.MachineName, gone.Id);
        Assert.True(await killed.TryAcquireAsync("odoo", now, now + SalesDispatcher.LeaseDuration, TestContext.Current.CancellationToken));

        var (_, output, _) = await SyncAsync(host, "odoo");

        Assert.Contains("odoo: 1 delivered", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SyncNow_UnknownAdapter_NamesTheEnabledOnes()
    {
        await using var host = await ConnectorHost.StartAsync(null, new FakeSalesSink("odoo"));

        var (code, _, error) = await SyncAsync(host, "xero");

        Assert.Equal(CommandLine.InputProblems, code);
        Assert.Contains("enabled: odoo", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "sync", "now" }, "exactly one of --adapter NAME or --all yes")]
    [InlineData(new[] { "sync", "now", "--adapter", "odoo", "--all", "yes" }, "exactly one of")]
    [InlineData(new[] { "sync", "later", "--adapter", "odoo" }, "use 'sync now --adapter NAME'")]
    public async Task SyncNow_UsedWrongly_IsAUsageError(string[] args, string message)
    {
        var directory = Directory.CreateTempSubdirectory("posbridge-sync-cli-").FullName;
        try
        {
            using var output = new StringWriter();
            using var error = new StringWriter();

            var code = await CommandLine.RunAsync([.. args, "--data", directory], output, error, TimeProvider.System, TestContext.Current.CancellationToken);

            Assert.Equal(CommandLine.Usage, code);
            Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<(int Code, string Output, string Error)> SyncAsync(ConnectorHost host, string adapter)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await ManagerCommands.SyncNowAsync(host.Services, adapter, output, error, TestContext.Current.CancellationToken);
        return (code, output.ToString(), error.ToString());
    }
}
