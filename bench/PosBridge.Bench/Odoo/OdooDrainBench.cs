using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Newtonsoft.Json.Linq;
using PosBridge.Core.Adapters;
using PosBridge.Core.Amounts;
using PosBridge.Core.Sales;
using PosBridge.Core.Taxes;
using PosBridge.Erp.Odoo;
using PosBridge.Erp.Odoo.Emulator;
using PosBridge.Erp.Odoo.Pos;
using PosBridge.Erp.Odoo.Rpc;
using Refit;

namespace PosBridge.Bench.Odoo;

/// <summary>
/// Draining a 2,000-sale backlog of two tills (two sessions, sales interleaved) into Odoo, 100 orders per
/// call: the adapter with every check (look-up before sending, mappings, read-back of state and totals)
/// against, in the same run, the plainest 100-order batch call into one session with no checks. Runs on the emulator, and on a real Odoo when ODOO_URL is set
/// (ODOO_DB, ODOO_USER, ODOO_PASSWORD or ODOO_API_KEY as for the tests). Target: checked ≥ 0.9 × plain.
/// </summary>
internal static class OdooDrainBench
{
    private const int Backlog = 2000;
    private const int Batch = 100;

    public static async Task RunAsync()
    {
        await using (var emulator = await OdooEmulator.StartAsync(17))
        {
            var options = Options(emulator.Url, OdooEmulator.Database, OdooEmulator.Login, OdooEmulator.Password, null);
            await RunAgainstAsync("emulator (Odoo 17)", options, [(1, 1), (2, 1)], [(1, 35m, Tax(1, 14m, false)), (3, 25m, Tax(1, 14m, false)), (4, 10m, Tax(2, 15m, true))], "EGP");
        }

        if (Environment.GetEnvironmentVariable("ODOO_URL") is { Length: > 0 } url)
        {
            var options = Options(new Uri(url), Environment.GetEnvironmentVariable("ODOO_DB") ?? "odoo", Environment.GetEnvironmentVariable("ODOO_USER") ?? "admin", Environment.GetEnvironmentVariable("ODOO_PASSWORD"), Environment.GetEnvironmentVariable("ODOO_API_KEY"));
            await using var client = Client(options);
            var tills = new List<(long Config, long Cash)>();
            foreach (var config in await client.SearchReadAsync("pos.config", OdooValues.Domain(OdooValues.Leaf("name", "=like", "PosBridge Till %")), ["id", "payment_method_ids"], limit: 2, order: "id asc"))
            {
                var methods = await client.SearchReadAsync("pos.payment.method", OdooValues.Domain(OdooValues.Leaf("id", "in", new JArray(OdooValues.Ids(config["payment_method_ids"])))), ["id", "is_cash_count"]);
                tills.Add((config["id"]!.Value<long>(), methods.First(m => OdooValues.Bool(m["is_cash_count"]))["id"]!.Value<long>()));
            }

            var taxes = (await client.SearchReadAsync("account.tax", OdooValues.Domain(OdooValues.Leaf("type_tax_use", "=", "sale"), OdooValues.Leaf("amount_type", "=", "percent")), ["id", "amount", "price_include"])).ToDictionary(t => t["id"]!.Value<long>());
            var products = (await client.SearchReadAsync("product.product", OdooValues.Domain(OdooValues.Leaf("available_in_pos", "=", true), OdooValues.Leaf("lst_price", ">", 0)), ["id", "lst_price", "taxes_id"], limit: 40, order: "id asc"))
                .Where(p => OdooValues.Ids(p["taxes_id"]).Count == 1 && taxes.ContainsKey(OdooValues.Ids(p["taxes_id"])[0]))
                .Take(3)
                .Select(p =>
                {
                    var tax = taxes[OdooValues.Ids(p["taxes_id"])[0]];
                    return (p["id"]!.Value<long>(), Math.Round(p["lst_price"]!.Value<decimal>(), 2), Tax(tax["id"]!.Value<long>(), tax["amount"]!.Value<decimal>(), OdooValues.Bool(tax["price_include"])));
                })
                .ToArray();
            var company = (await client.SearchReadAsync("res.company", [], ["currency_id"], limit: 1))[0];
            await RunAgainstAsync($"real Odoo at {url}", options, [.. tills], products, OdooValues.Ref(company["currency_id"])!.Name);
        }
        else
        {
            Console.WriteLine("ODOO_URL is not set: no real Odoo measured.");
        }
    }

