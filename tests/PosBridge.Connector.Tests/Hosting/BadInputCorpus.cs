using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using PosBridge.Core.Sales;
using PosBridge.Core.Sync;

namespace PosBridge.Connector.Tests.Hosting;

/// <summary>One bad request: how to send it, and the field (or words) its refusal must name.</summary>
internal sealed record BadCase(string Group, string Name, Func<CorpusTarget, Task<HttpResponseMessage>> Send, string Names, bool PerSale = false);

/// <summary>A connector under attack: where to send requests, a paired till of CAI1 and one of ALX1, and the database file.</summary>
internal sealed class CorpusTarget(HttpClient http, string databasePath, PairingResponse cairo, PairingResponse alexandria, Func<DateTimeOffset> now) : IDisposable
{
    private SqliteConnection? _reader;

    public HttpClient Http { get; } = http;

    public string DatabasePath { get; } = databasePath;

    public PairingResponse Cairo { get; } = cairo;

    public PairingResponse Alexandria { get; } = alexandria;

    public DateTimeOffset Now => now();

    /// <summary>The connector's clock (a test clock in process, the real one for a served connector): the dashboard's one-time codes follow it.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>A sale of ALX1/T7 stored before the corpus runs, for the cross-store cases.</summary>
    public Sale? AlexandriaSale { get; set; }

    /// <summary>A sale of CAI1/T1 stored before the corpus runs, for refunds.</summary>
    public Sale? CairoSale { get; set; }

    public const string CompanionMark = "-0008-";

    public void Dispose() => _reader?.Dispose();

    public Task<HttpResponseMessage> SignedAsync(HttpMethod method, string path, byte[] body, PairingResponse? till = null, Action<HttpRequestMessage>? tamper = null, long? timestamp = null, string? nonce = null, string? contentType = "application/json")
    {
        till ??= Cairo;
        var ts = timestamp ?? Now.ToUnixTimeSeconds();
        nonce ??= RequestSignature.NewNonce();
        var request = new HttpRequestMessage(method, path);
        if (method != HttpMethod.Get)
        {
            request.Content = new ByteArrayContent(body);
            if (contentType is not null)
            {
                request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
            }
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", till.Credential);
        request.Headers.Add(RequestSignature.TimestampHeader, ts.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(RequestSignature.NonceHeader, nonce);
        request.Headers.Add(RequestSignature.SignatureHeader, RequestSignature.Compute(Convert.FromBase64String(till.SigningKey), method.Method, path, ts, nonce, body));
        tamper?.Invoke(request);
        return Http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public Task<HttpResponseMessage> UploadAsync(string body, PairingResponse? till = null) => SignedAsync(HttpMethod.Post, "/api/v1/sales", Encoding.UTF8.GetBytes(body), till);

    public Task<HttpResponseMessage> PostAsync(string path, string body, string contentType = "application/json") =>
        Http.SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, contentType) }, TestContext.Current.CancellationToken);

    /// <summary>Every table's rows, in a stable order, except what a refused request may change (a till's last contact, the audit log and used nonces) and the report aggregates.</summary>
    public string Dump()
    {
        if (_reader is null)
        {
            _reader = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            _reader.Open();
        }

        var connection = _reader;
        var tables = new List<string>();
        using (var list = connection.CreateCommand())
        {
            // The report aggregates are sums over the stored sales (the companion good sale adds to them, unmarked): the
            // sales themselves are compared here, and Reports/ReportAggregatesTests proves a refused sale adds nothing.
            // The dashboard's accounts change with every login a case makes first (last login, code step used); what
            // a bad request to them changes is tested in Dashboard/Accounts.
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('audit_log', 'request_nonces', 'sqlite_sequence', 'dashboard_accounts', 'dashboard_recovery_codes') AND name NOT LIKE 'report\\_%' ESCAPE '\\' ORDER BY name";
            using var reader = list.ExecuteReader();
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var dump = new StringBuilder();
        foreach (var table in tables)
        {
            using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\"";
            using var reader = select.ExecuteReader();
            var rows = new List<string>();
            while (reader.Read())
            {
                var cells = new List<string>();
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    if (table == "tills" && reader.GetName(i) == "last_contact_at")
                    {
                        continue;
                    }

                    cells.Add(reader.IsDBNull(i) ? "∅" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture)!);
                }

                var row = string.Join('|', cells);
                // The good sale sent beside each bad one is taken, as it must be; it is not the bad one's change.
                if (!row.Contains(CompanionMark, StringComparison.Ordinal))
                {
                    rows.Add(row);
                }
            }

            rows.Sort(StringComparer.Ordinal);
            dump.Append(table).Append('\n').AppendJoin('\n', rows).Append('\n');
        }

        return dump.ToString();
    }
}

/// <summary>
/// The bad-input corpus: requests no till should send, generated over every entry point. Each must be refused
/// with a 4xx problem (or, for a sale, a per-sale <c>rejected</c>) whose message names the field, carries no .NET
/// type name, and leaves the database as it was.
/// </summary>
internal static partial class BadInputCorpus
{
    public const int MaxBatchSize = 20;
    public const long MaxRequestBytes = 256 * 1024;

    public static IReadOnlyList<string> Groups { get; } =
        ["auth", "transport", "sale-fields", "refunds", "cross-store", "receipts", "catalog", "feeds", "dashboard", "pairing", "shift-close", "fiscal"];

    public static Dictionary<string, string?> Settings => new()
    {
        ["PosBridge:MaxBatchSize"] = MaxBatchSize.ToString(CultureInfo.InvariantCulture),
        ["PosBridge:MaxRequestBytes"] = MaxRequestBytes.ToString(CultureInfo.InvariantCulture),
        ["PosBridge:RequestsPerMinutePerTill"] = "1000000",
        ["PosBridge:PairingAttemptsPerMinute"] = "1000",
        ["PosBridge:Dashboard:Password"] = Dashboard.DashboardClient.PasswordHash,
    };

    public static IEnumerable<BadCase> Cases(string group, CorpusTarget target) => group switch
    {
        "auth" => Auth(),
        "transport" => Transport(),
        "sale-fields" => SaleFields(target),
        "refunds" => Refunds(target),
        "cross-store" => CrossStore(target),
        "receipts" => Receipts(target),
        "catalog" => Catalog(),
        "feeds" => Feeds(),
        "dashboard" => DashboardCases(),
        "pairing" => Pairing(),
        "shift-close" => ShiftClose(target),
        "fiscal" => Fiscal(),
        _ => throw new ArgumentOutOfRangeException(nameof(group), group, null),
    };

