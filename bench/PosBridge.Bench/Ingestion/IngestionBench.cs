using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using PosBridge.Connector.Hosting;
using PosBridge.Connector.Storage.Sqlite;
using PosBridge.Connector.Tills;
using PosBridge.Core.Amounts;
using PosBridge.Core.Sales;
using PosBridge.Core.Sync;
using PosBridge.Core.Taxes;

namespace PosBridge.Bench.Ingestion;

/// <summary>
/// Sales ingestion over HTTP on loopback: 8 tills upload signed 100-sale batches at once to a real
/// connector (Kestrel, SQLite WAL, synchronous=FULL; every batch durable before its answer). In the
/// same run, the same rows are inserted straight into SQLite with the same settings, 100 per
/// transaction, one writer, for the ratio. Target: at least 5,000 sales/s.
/// </summary>
internal static class IngestionBench
{
    private const int Clients = 8;
    private const int BatchesPerClient = 40;
    public const int BatchSize = 100;

    public static async Task RunAsync()
    {
        var directory = Directory.CreateTempSubdirectory("posbridge-bench-").FullName;
        try
        {
            var app = ConnectorApp.Build(
                ["--urls", "http://127.0.0.1:0", "--PosBridge:DataDirectory", directory, "--PosBridge:RequestsPerMinutePerTill", "100000", "--PosBridge:Stores:CAI1:Currency", "EGP", "--PosBridge:Stores:CAI1:TimeZone", "Africa/Cairo", "--Logging:LogLevel:Default", "Warning"]);
            await app.StartAsync();
            var address = app.Urls.First();
            using var http = new HttpClient { BaseAddress = new Uri(address) };

            var tills = new List<(PairingResponse Pairing, List<byte[]> Bodies)>();
            var pairing = app.Services.GetRequiredService<Pairing>();
            for (var c = 0; c < Clients; c++)
            {
                var (_, code, _) = await pairing.CreateCodeAsync("CAI1", $"T{c + 1}", $"Till {c + 1}");
                var response = await http.PostAsync("/api/v1/pairing", new StringContent(JsonSerializer.Serialize(new PairingRequest { Code = code, DeviceName = "bench" }, TerminalApi.Json), Encoding.UTF8, "application/json"));
                response.EnsureSuccessStatusCode();
                var paired = JsonSerializer.Deserialize<PairingResponse>(await response.Content.ReadAsStringAsync(), TerminalApi.Json)!;
                tills.Add((paired, MakeBodies(paired.TillId, BatchesPerClient)));
            }

            // Warm-up (not timed): one batch per till, so the run measures a warm service, not the JIT.
            await Task.WhenAll(tills.Select(t => UploadAllAsync(http, t.Pairing, t.Bodies.GetRange(0, 1))));
            tills = tills.Select(t => (t.Pairing, t.Bodies.GetRange(1, t.Bodies.Count - 1))).ToList();
            var total = Clients * (BatchesPerClient - 1) * BatchSize;
            var watch = Stopwatch.StartNew();
            await Task.WhenAll(tills.Select(t => UploadAllAsync(http, t.Pairing, t.Bodies)));
            watch.Stop();
            var httpRate = total / watch.Elapsed.TotalSeconds;

            var stored = await app.Services.GetRequiredService<Connector.Ingestion.IInbox>().CountAsync();
            await app.StopAsync();
            await app.DisposeAsync();
            if (stored != total + (Clients * BatchSize))
            {
                throw new InvalidOperationException($"{stored} sales stored, expected {total}.");
            }

            var rawRate = await RawInsertRateAsync(Path.Combine(directory, "raw.db"), tills.SelectMany(t => t.Bodies).ToList());
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"ingestion over HTTP, {Clients} clients x {BatchesPerClient - 1} batches x {BatchSize} sales: {httpRate:N0} sales/s durable (target >= 5,000); raw SQLite insert of the same rows: {rawRate:N0} rows/s; ratio {httpRate / rawRate:P0}"));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary><paramref name="batches"/> upload bodies of <see cref="BatchSize"/> sales of one till (Arabic names, three lines, VAT).</summary>
    public static List<byte[]> MakeBodies(string tillId, int batches)
    {
        var vat = new TaxDefinition { Id = "vat14", Name = "VAT 14%", AmountType = TaxAmountType.Percent, Amount = 14m, PriceInclude = true };
        var start = DateTimeOffset.UtcNow;
        var bodies = new List<byte[]>();
        var number = 0;
        for (var b = 0; b < batches; b++)
        {
            var sales = new List<string>(BatchSize);
            for (var i = 0; i < BatchSize; i++)
            {
                number++;
                var at = start.AddMilliseconds(number);
                var builder = new SaleBuilder(Currency.EGP, TaxRoundingMethod.RoundPerLine)
                {
                    Id = SaleId.At(at),
                    StoreId = "CAI1",
                    TillId = tillId,
                    ShiftId = "0001",
                    SaleNumber = string.Create(CultureInfo.InvariantCulture, $"CAI1-{tillId}-0001-{number:000000}"),
                    CreatedAtUtc = at,
                    StoreUtcOffset = TimeSpan.FromHours(2),
                    Cashier = new Cashier { Id = "c1", Name = "Mona" },
                };
                builder.AddTax(vat)
                    .AddLine("p-coffee", "قهوة تركي", 2m, 35.50m, ["vat14"])
                    .AddLine("p-croissant", "Croissant", 1m, 38.50m, ["vat14"])
                    .AddLine("p-water", "Water 600 ml", 3m, 12m, ["vat14"], discountPercent: 10m)
                    .PayCash(200m);
                sales.Add(SaleJson.Serialize(builder.Build()));
            }

            bodies.Add(Encoding.UTF8.GetBytes("{\"sales\":[" + string.Join(',', sales) + "]}"));
        }

        return bodies;
    }

