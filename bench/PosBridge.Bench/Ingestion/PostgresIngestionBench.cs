using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;
using PosBridge.Connector.Hosting;
using PosBridge.Connector.Ingestion;
using PosBridge.Connector.Tills;
using PosBridge.Core.Sync;

namespace PosBridge.Bench.Ingestion;

/// <summary>
/// Sales ingestion over HTTP on loopback into connectors on one PostgreSQL database (<c>POSBRIDGE_TEST_POSTGRES</c>;
/// <c>scripts/with-postgres.sh</c> starts a private server): 1, 2 and 3 connector instances (each its own host, port,
/// connection pool and Quartz, all in this process on this machine's cores), 8 and 64 tills uploading signed 100-sale
/// batches at once, each till to its own instance (round-robin), every batch durable before its answer. In the same
/// run, the same rows are loaded by PostgreSQL's own binary <c>COPY</c> into the same table, for the ratio.
/// Target: at least 5,000 sales/s durable with one instance.
/// </summary>
internal static class PostgresIngestionBench
{
    private const int SalesPerRun = 19_200;

    public static async Task RunAsync()
    {
        var server = Environment.GetEnvironmentVariable("POSBRIDGE_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(server))
        {
            Console.Error.WriteLine("POSBRIDGE_TEST_POSTGRES is not set: run it as scripts/with-postgres.sh dotnet run -c Release --project bench/PosBridge.Bench -- ingest-postgres");
            return;
        }

        var copyRate = await CopyRateAsync(server);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"PostgreSQL COPY of the same rows (one transaction): {copyRate:N0} rows/s"));
        foreach (var tills in new[] { 8, 64 })
        {
            foreach (var instances in new[] { 1, 2, 3 })
            {
                var rate = await HttpRateAsync(server, instances, tills);
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"ingestion over HTTP on PostgreSQL, {instances} instance(s), {tills} tills x {SalesPerRun / tills / IngestionBench.BatchSize} batches x {IngestionBench.BatchSize} sales: {rate:N0} sales/s durable (target >= 5,000 with one); ratio to COPY {rate / copyRate:P0}"));
            }
        }
    }

    private static async Task<double> HttpRateAsync(string server, int instanceCount, int tillCount)
    {
        var directory = Directory.CreateTempSubdirectory("posbridge-bench-pg-").FullName;
        var database = await CreateDatabaseAsync(server);
        var instances = new List<Microsoft.AspNetCore.Builder.WebApplication>();
        try
        {
            for (var i = 0; i < instanceCount; i++)
            {
                var app = ConnectorApp.Build(
                    ["--urls", "http://127.0.0.1:0", "--PosBridge:DataDirectory", directory, "--PosBridge:RequestsPerMinutePerTill", "100000", "--PosBridge:PairingAttemptsPerMinute", "1000",
                     "--PosBridge:Stores:CAI1:Currency", "EGP", "--PosBridge:Stores:CAI1:TimeZone", "Africa/Cairo", "--Logging:LogLevel:Default", "Warning",
                     "--Storage:Provider", "postgres", "--Storage:ConnectionString", database]);
                await app.StartAsync();
                instances.Add(app);
            }

            var clients = instances.Select(app => new HttpClient { BaseAddress = new Uri(app.Urls.First()) }).ToList();
            var batches = SalesPerRun / tillCount / IngestionBench.BatchSize;
            var tills = new List<(HttpClient Http, PairingResponse Pairing, List<byte[]> Bodies)>();
            var pairing = instances[0].Services.GetRequiredService<Pairing>();
            for (var t = 0; t < tillCount; t++)
            {
                var http = clients[t % clients.Count];
                var (_, code, _) = await pairing.CreateCodeAsync("CAI1", $"T{t + 1}", $"Till {t + 1}");
                var response = await http.PostAsync("/api/v1/pairing", new StringContent(JsonSerializer.Serialize(new PairingRequest { Code = code, DeviceName = "bench" }, TerminalApi.Json), Encoding.UTF8, "application/json"));
                response.EnsureSuccessStatusCode();
                var paired = JsonSerializer.Deserialize<PairingResponse>(await response.Content.ReadAsStringAsync(), TerminalApi.Json)!;
                tills.Add((http, paired, IngestionBench.MakeBodies(paired.TillId, batches + 1)));
            }

            // Warm-up (not timed): one batch per till.
            await Task.WhenAll(tills.Select(t => IngestionBench.UploadAllAsync(t.Http, t.Pairing, t.Bodies.GetRange(0, 1))));
            var watch = Stopwatch.StartNew();
            await Task.WhenAll(tills.Select(t => IngestionBench.UploadAllAsync(t.Http, t.Pairing, t.Bodies.GetRange(1, batches))));
            watch.Stop();
            var timed = tillCount * batches * IngestionBench.BatchSize;
            var stored = await instances[^1].Services.GetRequiredService<IInbox>().CountAsync();
            if (stored != timed + (tillCount * IngestionBench.BatchSize))
            {
                throw new InvalidOperationException($"{stored} sales stored, expected {timed + (tillCount * IngestionBench.BatchSize)}.");
            }

            foreach (var client in clients)
            {
                client.Dispose();
            }

            return timed / watch.Elapsed.TotalSeconds;
        }
        finally
        {
            foreach (var app in instances)
            {
                await app.StopAsync();
                await app.DisposeAsync();
            }

            await DropDatabaseAsync(server, database);
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The rows the connector would store for the same sales, loaded by one binary COPY into the migrated schema.</summary>
    private static async Task<double> CopyRateAsync(string server)
    {
        var database = await CreateDatabaseAsync(server);
        try
        {
            var directory = Directory.CreateTempSubdirectory("posbridge-bench-copy-").FullName;
            await using (var schema = new Connector.Storage.Postgres.PostgresDatabase(database, SecretProtector.FromKeyFile(Path.Combine(directory, "secrets.key"))))
            {
                await schema.MigrateAsync();
            }

            Directory.Delete(directory, recursive: true);
            var bodies = Enumerable.Range(0, 8).SelectMany(t => IngestionBench.MakeBodies($"T{t + 1}", SalesPerRun / 8 / IngestionBench.BatchSize)).ToList();
            var rows = new List<(string Id, string Till, string Number, long Created, string Total, string Hash, string Document)>();
            foreach (var body in bodies)
            {
                using var document = JsonDocument.Parse(body);
                foreach (var element in document.RootElement.GetProperty("sales").EnumerateArray())
                {
                    var text = element.GetRawText();
                    rows.Add((element.GetProperty("id").GetString()!, element.GetProperty("tillId").GetString()!, element.GetProperty("saleNumber").GetString()!,
                        element.GetProperty("createdAtUtc").GetDateTimeOffset().ToUnixTimeMilliseconds(), element.GetProperty("totals").GetProperty("total").GetRawText(),
                        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))), text));
                }
            }

            await using var connection = new NpgsqlConnection(database);
            await connection.OpenAsync();
            var watch = Stopwatch.StartNew();
            await using (var transaction = await connection.BeginTransactionAsync())
            {
                await using (var copy = await connection.BeginBinaryImportAsync("COPY sales (id, store_id, till_id, sale_number, created_at, received_at, currency, total, content_hash, document) FROM STDIN (FORMAT BINARY)"))
                {
                    foreach (var row in rows)
                    {
                        await copy.StartRowAsync();
                        await copy.WriteAsync(row.Id, NpgsqlDbType.Text);
                        await copy.WriteAsync("CAI1", NpgsqlDbType.Text);
                        await copy.WriteAsync(row.Till, NpgsqlDbType.Text);
                        await copy.WriteAsync(row.Number, NpgsqlDbType.Text);
                        await copy.WriteAsync(row.Created, NpgsqlDbType.Bigint);
                        await copy.WriteAsync(row.Created, NpgsqlDbType.Bigint);
                        await copy.WriteAsync("EGP", NpgsqlDbType.Text);
                        await copy.WriteAsync(row.Total, NpgsqlDbType.Text);
                        await copy.WriteAsync(row.Hash, NpgsqlDbType.Text);
                        await copy.WriteAsync(row.Document, NpgsqlDbType.Text);
                    }

                    await copy.CompleteAsync();
                }

                await transaction.CommitAsync();
            }

            watch.Stop();
            return rows.Count / watch.Elapsed.TotalSeconds;
        }
        finally
        {
            await DropDatabaseAsync(server, database);
        }
    }

    private static async Task<string> CreateDatabaseAsync(string server)
    {
        var name = "posbridge_bench_" + Guid.NewGuid().ToString("N");
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await create.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    private static async Task DropDatabaseAsync(string server, string database)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {new NpgsqlConnectionStringBuilder(database).Database} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