    /// <summary>Runs one case and says what is wrong with the answer, or null when it was refused as it must be.</summary>
    public static async Task<string?> RunAsync(BadCase bad, CorpusTarget target)
    {
        var before = target.Dump();
        using var response = await bad.Send(target);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var after = target.Dump();
        var status = (int)response.StatusCode;
        string? problem = null;
        if (status >= 500)
        {
            problem = $"answered {status}";
        }
        else if (bad.PerSale)
        {
            problem = CheckPerSale(bad, status, text);
        }
        else if (status < 400)
        {
            problem = $"answered {status}, not a 4xx: {Cut(text)}";
        }
        else if (status != 404 && status != 405 && !text.Contains("urn:posbridge:problem:", StringComparison.Ordinal) && !text.Contains("\"type\"", StringComparison.Ordinal))
        {
            problem = $"answered {status} without a problem document: {Cut(text)}";
        }
        else if (status != 404 && status != 405 && !Names(text, bad.Names) && !(status == 413 && text.Contains("bytes", StringComparison.Ordinal)))
        {
            problem = $"answered {status} without naming '{bad.Names}': {Cut(text)}";
        }

        problem ??= TypeNames().IsMatch(text) ? $"the answer carries a .NET type name: {Cut(text)}" : null;
        problem ??= before == after ? null : "the database changed: " + FirstDifference(before, after);
        return problem is null ? null : $"[{bad.Group}] {bad.Name}: {problem}";
    }

    private static string? CheckPerSale(BadCase bad, int status, string text)
    {
        if (status >= 400)
        {
            // A batch may be refused whole only for what is wrong with the batch, never for one sale.
            return $"the whole batch was refused ({status}) for one sale: {Cut(text)}";
        }

        var response = JsonSerializer.Deserialize<SalesUploadResponse>(text, Connector.Hosting.TerminalApi.Json)!;
        var first = response.Results[0];
        if (first.Status is not (UploadStatus.Rejected or UploadStatus.Conflict))
        {
            return $"the bad sale was {first.Status}";
        }

        if (response.Results.Skip(1).Any(r => r.Status is not (UploadStatus.Accepted or UploadStatus.Duplicate)))
        {
            return "a good sale after the bad one was not taken";
        }

        return first.Errors!.Any(e => Names(e.Field + " " + e.Message, bad.Names))
            ? null
            : $"no error names '{bad.Names}': {string.Join("; ", first.Errors!.Select(e => e.Field + ": " + e.Message))}";
    }

    private static string FirstDifference(string before, string after)
    {
        var a = before.Split('\n');
        var b = after.Split('\n');
        var table = string.Empty;
        for (var i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            var x = i < a.Length ? a[i] : "(none)";
            var y = i < b.Length ? b[i] : "(none)";
            if (!x.Contains('|', StringComparison.Ordinal))
            {
                table = x;
            }

            if (x != y)
            {
                return $"in {table}: {Cut(x)} → {Cut(y)}";
            }
        }

        return "?";
    }

    private static bool Names(string text, string names) =>
        names.Split('|').Any(n => text.Contains(n, StringComparison.OrdinalIgnoreCase));

    private static string Cut(string text) => text.Length > 300 ? text[..300] + "…" : text;

    [GeneratedRegex(@"System\.[A-Z]|PosBridge\.[A-Z]|Microsoft\.[A-Z]|`1|\bat [A-Z]\w+\.\w+\(|Exception\b")]
    private static partial Regex TypeNames();