    public static async Task UploadAllAsync(HttpClient http, PairingResponse pairing, List<byte[]> bodies)
    {
        var key = Convert.FromBase64String(pairing.SigningKey);
        foreach (var body in bodies)
        {
            var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            var nonce = RequestSignature.NewNonce();
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/sales") { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", pairing.Credential);
            request.Headers.Add(RequestSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
            request.Headers.Add(RequestSignature.NonceHeader, nonce);
            request.Headers.Add(RequestSignature.SignatureHeader, RequestSignature.Compute(key, "POST", "/api/v1/sales", timestamp, nonce, body));
            using var response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
        }
    }

    /// <summary>The same rows into the same schema with the same pragmas: no HTTP, auth, JSON or validation.</summary>
    private static async Task<double> RawInsertRateAsync(string path, List<byte[]> bodies)
    {
        // Prepare the rows first (not timed): what the connector would insert after validation.
        var rows = new List<(string Id, string Store, string Till, string Number, long Created, string Currency, string Total, string Hash, string Document)>();
        foreach (var body in bodies)
        {
            using var document = JsonDocument.Parse(body);
            foreach (var element in document.RootElement.GetProperty("sales").EnumerateArray())
            {
                var text = element.GetRawText();
                rows.Add((
                    element.GetProperty("id").GetString()!,
                    element.GetProperty("storeId").GetString()!,
                    element.GetProperty("tillId").GetString()!,
                    element.GetProperty("saleNumber").GetString()!,
                    element.GetProperty("createdAtUtc").GetDateTimeOffset().ToUnixTimeMilliseconds(),
                    element.GetProperty("currency").GetString()!,
                    element.GetProperty("totals").GetProperty("total").GetRawText(),
                    Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))),
                    text));
            }
        }

        using var database = new ConnectorDatabase(path);
        await database.MigrateAsync();
        var watch = Stopwatch.StartNew();
        foreach (var chunk in rows.Chunk(BatchSize))
        {
            await database.WriteAsync(
                async (connection, transaction) =>
                {
                    await using var insert = Sql.Command(
                        connection,
                        transaction,
                        "INSERT INTO sales (id, store_id, till_id, sale_number, created_at, received_at, currency, total, content_hash, document) VALUES ($id, $store, $till, $number, $created, $created, $currency, $total, $hash, $document)",
                        ("$id", null), ("$store", null), ("$till", null), ("$number", null), ("$created", null), ("$currency", null), ("$total", null), ("$hash", null), ("$document", null));
                    foreach (var row in chunk)
                    {
                        insert.Parameters["$id"].Value = row.Id;
                        insert.Parameters["$store"].Value = row.Store;
                        insert.Parameters["$till"].Value = row.Till;
                        insert.Parameters["$number"].Value = row.Number;
                        insert.Parameters["$created"].Value = row.Created;
                        insert.Parameters["$currency"].Value = row.Currency;
                        insert.Parameters["$total"].Value = row.Total;
                        insert.Parameters["$hash"].Value = row.Hash;
                        insert.Parameters["$document"].Value = row.Document;
                        await insert.ExecuteNonQueryAsync();
                    }

                    return 0;
                });
        }

        watch.Stop();
        return rows.Count / watch.Elapsed.TotalSeconds;
    }
}
