using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using PosBridge.Connector.Catalog;
using PosBridge.Connector.Hosting;
using PosBridge.Connector.Ingestion;
using PosBridge.Connector.Reports;
using PosBridge.Connector.Storage.Sqlite;
using PosBridge.Connector.Stores;
using PosBridge.Core.Amounts;
using PosBridge.Core.Catalog;
using PosBridge.Core.Sales;
using PosBridge.Core.Taxes;

namespace PosBridge.Bench.Reports;

/// <summary>
/// The owner's reports on a real history: 12 months × 5 stores × 2,000 sales a day (3.65 million sales) added to the
/// aggregates through the same code the ingestion transaction runs, then each report the page asks for timed against
/// the 200 ms limit. The rebuild from raw sales is timed on a week of the five stores stored through the inbox (the
/// whole year's documents would be several gigabytes), and its rate extrapolated to the year, said as such.
/// </summary>
internal static class ReportsBench
{
    private const int Stores = 5;
    private const int Days = 365;
    private const int SalesPerDay = 2_000;
    private const int RebuildDays = 7;
    private const int Runs = 7;
    private static readonly TimeSpan Limit = TimeSpan.FromMilliseconds(200);

    private static readonly (string Id, string Currency, string Zone)[] StoreSet =
    [
        ("CAI1", "EGP", "Africa/Cairo"), ("CAI2", "EGP", "Africa/Cairo"), ("ALX1", "EGP", "Africa/Cairo"), ("RUH1", "SAR", "Asia/Riyadh"), ("JED1", "SAR", "Asia/Riyadh"),
    ];