    // ---- auth ----
    private static IEnumerable<BadCase> Auth()
    {
        var body = Encoding.UTF8.GetBytes("{\"sales\":[]}");
        foreach (var (path, method) in new[]
        {
            ("/api/v1/sales", HttpMethod.Post), ("/api/v1/status", HttpMethod.Get), ("/api/v1/catalog", HttpMethod.Get), ("/api/v1/shifts/close", HttpMethod.Post), ("/api/v1/receipts", HttpMethod.Post),
            ("/api/v1/fiscal/documents", HttpMethod.Post), ("/api/v1/fiscal/zatca/compliance", HttpMethod.Post), ("/api/v1/fiscal/zatca/production", HttpMethod.Post),
        })
        {
            var m = method;
            var p = path;
            var b = m == HttpMethod.Get ? [] : body;
            yield return new("auth", $"{p} without Authorization", t => t.SignedAsync(m, p, b, tamper: r => r.Headers.Authorization = null), "Authorization");
            yield return new("auth", $"{p} Basic auth", t => t.SignedAsync(m, p, b, tamper: r => r.Headers.Authorization = new AuthenticationHeaderValue("Basic", "dXNlcjpwYXNz")), "Bearer");
            yield return new("auth", $"{p} unknown credential", t => t.SignedAsync(m, p, b, tamper: r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-credential-of-any-till")), "pair");
            yield return new("auth", $"{p} wrong signature", t => t.SignedAsync(m, p, b, tamper: r => { r.Headers.Remove(RequestSignature.SignatureHeader); r.Headers.Add(RequestSignature.SignatureHeader, Convert.ToBase64String(new byte[32])); }), "sign");
            yield return new("auth", $"{p} signature not base64", t => t.SignedAsync(m, p, b, tamper: r => { r.Headers.Remove(RequestSignature.SignatureHeader); r.Headers.Add(RequestSignature.SignatureHeader, "%%%not base64%%%"); }), "sign");
            yield return new("auth", $"{p} no signature", t => t.SignedAsync(m, p, b, tamper: r => r.Headers.Remove(RequestSignature.SignatureHeader)), RequestSignature.SignatureHeader);
            yield return new("auth", $"{p} no nonce", t => t.SignedAsync(m, p, b, tamper: r => r.Headers.Remove(RequestSignature.NonceHeader)), RequestSignature.NonceHeader);
            yield return new("auth", $"{p} short nonce", t => t.SignedAsync(m, p, b, nonce: "abc"), RequestSignature.NonceHeader);
            yield return new("auth", $"{p} huge nonce", t => t.SignedAsync(m, p, b, nonce: new string('n', 65)), RequestSignature.NonceHeader);
            yield return new("auth", $"{p} timestamp text", t => t.SignedAsync(m, p, b, tamper: r => { r.Headers.Remove(RequestSignature.TimestampHeader); r.Headers.Add(RequestSignature.TimestampHeader, "yesterday"); }), RequestSignature.TimestampHeader);
            yield return new("auth", $"{p} timestamp negative", t => t.SignedAsync(m, p, b, tamper: r => { r.Headers.Remove(RequestSignature.TimestampHeader); r.Headers.Add(RequestSignature.TimestampHeader, "-5"); }), RequestSignature.TimestampHeader);
            yield return new("auth", $"{p} timestamp 10 minutes old", t => t.SignedAsync(m, p, b, timestamp: t.Now.AddMinutes(-10).ToUnixTimeSeconds()), "clock");
            yield return new("auth", $"{p} timestamp 10 minutes ahead", t => t.SignedAsync(m, p, b, timestamp: t.Now.AddMinutes(10).ToUnixTimeSeconds()), "clock");
            yield return new("auth", $"{p} timestamp year 9999", t => t.SignedAsync(m, p, b, timestamp: 253_402_300_799), "clock");
            yield return new("auth", $"{p} timestamp beyond any date", t => t.SignedAsync(m, p, b, timestamp: long.MaxValue), "clock");
            yield return new("auth", $"{p} replayed nonce", async t =>
            {
                var nonce = RequestSignature.NewNonce();
                var ts = t.Now.ToUnixTimeSeconds();
                (await t.SignedAsync(HttpMethod.Get, "/api/v1/status", [], timestamp: ts, nonce: nonce)).Dispose();
                return await t.SignedAsync(HttpMethod.Get, "/api/v1/status", [], timestamp: ts, nonce: nonce);
            }, "nonce");
            yield return new("auth", $"{p} signed for another path", t => t.SignedAsync(m, p, b, tamper: r => r.RequestUri = new Uri(p + "?x=1", UriKind.Relative)), "sign");
        }
    }

    // ---- transport ----
    private static IEnumerable<BadCase> Transport()
    {
        var bodies = new (string Name, byte[] Body, string Names)[]
        {
            ("empty body", [], "JSON"),
            ("not JSON", "sales please"u8.ToArray(), "JSON"),
            ("truncated JSON", "{\"sales\":[{\"id\":"u8.ToArray(), "JSON"),
            ("JSON null", "null"u8.ToArray(), "sales"),
            ("a bare array", "[]"u8.ToArray(), "sales"),
            ("an empty object", "{}"u8.ToArray(), "sales"),
            ("sales is an object", "{\"sales\":{}}"u8.ToArray(), "sales"),
            ("sales is a string", "{\"sales\":\"all of them\"}"u8.ToArray(), "sales"),
            ("sales and more", "{\"sales\":[],\"extra\":1}"u8.ToArray(), "sales"),
            ("sales twice", "{\"sales\":[],\"sales\":[]}"u8.ToArray(), "sales"),
            ("invalid UTF-8", [0x7B, 0x22, 0x73, 0xFF, 0xFE, 0x22, 0x3A, 0x5B, 0x5D, 0x7D], "UTF-8"),
            ("UTF-16 body", Encoding.Unicode.GetBytes("{\"sales\":[]}"), "UTF-8|JSON"),
            ("nested 200 deep", Encoding.UTF8.GetBytes("{\"sales\":" + new string('[', 200) + new string(']', 200) + "}"), "JSON|deep"),
            ("trailing garbage", "{\"sales\":[]} and more"u8.ToArray(), "JSON"),
            ("comments", "{/* hi */\"sales\":[]}"u8.ToArray(), "JSON"),
            ("too many sales", Encoding.UTF8.GetBytes("{\"sales\":[" + string.Join(',', Enumerable.Repeat("{}", MaxBatchSize + 1)) + "]}"), "at most"),
            ("over the size limit", Encoding.UTF8.GetBytes("{\"sales\":[\"" + new string('x', (int)MaxRequestBytes) + "\"]}"), "bytes"),
        };
        foreach (var (name, body, names) in bodies)
        {
            yield return new("transport", name, t => t.SignedAsync(HttpMethod.Post, "/api/v1/sales", body), names);
        }

        yield return new("transport", "a sale that is a string with a lone surrogate", t => t.UploadAsync(Batch("\"\\uD800\"", t)), "object", PerSale: true);
        yield return new("transport", "a sale that is a number", t => t.UploadAsync(Batch("42", t)), "object", PerSale: true);
        yield return new("transport", "a sale that is null", t => t.UploadAsync(Batch("null", t)), "null|object", PerSale: true);
        yield return new("transport", "a sale that is an array", t => t.UploadAsync(Batch("[{}]", t)), "object", PerSale: true);
        yield return new("transport", "over the size limit, chunked", t => t.SignedAsync(HttpMethod.Post, "/api/v1/sales", new byte[MaxRequestBytes + 10], tamper: r => r.Content = new ChunkedContent(new byte[MaxRequestBytes + 10])), "bytes");
        yield return new("transport", "form instead of JSON", t => t.SignedAsync(HttpMethod.Post, "/api/v1/sales", "sales=1"u8.ToArray(), contentType: "application/x-www-form-urlencoded"), "JSON|sales");
        yield return new("transport", "shift close over its limit", t => t.SignedAsync(HttpMethod.Post, "/api/v1/shifts/close", new byte[5000]), "bytes");
        yield return new("transport", "pairing over its limit", t => t.PostAsync("/api/v1/pairing", new string(' ', 20_000)), "bytes");
    }

    /// <summary>A body whose length is not announced: sent with Transfer-Encoding: chunked.</summary>
    internal sealed class ChunkedContent(byte[] body) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => stream.WriteAsync(body).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    // ---- every field of the sale document ----
    private static readonly string[] Mutations = ["missing", "null", "string", "number", "true", "empty string", "empty array", "empty object", "negative", "huge", "NaN", "Infinity", "array", "control characters", "very long"];

    private static IEnumerable<BadCase> SaleFields(CorpusTarget target)
    {
        var template = JsonNode.Parse(SaleJson.Serialize(new Sales(TimeProvider.System, "CAI1", "T1").Next()))!;
        foreach (var path in Paths(template))
        {
            foreach (var mutation in Mutations)
            {
                var candidate = Mutate(template, path, mutation, Guid.CreateVersion7(), out var applies);
                if (!applies)
                {
                    continue;
                }

                // Only what the one validator refuses is a bad sale (a missing optional field is a good one).
                var verdict = SaleJson.Parse(candidate);
                if (verdict.IsValid && !path.StartsWith("storeId", StringComparison.Ordinal) && path is not ("tillId" or "currency" or "createdAtUtc"))
                {
                    continue;
                }

                // A well-formed change whose figures no longer add up is refused where they stop adding up.
                var leaf = Leaf(path) + "|" + PathPart().Match(path).Value + "|totals";
                var p = path;
                var m = mutation;
                yield return new("sale-fields", $"{p} {m}", t => t.UploadAsync(Batch(Mutate(Fresh(t, template), p, m, Guid.CreateVersion7(), out _), t)), leaf, PerSale: true);
            }
        }

        // Values of the right type the connector refuses: out of its window, another currency, hostile magnitudes.
        var specials = new (string Path, string Json, string Names)[]
        {
            ("createdAtUtc", "\"2099-01-01T00:00:00Z\"", "createdAtUtc"),
            ("createdAtUtc", "\"1900-01-01T00:00:00Z\"", "createdAtUtc"),
            ("createdAtUtc", "\"0001-01-01T00:00:00Z\"", "createdAtUtc"),
            ("createdAtUtc", "\"9999-12-31T23:59:59Z\"", "createdAtUtc"),
            ("createdAtUtc", "\"2026-11-23\"", "createdAtUtc"),
            ("createdAtUtc", "\"2026-11-23T08:00:00\"", "createdAtUtc"),
            ("createdAtUtc", "\"2026-11-23T08:00:00+02:00\"", "createdAtUtc"),
            ("currency", "\"USD\"", "currency"),
            ("currency", "\"SAR\"", "currency"),
            ("currency", "\"egp\"", "currency"),
            ("lines[0].quantity", "1e28", "quantity"),
            ("lines[0].quantity", "-1e28", "quantity"),
            ("lines[0].quantity", "1e29", "quantity"),
            ("lines[0].quantity", "0.0000000000000000000000000001", "quantity"),
            ("lines[0].unitPrice", "79228162514264337593543950335", "unitPrice"),
            ("lines[0].taxAmounts", "[null]", "taxAmounts"),
            ("totals.taxes", "[null, null]", "totals.taxes"),
            ("payments[0].amount", "1e28", "amount"),
            ("totals.total", "-79228162514264337593543950335", "total"),
            ("lines[0].name", "\"قهوة\\u0000\"", "name"),
            ("lines[0].name", "\"\\u202Eمرتجع\\u0007\"", "name"),
            ("cashier.name", "\"Mona\\u001b[2J\"", "cashier.name"),
            ("note", "\"" + new string('ن', 1001) + "\"", "note"),
            ("storeId", "\"ALX1\"", "storeId|tillId"),
            ("tillId", "\"T7\"", "tillId"),
            ("lines", "[" + string.Join(',', Enumerable.Repeat("null", 1001)) + "]", "lines"),
        };
        foreach (var (path, json, names) in specials)
        {
            var p = path;
            var j = json;
            yield return new("sale-fields", $"{p} = {Cut(j)[..Math.Min(40, j.Length)]}", t => t.UploadAsync(Batch(Set(Fresh(t, template), p, j), t)), names, PerSale: true);
        }

        _ = target;
    }

    /// <summary>The template with a new id, sale number and today's date, so each case is a sale never seen before.</summary>
    private static JsonNode Fresh(CorpusTarget target, JsonNode template)
    {
        var sale = new Sales(new Microsoft.Extensions.Time.Testing.FakeTimeProvider(target.Now), "CAI1", "T1").Next();
        _ = template;
        return JsonNode.Parse(SaleJson.Serialize(sale with { SaleNumber = "CAI1-T1-0009-" + Random.Shared.Next(100_000, 999_999).ToString(CultureInfo.InvariantCulture) }))!;
    }

    /// <summary>The bad sale first, then a good one that must still be taken: one sale never blocks the batch.</summary>
    private static string Batch(string bad, CorpusTarget target)
    {
        var good = new Sales(new Microsoft.Extensions.Time.Testing.FakeTimeProvider(target.Now), "CAI1", "T1").Next() with { SaleNumber = "CAI1-T1-0008-" + Random.Shared.Next(100_000, 999_999).ToString(CultureInfo.InvariantCulture) };
        return "{\"sales\":[" + bad + "," + SaleJson.Serialize(good) + "]}";
    }

    private static string Batch(JsonNode bad, CorpusTarget target) => Batch(bad.ToJsonString(), target);

    private static IEnumerable<string> Paths(JsonNode node, string prefix = "")
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    var path = prefix.Length == 0 ? key : prefix + "." + key;
                    yield return path;
                    if (child is not null)
                    {
                        foreach (var inner in Paths(child, path))
                        {
                            yield return inner;
                        }
                    }
                }

                break;
            case JsonArray array when array.Count > 0 && array[0] is not null:
                yield return prefix + "[0]";
                foreach (var inner in Paths(array[0]!, prefix + "[0]"))
                {
                    yield return inner;
                }

                break;
            default:
                break;
        }
    }

    private static string Leaf(string path)
    {
        var last = path.Split('.')[^1];
        var bracket = last.IndexOf('[', StringComparison.Ordinal);
        return bracket > 0 ? last[..bracket] : last;
    }

    private static string Mutate(JsonNode template, string path, string mutation, Guid id, out bool applies)
    {
        var copy = JsonNode.Parse(template.ToJsonString())!;
        copy["id"] = id.ToString();
        var (parent, key, index) = Locate(copy, path);
        var current = index is { } i ? ((JsonArray)parent)[i] : ((JsonObject)parent)[key!];
        var ok = true;
        JsonNode? No()
        {
            ok = false;
            return null;
        }

        JsonNode? value;
        switch (mutation)
        {
            case "missing":
                applies = true;
                if (index is { } at)
                {
                    ((JsonArray)parent).RemoveAt(at);
                }
                else
                {
                    ((JsonObject)parent).Remove(key!);
                }

                return copy.ToJsonString();
            case "null": value = null; break;
            case "string": value = current is JsonValue v && v.GetValueKind() == JsonValueKind.String ? No() : JsonValue.Create("x"); break;
            case "number": value = current is JsonValue n && n.GetValueKind() == JsonValueKind.Number ? No() : JsonValue.Create(1); break;
            case "true": value = JsonValue.Create(true); break;
            case "empty string": value = JsonValue.Create(string.Empty); break;
            case "empty array": value = new JsonArray(); break;
            case "empty object": value = new JsonObject(); break;
            case "negative": value = current is JsonValue nv && nv.GetValueKind() == JsonValueKind.Number ? JsonValue.Create(-1m * Math.Max(1m, Math.Abs(nv.GetValue<decimal>()))) : No(); break;
            case "huge": value = JsonNode.Parse("1e28"); break;
            case "NaN": value = current is JsonValue nan && nan.GetValueKind() == JsonValueKind.Number ? JsonValue.Create("NaN") : No(); break;
            case "Infinity": value = current is JsonValue inf && inf.GetValueKind() == JsonValueKind.Number ? JsonValue.Create("-Infinity") : No(); break;
            case "array": value = new JsonArray(JsonValue.Create(1)); break;
            case "control characters": value = current is JsonValue cv && cv.GetValueKind() == JsonValueKind.String ? JsonValue.Create("a\u0000b\u001b[31m") : No(); break;
            case "very long": value = current is JsonValue lv && lv.GetValueKind() == JsonValueKind.String ? JsonValue.Create(new string('ع', 5000)) : No(); break;
            default: throw new ArgumentOutOfRangeException(nameof(mutation), mutation, null);
        }

        applies = ok;
        if (!applies)
        {
            return string.Empty;
        }

        if (index is { } j)
        {
            ((JsonArray)parent)[j] = value;
        }
        else
        {
            ((JsonObject)parent)[key!] = value;
        }

        return copy.ToJsonString();
    }

    private static JsonNode Set(JsonNode sale, string path, string json)
    {
        var (parent, key, index) = Locate(sale, path);
        if (index is { } i)
        {
            ((JsonArray)parent)[i] = JsonNode.Parse(json);
        }
        else
        {
            ((JsonObject)parent)[key!] = JsonNode.Parse(json);
        }

        return sale;
    }

    private static (JsonNode Parent, string? Key, int? Index) Locate(JsonNode root, string path)
    {
        var node = root;
        var parts = PathPart().Matches(path).Select(m => m.Value).ToList();
        for (var p = 0; p < parts.Count - 1; p++)
        {
            node = parts[p].StartsWith('[') ? node[int.Parse(parts[p][1..^1], CultureInfo.InvariantCulture)]! : node[parts[p]]!;
        }

        var last = parts[^1];
        return last.StartsWith('[') ? (node, null, int.Parse(last[1..^1], CultureInfo.InvariantCulture)) : (node, last, null);
    }

    [GeneratedRegex(@"\[\d+\]|[^.\[\]]+")]
    private static partial Regex PathPart();

    // ---- refunds ----
    private static IEnumerable<BadCase> Refunds(CorpusTarget target)
    {
        _ = target;
        Sale Refund(CorpusTarget t, decimal quantity, Func<Sale, Sale>? change = null)
        {
            var refund = new Sales(new Microsoft.Extensions.Time.Testing.FakeTimeProvider(t.Now), "CAI1", "T1").RefundOf(t.CairoSale!, quantity);
            return change is null ? refund : change(refund);
        }

        var cases = new (string Name, Func<CorpusTarget, Sale> Make, string Names)[]
        {
            ("more than was sold", t => Refund(t, -3m), "quantity"),
            ("far more than was sold", t => Refund(t, -999_999m), "quantity"),
            ("a positive quantity", t => Refund(t, -1m, r => r with { Lines = [r.Lines[0] with { Quantity = 1m }] }), "quantity"),
            ("an unknown original", t => Refund(t, -1m, r => r with { RefundOf = r.RefundOf! with { SaleId = Guid.CreateVersion7() } }), "refundOf.saleId"),
            ("itself as original", t => Refund(t, -1m, r => r with { RefundOf = r.RefundOf! with { SaleId = r.Id } }), "refundOf.saleId"),
            ("an empty original id", t => Refund(t, -1m, r => r with { RefundOf = r.RefundOf! with { SaleId = Guid.Empty } }), "refundOf.saleId"),
            ("a line the original does not have", t => Refund(t, -1m, r => r with { Lines = [r.Lines[0] with { RefundOfLine = 7 }] }), "refundOfLine"),
            ("another product", t => Refund(t, -1m, r => r with { Lines = [r.Lines[0] with { ProductId = "p-tea" }] }), "productId"),
            ("no line reference", t => Refund(t, -1m, r => r with { Lines = [r.Lines[0] with { RefundOfLine = null }] }), "refundOfLine"),
            ("a blank original number", t => Refund(t, -1m, r => r with { RefundOf = r.RefundOf! with { SaleNumber = " " } }), "refundOf.saleNumber"),
            ("in another currency", t => Refund(t, -1m, r => r with { Currency = "SAR" }), "currency"),
        };
        foreach (var (name, make, names) in cases)
        {
            var m = make;
            yield return new("refunds", name, t => t.UploadAsync(Batch(SaleJson.Serialize(m(t)), t)), names, PerSale: true);
        }
    }

    // ---- cross-store ----
    private static IEnumerable<BadCase> CrossStore(CorpusTarget target)
    {
        _ = target;
        Sales Theirs(CorpusTarget t) => new(new Microsoft.Extensions.Time.Testing.FakeTimeProvider(t.Now), "CAI1", "T1");
        yield return new("cross-store", "refund of another store's sale", t => t.UploadAsync(Batch(SaleJson.Serialize(Theirs(t).RefundOf(t.AlexandriaSale!, -1m)), t)), "refundOf.saleId", PerSale: true);
        yield return new("cross-store", "refund of more than another store's sale had", t => t.UploadAsync(Batch(SaleJson.Serialize(Theirs(t).RefundOf(t.AlexandriaSale!, -9m)), t)), "refundOf.saleId", PerSale: true);
        yield return new("cross-store", "a sale in another store's name", t => t.UploadAsync(Batch(SaleJson.Serialize(new Sales(new Microsoft.Extensions.Time.Testing.FakeTimeProvider(t.Now), "ALX1", "T7").Next()), t)), "storeId", PerSale: true);
        yield return new("cross-store", "a sale of another till of the store", t => t.UploadAsync(Batch(SaleJson.Serialize(new Sales(new Microsoft.Extensions.Time.Testing.FakeTimeProvider(t.Now), "CAI1", "T9").Next()), t)), "tillId", PerSale: true);
        yield return new("cross-store", "another store's sale id again", t => t.UploadAsync(Batch(SaleJson.Serialize(Theirs(t).Next() with { Id = t.AlexandriaSale!.Id }), t)), "id", PerSale: true);
        yield return new("cross-store", "a receipt of another store's sale", t => t.SignedAsync(HttpMethod.Post, "/api/v1/receipts", JsonSerializer.SerializeToUtf8Bytes(ReceiptRequest(t.AlexandriaSale!.Id, t.AlexandriaSale.SaleNumber), Web)), "saleId");
        yield return new("cross-store", "a shift close of another store's till", t => t.SignedAsync(HttpMethod.Post, "/api/v1/shifts/close", JsonSerializer.SerializeToUtf8Bytes(Closing(t) with { StoreId = "ALX1", TillId = "T7" }, Web)), "till");
        yield return new("cross-store", "a shift close of the store's other till", t => t.SignedAsync(HttpMethod.Post, "/api/v1/shifts/close", JsonSerializer.SerializeToUtf8Bytes(Closing(t) with { TillId = "T9" }, Web)), "till");
    }

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private static ReceiptMessageRequest ReceiptRequest(Guid saleId, string saleNumber) => new()
    {
        RequestId = Guid.CreateVersion7(),
        SaleId = saleId,
        SaleNumber = saleNumber,
        Channel = "email",
        To = "mona@example.com",
        Language = "ar",
        StoreName = "القاهرة",
        ReceiptHtml = "<html><body>إيصال</body></html>",
    };

    // ---- receipts ----
    private static IEnumerable<BadCase> Receipts(CorpusTarget target)
    {
        _ = target;
        var template = JsonNode.Parse(JsonSerializer.Serialize(ReceiptRequest(Guid.CreateVersion7(), "CAI1-T1-0001-000001"), Web))!;
        foreach (var c in ObjectCases("receipts", "/api/v1/receipts", template, signed: true))
        {
            yield return c;
        }

        yield return new("receipts", "malformed JSON", t => t.SignedAsync(HttpMethod.Post, "/api/v1/receipts", "{\"requestId\":"u8.ToArray()), "JSON");
        yield return new("receipts", "invalid UTF-8", t => t.SignedAsync(HttpMethod.Post, "/api/v1/receipts", [0x7B, 0xC3, 0x28, 0x7D]), "UTF-8");
        yield return new("receipts", "an sms to an e-mail address", t => t.SignedAsync(HttpMethod.Post, "/api/v1/receipts", JsonSerializer.SerializeToUtf8Bytes(ReceiptRequest(Guid.CreateVersion7(), "N1") with { Channel = "sms" }, Web)), "to|phone|number");
        yield return new("receipts", "a fax", t => t.SignedAsync(HttpMethod.Post, "/api/v1/receipts", JsonSerializer.SerializeToUtf8Bytes(ReceiptRequest(Guid.CreateVersion7(), "N1") with { Channel = "fax" }, Web)), "channel");
    }

    /// <summary>Every field of a request object missing, null, of the wrong type, empty, huge or with control characters.</summary>
    private static IEnumerable<BadCase> ObjectCases(string group, string path, JsonNode template, bool signed)
    {
        foreach (var field in ((JsonObject)template).Select(p => p.Key).ToList())
        {
            foreach (var mutation in new[] { "missing", "null", "string", "number", "true", "empty string", "empty array", "empty object", "negative", "huge", "NaN", "control characters", "very long" })
            {
                var body = Mutate(template, field, mutation, Guid.CreateVersion7(), out var applies);
                if (!applies)
                {
                    continue;
                }

                // The id the mutation writes is not part of these documents.
                var node = JsonNode.Parse(body)!.AsObject();
                node.Remove("id");
                if (node.ContainsKey("requestId") && field != "requestId")
                {
                    node["requestId"] = Guid.CreateVersion7().ToString();
                }

                var text = node.ToJsonString();
                if ((field, mutation) is ("storeName", "missing" or "null" or "empty string") or ("receiptHtml", "very long") or ("cashIn" or "cashOut", "missing")
                    or ("expectedCash" or "cashOut", "negative"))
                {
                    continue; // optional, or a value a real till may send (a drawer short of its float)
                }

                var f = field;
                yield return new(group, $"{f} {mutation}", t => signed
                    ? t.SignedAsync(HttpMethod.Post, path, Encoding.UTF8.GetBytes(Fill(text, t)))
                    : t.PostAsync(path, Fill(text, t)), f);
            }
        }
    }

    /// <summary>Dates in templates follow the target's clock.</summary>
    private static string Fill(string text, CorpusTarget target) => text.Replace("2000-01-01T00:00:00+00:00", target.Now.ToString("O", CultureInfo.InvariantCulture), StringComparison.Ordinal);

    // ---- catalog ----
    private static IEnumerable<BadCase> Catalog()
    {
        foreach (var (query, names) in new[]
        {
            ("cursor=abc", "cursor"), ("cursor=-1", "cursor"), ("cursor=1e3", "cursor"), ("cursor=99999999999999999999999", "cursor"), ("cursor=%00", "cursor"),
            ("cursor=", "cursor"), ("limit=0", "limit"), ("limit=1001", "limit"), ("limit=-5", "limit"), ("limit=ten", "limit"), ("limit=1.5", "limit"),
            ("limit=99999999999999999999", "limit"), ("limit=", "limit"), ("cursor=1&cursor=2", "cursor"), ("limit=%F0%9F%92%A9", "limit"),
        })
        {
            var q = query;
            yield return new("catalog", q, t => t.SignedAsync(HttpMethod.Get, "/api/v1/catalog?" + q, []), names);
        }
    }

    // ---- feeds ----
    private static IEnumerable<BadCase> Feeds()
    {
        foreach (var path in new[] { "/feeds/nope/google.xml", "/feeds/CAI1/google.pdf", "/feeds/" + new string('s', 500) + "/google.tsv", "/feeds/woo-cairo/..%2F..%2Fconnector.db", "/feeds/woo-cairo/google.xml?token=wrong" })
        {
            var p = path;
            yield return new("feeds", p[..Math.Min(p.Length, 60)], t => t.Http.GetAsync(p, TestContext.Current.CancellationToken), "feed|store|token");
        }
    }

    // ---- dashboard ----
    private static IEnumerable<BadCase> DashboardCases()
    {
        foreach (var (name, body) in new[]
        {
            ("wrong password", "{\"name\":\"owner\",\"password\":\"tea\"}"), ("no password", "{}"), ("password null", "{\"name\":\"owner\",\"password\":null}"), ("password a number", "{\"password\":42}"),
            ("not JSON", "password=tea"), ("invalid UTF-8 escape", "{\"password\":\"\\uD800\"}"), ("huge password", "{\"password\":\"" + new string('p', 100_000) + "\"}"), ("an array", "[]"),
        })
        {
            var b = body;
            yield return new("dashboard", "login " + name, t => t.PostAsync("/dashboard/api/login", b), "password|JSON|body");
        }

        foreach (var (name, body) in new[]
        {
            ("no store", "{\"tillId\":\"T5\",\"name\":\"x\"}"), ("store with spaces", "{\"storeId\":\"CAI 1\",\"tillId\":\"T5\",\"name\":\"x\"}"), ("unconfigured store", "{\"storeId\":\"GIZ1\",\"tillId\":\"T5\",\"name\":\"x\"}"),
            ("till too long", "{\"storeId\":\"CAI1\",\"tillId\":\"" + new string('T', 40) + "\",\"name\":\"x\"}"), ("name blank", "{\"storeId\":\"CAI1\",\"tillId\":\"T5\",\"name\":\" \"}"),
            ("name too long", "{\"storeId\":\"CAI1\",\"tillId\":\"T5\",\"name\":\"" + new string('ن', 101) + "\"}"), ("till of another store", "{\"storeId\":\"CAI1\",\"tillId\":\"T7\",\"name\":\"x\"}"),
            ("not JSON", "storeId=CAI1"), ("numbers", "{\"storeId\":1,\"tillId\":2,\"name\":3}"),
        })
        {
            var b = body;
            yield return new("dashboard", "pairing code " + name, async t =>
            {
                var manager = new Dashboard.DashboardClient(t.Http, t.Clock);
                (await manager.LoginAsync()).EnsureSuccessStatusCode();
                return await manager.SendAsync(HttpMethod.Post, "/dashboard/api/pairing-codes", null, r => r.Content = new StringContent(b, Encoding.UTF8, "application/json"));
            }, "store|till|name|JSON|body");
        }

        yield return new("dashboard", "pairing code without signing in", t => t.PostAsync("/dashboard/api/pairing-codes", "{\"storeId\":\"CAI1\",\"tillId\":\"T5\",\"name\":\"x\"}"), "sign");
        yield return new("dashboard", "revoke without the anti-forgery token", async t =>
        {
            var manager = new Dashboard.DashboardClient(t.Http, t.Clock);
            (await manager.LoginAsync()).EnsureSuccessStatusCode();
            manager.Csrf = null;
            return await manager.PostAsync("/dashboard/api/tills/T1/revoke");
        }, "token|forgery|csrf");
    }

    // ---- pairing ----
    private static IEnumerable<BadCase> Pairing()
    {
        var template = JsonNode.Parse("{\"code\":\"ABCDE-FGHJK\",\"deviceName\":\"جهاز المحل\"}")!;
        foreach (var c in ObjectCases("pairing", "/api/v1/pairing", template, signed: false))
        {
            yield return c with { Names = c.Names + "|code" };
        }

        foreach (var (name, body) in new[] { ("not JSON", "code=1"), ("invalid UTF-8", "{\"code\":\"\u00ff\u00fe\"}"), ("an array", "[]"), ("null", "null"), ("unknown field", "{\"code\":\"ABCDE-FGHJK\",\"admin\":true}") })
        {
            var b = body;
            yield return new("pairing", name, t => t.PostAsync("/api/v1/pairing", b), "code|JSON|admin");
        }
    }

    // ---- shift close ----
    private static ShiftClosing Closing(CorpusTarget target) => new()
    {
        StoreId = "CAI1",
        TillId = "T1",
        ShiftId = "0042",
        OpenedAtUtc = target.Now.AddHours(-8),
        ClosedAtUtc = target.Now,
        Currency = "EGP",
        OpeningFloat = 200m,
        ExpectedCash = 1250.50m,
        CountedCash = 1250.50m,
        SaleCount = 31,
    };

    private static IEnumerable<BadCase> ShiftClose(CorpusTarget target)
    {
        _ = target;
        var template = JsonNode.Parse(JsonSerializer.Serialize(new ShiftClosing
        {
            StoreId = "CAI1", TillId = "T1", ShiftId = "0042", OpenedAtUtc = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero), ClosedAtUtc = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero),
            Currency = "EGP", OpeningFloat = 200m, ExpectedCash = 1250.50m, CountedCash = 1250.50m, SaleCount = 31,
        }, Web))!;
        foreach (var c in ObjectCases("shift-close", "/api/v1/shifts/close", template, signed: true))
        {
            yield return c;
        }

        yield return new("shift-close", "currency XXX", t => t.SignedAsync(HttpMethod.Post, "/api/v1/shifts/close", JsonSerializer.SerializeToUtf8Bytes(Closing(t) with { Currency = "XXX" }, Web)), "currency");
        yield return new("shift-close", "currency SAR", t => t.SignedAsync(HttpMethod.Post, "/api/v1/shifts/close", JsonSerializer.SerializeToUtf8Bytes(Closing(t) with { Currency = "SAR" }, Web)), "currency");
        yield return new("shift-close", "closed before opened", t => t.SignedAsync(HttpMethod.Post, "/api/v1/shifts/close", JsonSerializer.SerializeToUtf8Bytes(Closing(t) with { OpenedAtUtc = t.Now.AddHours(1) }, Web)), "closedAtUtc");
        yield return new("shift-close", "malformed JSON", t => t.SignedAsync(HttpMethod.Post, "/api/v1/shifts/close", "{\"storeId\":"u8.ToArray()), "JSON");
    }

    // ---- fiscal documents and ZATCA onboarding ----
    private static string FiscalDocument(CorpusTarget target, string authority = "ETA") => new JsonObject
    {
        ["authority"] = authority,
        ["uuid"] = Guid.CreateVersion7().ToString(),
        ["saleNumber"] = "CAI1-T1-0001-" + Random.Shared.Next(100_000, 999_999).ToString(CultureInfo.InvariantCulture),
        ["counter"] = Random.Shared.Next(1_000, 1_000_000),
        ["hash"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        ["document"] = "{\"header\":{\"receiptNumber\":\"CAI1-T1-0001-000001\"}}",
        ["issuedAt"] = target.Now.ToString("O", CultureInfo.InvariantCulture),
    }.ToJsonString();

    private static Task<HttpResponseMessage> FiscalUploadAsync(CorpusTarget t, string documents) =>
        t.SignedAsync(HttpMethod.Post, "/api/v1/fiscal/documents", Encoding.UTF8.GetBytes("{\"documents\":" + documents + "}"));

    private static IEnumerable<BadCase> Fiscal()
    {
        // Every field of one document: missing, null, of the wrong type, empty, huge, with control characters.
        var template = JsonNode.Parse("{\"authority\":\"ETA\",\"uuid\":\"0193a0c4-0000-7000-8000-000000000001\",\"saleNumber\":\"CAI1-T1-0001-000001\",\"counter\":7,\"hash\":\"aGFzaA==\",\"document\":\"{}\",\"issuedAt\":\"2000-01-01T00:00:00+00:00\"}")!;
        foreach (var field in ((JsonObject)template).Select(p => p.Key).ToList())
        {
            foreach (var mutation in new[] { "missing", "null", "string", "number", "true", "empty string", "empty array", "empty object", "negative", "huge", "NaN", "control characters", "very long" })
            {
                var body = Mutate(template, field, mutation, Guid.CreateVersion7(), out var applies);
                if (!applies || (field, mutation) is ("document", "very long" or "control characters"))
                {
                    continue; // a receipt's JSON or a signed XML may be long and hold line breaks
                }

                var node = JsonNode.Parse(body)!.AsObject();
                node.Remove("id");
                var f = field;
                var m = mutation;
                yield return new("fiscal", $"documents[0].{f} {m}", t =>
                {
                    var fresh = node.DeepClone().AsObject();
                    if (f != "uuid")
                    {
                        fresh["uuid"] = Guid.CreateVersion7().ToString();
                    }

                    if (f != "counter")
                    {
                        fresh["counter"] = Random.Shared.Next(1_000, 1_000_000);
                    }

                    return FiscalUploadAsync(t, "[" + Fill(fresh.ToJsonString(), t) + "]");
                }, f);
            }
        }

        // The bad document beside a good one: nothing of the batch is stored.
        var values = new (string Field, string Json, string Names)[]
        {
            ("authority", "\"zatca\"", "authority"),
            ("authority", "\"IRS\"", "authority"),
            ("counter", "0", "counter"),
            ("counter", "9223372036854775808", "counter"),
            ("counter", "1.5", "counter"),
            ("uuid", "\"00000000-0000-0000-0000-000000000000\"", "uuid"),
            ("uuid", "\"not-a-uuid\"", "uuid"),
            ("issuedAt", "\"2099-01-01T00:00:00Z\"", "issuedAt"),
            ("issuedAt", "\"1900-01-01T00:00:00Z\"", "issuedAt"),
            ("issuedAt", "\"0001-01-01T00:00:00Z\"", "issuedAt"),
            ("issuedAt", "\"9999-12-31T23:59:59Z\"", "issuedAt"),
            ("issuedAt", "\"2026-11-23\"", "issuedAt"),
            ("issuedAt", "\"2026-11-23T08:00:00\"", "issuedAt"),
            ("saleNumber", "\"CAI1-T1\\u0000-0001\"", "saleNumber"),
            ("saleNumber", "\"\\u202E1000-1T-1IAC\"", "saleNumber"),
            ("hash", "\"" + new string('h', 129) + "\"", "hash"),
            ("document", "\"   \"", "document"),
        };
        foreach (var (field, json, names) in values)
        {
            var f = field;
            var j = json;
            yield return new("fiscal", $"documents[0].{f} = {j[..Math.Min(30, j.Length)]}", t =>
            {
                var bad = JsonNode.Parse(FiscalDocument(t))!.AsObject();
                bad[f] = JsonNode.Parse(j);
                return FiscalUploadAsync(t, "[" + FiscalDocument(t) + "," + bad.ToJsonString() + "]");
            }, names);
        }

        foreach (var (name, documents, names) in new[]
        {
            ("documents missing", (string?)null, "documents"),
            ("documents null", "null", "documents"),
            ("documents a string", "\"all\"", "documents"),
            ("documents an object", "{}", "documents"),
            ("a null document", "[null]", "documents[0]"),
            ("a document that is a number", "[42]", "documents[0]"),
            ("a document that is an array", "[[]]", "documents[0]"),
        })
        {
            var d = documents;
            yield return new("fiscal", name, t => d is null
                ? t.SignedAsync(HttpMethod.Post, "/api/v1/fiscal/documents", "{}"u8.ToArray())
                : FiscalUploadAsync(t, d), names);
        }

        yield return new("fiscal", "documents: more than a batch holds", t => FiscalUploadAsync(t, "[" + string.Join(',', Enumerable.Range(0, MaxBatchSize * 5 + 1).Select(_ => FiscalDocument(t))) + "]"), "at most|documents");
        yield return new("fiscal", "documents: the same uuid twice with other content", t =>
        {
            var first = JsonNode.Parse(FiscalDocument(t))!.AsObject();
            var second = JsonNode.Parse(FiscalDocument(t))!.AsObject();
            second["uuid"] = first["uuid"]!.GetValue<string>();
            return FiscalUploadAsync(t, "[" + first.ToJsonString() + "," + second.ToJsonString() + "]");
        }, "uuid");
        yield return new("fiscal", "documents: malformed JSON", t => t.SignedAsync(HttpMethod.Post, "/api/v1/fiscal/documents", "{\"documents\":[{"u8.ToArray()), "JSON");
        yield return new("fiscal", "documents: invalid UTF-8", t => t.SignedAsync(HttpMethod.Post, "/api/v1/fiscal/documents", [0x7B, 0xC3, 0x28, 0x7D]), "UTF-8");
        yield return new("fiscal", "documents: over the size limit, chunked", t => t.SignedAsync(HttpMethod.Post, "/api/v1/fiscal/documents", new byte[MaxRequestBytes + 10], tamper: r => r.Content = new ChunkedContent(new byte[MaxRequestBytes + 10])), "bytes");

        // ZATCA onboarding: the connector in the corpus has no Fiscal:Zatca; nothing may reach ZATCA, nothing is stored.
        foreach (var (name, body, names) in new[]
        {
            ("compliance: csr missing", "{\"otp\":\"123456\"}", "csr"),
            ("compliance: csr null", "{\"csr\":null,\"otp\":\"123456\"}", "csr"),
            ("compliance: csr a number", "{\"csr\":42,\"otp\":\"123456\"}", "csr"),
            ("compliance: csr blank", "{\"csr\":\"  \",\"otp\":\"123456\"}", "csr"),
            ("compliance: csr not a request", "{\"csr\":\"hello\",\"otp\":\"123456\"}", "csr|Fiscal:Zatca"),
            ("compliance: csr huge", "{\"csr\":\"" + new string('A', 100_000) + "\",\"otp\":\"123456\"}", "csr|Fiscal:Zatca"),
            ("compliance: otp missing", "{\"csr\":\"-----BEGIN CERTIFICATE REQUEST-----\"}", "otp"),
            ("compliance: otp letters", "{\"csr\":\"-----BEGIN CERTIFICATE REQUEST-----\",\"otp\":\"abcdef\"}", "otp"),
            ("compliance: otp Arabic-Indic digits", "{\"csr\":\"-----BEGIN CERTIFICATE REQUEST-----\",\"otp\":\"١٢٣٤٥٦\"}", "otp"),
            ("compliance: otp a number", "{\"csr\":\"x\",\"otp\":123456}", "otp"),
            ("compliance: well formed, ZATCA not configured", "{\"csr\":\"-----BEGIN CERTIFICATE REQUEST-----\\nMIIB\\n-----END CERTIFICATE REQUEST-----\",\"otp\":\"123456\"}", "Fiscal:Zatca"),
            ("compliance: an array", "[]", "csr|JSON"),
            ("compliance: malformed JSON", "{\"csr\":", "JSON"),
            ("production: samples missing", "{}", "samples"),
            ("production: samples null", "{\"samples\":null}", "samples"),
            ("production: samples a string", "{\"samples\":\"x\"}", "samples"),
            ("production: a null sample", "{\"samples\":[null]}", "samples"),
            ("production: samples empty", "{\"samples\":[]}", "samples"),
            ("production: a sample without fields", "{\"samples\":[{}]}", "samples|kind"),
            ("production: a sample with null xml", "{\"samples\":[{\"kind\":\"simplified-invoice\",\"uuid\":\"0193a0c4-0000-7000-8000-000000000001\",\"invoiceHash\":\"aA==\",\"xml\":null},{\"kind\":\"simplified-credit-note\",\"uuid\":\"0193a0c4-0000-7000-8000-000000000002\",\"invoiceHash\":\"aA==\",\"xml\":null}]}", "xml|Fiscal:Zatca"),
            ("production: an unknown kind", "{\"samples\":[{\"kind\":\"\\u0000\",\"uuid\":\"0193a0c4-0000-7000-8000-000000000001\",\"invoiceHash\":\"aA==\",\"xml\":\"<x/>\"}]}", "kind|samples"),
            ("production: before compliance, ZATCA not configured", "{\"samples\":[{\"kind\":\"simplified-invoice\",\"uuid\":\"0193a0c4-0000-7000-8000-000000000001\",\"invoiceHash\":\"aA==\",\"xml\":\"<x/>\"},{\"kind\":\"simplified-credit-note\",\"uuid\":\"0193a0c4-0000-7000-8000-000000000002\",\"invoiceHash\":\"aA==\",\"xml\":\"<x/>\"}]}", "Fiscal:Zatca|compliance"),
        })
        {
            var b = body;
            var path = name.StartsWith("compliance", StringComparison.Ordinal) ? "/api/v1/fiscal/zatca/compliance" : "/api/v1/fiscal/zatca/production";
            yield return new("fiscal", name, t => t.SignedAsync(HttpMethod.Post, path, Encoding.UTF8.GetBytes(b)), names);
        }
    }
}
