using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Newtonsoft.Json.Linq;
using Npgsql;
using PosBridge.Connector.Cli;
using PosBridge.Connector.Hosting;
using PosBridge.Connector.Storage.Sqlite;
using PosBridge.Connector.Tests.Hosting;
using PosBridge.Connector.Tests.Storage.Contracts;
using PosBridge.Connector.Tills;
using PosBridge.Core.Sales;
using PosBridge.Core.Sync;
using PosBridge.Erp.Odoo.Emulator;

namespace PosBridge.Connector.Tests.Storage;

/// <summary>
/// Three <c>posbridge serve</c> processes on one PostgreSQL database, tills reaching them through a round-robin of
/// addresses, one instance SIGKILLed and restarted twice while 40 tills upload, the instances' own Quartz jobs
/// delivering to an emulated Odoo 17: every sale answered accepted is stored once and reaches Odoo once, and a request
/// replayed to another instance is refused.
/// </summary>
public sealed class PostgresClusterProcessTests : IAsyncLifetime
{
    private const int Tills = 40;
    private const int Batches = 4;
    private const int BatchSize = 20;
    private const int Instances = 3;
    private const int Kills = 2;

    private readonly PostgresBackend _backend = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("posbridge-cluster-").FullName;
    private readonly Process?[] _servers = new Process?[Instances];
    private readonly int[] _ports = [.. Enumerable.Range(0, Instances).Select(_ => ServeProcess.FreePort())];
    private Dictionary<string, string?> _settings = [];
    private OdooEmulator? _odoo;

    public async ValueTask InitializeAsync()
    {
        await _backend.CreateAsync(TestContext.Current.CancellationToken);
        _odoo = await OdooEmulator.StartAsync(17);
        _settings = new Dictionary<string, string?>(Odoo.OdooDeliveryTests.Settings(_odoo))
        {
            ["Storage:Provider"] = "postgres",
            ["Storage:ConnectionString"] = _backend.Settings["Storage:ConnectionString"],
            ["Storage:Cluster:CheckinInterval"] = "00:00:01",
            ["Storage:Cluster:CheckinMisfireThreshold"] = "00:00:03",
            ["PosBridge:Dispatch:Interval"] = "00:00:01",
            // 40 tills pair from one address in a few seconds; the limit is shared by the instances (which the 429 without this showed).
            ["PosBridge:PairingAttemptsPerMinute"] = "100",
            ["PosBridge:Stores:CAI1:Currency"] = "EGP",
            ["PosBridge:Stores:CAI1:TimeZone"] = "Africa/Cairo",
        };
        _settings.Remove("Odoo:Pos:Tills:CAI1/T2");
        for (var t = 1; t <= Tills; t++)
        {
            // Each till is its own POS in Odoo, as a shop configures one pos.config per till.
            var config = _odoo.Read(s => s.Create("pos.config", new JObject { ["name"] = $"Cluster till {t}", ["payment_method_ids"] = new JArray(1, 2, 3), ["cash_control"] = true, ["currency_id"] = 1, ["active"] = true }));
            _settings[$"Odoo:Pos:Tills:CAI1/T{t}"] = config.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers.OfType<Process>())
        {
            ServeProcess.Kill(server);
            server.Dispose();
        }

        if (_odoo is not null)
        {
            await _odoo.DisposeAsync();
        }

        SqliteDatabaseFile.CloseAll();
        NpgsqlConnection.ClearAllPools();
        await _backend.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task ThreeInstances_OneKilledTwiceWhile40TillsUpload_EverySaleStoredOnceAndDeliveredOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        var codes = await PairingCodesAsync(ct);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        for (var i = 0; i < Instances; i++)
        {
            _servers[i] = ServeProcess.Start(_directory, _ports[i], _settings);
        }

        for (var i = 0; i < Instances; i++)
        {
            await ServeProcess.WaitReadyAsync(http, Address(i), _servers[i]!, ct);
        }

        var pairings = new List<PairingResponse>();
        foreach (var code in codes)
        {
            // Each till pairs through whichever instance the round-robin gives it.
            var response = await http.PostAsync(new Uri(Address(pairings.Count % Instances), "/api/v1/pairing"), ServeProcess.Json(new PairingRequest { Code = code, DeviceName = "cluster-test" }), ct);
            response.EnsureSuccessStatusCode();
            pairings.Add(JsonSerializer.Deserialize<PairingResponse>(await response.Content.ReadAsStringAsync(ct), TerminalApi.Json)!);
        }

        // A signed request replayed to another instance is refused: the nonce is shared, not per process.
        var probe = ServeProcess.SignedUpload(new Uri(Address(0), "/api/v1/sales"), pairings[0], []);
        Assert.True((await http.SendAsync(probe.Request, ct)).IsSuccessStatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await http.SendAsync(probe.Replay(new Uri(Address(1), "/api/v1/sales")), ct)).StatusCode);

        var acknowledged = new ConcurrentDictionary<Guid, int>();
        var sent = new ConcurrentBag<Sale>();
        var cutOff = 0;
        var done = 0;
        var killer = Task.Run(
            async () =>
            {
                for (var kill = 1; kill <= Kills; kill++)
                {
                    while (acknowledged.Count < kill * Tills * Batches * BatchSize / (Kills + 1) && Volatile.Read(ref done) < Tills)
                    {
                        await Task.Delay(5, ct);
                    }

                    ServeProcess.Kill(_servers[0]!);
                    _servers[0]!.Dispose();
                    _servers[0] = ServeProcess.Start(_directory, _ports[0], _settings);
                    await ServeProcess.WaitReadyAsync(http, Address(0), _servers[0]!, ct);
                }
            },
            ct);

