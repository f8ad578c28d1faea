using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PosBridge.Connector.Cli;
using PosBridge.Connector.Hosting;
using PosBridge.Connector.Tests.Hosting;
using PosBridge.Connector.Tills;
using PosBridge.Core.Sales;
using PosBridge.Core.Sync;

namespace PosBridge.Connector.Tests.Ingestion;

/// <summary>
/// The connector as a real process on a real port, killed (SIGKILL) while a till is uploading: every sale
/// it acknowledged must be in the database after the restart, and re-uploading everything stores no sale twice.
/// </summary>
public sealed class CrashTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("posbridge-crash-").FullName;

    private const int Tills = 8;
    private const int Kills = 3;
    private const int BatchSize = 25;
    private const int SalesPerTill = 150;

    /// <summary>
    /// Eight tills upload at once while the connector is SIGKILLed three times; each till resends a batch whose answer
    /// it never got, as a real till's outbox does. Every sale answered <c>accepted</c> is stored exactly once, and the
    /// final resend of everything stores nothing twice.
    /// </summary>
    [Fact]
    public async Task Serve_KilledThreeTimesDuringEightTillsUploads_StoresEveryAcceptedSaleExactlyOnce()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var codes = new List<(string TillId, string Code)>();
        await using (var services = await ManagerCommands.ServicesAsync(_directory, ConfigureStores, cancellationToken))
        {
            for (var t = 1; t <= Tills; t++)
            {
                var (_, code, _) = await services.GetRequiredService<Pairing>().CreateCodeAsync("CAI1", $"T{t}", $"Till {t}", cancellationToken);
                codes.Add(($"T{t}", code));
            }
        }

        var port = FreePort();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        var server = Start(port);
        var pairings = new List<PairingResponse>();
        try
        {
            await WaitReadyAsync(http, server, cancellationToken);
            foreach (var (_, code) in codes)
            {
                var pair = await http.PostAsync("/api/v1/pairing", JsonContent(new PairingRequest { Code = code, DeviceName = "crash-test" }), cancellationToken);
                pair.EnsureSuccessStatusCode();
                pairings.Add(JsonSerializer.Deserialize<PairingResponse>(await pair.Content.ReadAsStringAsync(cancellationToken), TerminalApi.Json)!);
            }
        }
        catch
        {
            Kill(server);
            throw;
        }

        var acknowledged = new System.Collections.Concurrent.ConcurrentDictionary<Guid, int>();
        var failedCalls = 0;
        var allSales = new List<Sale>[Tills];
        var done = 0;
        var current = server;
        var restarts = 0;

        // The connector dies three times while the tills are busy, and comes back each time.
        var killer = Task.Run(
            async () =>
            {
                for (var kill = 1; kill <= Kills; kill++)
                {
                    while (acknowledged.Count < kill * Tills * SalesPerTill / (Kills + 1) && Volatile.Read(ref done) < Tills)
                    {
                        await Task.Delay(5, cancellationToken);
                    }

                    await Task.Delay(Random.Shared.Next(0, 30), cancellationToken);
                    Kill(Volatile.Read(ref current));
                    var next = Start(port);
                    await WaitReadyAsync(http, next, cancellationToken);
                    Volatile.Write(ref current, next);
                    Interlocked.Increment(ref restarts);
                }
            },
            cancellationToken);

        var tills = Enumerable.Range(0, Tills).Select(i => Task.Run(
            async () =>
            {
                var factory = new Hosting.Sales(new FakeTimeProvider(DateTimeOffset.UtcNow), "CAI1", pairings[i].TillId);
                var mine = Enumerable.Range(0, SalesPerTill).Select(_ => factory.Next()).ToList();
                allSales[i] = mine;
                foreach (var batch in mine.Chunk(BatchSize))
                {
                    // A batch without an answer is sent again, as the till's outbox keeps it until answered.
                    while (true)
                    {
                        try
                        {
                            using var response = await SendAsync(http, pairings[i], batch, cancellationToken);
                            if (response.IsSuccessStatusCode)
                            {
                                var results = JsonSerializer.Deserialize<SalesUploadResponse>(await response.Content.ReadAsStringAsync(cancellationToken), TerminalApi.Json)!;
                                Assert.All(results.Results, r => Assert.True(r.Status is UploadStatus.Accepted or UploadStatus.Duplicate, $"{r.Status}: {(r.Errors is { Count: > 0 } e ? e[0].Message : null)}"));
                                foreach (var result in results.Results.Where(r => r.Status == UploadStatus.Accepted))
                                {
                                    acknowledged.AddOrUpdate(result.Id!.Value, 1, (_, n) => n + 1);
                                }

                                break;
                            }
                        }
                        catch (HttpRequestException)
                        {
                        }
                        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
                        {
                        }

                        Interlocked.Increment(ref failedCalls);
                        await Task.Delay(50, cancellationToken);
                    }
                }

                Interlocked.Increment(ref done);
            },
            cancellationToken)).ToList();

        try
        {
            await Task.WhenAll(tills);
            await killer;
            Assert.Equal(Kills, restarts);

            // Every till sends everything once more: nothing may be stored twice, every sale is there.
            for (var i = 0; i < Tills; i++)
            {
                foreach (var chunk in allSales[i].Chunk(200))
                {
                    using var response = await SendAsync(http, pairings[i], chunk, cancellationToken);
                    response.EnsureSuccessStatusCode();
                    var results = JsonSerializer.Deserialize<SalesUploadResponse>(await response.Content.ReadAsStringAsync(cancellationToken), TerminalApi.Json)!;
                    Assert.All(results.Results.Where(r => acknowledged.ContainsKey(r.Id!.Value)), r => Assert.Equal(UploadStatus.Duplicate, r.Status));
                }
            }
        }
        finally
        {
            Kill(Volatile.Read(ref current));
        }

        SqliteConnection.ClearAllPools();
        var rows = new Dictionary<Guid, int>();
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(_directory, "connector.db")};Mode=ReadOnly;Pooling=False"))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT id, COUNT(*) FROM sales GROUP BY id";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows[Guid.Parse(reader.GetString(0))] = reader.GetInt32(1);
            }
        }

        var total = Tills * SalesPerTill;
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"crash test: {Tills} tills, {Kills} SIGKILLs, {total} sales, {acknowledged.Count} answered accepted during the kills, {failedCalls} calls cut off and resent, {rows.Count} stored, {rows.Values.Count(n => n > 1)} stored twice, {acknowledged.Values.Count(n => n > 1)} accepted twice");
        Assert.All(acknowledged, a => Assert.Equal(1, a.Value));
        Assert.All(acknowledged.Keys, id => Assert.Equal(1, rows.GetValueOrDefault(id)));
        Assert.Equal(total, rows.Count);
        Assert.All(rows.Values, n => Assert.Equal(1, n));
        Assert.True(failedCalls > 0, "no upload was cut off by a kill; the test proves nothing");
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private Process Start(int port) => ServeProcess.Start(_directory, port, new Dictionary<string, string?>
    {
        ["PosBridge:Stores:CAI1:Currency"] = "EGP",
        ["PosBridge:Stores:CAI1:TimeZone"] = "Africa/Cairo",
    });

    /// <summary>The manager commands' settings, as the child's environment gives them to <c>serve</c>.</summary>
    private static void ConfigureStores(IServiceCollection services) =>
        services.Configure<PosBridge.Connector.Stores.StoreOptions>(o => o.Stores["CAI1"] = new PosBridge.Connector.Stores.StoreSettings { Currency = "EGP", TimeZone = "Africa/Cairo" });

    private static void Kill(Process process) => ServeProcess.Kill(process);

    private static Task WaitReadyAsync(HttpClient http, Process server, CancellationToken cancellationToken) => ServeProcess.WaitReadyAsync(http, server, cancellationToken);

    private static Task<HttpResponseMessage> SendAsync(HttpClient http, PairingResponse pairing, IEnumerable<Sale> sales, CancellationToken cancellationToken) =>
        http.SendAsync(ServeProcess.SignedUpload(new Uri(http.BaseAddress!, "/api/v1/sales"), pairing, sales).Request, cancellationToken);

    private static StringContent JsonContent<T>(T value) => ServeProcess.Json(value);

    private static int FreePort() => ServeProcess.FreePort();
}
