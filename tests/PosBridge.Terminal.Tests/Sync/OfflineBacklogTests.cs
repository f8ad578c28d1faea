using System.Diagnostics;
using PosBridge.Terminal.Sync;
using SQLite;
using PosBridge.Till.Sync;

namespace PosBridge.Terminal.Tests.Sync;

/// <summary>
/// The "done when": a day of selling offline reaches the connector exactly once, even when the connector's
/// process is killed (SIGKILL, no graceful shutdown) and restarted in the middle of the upload.
/// </summary>
public sealed class OfflineBacklogTests
{
    private const int Backlog = 10_000;

    [Fact]
    public async Task Upload_TenThousandOfflineSalesConnectorKilledMidUpload_EverySaleStoredExactlyOnce()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var connector = await ConnectorProcess.StartAsync(cancellationToken);
        using var till = new TestTill();
        // The real clock drives the upload loop's backoff and the circuit's break; the sales keep the till's fake clock.
        var client = new ConnectorClient(connector.Http, TimeProvider.System, new ConnectorCircuitOptions { BreakDuration = TimeSpan.FromMilliseconds(500) });
        var outbox = new Outbox(till.Database, TimeProvider.System);
        var uploader = new SaleUploader(till.Database, outbox, client, TimeProvider.System, till.Logs.For<SaleUploader>())
        {
            FirstRetryDelay = TimeSpan.FromMilliseconds(200),
            MaxRetryDelay = TimeSpan.FromSeconds(1),
            IdlePoll = TimeSpan.FromMilliseconds(100),
        };
        var credentials = await uploader.PairAsync(await connector.PairingCodeAsync("CAI1", "T2", cancellationToken), "test till", cancellationToken);

        // Offline: the connector is gone while the till sells.
        connector.Kill();
        var clock = Stopwatch.StartNew();
        var saleIds = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Backlog; i++)
        {
            saleIds.Add(till.SellForCash().Id.ToString());
        }

        Assert.Equal(Backlog, saleIds.Count);
        var output = TestContext.Current.TestOutputHelper;
        output?.WriteLine($"{Backlog} sales committed offline in {clock.Elapsed}");
        clock.Restart();
        Assert.True((await uploader.UploadPendingAsync(cancellationToken)).ConnectorUnavailable);
        Assert.Equal(Backlog, outbox.PendingCount);

        // Back online: the till's own loop uploads; the connector is killed part-way through and comes back.
        await connector.RestartAsync(cancellationToken);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var loop = Task.Run(() => uploader.RunAsync(new Random(4), stop.Token), cancellationToken);
        await WaitAsync(() => outbox.SentCount >= Backlog / 3, loop, cancellationToken);
        var sentAtKill = outbox.SentCount;
        connector.Kill();
        Assert.InRange(sentAtKill, Backlog / 3, Backlog - 1);

        await connector.RestartAsync(cancellationToken);
        await WaitAsync(() => outbox.PendingCount == 0, loop, cancellationToken);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => loop);

        output?.WriteLine($"uploaded, with a kill and restart after {sentAtKill}, in {clock.Elapsed}");
        Assert.Equal(Backlog, outbox.SentCount);
        Assert.Empty(outbox.Problems());
        Assert.Equal(Backlog, (await client.StatusAsync(credentials, cancellationToken)).SalesStored);

        // The connector's own store, read from its file: each of the till's sales once, and nothing else.
        connector.Kill();
        using var store = new SQLiteConnection(Path.Combine(connector.DataDirectory, "connector.db"), SQLiteOpenFlags.ReadOnly);
        var stored = store.QueryScalars<string>("SELECT id FROM sales WHERE till_id = 'T2'");
        Assert.Equal(Backlog, stored.Count);
        Assert.True(saleIds.SetEquals(stored), "the connector holds other sales than the till made");
        Assert.Equal(Backlog, store.ExecuteScalar<int>("SELECT COUNT(DISTINCT sale_number) FROM sales"));
    }

    private static async Task WaitAsync(Func<bool> condition, Task loop, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.False(loop.IsCompleted, "the upload loop ended: " + loop.Exception?.GetBaseException().Message);
            Assert.True(waited.Elapsed < TimeSpan.FromMinutes(2), "the upload made no progress in two minutes");
            await Task.Delay(10, cancellationToken);
        }
    }
}
