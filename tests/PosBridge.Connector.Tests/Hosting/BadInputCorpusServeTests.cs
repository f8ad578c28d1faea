using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PosBridge.Connector.Cli;
using PosBridge.Connector.Hosting;
using PosBridge.Connector.Tills;
using PosBridge.Core.Sync;

namespace PosBridge.Connector.Tests.Hosting;

/// <summary>
/// The whole bad-input corpus against <c>posbridge serve</c> as a child process (real Kestrel, Production
/// environment): what the in-process test server cannot show — the real transport's chunked bodies and limits,
/// and the production error pages — must refuse the same way, case for case.
/// </summary>
public sealed class BadInputCorpusServeTests(BadInputCorpusServeTests.ServedConnector served) : IClassFixture<BadInputCorpusServeTests.ServedConnector>
{
    public static TheoryData<string> Groups() => new(BadInputCorpus.Groups);

    [Theory]
    [MemberData(nameof(Groups))]
    public async Task Serve_Corpus_IsRefusedNamingTheFieldAndChangesNothing(string group)
    {
        var target = served.Target;
        var all = BadInputCorpus.Cases(group, target).ToList();
        var cases = all;

        var failures = new List<string>();
        foreach (var bad in cases)
        {
            if (await BadInputCorpus.RunAsync(bad, target) is { } failure)
            {
                failures.Add(failure);
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"bad-input corpus against serve, {group}: {cases.Count} of {all.Count} cases");
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} {group} cases were not refused cleanly by the real server:\n" + string.Join("\n", failures.Take(40)));
        Assert.NotEmpty(cases);
    }

    [Theory]
    [InlineData("/api/v1/sales", BadInputCorpus.MaxRequestBytes, true)]
    [InlineData("/api/v1/shifts/close", 4096, true)]
    [InlineData("/api/v1/receipts", (512 * 1024 * 2) + (16 * 1024), true)]
    [InlineData("/api/v1/fiscal/documents", BadInputCorpus.MaxRequestBytes, true)]
    [InlineData("/api/v1/fiscal/zatca/compliance", BadInputCorpus.MaxRequestBytes, true)]
    [InlineData("/api/v1/pairing", 16 * 1024, false)]
    public async Task Serve_ChunkedBodyOverTheLimit_Answers413AndStoresNothing(string path, long limit, bool bySignedTill)
    {
        // No Content-Length: the limit can only be found while reading, which real Kestrel must turn into a 413, not a 500.
        var target = served.Target;
        // 32 KiB over the endpoint's limit, as an overfull batch would be. (Far more than the limit is cut off by the
        // server's close before a client reads the 413, as with any HTTP server that stops reading; that is no 5xx either.)
        var body = Encoding.UTF8.GetBytes("{\"sales\":[\"" + new string('x', (int)limit + (32 * 1024)) + "\"]}");
        var before = target.Dump();

        using var response = bySignedTill
            ? await target.SignedAsync(HttpMethod.Post, path, body, tamper: r => r.Content = new BadInputCorpus.ChunkedContent(body))
            : await target.Http.SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = new BadInputCorpus.ChunkedContent(body) }, TestContext.Current.CancellationToken);

        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"{(int)response.StatusCode}: {text}");
        Assert.Contains("urn:posbridge:problem:payload-too-large", text, StringComparison.Ordinal);
        Assert.Equal(before, target.Dump());
    }

    /// <summary>One <c>serve</c> child for the class: stores CAI1 and ALX1, tills CAI1/T1 and ALX1/T7 paired over HTTP, a sale of each stored.</summary>
    public sealed class ServedConnector : IAsyncLifetime
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("posbridge-serve-corpus-").FullName;
        private Process? _server;
        private HttpClient? _http;

        internal CorpusTarget Target { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            var cancellationToken = TestContext.Current.CancellationToken;
            var settings = new Dictionary<string, string?>(BadInputCorpus.Settings)
            {
                ["PosBridge:Stores:CAI1:Name"] = "القاهرة — وسط البلد",
                ["PosBridge:Stores:CAI1:Currency"] = "EGP",
                ["PosBridge:Stores:CAI1:TimeZone"] = "Africa/Cairo",
                ["PosBridge:Stores:ALX1:Currency"] = "EGP",
                ["PosBridge:Stores:ALX1:TimeZone"] = "Africa/Cairo",
                ["PosBridge:Dispatch:Interval"] = "01:00:00",
            };
            var codes = new List<string>();
            await using (var services = await ManagerCommands.ServicesAsync(_directory, ConfigureStores, cancellationToken))
            {
                foreach (var (store, till) in new[] { ("CAI1", "T1"), ("ALX1", "T7") })
                {
                    codes.Add((await services.GetRequiredService<Pairing>().CreateCodeAsync(store, till, "Front counter", cancellationToken)).Code);
                }
            }

            var port = ServeProcess.FreePort();
            // No cookie jar: each case carries its own session cookie (DashboardClient), as in process; a shared jar
            // would sign in the cases that must come without a session.
            _http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
            _server = ServeProcess.Start(_directory, port, settings);
            await ServeProcess.WaitReadyAsync(_http, _server, cancellationToken);
            var pairings = new List<PairingResponse>();
            foreach (var code in codes)
            {
                using var pair = await _http.PostAsync("/api/v1/pairing", new StringContent(JsonSerializer.Serialize(new PairingRequest { Code = code, DeviceName = "corpus" }, TerminalApi.Json), Encoding.UTF8, "application/json"), cancellationToken);
                pair.EnsureSuccessStatusCode();
                pairings.Add(JsonSerializer.Deserialize<PairingResponse>(await pair.Content.ReadAsStringAsync(cancellationToken), TerminalApi.Json)!);
            }

            Target = new CorpusTarget(_http, Path.Combine(_directory, "connector.db"), pairings[0], pairings[1], () => DateTimeOffset.UtcNow);
            var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
            Target.CairoSale = new Sales(clock, "CAI1", "T1").Next(quantity: 2m);
            Target.AlexandriaSale = new Sales(clock, "ALX1", "T7").Next(price: 41.25m, quantity: 3m);
            foreach (var (sale, till) in new[] { (Target.CairoSale, pairings[0]), (Target.AlexandriaSale, pairings[1]) })
            {
                using var upload = await Target.SignedAsync(HttpMethod.Post, "/api/v1/sales", TestTill.Body([sale]), till);
                var results = JsonSerializer.Deserialize<SalesUploadResponse>(await upload.Content.ReadAsStringAsync(cancellationToken), TerminalApi.Json)!;
                Assert.Equal(UploadStatus.Accepted, results.Results[0].Status);
            }
        }

        public ValueTask DisposeAsync()
        {
            if (_server is not null)
            {
                ServeProcess.Kill(_server);
                _server.Dispose();
            }

            Target?.Dispose();
            _http?.Dispose();
            SqliteConnection.ClearAllPools();
            Directory.Delete(_directory, recursive: true);
            return ValueTask.CompletedTask;
        }

        private static void ConfigureStores(IServiceCollection services) =>
            services.Configure<PosBridge.Connector.Stores.StoreOptions>(o =>
            {
                o.Stores["CAI1"] = new PosBridge.Connector.Stores.StoreSettings { Currency = "EGP", TimeZone = "Africa/Cairo" };
                o.Stores["ALX1"] = new PosBridge.Connector.Stores.StoreSettings { Currency = "EGP", TimeZone = "Africa/Cairo" };
            });
    }
}