    public static async Task RunAsync()
    {
        var directory = Directory.CreateTempSubdirectory("posbridge-bench-reports-").FullName;
        try
        {
            var total = Stopwatch.StartNew();
            await using (var year = await OpenAsync(Path.Combine(directory, "year")))
            {
                var (database, services) = year;
                await SeedCatalogAsync(services);
                var aggregates = services.GetRequiredService<SqliteReportAggregates>();
                var templates = StoreSet.ToDictionary(s => s.Id, s => Templates(s.Id, s.Currency, 400));
                var random = new Random(7);
                var fill = Stopwatch.StartNew();
                var today = DateOnly.FromDateTime(DateTime.UtcNow);
                foreach (var store in StoreSet)
                {
                    var zone = TimeZoneInfo.FindSystemTimeZoneById(store.Zone);
                    for (var d = Days - 1; d >= 0; d--)
                    {
                        var day = Day(store.Id, templates[store.Id], zone, today.AddDays(-d), random);
                        await database.WriteAsync(async (c, t) => { await aggregates.AddAsync(c, t, day); return 0; });
                    }
                }

                fill.Stop();
                var rows = await database.ReadAsync(async c => Convert.ToInt64(await Sql.ScalarAsync(c, null, "SELECT (SELECT COUNT(*) FROM report_hours) + (SELECT COUNT(*) FROM report_products) + (SELECT COUNT(*) FROM report_payments) + (SELECT COUNT(*) FROM report_tills) + (SELECT COUNT(*) FROM report_customers)"), CultureInfo.InvariantCulture));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"aggregates of {Stores} stores x {Days} days x {SalesPerDay:N0} sales ({Stores * Days * SalesPerDay:N0} sales): {rows:N0} rows, added in {fill.Elapsed.TotalSeconds:N1} s ({Stores * Days * SalesPerDay / fill.Elapsed.TotalSeconds:N0} sales/s through SqliteReportAggregates.AddAsync, one transaction per store-day)"));

                var stores = services.GetRequiredService<StoreDirectory>();
                var queries = services.GetRequiredService<IReportQueries>();
                var now = DateTimeOffset.UtcNow;
                var cases = new (string Name, string? Store, string Period, string? From, string? To)[]
                {
                    ("all stores, today", null, "today", null, null),
                    ("all stores, this week", null, "week", null, null),
                    ("all stores, 31 days", null, "range", Text(today.AddDays(-30)), Text(today)),
                    ("all stores, 12 months", null, "range", Text(today.AddDays(-364)), Text(today)),
                    ("one store, 12 months", "CAI1", "range", Text(today.AddDays(-364)), Text(today)),
                    ("one store, today", "RUH1", "today", null, null),
                };
                Console.WriteLine($"{"report (whole page: summary + week earlier, hours, days, products, categories, payments, fees, tills, Z, customers, undelivered)",-60} {"median",9} {"max",9}   limit");
                foreach (var (name, store, period, from, to) in cases)
                {
                    var (request, problem) = ReportRequest.Parse(store, period, from, to, stores, now);
                    if (request is null)
                    {
                        throw new InvalidOperationException(problem);
                    }

                    await queries.RunAsync(request); // warm-up, not timed
                    var times = new List<TimeSpan>();
                    for (var i = 0; i < Runs; i++)
                    {
                        var watch = Stopwatch.StartNew();
                        var report = await queries.RunAsync(request);
                        watch.Stop();
                        times.Add(watch.Elapsed);
                        if (report.Summary.Count == 0)
                        {
                            throw new InvalidOperationException($"{name}: the report is empty.");
                        }
                    }

                    times.Sort();
                    var median = times[times.Count / 2];
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-60} {median.TotalMilliseconds,7:N1}ms {times[^1].TotalMilliseconds,7:N1}ms   {Limit.TotalMilliseconds:N0} ms {(times[^1] <= Limit ? "ok" : "OVER")}"));
                }
            }

            await using (var week = await OpenAsync(Path.Combine(directory, "week")))
            {
                var (database, services) = week;
                var inbox = services.GetRequiredService<IInbox>();
                var templates = StoreSet.ToDictionary(s => s.Id, s => Templates(s.Id, s.Currency, 400));
                var random = new Random(8);
                var today = DateOnly.FromDateTime(DateTime.UtcNow);
                var stored = 0L;
                var ingest = Stopwatch.StartNew();
                foreach (var store in StoreSet)
                {
                    var zone = TimeZoneInfo.FindSystemTimeZoneById(store.Zone);
                    for (var d = RebuildDays - 1; d >= 0; d--)
                    {
                        foreach (var batch in Day(store.Id, templates[store.Id], zone, today.AddDays(-d), random).Chunk(500))
                        {
                            var incoming = batch.Select(s =>
                            {
                                var document = SaleJson.Serialize(s);
                                return new IncomingSale(s, document, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(document))));
                            }).ToList();
                            await inbox.StoreAsync(batch[0].TillId, store.Id, incoming, (_, _) => [], DateTimeOffset.UtcNow);
                            stored += batch.Length;
                        }
                    }
                }

                ingest.Stop();
                var rebuild = Stopwatch.StartNew();
                var result = await services.GetRequiredService<IReportAggregates>().RebuildAsync();
                rebuild.Stop();
                var rate = result.Sales / rebuild.Elapsed.TotalSeconds;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"stored {stored:N0} sales through the inbox with their aggregates in {ingest.Elapsed.TotalSeconds:N1} s ({stored / ingest.Elapsed.TotalSeconds:N0} sales/s, 500 a transaction)"));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rebuild from raw sales ({Stores} stores x {RebuildDays} days, {result.Sales:N0} sales, {result.Rows:N0} rows): {rebuild.Elapsed.TotalSeconds:N1} s, {rate:N0} sales/s; at that rate 12 months ({Stores * Days * SalesPerDay:N0} sales) would take about {Stores * Days * SalesPerDay / rate / 60:N0} min (extrapolated, not run)"));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"whole bench: {total.Elapsed.TotalSeconds:N0} s"));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            // POSBRIDGE_BENCH_KEEP=1 keeps the year's database to look into (its folder is printed).
            if (Environment.GetEnvironmentVariable("POSBRIDGE_BENCH_KEEP") == "1")
            {
                Console.WriteLine($"kept {directory}");
            }
            else
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private sealed class Opened(ConnectorDatabase database, Microsoft.AspNetCore.Builder.WebApplication app) : IAsyncDisposable
    {
        public void Deconstruct(out ConnectorDatabase db, out IServiceProvider services) => (db, services) = (database, app.Services);

        public async ValueTask DisposeAsync() => await app.DisposeAsync();
    }

    private static async Task<Opened> OpenAsync(string directory)
    {
        Directory.CreateDirectory(directory);
        var args = new List<string> { "--PosBridge:DataDirectory", directory, "--Logging:LogLevel:Default", "Warning" };
        foreach (var (id, currency, zone) in StoreSet)
        {
            args.AddRange([$"--PosBridge:Stores:{id}:Currency", currency, $"--PosBridge:Stores:{id}:TimeZone", zone]);
        }

        // The connector's services as it composes them, not started: the bench drives them directly.
        var app = ConnectorApp.Build([.. args]);
        var database = app.Services.GetRequiredService<ConnectorDatabase>();
        await database.MigrateAsync();
        return new Opened(database, app);
    }

    private static async Task SeedCatalogAsync(IServiceProvider services)
    {
        var catalog = services.GetRequiredService<ICatalogSnapshot>();
        await catalog.SaveCategoriesAsync([.. Enumerable.Range(0, 8).Select(i => new Category { Id = $"cat-{i}", Name = $"Category {i}" })]);
        await catalog.SaveProductsAsync(
            [.. Enumerable.Range(0, 100).Select(i => new Product { Id = $"p-{i}", Name = $"Product {i}", CategoryId = $"cat-{i % 8}", Unit = "Units", ListPrice = 10m + i, Currency = "EGP", TaxIds = ["vat"] })],
            []);
    }

    /// <summary>Sales of one store made once (each priced and taxed by the builder); a day's sales are copies at new times.</summary>
    private static List<Sale> Templates(string storeId, string currencyCode, int count)
    {
        var currency = Currency.FromCode(currencyCode);
        var vat = new TaxDefinition { Id = "vat", Name = "VAT", AmountType = TaxAmountType.Percent, Amount = currencyCode == "SAR" ? 15m : 14m, PriceInclude = true };
        var random = new Random(storeId.GetHashCode(StringComparison.Ordinal));
        var templates = new List<Sale>();
        for (var i = 0; i < count; i++)
        {
            var builder = new SaleBuilder(currency, TaxRoundingMethod.RoundPerLine)
            {
                Id = Guid.CreateVersion7(), StoreId = storeId, TillId = "T1", ShiftId = "S", SaleNumber = "N", CreatedAtUtc = DateTimeOffset.UtcNow, StoreUtcOffset = TimeSpan.Zero,
                Cashier = new Cashier { Id = "c1", Name = "Mona" }, OrderDiscountPercent = random.Next(10) == 0 ? 10m : 0m,
            };
            builder.AddTax(vat);
            for (var l = random.Next(1, 5); l > 0; l--)
            {
                var p = random.Next(100);
                builder.AddLine($"p-{p}", $"Product {p}", random.Next(1, 4), 10m + p, ["vat"], random.Next(8) == 0 ? 5m : 0m);
            }

            _ = random.Next(4) switch
            {
                0 => builder.PayCash(Math.Ceiling(builder.Remaining / 50m) * 50m),
                1 => builder.PayRemaining("card", PaymentKind.Card, new CardDetails { Scheme = "visa", Last4 = "4242", AuthorizationCode = "A", ProviderReference = "R" }),
                2 => builder.PayRemaining("wallet", PaymentKind.Wallet, reference: "W"),
                _ => builder.PayRemaining("qr", PaymentKind.Qr, reference: "Q"),
            };
            templates.Add(builder.Build());
        }

        return templates;
    }

    /// <summary>A store's day: 2,000 copies of its templates from 08:00 to 23:00 local, on three tills and six cashiers, a third with a loyalty customer.</summary>
    private static List<Sale> Day(string storeId, List<Sale> templates, TimeZoneInfo zone, DateOnly day, Random random)
    {
        var opens = day.ToDateTime(new TimeOnly(8, 0));
        var sales = new List<Sale>(SalesPerDay);
        for (var i = 0; i < SalesPerDay; i++)
        {
            var local = opens.AddSeconds(54_000.0 * i / SalesPerDay);
            var at = new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
            var template = templates[random.Next(templates.Count)];
            var customer = random.Next(3) == 0 ? $"cust-{random.Next(20_000)}" : null;
            sales.Add(template with
            {
                Id = Guid.CreateVersion7(at),
                TillId = $"{storeId}-T{i % 3}",
                SaleNumber = $"{storeId}-{day:yyyyMMdd}-{i:000000}",
                CreatedAtUtc = at,
                StoreUtcOffset = zone.GetUtcOffset(at),
                Cashier = new Cashier { Id = $"c{i % 6}", Name = $"Cashier {i % 6}" },
                Customer = customer is null ? null : new Customer { Id = customer },
                Loyalty = customer is null ? null : new LoyaltyPoints { ProgramId = "stars", Earned = random.Next(0, 30), Spent = random.Next(5) == 0 ? 20m : 0m },
            });
        }

        return sales;
    }

    private static string Text(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
