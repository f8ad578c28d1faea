using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using PosBridge.Connector.Catalog;
using PosBridge.Connector.Dispatch;
using PosBridge.Connector.Fees;
using PosBridge.Connector.Reports;
using PosBridge.Core.Sync;

namespace PosBridge.Connector.Storage;

/// <summary>
/// What a backend's SQL says differently in the report queries: only how strings are sorted byte by byte (SQLite's
/// <c>COLLATE BINARY</c>, PostgreSQL's <c>COLLATE "C"</c>), so tills are listed in the same order on both. Sums are cast
/// to <c>BIGINT</c> in the shared SQL, which both read back as 64-bit integers (PostgreSQL would otherwise sum to numeric).
/// </summary>
internal sealed record ReportQueryDialect(string OrdinalCollation)
{
    public static readonly ReportQueryDialect Sqlite = new("COLLATE BINARY");

    public static readonly ReportQueryDialect Postgres = new("COLLATE \"C\"");
}

/// <summary>
/// Reads reports from the aggregates (and, for what they do not hold, the Z reports, imported fees and delivery
/// states), one query per store and table over its local days: a year of five stores is a few tens of thousands of
/// rows, never the raw sales. The one copy of the report queries for every backend, as <see cref="ReportAccumulator"/> is
/// of their upserts: each backend opens the connection and its read snapshot, and the same SQL answers on both.
/// </summary>
internal sealed class ReportQuerySql(ReportQueryDialect dialect, ICatalogSnapshot catalog, IProviderFeeStore fees, SalesDispatcher dispatcher, TimeProvider timeProvider)
{
    private static readonly JsonSerializerOptions ShiftJson = new(JsonSerializerDefaults.Web);

