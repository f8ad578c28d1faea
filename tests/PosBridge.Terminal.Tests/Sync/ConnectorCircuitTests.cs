using System.Net;
using PosBridge.Terminal.Sync;
using PosBridge.Till.Sync;

namespace PosBridge.Terminal.Tests.Sync;

/// <summary>The connector client's circuit breaker: stop calling a connector that is down, probe it when the break ends.</summary>
public sealed class ConnectorCircuitTests
{
    private static readonly TillCredentials Credentials = new("CAI1", "T2", "credential", Convert.ToBase64String(new byte[32]), TimeSpan.Zero);

    [Fact]
    public async Task Upload_ConnectorKeepsFailing_StopsCallingItUntilTheBreakEnds()
    {
        using var till = new TestTill();
        var handler = new CountingHandler { Answer = _ => throw new HttpRequestException("connection refused") };
        using var http = new HttpClient(handler) { BaseAddress = new Uri("http://connector.test") };
        var client = new ConnectorClient(http, till.Clock, new ConnectorCircuitOptions { MinimumThroughput = 3, BreakDuration = TimeSpan.FromSeconds(30) });

        for (var i = 0; i < 6; i++)
        {
            await Assert.ThrowsAsync<ConnectorUnavailableException>(() => client.UploadAsync(Credentials, ["{}"], TestContext.Current.CancellationToken));
        }

        Assert.Equal(3, handler.Calls);
        Assert.Equal(ConnectorCircuitState.Open, client.Circuit);
        var refused = await Assert.ThrowsAsync<ConnectorUnavailableException>(() => client.UploadAsync(Credentials, ["{}"], TestContext.Current.CancellationToken));
        Assert.Contains("circuit open", refused.Message, StringComparison.Ordinal);
        Assert.Equal(3, handler.Calls);

        // The break ends and the connector is back: the probe goes through and closes the circuit.
        handler.Answer = _ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("""{"results":[]}""") };
        till.Clock.Advance(TimeSpan.FromSeconds(31));
        var response = await client.UploadAsync(Credentials, ["{}"], TestContext.Current.CancellationToken);
        Assert.Empty(response.Results);
        Assert.Equal(4, handler.Calls);
        Assert.Equal(ConnectorCircuitState.Closed, client.Circuit);
    }

    [Fact]
    public async Task Upload_ServerErrors_CountAsFailuresButRefusalsDoNot()
    {
        using var till = new TestTill();
        var status = HttpStatusCode.BadRequest;
        var handler = new CountingHandler { Answer = _ => new HttpResponseMessage(status) { Content = new StringContent("{}") } };
        using var http = new HttpClient(handler) { BaseAddress = new Uri("http://connector.test") };
        var client = new ConnectorClient(http, till.Clock, new ConnectorCircuitOptions { MinimumThroughput = 2 });

        // A 400 is the connector answering: the circuit stays closed however often it happens.
        for (var i = 0; i < 4; i++)
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => client.UploadAsync(Credentials, ["{}"], TestContext.Current.CancellationToken));
        }

        Assert.Equal(ConnectorCircuitState.Closed, client.Circuit);
        status = HttpStatusCode.ServiceUnavailable;
        till.Clock.Advance(TimeSpan.FromMinutes(2)); // a fresh sampling window
        for (var i = 0; i < 2; i++)
        {
            await Assert.ThrowsAsync<ConnectorUnavailableException>(() => client.UploadAsync(Credentials, ["{}"], TestContext.Current.CancellationToken));
        }

        Assert.Equal(ConnectorCircuitState.Open, client.Circuit);
    }

    [Fact]
    public async Task Health_RealConnectorDownThenBack_ReportsOpenCircuitThenUploadsAfterTheBreak()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var connector = await ConnectorProcess.StartAsync(cancellationToken);
        using var till = new TestTill();
        var client = new ConnectorClient(connector.Http, till.Clock, new ConnectorCircuitOptions { MinimumThroughput = 3, BreakDuration = TimeSpan.FromSeconds(30) });
        var uploader = new SaleUploader(till.Database, new Outbox(till.Database, till.Clock), client, till.Clock, till.Logs.For<SaleUploader>());
        await uploader.PairAsync(await connector.PairingCodeAsync("CAI1", "T2", cancellationToken), "test till", cancellationToken);
        till.Clock.Advance(TimeSpan.FromMinutes(2)); // the pairing's success leaves the sampling window
        connector.Kill();
        till.SellForCash();
        till.SellForCash();

        for (var i = 0; i < 3; i++)
        {
            Assert.True((await uploader.UploadPendingAsync(cancellationToken)).ConnectorUnavailable);
        }

        Assert.Equal(ConnectorCircuitState.Open, uploader.Health().Circuit);
        await connector.RestartAsync(cancellationToken);
        // Back, but the break is not over: the till does not call it yet.
        Assert.True((await uploader.UploadPendingAsync(cancellationToken)).ConnectorUnavailable);
        Assert.Equal(2, uploader.Health().Pending);

        till.Clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(new UploadReport(2, 0, 0, false), await uploader.UploadPendingAsync(cancellationToken));
        var health = uploader.Health();
        Assert.Equal((0, 2, ConnectorCircuitState.Closed), (health.Pending, health.Sent, health.Circuit));
        Assert.Empty(health.Problems);
    }

    private sealed class CountingHandler : HttpMessageHandler
    {
        public required Func<HttpRequestMessage, HttpResponseMessage> Answer { get; set; }

        public int Calls { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Calls++;
            return Task.FromResult(Answer(request));
        }
    }
}
