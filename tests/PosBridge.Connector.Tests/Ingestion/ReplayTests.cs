using System.Net;
using PosBridge.Connector.Tests.Hosting;

namespace PosBridge.Connector.Tests.Ingestion;

public sealed class ReplayTests
{
    [Fact]
    public async Task Upload_ReplayedAfterARestart_IsRefused()
    {
        var data = Directory.CreateTempSubdirectory("posbridge-replay-").FullName;
        try
        {
            HttpRequestMessage replay;
            byte[] body;
            TestTill till;
            long timestamp;
            string nonce = Core.Sync.RequestSignature.NewNonce();
            await using (var first = await ConnectorHost.StartAsync(null, null, data))
            {
                till = await first.PairTillAsync("CAI1", "T1");
                body = TestTill.Body([new Sales(first.Clock, "CAI1", "T1").Next()]);
                timestamp = first.Clock.GetUtcNow().ToUnixTimeSeconds();
                (await till.SendAsync(HttpMethod.Post, "/api/v1/sales", body, timestamp: timestamp, nonce: nonce)).EnsureSuccessStatusCode();
            }

            await using var second = await ConnectorHost.StartAsync(null, null, data);
            second.Clock.SetUtcNow(DateTimeOffset.FromUnixTimeSeconds(timestamp).AddMinutes(1));
            replay = new TestTill(second, till.Pairing).Signed(HttpMethod.Post, "/api/v1/sales", body, timestamp, nonce);

            var response = await second.Client.SendAsync(replay, TestContext.Current.CancellationToken);

            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("urn:posbridge:problem:replayed-request", await TestTill.ProblemTypeAsync(response));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }
}
