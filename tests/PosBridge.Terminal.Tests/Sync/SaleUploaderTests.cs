using PosBridge.Terminal.Sync;
using PosBridge.Till.Sync;

namespace PosBridge.Terminal.Tests.Sync;

/// <summary>Uploads against the real connector, run as a child process and killed and restarted as a real one would be.</summary>
public sealed class SaleUploaderTests
{
    [Fact]
    public async Task Upload_AfterSellingOffline_StoresEverySaleOnceWhenConnectorReturns()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var connector = await ConnectorProcess.StartAsync(cancellationToken);
        using var till = new TestTill();
        var uploader = Uploader(till, connector);
        var credentials = await uploader.PairAsync(await connector.PairingCodeAsync("CAI1", "T2", cancellationToken), "test till", cancellationToken);
        Assert.Equal("T2", credentials.TillId);

        connector.Kill();
        for (var i = 0; i < 30; i++)
        {
            till.SellForCash();
        }

        var offline = await uploader.UploadPendingAsync(cancellationToken);
        Assert.True(offline.ConnectorUnavailable);
        Assert.Equal(30, offline.Pending);

        await connector.RestartAsync(cancellationToken);
        var online = await uploader.UploadPendingAsync(cancellationToken);
        Assert.Equal(new UploadReport(30, 0, 0, false), online);
        Assert.Equal(30, new Outbox(till.Database, till.Clock).SentCount);
        var client = new ConnectorClient(connector.Http, till.Clock);
        Assert.Equal(30, (await client.StatusAsync(credentials, cancellationToken)).SalesStored);

        // The till lost the answers and sends everything again: the connector keeps one of each.
        till.Database.Execute("UPDATE Outbox SET State = 0");
        var again = await uploader.UploadPendingAsync(cancellationToken);
        Assert.Equal(30, again.Sent);
        Assert.Equal(30, (await client.StatusAsync(credentials, cancellationToken)).SalesStored);
    }

    [Fact]
    public async Task Upload_OneSaleRejected_FlagsItWithReasonAndSendsTheRest()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var connector = await ConnectorProcess.StartAsync(cancellationToken);
        using var till = new TestTill();
        var uploader = Uploader(till, connector);
        await uploader.PairAsync(await connector.PairingCodeAsync("CAI1", "T2", cancellationToken), "test till", cancellationToken);
        var sales = Enumerable.Range(0, 5).Select(_ => till.SellForCash()).ToList();
        // Damage the second sale as a bug would: its stored total no longer matches its lines.
        till.Database.Execute("UPDATE Sales SET Json = replace(Json, '\"amountDue\":137.37', '\"amountDue\":1.37') WHERE Id = ?", sales[1].Id.ToString());

        var report = await uploader.UploadPendingAsync(cancellationToken);

        Assert.Equal(4, report.Sent);
        Assert.Equal(1, report.Rejected);
        var rejected = Assert.Single(new Outbox(till.Database, till.Clock).Rejected());
        Assert.Equal(sales[1].SaleNumber, rejected.SaleNumber);
        Assert.StartsWith("rejected:", rejected.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upload_ConnectorKilledMidBacklog_EverySaleStoredExactlyOnce()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var connector = await ConnectorProcess.StartAsync(cancellationToken);
        using var till = new TestTill();
        var uploader = Uploader(till, connector);
        uploader.BatchSize = 50;
        var credentials = await uploader.PairAsync(await connector.PairingCodeAsync("CAI1", "T2", cancellationToken), "test till", cancellationToken);
        const int Backlog = 1500;
        for (var i = 0; i < Backlog; i++)
        {
            till.SellForCash();
        }

        var outbox = new Outbox(till.Database, till.Clock);
        var upload = Task.Run(() => uploader.UploadPendingAsync(cancellationToken), cancellationToken);
        while (outbox.SentCount < 300 && !upload.IsCompleted)
        {
            await Task.Delay(5, cancellationToken);
        }

        connector.Kill();
        var first = await upload;
        Assert.True(first.ConnectorUnavailable, "the upload finished before the kill; the test proves nothing");

        await connector.RestartAsync(cancellationToken);
        var second = await uploader.UploadPendingAsync(cancellationToken);
        Assert.False(second.ConnectorUnavailable);
        Assert.Equal(0, outbox.PendingCount);
        Assert.Equal(Backlog, outbox.SentCount);
        Assert.Equal(Backlog, (await new ConnectorClient(connector.Http, till.Clock).StatusAsync(credentials, cancellationToken)).SalesStored);
    }

    [Fact]
    public void NextDelay_RepeatedFailures_GrowsToCapWithJitter()
    {
        using var till = new TestTill();
        using var http = new HttpClient();
        var uploader = new SaleUploader(till.Database, new Outbox(till.Database, till.Clock), new ConnectorClient(http, till.Clock), till.Clock, till.Logs.For<SaleUploader>());
        var random = new Random(7);
        var first = uploader.NextDelay(0, random);
        var later = uploader.NextDelay(30, random);
        Assert.InRange(first, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
        Assert.InRange(later, uploader.MaxRetryDelay / 2, uploader.MaxRetryDelay);
    }

    private static SaleUploader Uploader(TestTill till, ConnectorProcess connector) =>
        new(till.Database, new Outbox(till.Database, till.Clock), new ConnectorClient(connector.Http, till.Clock), till.Clock, till.Logs.For<SaleUploader>());
}
