using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PosBridge.Connector.Cli;
using PosBridge.Connector.Hosting;
using PosBridge.Connector.Ingestion;
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

    [Fact]
    public async Task Serve_KilledDuringUploads_LosesNoAcknowledgedSale()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        string code;
        await using (var services = await ManagerCommands.ServicesAsync(_directory, ConfigureStores, cancellationToken))
        {
            (_, code, _) = await services.GetRequiredService<Pairing>().CreateCodeAsync("CAI1", "T2", "Front counter", cancellationToken);
        }

        var port = FreePort();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        var server = Start(port);
        PairingResponse pairing;
        try
        {
            await WaitReadyAsync(http, server, cancellationToken);
            var pair = await http.PostAsync("/api/v1/pairing", JsonContent(new PairingRequest { Code = code, DeviceName = "crash-test" }), cancellationToken);
            pair.EnsureSuccessStatusCode();
            pairing = JsonSerializer.Deserialize<PairingResponse>(await pair.Content.ReadAsStringAsync(cancellationToken), TerminalApi.Json)!;
        }
        catch
        {
            Kill(server);
            throw;
        }

        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var factory = new Hosting.Sales(clock);
        var all = new List<Sale>();
        var acknowledged = new HashSet<Guid>();
        var acknowledgedCount = 0;
        // Kill once some batches are acknowledged, at a random moment, so it lands inside an upload.
        var killer = Task.Run(
            async () =>
            {
                while (Volatile.Read(ref acknowledgedCount) < 150 && !server.HasExited)
                {
                    await Task.Delay(5, cancellationToken);
                }

                await Task.Delay(Random.Shared.Next(0, 40), cancellationToken);
                Kill(server);
            },
            cancellationToken);

        // Upload batches until the server dies under us.
        while (true)
        {
            var batch = Enumerable.Range(0, 50).Select(_ => factory.Next()).ToList();
            all.AddRange(batch);
            try
            {
                var response = await SendAsync(http, pairing, batch, cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    break;
                }

                var results = JsonSerializer.Deserialize<SalesUploadResponse>(await response.Content.ReadAsStringAsync(cancellationToken), TerminalApi.Json)!;
                foreach (var result in results.Results.Where(r => r.Status == UploadStatus.Accepted))
                {
                    acknowledged.Add(result.Id!.Value);
                }

                Volatile.Write(ref acknowledgedCount, acknowledged.Count);
            }
            catch (HttpRequestException)
            {
                break;
            }
        }

        await killer;
        Assert.True(acknowledged.Count > 0, "no batch was acknowledged before the kill; the test proves nothing");

        var restarted = Start(port);
        try
        {
            await WaitReadyAsync(http, restarted, cancellationToken);
            SqliteConnection.ClearAllPools();
            await using var services = await ManagerCommands.ServicesAsync(_directory, cancellationToken: cancellationToken);
            var inbox = services.GetRequiredService<IInbox>();
            foreach (var id in acknowledged)
            {
                Assert.NotNull(await inbox.FindAsync(id, cancellationToken));
            }

            // The till never saw some answers: it sends everything again. Nothing may be stored twice.
            var stored = await inbox.CountAsync(cancellationToken);
            foreach (var chunk in all.Chunk(200))
            {
                var response = await SendAsync(http, pairing, chunk, cancellationToken);
                response.EnsureSuccessStatusCode();
                var results = JsonSerializer.Deserialize<SalesUploadResponse>(await response.Content.ReadAsStringAsync(cancellationToken), TerminalApi.Json)!;
                Assert.All(results.Results, r => Assert.True(r.Status is UploadStatus.Accepted or UploadStatus.Duplicate, $"{r.Status}"));
                Assert.All(results.Results.Where(r => acknowledged.Contains(r.Id!.Value)), r => Assert.Equal(UploadStatus.Duplicate, r.Status));
            }

            Assert.True(stored >= acknowledged.Count);
            Assert.Equal(all.Count, await inbox.CountAsync(cancellationToken));
        }
        finally
        {
            Kill(restarted);
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private Process Start(int port)
    {
        var connector = typeof(ConnectorApp).Assembly.Location;
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { connector, "serve", "--data", _directory, "--urls", $"http://127.0.0.1:{port}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["PosBridge__Stores__CAI1__Currency"] = "EGP";
        info.Environment["PosBridge__Stores__CAI1__TimeZone"] = "Africa/Cairo";
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>The manager commands' settings, as the child's environment gives them to <c>serve</c>.</summary>
    private static void ConfigureStores(IServiceCollection services) =>
        services.Configure<PosBridge.Connector.Stores.StoreOptions>(o => o.Stores["CAI1"] = new PosBridge.Connector.Stores.StoreSettings { Currency = "EGP", TimeZone = "Africa/Cairo" });

    private static void Kill(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        process.WaitForExit();
    }

    private static async Task WaitReadyAsync(HttpClient http, Process server, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(server.HasExited, "the connector exited during start-up");
            try
            {
                if ((await http.GetAsync("/health/ready", cancellationToken)).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException("the connector did not become ready in 60 s");
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient http, PairingResponse pairing, IEnumerable<Sale> sales, CancellationToken cancellationToken)
    {
        var body = Hosting.TestTill.Body(sales);
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var nonce = RequestSignature.NewNonce();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/sales") { Content = new ByteArrayContent(body) };
        request.Headers.Authorization = new("Bearer", pairing.Credential);
        request.Headers.Add(RequestSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(RequestSignature.NonceHeader, nonce);
        request.Headers.Add(RequestSignature.SignatureHeader, RequestSignature.Compute(Convert.FromBase64String(pairing.SigningKey), "POST", "/api/v1/sales", timestamp, nonce, body));
        return http.SendAsync(request, cancellationToken);
    }

    private static StringContent JsonContent<T>(T value) =>
        new(JsonSerializer.Serialize(value, TerminalApi.Json), System.Text.Encoding.UTF8, "application/json");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
