using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PosBridge.Connector.Hosting;
using PosBridge.Core.Adapters;
using PosBridge.Core.Sales;
using PosBridge.Core.Sync;

namespace PosBridge.Connector.Tests.Hosting;

/// <summary>The real connector (all of its middleware, storage and auth) on a test server with a temp data folder.</summary>
internal sealed class ConnectorHost : IAsyncDisposable
{
    private readonly bool _ownsDirectory;

    private ConnectorHost(WebApplication app, string directory, FakeTimeProvider clock, bool ownsDirectory)
    {
        _ownsDirectory = ownsDirectory;
        App = app;
        Directory = directory;
        Clock = clock;
        Client = app.GetTestClient();
    }

    public WebApplication App { get; }

    public string Directory { get; }

    public FakeTimeProvider Clock { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => App.Services;

    public static Task<ConnectorHost> StartAsync(Dictionary<string, string?>? settings = null, params ISalesSink[] sinks) =>
        StartAsync(settings, null, null, sinks);

    /// <summary>
    /// Stores CAI1 and ALX1 (EGP, Africa/Cairo) and RUH1 (SAR, Asia/Riyadh) are configured unless
    /// <paramref name="settings"/> says otherwise. With <paramref name="directory"/>, the connector restarts on a data folder an earlier host used (and leaves
    /// it for the test to delete); <paramref name="services"/> replaces or decorates the connector's services.
    /// </summary>
    public static async Task<ConnectorHost> StartAsync(Dictionary<string, string?>? settings, Action<IServiceCollection>? services, string? directory, params ISalesSink[] sinks)
    {
        var ownsDirectory = directory is null;
        directory ??= System.IO.Directory.CreateTempSubdirectory("posbridge-connector-").FullName;
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var app = ConnectorApp.Build(
            [],
            builder =>
            {
                builder.WebHost.UseTestServer();
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["PosBridge:DataDirectory"] = directory,
                    ["PosBridge:Dispatch:Interval"] = "01:00:00",
                    ["Logging:LogLevel:Default"] = "Warning",
                    ["PosBridge:Stores:CAI1:Name"] = "القاهرة — وسط البلد",
                    ["PosBridge:Stores:CAI1:Currency"] = "EGP",
                    ["PosBridge:Stores:CAI1:TimeZone"] = "Africa/Cairo",
                    ["PosBridge:Stores:ALX1:Currency"] = "EGP",
                    ["PosBridge:Stores:ALX1:TimeZone"] = "Africa/Cairo",
                    ["PosBridge:Stores:RUH1:Currency"] = "SAR",
                    ["PosBridge:Stores:RUH1:TimeZone"] = "Asia/Riyadh",
                });
                if (settings is not null)
                {
                    builder.Configuration.AddInMemoryCollection(settings);
                }

                builder.Services.AddSingleton<TimeProvider>(clock);
                foreach (var sink in sinks)
                {
                    builder.Services.AddSingleton(sink);
                }

                services?.Invoke(builder.Services);
            });
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new ConnectorHost(app, directory, clock, ownsDirectory);
    }

    /// <summary>Makes a pairing code as a manager would and pairs a till with it over the API.</summary>
    public async Task<TestTill> PairTillAsync(string storeId = "CAI1", string tillId = "T2")
    {
        var (_, code, _) = await Services.GetRequiredService<Tills.Pairing>().CreateCodeAsync(storeId, tillId, "Front counter", TestContext.Current.CancellationToken);
        var response = await Client.PostAsJsonAsync("/api/v1/pairing", new PairingRequest { Code = code, DeviceName = "test" }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        var pairing = (await response.Content.ReadFromJsonAsync<PairingResponse>(TestContext.Current.CancellationToken))!;
        return new TestTill(this, pairing);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (_ownsDirectory)
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}

/// <summary>A till as the connector sees one: signs every request as <see cref="RequestSignature"/> says.</summary>
internal sealed class TestTill(ConnectorHost host, PairingResponse pairing)
{
    public PairingResponse Pairing { get; } = pairing;

    public string Credential { get; set; } = pairing.Credential;

    public Task<HttpResponseMessage> UploadAsync(IEnumerable<Sale> sales) =>
        SendAsync(HttpMethod.Post, "/api/v1/sales", Body(sales));

    public static byte[] Body(IEnumerable<Sale> sales) =>
        Encoding.UTF8.GetBytes("{\"sales\":[" + string.Join(',', sales.Select(SaleJson.Serialize)) + "]}");

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, byte[] body, Action<HttpRequestMessage>? tamper = null, long? timestamp = null, string? nonce = null)
    {
        var request = Signed(method, path, body, timestamp, nonce);
        tamper?.Invoke(request);
        return host.Client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public HttpRequestMessage Signed(HttpMethod method, string path, byte[] body, long? timestamp = null, string? nonce = null)
    {
        var ts = timestamp ?? host.Clock.GetUtcNow().ToUnixTimeSeconds();
        nonce ??= RequestSignature.NewNonce();
        var request = new HttpRequestMessage(method, path);
        if (method != HttpMethod.Get)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Credential);
        request.Headers.Add(RequestSignature.TimestampHeader, ts.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(RequestSignature.NonceHeader, nonce);
        request.Headers.Add(RequestSignature.SignatureHeader, RequestSignature.Compute(Convert.FromBase64String(Pairing.SigningKey), method.Method, path, ts, nonce, body));
        return request;
    }

    public static async Task<SalesUploadResponse> ResultsAsync(HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        return (await response.Content.ReadFromJsonAsync<SalesUploadResponse>(TestContext.Current.CancellationToken))!;
    }

    public static async Task<string> ProblemTypeAsync(HttpResponseMessage response)
    {
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return problem.RootElement.GetProperty("type").GetString()!;
    }
}