        var tills = pairings.Select((pairing, index) => Task.Run(
            async () =>
            {
                var factory = new Sales(new FakeTimeProvider(TimeProvider.System.GetUtcNow()), "CAI1", pairing.TillId);
                var turn = index;
                for (var b = 0; b < Batches; b++)
                {
                    var batch = Enumerable.Range(0, BatchSize).Select(_ => factory.Next(price: 35m, quantity: 2m, sku: "COF-TR")).ToList();
                    foreach (var sale in batch)
                    {
                        sent.Add(sale);
                    }

                    // A batch without an answer goes to the next address, as a till behind a load balancer would retry.
                    while (true)
                    {
                        var address = Address(turn++ % Instances);
                        try
                        {
                            using var response = await http.SendAsync(ServeProcess.SignedUpload(new Uri(address, "/api/v1/sales"), pairing, batch).Request, ct);
                            if (response.IsSuccessStatusCode)
                            {
                                var results = JsonSerializer.Deserialize<SalesUploadResponse>(await response.Content.ReadAsStringAsync(ct), TerminalApi.Json)!;
                                Assert.All(results.Results, r => Assert.True(r.Status is UploadStatus.Accepted or UploadStatus.Duplicate, $"{r.Status}"));
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
                        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
                        {
                        }

                        Interlocked.Increment(ref cutOff);
                        await Task.Delay(20, ct);
                    }
                }

                Interlocked.Increment(ref done);
            },
            ct)).ToList();

        await Task.WhenAll(tills);
        await killer;
        var total = Tills * Batches * BatchSize;

        // The instances' own delivery jobs (Quartz, clustered) drain the inbox into Odoo.
        var references = await WaitForOrdersAsync(total, ct);
        var stored = await StoredAsync(ct);

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"cluster test: {Instances} instances, {Kills} SIGKILLs, {Tills} tills, {total} sales, {acknowledged.Count} answered accepted, {cutOff} calls cut off and resent, {stored.Count} stored, {references.Count} Odoo orders");
        Assert.All(acknowledged, a => Assert.Equal(1, a.Value));
        Assert.Equal(total, stored.Count);
        Assert.All(stored.Values, n => Assert.Equal(1, n));
        Assert.All(acknowledged.Keys, id => Assert.True(stored.ContainsKey(id)));
        Assert.Equal(total, references.Count);
        Assert.All(references.Values, n => Assert.Equal(1, n));
        // Odoo 17 knows an order by its pos_reference, "Order NUMBER ID" (PosOrderPayload.Reference).
        Assert.Equal(sent.Select(s => $"Order {s.SaleNumber} {s.Id:D}").Order(StringComparer.Ordinal), references.Keys.Order(StringComparer.Ordinal));
        Assert.True(cutOff > 0, "no upload was cut off by a kill; the test proves nothing");
    }

    private Uri Address(int instance) => new($"http://127.0.0.1:{_ports[instance]}");

    private async Task<List<string>> PairingCodesAsync(CancellationToken ct)
    {
        var settingsFile = Path.Combine(_directory, "cluster.json");
        await File.WriteAllTextAsync(settingsFile, JsonSerializer.Serialize(Nest(_settings)), ct);
        var codes = new List<string>();
        await using var services = await ManagerCommands.ServicesAsync(_directory, settingsFile, create: false, cancellationToken: ct);
        for (var t = 1; t <= Tills; t++)
        {
            codes.Add((await services.GetRequiredService<Pairing>().CreateCodeAsync("CAI1", $"T{t}", $"Till {t}", ct)).Code);
        }

        return codes;
    }

    /// <summary>
    /// Odoo's orders by the reference they carry, once every sale has arrived. Bounded, so a stuck delivery fails: an
    /// instance SIGKILLed while it held the Odoo delivery lease holds it until it runs out (two minutes, as a lease
    /// held by a dead machine must), so two kills may hold deliveries back for about four.
    /// </summary>
    private async Task<Dictionary<string, int>> WaitForOrdersAsync(int total, CancellationToken ct)
    {
        Dictionary<string, int> references = [];
        for (var i = 0; i < 3600; i++)
        {
            references = _odoo!.Read(s => s["pos.order"].Records.Values
                .GroupBy(o => ((JObject)o)["pos_reference"]!.Value<string>()!)
                .ToDictionary(g => g.Key, g => g.Count()));
            if (references.Values.Sum() >= total)
            {
                break;
            }

            await Task.Delay(100, ct);
        }

        return references;
    }

    private async Task<Dictionary<Guid, int>> StoredAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(_backend.Settings["Storage:ConnectionString"]);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT id, count(*) FROM sales GROUP BY id", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new Dictionary<Guid, int>();
        while (await reader.ReadAsync(ct))
        {
            rows[Guid.Parse(reader.GetString(0))] = (int)reader.GetInt64(1);
        }

        return rows;
    }

    /// <summary>Flat configuration keys as the nested JSON a settings file holds.</summary>
    private static Dictionary<string, object?> Nest(IReadOnlyDictionary<string, string?> flat)
    {
        var root = new Dictionary<string, object?>();
        foreach (var (key, value) in flat)
        {
            var node = root;
            var parts = key.Split(':');
            foreach (var part in parts[..^1])
            {
                if (!node.TryGetValue(part, out var child) || child is not Dictionary<string, object?> next)
                {
                    next = [];
                    node[part] = next;
                }

                node = next;
            }

            node[parts[^1]] = value;
        }

        return root;
    }
}