    /// <summary>The newest stored sale's sequence number: the page asks for the report again when it changes.</summary>
    public static async Task<long> LastSaleAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken) =>
        Convert.ToInt64(await DbSql.ScalarAsync(connection, transaction, "SELECT COALESCE(MAX(seq), 0) FROM sales", cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);

    /// <summary>The report, every table read in <paramref name="snapshot"/>: the backend's read transaction, so all see the same sales.</summary>
    public async Task<Report> RunAsync(DbConnection connection, DbTransaction snapshot, ReportRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = timeProvider.GetUtcNow();
        var earlier = request.Days.Select(d => d.WeekEarlier()).ToList();
        var lastSale = await LastSaleAsync(connection, snapshot, cancellationToken).ConfigureAwait(false);
        var current = await TotalsAsync(connection, snapshot, request.Days, cancellationToken).ConfigureAwait(false);
        var previous = await TotalsAsync(connection, snapshot, earlier, cancellationToken).ConfigureAwait(false);
        var summary = current.Keys.Union(previous.Keys).Order(StringComparer.Ordinal)
            .Select(c => new SummaryView(c, View(current.GetValueOrDefault(c), c), View(previous.GetValueOrDefault(c), c)))
            .ToList();
        var products = await ProductsAsync(connection, snapshot, request.Days, cancellationToken).ConfigureAwait(false);
        return new Report(
            now,
            request.StoreId,
            request.Period.ToString().ToLowerInvariant(),
            [.. request.Days.Zip(earlier, (d, e) => new ReportStoreDays(d.Store.Id, d.Store.Name, d.Store.Currency.Code, d.Store.Digits, d.Store.TimeZone.Id, d.FromText, d.ToText, e.FromText, e.ToText))],
            lastSale,
            summary,
            await HoursAsync(connection, snapshot, request.Days, cancellationToken).ConfigureAwait(false),
            await DaysAsync(connection, snapshot, request.Days, cancellationToken).ConfigureAwait(false),
            Lists(products),
            await CategoriesAsync(products, cancellationToken).ConfigureAwait(false),
            await PaymentsAsync(connection, snapshot, request.Days, cancellationToken).ConfigureAwait(false),
            await FeesAsync(request.Days, cancellationToken).ConfigureAwait(false),
            await TillsAsync(connection, snapshot, request.Days, cancellationToken).ConfigureAwait(false),
            await ShiftsAsync(connection, snapshot, request.Days, cancellationToken).ConfigureAwait(false),
            await CustomersAsync(connection, snapshot, request.Days, cancellationToken).ConfigureAwait(false),
            await UndeliveredAsync(connection, snapshot, request.Days, cancellationToken).ConfigureAwait(false));
    }

    private static async Task<Dictionary<string, HourFigures>> TotalsAsync(DbConnection connection, DbTransaction snapshot, IReadOnlyList<StoreDays> days, CancellationToken cancellationToken)
    {
        var totals = new Dictionary<string, HourFigures>(StringComparer.Ordinal);
        foreach (var d in days)
        {
            await ForEachAsync(
                connection,
                snapshot,
                """
                SELECT currency, CAST(SUM(sale_count) AS BIGINT), CAST(SUM(refund_count) AS BIGINT), CAST(SUM(sales) AS BIGINT), CAST(SUM(refunds) AS BIGINT), CAST(SUM(discounts) AS BIGINT), CAST(SUM(untaxed) AS BIGINT), CAST(SUM(tax) AS BIGINT), CAST(SUM(rounding) AS BIGINT)
                FROM report_hours WHERE store_id = @store AND day >= @from AND day <= @to GROUP BY currency
                """,
                d,
                r =>
                {
                    var f = new HourFigures(r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(6), r.GetInt64(7), r.GetInt64(8));
                    var currency = r.GetString(0);
                    totals[currency] = totals.TryGetValue(currency, out var was) ? was + f : f;
                },
                cancellationToken).ConfigureAwait(false);
        }

        return totals;
    }

    private static Totals View(HourFigures f, string currency)
    {
        decimal M(long minor) => SaleFigures.FromMinor(minor, currency);
        var net = f.Sales + f.Refunds;
        // The average basket is what a sale (not a refund) brought in, to the currency's minor unit.
        var average = f.SaleCount == 0 ? 0m : decimal.Round(M(f.Sales) / f.SaleCount, Core.Amounts.Currency.TryFromCode(currency, out var c) ? c.MinorUnits : 2, MidpointRounding.AwayFromZero);
        return new Totals(f.SaleCount, f.RefundCount, f.SaleCount + f.RefundCount, M(f.Sales), M(f.Refunds), M(f.Discounts), M(net), M(f.Untaxed), M(f.Tax), M(f.Rounding), average);
    }

    private static async Task<IReadOnlyList<HourView>> HoursAsync(DbConnection connection, DbTransaction snapshot, IReadOnlyList<StoreDays> days, CancellationToken cancellationToken)
    {
        var hours = new Dictionary<(string, int), (long Count, long Net)>();
        foreach (var d in days)
        {
            await ForEachAsync(
                connection,
                snapshot,
                "SELECT currency, CAST(hour AS INTEGER), CAST(SUM(sale_count + refund_count) AS BIGINT), CAST(SUM(sales + refunds) AS BIGINT) FROM report_hours WHERE store_id = @store AND day >= @from AND day <= @to GROUP BY currency, hour",
                d,
                r =>
                {
                    var key = (r.GetString(0), r.GetInt32(1));
                    var was = hours.GetValueOrDefault(key);
                    hours[key] = (was.Count + r.GetInt64(2), was.Net + r.GetInt64(3));
                },
                cancellationToken).ConfigureAwait(false);
        }

        return [.. hours.OrderBy(h => h.Key.Item1, StringComparer.Ordinal).ThenBy(h => h.Key.Item2).Select(h => new HourView(h.Key.Item1, h.Key.Item2, h.Value.Count, SaleFigures.FromMinor(h.Value.Net, h.Key.Item1)))];
    }

    private static async Task<IReadOnlyList<DayView>> DaysAsync(DbConnection connection, DbTransaction snapshot, IReadOnlyList<StoreDays> days, CancellationToken cancellationToken)
    {
        var byDay = new Dictionary<(string, string), (long Count, long Net)>();
        foreach (var d in days)
        {
            await ForEachAsync(
                connection,
                snapshot,
                "SELECT currency, day, CAST(SUM(sale_count + refund_count) AS BIGINT), CAST(SUM(sales + refunds) AS BIGINT) FROM report_hours WHERE store_id = @store AND day >= @from AND day <= @to GROUP BY currency, day",
                d,
                r =>
                {
                    var key = (r.GetString(0), r.GetString(1));
                    var was = byDay.GetValueOrDefault(key);
                    byDay[key] = (was.Count + r.GetInt64(2), was.Net + r.GetInt64(3));
                },
                cancellationToken).ConfigureAwait(false);
        }

        return [.. byDay.OrderBy(h => h.Key.Item1, StringComparer.Ordinal).ThenBy(h => h.Key.Item2, StringComparer.Ordinal).Select(h => new DayView(h.Key.Item1, h.Key.Item2, h.Value.Count, SaleFigures.FromMinor(h.Value.Net, h.Key.Item1)))];
    }

    private static async Task<List<ProductView>> ProductsAsync(DbConnection connection, DbTransaction snapshot, IReadOnlyList<StoreDays> days, CancellationToken cancellationToken)
    {
        var products = new Dictionary<(string Currency, string Id), (string Name, long Quantity, long Revenue, long Untaxed)>();
        foreach (var d in days)
        {
            await ForEachAsync(
                connection,
                snapshot,
                "SELECT currency, product_id, MAX(name), CAST(SUM(quantity) AS BIGINT), CAST(SUM(revenue) AS BIGINT), CAST(SUM(untaxed) AS BIGINT) FROM report_products WHERE store_id = @store AND day >= @from AND day <= @to GROUP BY currency, product_id",
                d,
                r =>
                {
                    var key = (r.GetString(0), r.GetString(1));
                    var was = products.GetValueOrDefault(key);
                    products[key] = (r.GetString(2), was.Quantity + r.GetInt64(3), was.Revenue + r.GetInt64(4), was.Untaxed + r.GetInt64(5));
                },
                cancellationToken).ConfigureAwait(false);
        }

        return [.. products.Select(p => new ProductView(p.Key.Currency, p.Key.Id, p.Value.Name, SaleFigures.FromMillionths(p.Value.Quantity), SaleFigures.FromMinor(p.Value.Revenue, p.Key.Currency), SaleFigures.FromMinor(p.Value.Untaxed, p.Key.Currency)))];
    }

    /// <summary>Top and bottom of each currency's products; ties go by product id, so the lists are the same every time.</summary>
    private static ProductsView Lists(List<ProductView> products)
    {
        List<ProductView> Take(Func<IEnumerable<ProductView>, IOrderedEnumerable<ProductView>> order) =>
            [.. products.GroupBy(p => p.Currency, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
                .SelectMany(g => order(g).ThenBy(p => p.ProductId, StringComparer.Ordinal).Take(IReportQueries.ProductListSize))];
        return new ProductsView(
            Take(g => g.OrderByDescending(p => p.Quantity)),
            Take(g => g.OrderBy(p => p.Quantity)),
            Take(g => g.OrderByDescending(p => p.Revenue)),
            Take(g => g.OrderBy(p => p.Revenue)));
    }

    private async Task<IReadOnlyList<CategoryView>> CategoriesAsync(List<ProductView> products, CancellationToken cancellationToken)
    {
        var categoryOf = (await catalog.ProductsAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(p => p.Id, p => p.CategoryId, StringComparer.Ordinal);
        var names = (await catalog.CategoriesAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(c => c.Id, c => c.Name, StringComparer.Ordinal);
        return [.. products
            .GroupBy(p => (p.Currency, Category: categoryOf.GetValueOrDefault(p.ProductId) ?? string.Empty))
            .Select(g => new CategoryView(g.Key.Currency, g.Key.Category, names.GetValueOrDefault(g.Key.Category) ?? g.Key.Category, g.Sum(p => p.Quantity), g.Sum(p => p.Revenue)))
            .OrderBy(c => c.Currency, StringComparer.Ordinal).ThenByDescending(c => c.Revenue).ThenBy(c => c.CategoryId, StringComparer.Ordinal)];
    }

    private static async Task<IReadOnlyList<PaymentView>> PaymentsAsync(DbConnection connection, DbTransaction snapshot, IReadOnlyList<StoreDays> days, CancellationToken cancellationToken)
    {
        var payments = new Dictionary<(string Currency, string Kind, string Method), (long Count, long Amount)>();
        foreach (var d in days)
        {
            await ForEachAsync(
                connection,
                snapshot,
                "SELECT currency, kind, method_id, CAST(SUM(payment_count) AS BIGINT), CAST(SUM(amount) AS BIGINT) FROM report_payments WHERE store_id = @store AND day >= @from AND day <= @to GROUP BY currency, kind, method_id",
                d,
                r =>
                {
                    var key = (r.GetString(0), r.GetString(1), r.GetString(2));
                    var was = payments.GetValueOrDefault(key);
                    payments[key] = (was.Count + r.GetInt64(3), was.Amount + r.GetInt64(4));
                },
                cancellationToken).ConfigureAwait(false);
        }

        return [.. payments.OrderBy(p => p.Key.Currency, StringComparer.Ordinal).ThenByDescending(p => p.Value.Amount).ThenBy(p => p.Key.Method, StringComparer.Ordinal)
            .Select(p => new PaymentView(p.Key.Currency, p.Key.Kind, p.Key.Method, p.Value.Count, SaleFigures.FromMinor(p.Value.Amount, p.Key.Currency)))];
    }

    private async Task<IReadOnlyList<FeeView>> FeesAsync(IReadOnlyList<StoreDays> days, CancellationToken cancellationToken)
    {
        var views = new List<FeeView>();
        foreach (var d in days)
        {
            var (fromUtc, toUtc) = d.Instants();
            var stored = await fees.ForStoreAsync(d.Store.Id, fromUtc, toUtc, cancellationToken).ConfigureAwait(false);
            views.AddRange(stored
                .GroupBy(f => (Currency: f.Fee.Currency ?? d.Store.Currency.Code, f.Fee.MethodId))
                .OrderBy(g => g.Key.Currency, StringComparer.Ordinal).ThenBy(g => g.Key.MethodId, StringComparer.Ordinal)
                .Select(g => new FeeView(d.Store.Id, g.Key.Currency, g.Key.MethodId, g.Count(), g.Sum(f => f.Fee.Amount))));
        }

        return views;
    }

    private async Task<IReadOnlyList<TillView>> TillsAsync(DbConnection connection, DbTransaction snapshot, IReadOnlyList<StoreDays> days, CancellationToken cancellationToken)
    {
        var tills = new List<TillView>();
        foreach (var d in days)
        {
            await ForEachAsync(
                connection,
                snapshot,
                $"""
                SELECT currency, till_id, cashier_id, MAX(cashier_name), CAST(SUM(sale_count) AS BIGINT), CAST(SUM(refund_count) AS BIGINT), CAST(SUM(sales) AS BIGINT), CAST(SUM(refunds) AS BIGINT), CAST(SUM(discounts) AS BIGINT)
                FROM report_tills WHERE store_id = @store AND day >= @from AND day <= @to
                GROUP BY currency, till_id, cashier_id ORDER BY till_id {dialect.OrdinalCollation}, cashier_id {dialect.OrdinalCollation}
                """,
                d,
                r =>
                {
                    var currency = r.GetString(0);
                    decimal M(int i) => SaleFigures.FromMinor(r.GetInt64(i), currency);
                    tills.Add(new TillView(d.Store.Id, currency, r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4), r.GetInt64(5), M(6), M(7), M(8), M(6) + M(7)));
                },
                cancellationToken).ConfigureAwait(false);
        }

        return tills;
    }

    private static async Task<IReadOnlyList<ShiftView>> ShiftsAsync(DbConnection connection, DbTransaction snapshot, IReadOnlyList<StoreDays> days, CancellationToken cancellationToken)
    {
        var shifts = new List<ShiftView>();
        foreach (var d in days)
        {
            var (fromUtc, toUtc) = d.Instants();
            // A Z report arrives after its shift closed, so one closed in the period was received after its start.
            await using var command = DbSql.Command(connection, snapshot, "SELECT document FROM shift_closings WHERE store_id = @store AND received_at >= @from", ("@store", d.Store.Id), ("@from", fromUtc.ToUnixTimeMilliseconds()));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var z = JsonSerializer.Deserialize<ShiftClosing>(reader.GetString(0), ShiftJson)!;
                if (z.ClosedAtUtc >= fromUtc && z.ClosedAtUtc < toUtc)
                {
                    shifts.Add(new ShiftView(z.StoreId, z.TillId, z.ShiftId, z.ClosedAtUtc, z.Currency, z.SaleCount, z.ExpectedCash - z.OpeningFloat - z.CashIn - z.CashOut, z.ExpectedCash, z.CountedCash, z.CountedCash - z.ExpectedCash));
                }
            }
        }

        return [.. shifts.OrderBy(s => s.StoreId, StringComparer.Ordinal).ThenBy(s => s.ClosedAt).ThenBy(s => s.TillId, StringComparer.Ordinal)];
    }

    private static async Task<IReadOnlyList<CustomersView>> CustomersAsync(DbConnection connection, DbTransaction snapshot, IReadOnlyList<StoreDays> days, CancellationToken cancellationToken)
    {
        var totals = new Dictionary<string, (long Count, long Net, long Earned, long Spent, long New)>(StringComparer.Ordinal);
        foreach (var d in days)
        {
            await ForEachAsync(
                connection,
                snapshot,
                "SELECT currency, CAST(SUM(sale_count) AS BIGINT), CAST(SUM(net) AS BIGINT), CAST(SUM(points_earned) AS BIGINT), CAST(SUM(points_spent) AS BIGINT) FROM report_loyalty WHERE store_id = @store AND day >= @from AND day <= @to GROUP BY currency",
                d,
                r =>
                {
                    var was = totals.GetValueOrDefault(r.GetString(0));
                    totals[r.GetString(0)] = (was.Count + r.GetInt64(1), was.Net + r.GetInt64(2), was.Earned + r.GetInt64(3), was.Spent + r.GetInt64(4), was.New);
                },
                cancellationToken).ConfigureAwait(false);

            // New: the customer's first purchase anywhere in the chain was at this store in the period.
            await ForEachAsync(
                connection,
                snapshot,
                "SELECT currency, COUNT(*) FROM report_customer_first WHERE store_id = @store AND day >= @from AND day <= @to GROUP BY currency",
                d,
                r =>
                {
                    var was = totals.GetValueOrDefault(r.GetString(0));
                    totals[r.GetString(0)] = was with { New = was.New + r.GetInt64(1) };
                },
                cancellationToken).ConfigureAwait(false);
        }

        // Returning customers are counted one by one (a customer who came on five days is one customer), which reads a
        // row per customer and day: done for periods up to IReportQueries.ReturningDays long, so every report stays fast.
        Dictionary<string, HashSet<string>>? seen = null;
        if (days.All(d => d.To.DayNumber - d.From.DayNumber < IReportQueries.ReturningDays))
        {
            var found = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
            seen = found;
            foreach (var d in days)
            {
                await ForEachAsync(
                    connection,
                    snapshot,
                    "SELECT DISTINCT currency, customer_id FROM report_customers WHERE store_id = @store AND day >= @from AND day <= @to",
                    d,
                    r =>
                    {
                        if (!found.TryGetValue(r.GetString(0), out var ids))
                        {
                            found[r.GetString(0)] = ids = new HashSet<string>(StringComparer.Ordinal);
                        }

                        ids.Add(r.GetString(1));
                    },
                    cancellationToken).ConfigureAwait(false);
            }
        }

        // Every new customer bought in the period (their first purchase), so the rest of those who bought are returning.
        return [.. totals.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => new CustomersView(
            t.Key,
            t.Value.New,
            seen is null ? null : (seen.TryGetValue(t.Key, out var ids) ? ids.Count : 0) - t.Value.New,
            t.Value.Count,
            SaleFigures.FromMinor(t.Value.Net, t.Key),
            SaleFigures.FromMillionths(t.Value.Earned),
            SaleFigures.FromMillionths(t.Value.Spent)))];
    }

    private async Task<IReadOnlyList<UndeliveredView>> UndeliveredAsync(DbConnection connection, DbTransaction snapshot, IReadOnlyList<StoreDays> days, CancellationToken cancellationToken)
    {
        var storeIds = days.Select(d => d.Store.Id).ToHashSet(StringComparer.Ordinal);
        var views = new List<UndeliveredView>();
        foreach (var adapter in dispatcher.EnabledAdapters.Order(StringComparer.Ordinal))
        {
            var cursor = Convert.ToInt64(await DbSql.ScalarAsync(connection, snapshot, "SELECT COALESCE(MAX(last_seq), 0) FROM adapter_cursors WHERE adapter = @adapter", cancellationToken, ("@adapter", adapter)).ConfigureAwait(false), CultureInfo.InvariantCulture);
            var totals = new Dictionary<(string Store, string Currency), (long Count, decimal Amount, long Dead)>();
            await using var command = DbSql.Command(
                connection,
                snapshot,
                """
                SELECT s.store_id, s.currency, s.total, CAST(0 AS BIGINT) FROM sales s LEFT JOIN deliveries d ON d.adapter = @adapter AND d.sale_seq = s.seq
                WHERE s.seq > @cursor AND (d.state IS NULL OR d.state = 'retry')
                UNION ALL
                SELECT s.store_id, s.currency, s.total, CAST(1 AS BIGINT) FROM deliveries d JOIN sales s ON s.seq = d.sale_seq
                WHERE d.adapter = @adapter AND d.state = 'dead'
                """,
                ("@adapter", adapter), ("@cursor", cursor));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!storeIds.Contains(reader.GetString(0)))
                {
                    continue;
                }

                var key = (reader.GetString(0), reader.GetString(1));
                var was = totals.GetValueOrDefault(key);
                // Totals are stored as the decimal text of the document: summed as decimals, never as floating point.
                totals[key] = (was.Count + 1, was.Amount + decimal.Parse(reader.GetString(2), CultureInfo.InvariantCulture), was.Dead + reader.GetInt64(3));
            }

            views.AddRange(totals.OrderBy(t => t.Key.Store, StringComparer.Ordinal).ThenBy(t => t.Key.Currency, StringComparer.Ordinal)
                .Select(t => new UndeliveredView(adapter, t.Key.Store, t.Key.Currency, t.Value.Count, t.Value.Amount, t.Value.Dead)));
        }

        return views;
    }

    private static async Task ForEachAsync(DbConnection connection, DbTransaction snapshot, string sql, StoreDays days, Action<DbDataReader> row, CancellationToken cancellationToken)
    {
        await using var command = DbSql.Command(connection, snapshot, sql, ("@store", days.Store.Id), ("@from", days.FromText), ("@to", days.ToText));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            row(reader);
        }
    }
}