    private static async Task RunAgainstAsync(string target, OdooConnectionOptions options, (long Config, long Cash)[] tills, (long Id, decimal Price, TaxDefinition Tax)[] products, string currency)
    {
        var run = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        await using var client = Client(options);
        var pos = new OdooPosOptions { BatchSize = Batch, Tills = new() { ["B/T"] = tills[0].Config, ["B/U"] = tills[1].Config }, PaymentMethods = new() { ["cash-T"] = tills[0].Cash, ["cash-U"] = tills[1].Cash } };
        var (configId, cash) = tills[0];
        var sink = new OdooSalesSink(client, pos, NullLogger<OdooSalesSink>.Instance);
        var version = await client.GetVersionAsync();
        var uid = await client.GetUserIdAsync();

        // Warm up: log in, open both tills' sessions, and let the server load what it caches.
        await sink.DeliverAsync([.. Sales(run + "-checked", 1, 0, products, currency, "T"), .. Sales(run + "-checked", 1, 0, products, currency, "U")]);

        // The backlog as the connector holds it: both tills' sales interleaved in the order they arrived.
        var checkedSales = Sales(run + "-checked", Backlog / 2, 1, products, currency, "T").Zip(Sales(run + "-checked", Backlog / 2, 1, products, currency, "U")).SelectMany(p => new[] { p.First, p.Second }).ToList();
        var clock = Stopwatch.StartNew();
        foreach (var chunk in checkedSales.Chunk(Batch))
        {
            var results = await sink.DeliverAsync(chunk);
            if (results.Any(r => r.Outcome != DeliveryOutcome.Done))
            {
                throw new InvalidOperationException("Not delivered: " + results.First(r => r.Outcome != DeliveryOutcome.Done).Reason);
            }
        }

        var checkedRate = Backlog / clock.Elapsed.TotalSeconds;

        // The plainest call: the same orders into the same session, one create_from_ui/sync_from_ui per 100, nothing else.
        var session = (await client.SearchReadAsync("pos.session", OdooValues.Domain(OdooValues.Leaf("config_id", "=", configId), OdooValues.Leaf("state", "=", "opened")), ["id"], limit: 1))[0]["id"]!.Value<long>();
        var plainSales = Sales(run + "-plain", Backlog, 1 + Backlog, products, currency, "T");
        var productIds = products.ToDictionary(p => p.Id.ToString(CultureInfo.InvariantCulture), p => p.Id);
        clock.Restart();
        foreach (var chunk in plainSales.Chunk(Batch))
        {
            var orders = new JArray(chunk.Select(s => PosOrderPayload.Build(
                new ResolvedSale(s, session, null, productIds, [.. s.Lines.Select(l => (IReadOnlyList<long>)[long.Parse(l.TaxIds[0], CultureInfo.InvariantCulture)])], [.. s.Payments.Select(_ => cash)], new Dictionary<int, long>()),
                version,
                uid)));
            await client.ExecuteAsync(version.UsesSyncFromUi
                ? new OdooCall("pos.order", "sync_from_ui") { Arguments = new Dictionary<string, JToken?> { ["orders"] = orders }, ByPosition = true }
                : new OdooCall("pos.order", "create_from_ui") { Arguments = new Dictionary<string, JToken?> { ["orders"] = orders, ["draft"] = false }, ByPosition = true });
        }

        var plainRate = Backlog / clock.Elapsed.TotalSeconds;
        await sink.CloseShiftAsync("B", "T", run + "-checked", null);
        await sink.CloseShiftAsync("B", "U", run + "-checked", null);
        Console.WriteLine($"Odoo drain, {target}: {Backlog} sales of 2 tills, {Batch} per call");
        Console.WriteLine($"  with every check (look-up, mapping, read-back): {checkedRate,8:0.0} orders/s");
        Console.WriteLine($"  plainest batch call, no checks:                 {plainRate,8:0.0} orders/s");
        Console.WriteLine($"  ratio: {checkedRate / plainRate:0.00} (target ≥ 0.90)");
    }

    private static List<Sale> Sales(string shift, int count, int first, (long Id, decimal Price, TaxDefinition Tax)[] products, string currency, string till)
    {
        var random = new Random(42 + first);
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        var sales = new List<Sale>(count);
        for (var i = 0; i < count; i++)
        {
            var at = start.AddMilliseconds((first + i) * 10);
            var builder = new SaleBuilder(Currency.FromCode(currency), TaxRoundingMethod.RoundPerLine)
            {
                Id = SaleId.At(at), StoreId = "B", TillId = till, ShiftId = shift, SaleNumber = $"B-{till}-{shift}-{first + i:000000}",
                CreatedAtUtc = at, StoreUtcOffset = TimeSpan.Zero, Cashier = new Cashier { Id = "c", Name = "Bench" },
            };
            foreach (var (id, price, tax) in products)
            {
                builder.AddTax(tax);
                if (random.Next(2) == 0 || id == products[0].Id)
                {
                    builder.AddLine(id.ToString(CultureInfo.InvariantCulture), "P" + id, random.Next(1, 4), price, [tax.Id]);
                }
            }

            builder.PayCash(Math.Ceiling(builder.Remaining) + 5m, "cash-" + till);
            sales.Add(builder.Build());
        }

        return sales;
    }

    private static TaxDefinition Tax(long id, decimal amount, bool included) =>
        new() { Id = id.ToString(CultureInfo.InvariantCulture), Name = $"Tax {id}", AmountType = TaxAmountType.Percent, Amount = amount, PriceInclude = included };

    private static OdooConnectionOptions Options(Uri url, string database, string user, string? password, string? apiKey) => new()
    {
        Url = url, Database = database, User = user, Password = password, ApiKey = apiKey, CallTimeout = TimeSpan.FromMinutes(2), MaxCallsPerSecond = 1000, RetryBaseDelay = TimeSpan.Zero,
    };

    private static OdooClient Client(OdooConnectionOptions options)
    {
        var settings = new RefitSettings(new NewtonsoftContentSerializer(NewtonsoftContentSerializer.DefaultSettings()));
        var http = new HttpClient { BaseAddress = options.Url, Timeout = TimeSpan.FromMinutes(3) };
        return new OdooClient(new JsonRpcTransport(RestService.For<IOdooJsonRpcApi>(http, settings), options, TimeProvider.System), options, TimeProvider.System, NullLogger<OdooClient>.Instance);
    }
}
