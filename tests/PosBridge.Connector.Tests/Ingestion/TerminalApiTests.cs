using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using PosBridge.Connector.Ingestion;
using PosBridge.Connector.Tests.Hosting;
using PosBridge.Connector.Tills;
using PosBridge.Core.Sync;

namespace PosBridge.Connector.Tests.Ingestion;

public sealed class TerminalApiTests
{
    [Fact]
    public async Task Upload_NewSales_AreAcceptedAndStored()
    {
        await using var host = await ConnectorHost.StartAsync();
        var till = await host.PairTillAsync();
        var sales = new Sales(host.Clock).Many(3);

        var results = await TestTill.ResultsAsync(await till.UploadAsync(sales));

        Assert.All(results.Results, r => Assert.Equal(UploadStatus.Accepted, r.Status));
        Assert.Equal(sales.Select(s => (Guid?)s.Id), results.Results.Select(r => r.Id));
        Assert.Equal(3, await host.Services.GetRequiredService<IInbox>().CountAsync(TestContext.Current.CancellationToken));
        var stored = await host.Services.GetRequiredService<IInbox>().FindAsync(sales[1].Id, TestContext.Current.CancellationToken);
        Assert.Equal(Core.Sales.SaleJson.Serialize(sales[1]), Core.Sales.SaleJson.Serialize(stored!));
    }

    [Fact]
    public async Task Upload_SameSaleAgain_IsDuplicateAndStoredOnce()
    {
        await using var host = await ConnectorHost.StartAsync();
        var till = await host.PairTillAsync();
        var sale = new Sales(host.Clock).Next();
        await till.UploadAsync([sale]);

        var again = await TestTill.ResultsAsync(await till.UploadAsync([sale, sale]));

        Assert.All(again.Results, r => Assert.Equal(UploadStatus.Duplicate, r.Status));
        Assert.Equal(1, await host.Services.GetRequiredService<IInbox>().CountAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Upload_SameIdDifferentContent_IsConflictAndOriginalKept()
    {
        await using var host = await ConnectorHost.StartAsync();
        var till = await host.PairTillAsync();
        var sale = new Sales(host.Clock).Next();
        await till.UploadAsync([sale]);
        var changed = sale with { Note = "edited after the fact" };

        var result = Assert.Single((await TestTill.ResultsAsync(await till.UploadAsync([changed]))).Results);

        Assert.Equal(UploadStatus.Conflict, result.Status);
        var stored = await host.Services.GetRequiredService<IInbox>().FindAsync(sale.Id, TestContext.Current.CancellationToken);
        Assert.Null(stored!.Note);
    }

    [Fact]
    public async Task Upload_BatchWithOneBadSale_AcceptsTheRestAndNamesTheProblem()
    {
        await using var host = await ConnectorHost.StartAsync();
        var till = await host.PairTillAsync();
        var sales = new Sales(host.Clock).Many(3);
        sales[1] = sales[1] with { Totals = sales[1].Totals with { Total = sales[1].Totals.Total + 0.01m } };

        var results = (await TestTill.ResultsAsync(await till.UploadAsync(sales))).Results;

        Assert.Equal([UploadStatus.Accepted, UploadStatus.Rejected, UploadStatus.Accepted], results.Select(r => r.Status));
        Assert.Equal(sales[1].Id, results[1].Id);
        Assert.Contains(results[1].Errors!, e => e.Field == "totals.total");
        Assert.Equal(2, await host.Services.GetRequiredService<IInbox>().CountAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Upload_UnknownFieldInOneSale_RejectsThatSaleByField()
    {
        await using var host = await ConnectorHost.StartAsync();
        var till = await host.PairTillAsync();
        var sale = new Sales(host.Clock).Next();
        var json = Core.Sales.SaleJson.Serialize(sale);
        var body = Encoding.UTF8.GetBytes("{\"sales\":[{\"pan\":\"4111\"," + json[1..] + "]}");

        var result = Assert.Single((await TestTill.ResultsAsync(await till.SendAsync(HttpMethod.Post, "/api/v1/sales", body))).Results);

        Assert.Equal(UploadStatus.Rejected, result.Status);
        Assert.Equal("pan", Assert.Single(result.Errors!).Field);
        Assert.Equal(0, await host.Services.GetRequiredService<IInbox>().CountAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Upload_SaleOfAnotherTill_IsRejected()
    {
        await using var host = await ConnectorHost.StartAsync();
        var till = await host.PairTillAsync(tillId: "T2");
        var other = new Sales(host.Clock, tillId: "T9").Next();

        var result = Assert.Single((await TestTill.ResultsAsync(await till.UploadAsync([other]))).Results);

        Assert.Equal(UploadStatus.Rejected, result.Status);
        Assert.Equal("tillId", Assert.Single(result.Errors!).Field);
    }

    [Fact]
    public async Task Upload_Refunds_AreCheckedAgainstTheStoredOriginal()
    {
        await using var host = await ConnectorHost.StartAsync();
        var till = await host.PairTillAsync();
        var sales = new Sales(host.Clock);
        var original = sales.Next(quantity: 2m);
        var early = sales.RefundOf(original);

        var beforeOriginal = Assert.Single((await TestTill.ResultsAsync(await till.UploadAsync([early]))).Results);
        Assert.Equal(UploadStatus.Rejected, beforeOriginal.Status);
        Assert.Equal("refundOf.saleId", Assert.Single(beforeOriginal.Errors!).Field);

        var results = (await TestTill.ResultsAsync(await till.UploadAsync([original, early, sales.RefundOf(original), sales.RefundOf(original)]))).Results;

        Assert.Equal([UploadStatus.Accepted, UploadStatus.Accepted, UploadStatus.Accepted, UploadStatus.Rejected], results.Select(r => r.Status));
        Assert.Contains("only 0 of the 2 sold", results[3].Errors![0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upload_TamperedBody_IsRefusedAndNothingStored()
    {
        await using var host = await ConnectorHost.StartAsync();
        var till = await host.PairTillAsync();
        var body = TestTill.Body(new Sales(host.Clock).Many(2));
        var request = till.Signed(HttpMethod.Post, "/api/v1/sales", body);
        var tampered = (byte[])body.Clone();
        tampered[^10] = (byte)'9';
        request.Content = new ByteArrayContent(tampered);

        var response = await host.Client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("urn:posbridge:problem:bad-signature", await TestTill.ProblemTypeAsync(response));
        Assert.Equal(0, await host.Services.GetRequiredService<IInbox>().CountAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Upload_ReplayedRequest_IsRefused()
    {
        await using var host = await ConnectorHost.StartAsync();
        var till = await host.PairTillAsync();
        var body = TestTill.Body([new Sales(host.Clock).Next()]);
        var nonce = RequestSignature.NewNonce();
        (await till.SendAsync(HttpMethod.Post, "/api/v1/sales", body, nonce: nonce)).EnsureSuccessStatusCode();

        var replay = await till.SendAsync(HttpMethod.Post, "/api/v1/sales", body, nonce: nonce);

        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        Assert.Equal("urn:posbridge:problem:replayed-request", await TestTill.ProblemTypeAsync(replay));
    }

    [Fact]
    public async Task Upload_OldTimestamp_IsRefusedAsStale()
    {
        await using var host = await ConnectorHost.StartAsync();
        var till = await host.PairTillAsync();
        var body = TestTill.Body([new Sales(host.Clock).Next()]);

        var response = await till.SendAsync(HttpMethod.Post, "/api/v1/sales", body, timestamp: host.Clock.GetUtcNow().AddMinutes(-6).ToUnixTimeSeconds());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("urn:posbridge:problem:stale-timestamp", await TestTill.ProblemTypeAsync(response));
    }

    [Fact]
    public async Task Upload_RevokedTill_IsRefusedAtOnce()
    {
        await using var host = await ConnectorHost.StartAsync();
        var till = await host.PairTillAsync();
        var sales = new Sales(host.Clock);
        (await till.UploadAsync([sales.Next()])).EnsureSuccessStatusCode();

        await host.Services.GetRequiredService<ITillStore>().RevokeAsync("T2", host.Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        var response = await till.UploadAsync([sales.Next()]);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("urn:posbridge:problem:till-revoked", await TestTill.ProblemTypeAsync(response));
        Assert.Equal(1, await host.Services.GetRequiredService<IInbox>().CountAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Upload_UnknownOrMissingCredential_IsRefused()
    {
        await using var host = await ConnectorHost.StartAsync();
        var till = await host.PairTillAsync();
        var body = TestTill.Body([new Sales(host.Clock).Next()]);

        var unsigned = await host.Client.PostAsync("/api/v1/sales", new ByteArrayContent(body), TestContext.Current.CancellationToken);
        till.Credential = "not-a-real-credential";
        var unknown = await till.SendAsync(HttpMethod.Post, "/api/v1/sales", body);

        Assert.Equal("urn:posbridge:problem:missing-credentials", await TestTill.ProblemTypeAsync(unsigned));
        Assert.Equal("urn:posbridge:problem:unknown-credentials", await TestTill.ProblemTypeAsync(unknown));
    }

    [Fact]
    public async Task Upload_OversizeBody_IsRefusedWith413()
    {
        await using var host = await ConnectorHost.StartAsync(new() { ["PosBridge:MaxRequestBytes"] = "4096" });
        var till = await host.PairTillAsync();

        var response = await till.UploadAsync(new Sales(host.Clock).Many(10));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("urn:posbridge:problem:payload-too-large", await TestTill.ProblemTypeAsync(response));
    }

    [Fact]
    public async Task Upload_TooManySales_IsRefusedWhole()
    {
        await using var host = await ConnectorHost.StartAsync(new() { ["PosBridge:MaxBatchSize"] = "2" });
        var till = await host.PairTillAsync();

        var response = await till.UploadAsync(new Sales(host.Clock).Many(3));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("urn:posbridge:problem:batch-too-large", await TestTill.ProblemTypeAsync(response));
        Assert.Equal(0, await host.Services.GetRequiredService<IInbox>().CountAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("{\"sales\":[", "urn:posbridge:problem:malformed-json")]
    [InlineData("[]", "urn:posbridge:problem:invalid-request")]
    [InlineData("{\"sales\":[],\"extra\":1}", "urn:posbridge:problem:invalid-request")]
    [InlineData("{\"sales\":{}}", "urn:posbridge:problem:invalid-request")]
    public async Task Upload_MalformedBody_IsRefusedWithItsProblemType(string body, string type)
    {
        await using var host = await ConnectorHost.StartAsync();
        var till = await host.PairTillAsync();

        var response = await till.SendAsync(HttpMethod.Post, "/api/v1/sales", Encoding.UTF8.GetBytes(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(type, await TestTill.ProblemTypeAsync(response));
    }

    [Fact]
    public async Task Upload_TooManyRequests_IsRateLimitedWithRetryAfter()
    {
        await using var host = await ConnectorHost.StartAsync(new() { ["PosBridge:RequestsPerMinutePerTill"] = "2" });
        var till = await host.PairTillAsync();
        var sales = new Sales(host.Clock);
        (await till.UploadAsync([sales.Next()])).EnsureSuccessStatusCode();
        (await till.UploadAsync([sales.Next()])).EnsureSuccessStatusCode();

        var third = await till.UploadAsync([sales.Next()]);

        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.NotNull(third.Headers.RetryAfter);
        Assert.Equal("urn:posbridge:problem:rate-limited", await TestTill.ProblemTypeAsync(third));
    }

    [Fact]
    public async Task Pairing_CodeWorksOnceAndExpires()
    {
        await using var host = await ConnectorHost.StartAsync();
        var pairing = host.Services.GetRequiredService<Pairing>();
        var (_, code, _) = await pairing.CreateCodeAsync("CAI1", "T3", "Back counter", TestContext.Current.CancellationToken);
        var (_, expiring, _) = await pairing.CreateCodeAsync("CAI1", "T4", "Terrace", TestContext.Current.CancellationToken);

        var first = await host.Client.PostAsJsonAsync("/api/v1/pairing", new PairingRequest { Code = code.ToLowerInvariant(), DeviceName = "tablet" }, TestContext.Current.CancellationToken);
        var second = await host.Client.PostAsJsonAsync("/api/v1/pairing", new PairingRequest { Code = code, DeviceName = "tablet" }, TestContext.Current.CancellationToken);
        host.Clock.Advance(TimeSpan.FromHours(25));
        var late = await host.Client.PostAsJsonAsync("/api/v1/pairing", new PairingRequest { Code = expiring, DeviceName = "tablet" }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var paired = (await first.Content.ReadFromJsonAsync<PairingResponse>(TestContext.Current.CancellationToken))!;
        Assert.Equal("T3", paired.TillId);
        Assert.Equal(32, Convert.FromBase64String(paired.SigningKey).Length);
        Assert.Equal("urn:posbridge:problem:pairing-code-invalid", await TestTill.ProblemTypeAsync(second));
        Assert.Equal("urn:posbridge:problem:pairing-code-invalid", await TestTill.ProblemTypeAsync(late));
    }

    [Fact]
    public async Task Pairing_SecretsAreNotStoredInTheClear()
    {
        await using var host = await ConnectorHost.StartAsync();
        var till = await host.PairTillAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        var database = await File.ReadAllBytesAsync(Path.Combine(host.Directory, "connector.db"), TestContext.Current.CancellationToken);
        var wal = Path.Combine(host.Directory, "connector.db-wal");
        var all = File.Exists(wal) ? [.. database, .. await File.ReadAllBytesAsync(wal, TestContext.Current.CancellationToken)] : database;
        var text = Encoding.ASCII.GetString(all);

        Assert.DoesNotContain(till.Pairing.Credential, text, StringComparison.Ordinal);
        Assert.DoesNotContain(till.Pairing.SigningKey, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_ShowsTheTillItsOwnSales()
    {
        await using var host = await ConnectorHost.StartAsync();
        var till = await host.PairTillAsync();
        await till.UploadAsync(new Sales(host.Clock).Many(4));

        var response = await till.SendAsync(HttpMethod.Get, "/api/v1/status", []);

        var status = (await response.Content.ReadFromJsonAsync<TillSyncStatus>(TestContext.Current.CancellationToken))!;
        Assert.Equal(4, status.SalesStored);
        Assert.Equal("T2", status.TillId);
    }

    [Fact]
    public async Task OpenApi_DescribesTheTerminalApi()
    {
        await using var host = await ConnectorHost.StartAsync();

        var document = await host.Client.GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken);

        Assert.Contains("/api/v1/sales", document, StringComparison.Ordinal);
        Assert.Contains("/api/v1/pairing", document, StringComparison.Ordinal);
        Assert.Contains("SalesUploadResponse", document, StringComparison.Ordinal);
    }
}
