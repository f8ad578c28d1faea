using Microsoft.Data.Sqlite;
using PosBridge.Connector.Reports;
using PosBridge.Connector.Stores;
using PosBridge.Core.Sales;

namespace PosBridge.Connector.Storage.Sqlite;

/// <summary>
/// The report aggregates: added to in the transaction that stores a sale (<see cref="AddAsync"/>, called by the
/// inbox), so a committed sale is always in them and a refused or rolled-back one never; and rebuilt from the raw
/// sales (<see cref="RebuildAsync"/>) in one transaction, with the same figures (<see cref="SaleFigures"/>).
/// </summary>
/// <remarks>
/// A day and hour are the store's local ones, in its configured time zone; a sale of a store no longer configured
/// keeps the offset its till recorded.
/// </remarks>
internal sealed class SqliteReportAggregates(ConnectorDatabase database, StoreDirectory stores) : IReportAggregates
{
    private const string UpsertHour = """
        INSERT INTO report_hours (store_id, day, hour, currency, sale_count, refund_count, sales, refunds, discounts, untaxed, tax, rounding)
        VALUES ($store, $day, $hour, $currency, $saleCount, $refundCount, $sales, $refunds, $discounts, $untaxed, $tax, $rounding)
        ON CONFLICT (store_id, day, hour, currency) DO UPDATE SET
            sale_count = sale_count + excluded.sale_count, refund_count = refund_count + excluded.refund_count,
            sales = sales + excluded.sales, refunds = refunds + excluded.refunds, discounts = discounts + excluded.discounts,
            untaxed = untaxed + excluded.untaxed, tax = tax + excluded.tax, rounding = rounding + excluded.rounding
        """;

    private const string UpsertProduct = """
        INSERT INTO report_products (store_id, day, currency, product_id, name, quantity, revenue, untaxed)
        VALUES ($store, $day, $currency, $product, $name, $quantity, $revenue, $untaxed)
        ON CONFLICT (store_id, day, currency, product_id) DO UPDATE SET
            name = excluded.name, quantity = quantity + excluded.quantity, revenue = revenue + excluded.revenue, untaxed = untaxed + excluded.untaxed
        """;

    private const string UpsertPayment = """
        INSERT INTO report_payments (store_id, day, currency, kind, method_id, payment_count, amount)
        VALUES ($store, $day, $currency, $kind, $method, $count, $amount)
        ON CONFLICT (store_id, day, currency, kind, method_id) DO UPDATE SET
            payment_count = payment_count + excluded.payment_count, amount = amount + excluded.amount
        """;

    private const string UpsertTill = """
        INSERT INTO report_tills (store_id, day, currency, till_id, cashier_id, cashier_name, sale_count, refund_count, sales, refunds, discounts)
        VALUES ($store, $day, $currency, $till, $cashier, $name, $saleCount, $refundCount, $sales, $refunds, $discounts)
        ON CONFLICT (store_id, day, currency, till_id, cashier_id) DO UPDATE SET
            cashier_name = excluded.cashier_name, sale_count = sale_count + excluded.sale_count, refund_count = refund_count + excluded.refund_count,
            sales = sales + excluded.sales, refunds = refunds + excluded.refunds, discounts = discounts + excluded.discounts
        """;

    private const string UpsertCustomer = """
        INSERT INTO report_customers (store_id, day, currency, customer_id, sale_count, net, points_earned, points_spent)
        VALUES ($store, $day, $currency, $customer, $count, $net, $earned, $spent)
        ON CONFLICT (store_id, day, currency, customer_id) DO UPDATE SET
            sale_count = sale_count + excluded.sale_count, net = net + excluded.net,
            points_earned = points_earned + excluded.points_earned, points_spent = points_spent + excluded.points_spent
        """;

    private const string UpsertLoyalty = """
        INSERT INTO report_loyalty (store_id, day, currency, sale_count, net, points_earned, points_spent)
        VALUES ($store, $day, $currency, $count, $net, $earned, $spent)
        ON CONFLICT (store_id, day, currency) DO UPDATE SET
            sale_count = sale_count + excluded.sale_count, net = net + excluded.net,
            points_earned = points_earned + excluded.points_earned, points_spent = points_spent + excluded.points_spent
        """;

    // A customer's first purchase: an earlier day (a till uploading late) moves it; the same day keeps the one stored first.
    private const string UpsertFirst = """
        INSERT INTO report_customer_first (customer_id, store_id, currency, day) VALUES ($customer, $store, $currency, $day)
        ON CONFLICT (customer_id) DO UPDATE SET store_id = excluded.store_id, currency = excluded.currency, day = excluded.day
        WHERE excluded.day < report_customer_first.day
        """;

    private static readonly string[] Tables = ["report_hours", "report_products", "report_payments", "report_tills", "report_customers", "report_loyalty", "report_customer_first"];

    /// <summary>Adds the stored <paramref name="sales"/> to the aggregates inside the caller's write transaction.</summary>
    public async Task AddAsync(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<Sale> sales, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sales);
        if (sales.Count == 0)
        {
            return;
        }

        var totals = new Accumulator();
        foreach (var sale in sales)
        {
            totals.Add(SaleFigures.Of(sale, ZoneOf(sale)));
        }

        await totals.WriteAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Throws the aggregates away and adds up every stored sale again, in one transaction: readers see the old
    /// figures or the new ones, and no sale can be stored half way through.
    /// </summary>
    public Task<RebuildResult> RebuildAsync(CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            async (connection, transaction) =>
            {
                foreach (var table in Tables)
                {
                    await Sql.ExecuteAsync(connection, transaction, $"DELETE FROM {table}", cancellationToken).ConfigureAwait(false);
                }

                var totals = new Accumulator();
                long count = 0;
                await using (var command = Sql.Command(connection, transaction, "SELECT document FROM sales ORDER BY seq"))
                await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        var sale = SqliteInbox.Read(reader.GetString(0));
                        totals.Add(SaleFigures.Of(sale, ZoneOf(sale)));
                        count++;
                    }
                }

                var rows = await totals.WriteAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                return new RebuildResult(count, rows);
            },
            cancellationToken);

    /// <summary>
    /// Rebuilds when there are sales but no aggregates: a database from before the reports, on its first start
    /// with them. Answers whether it rebuilt.
    /// </summary>
    public async Task<bool> EnsureBuiltAsync(CancellationToken cancellationToken = default)
    {
        var missing = await database.ReadAsync(
            async connection => await Sql.ScalarAsync(connection, null, "SELECT EXISTS (SELECT 1 FROM sales) AND NOT EXISTS (SELECT 1 FROM report_hours)", cancellationToken).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);
        if (Convert.ToInt64(missing, System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            return false;
        }

        await RebuildAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    private TimeZoneInfo ZoneOf(Sale sale) =>
        stores.Find(sale.StoreId)?.TimeZone
        ?? TimeZoneInfo.CreateCustomTimeZone("till-offset " + sale.StoreUtcOffset, sale.StoreUtcOffset, sale.StoreUtcOffset.ToString(), sale.StoreUtcOffset.ToString());

    /// <summary>Figures summed in memory by key, then written with one upsert per key.</summary>
    private sealed class Accumulator
    {
        private readonly Dictionary<(DayKey, int), HourFigures> _hours = [];
        private readonly Dictionary<(DayKey, string), ProductRow> _products = [];
        private readonly Dictionary<(DayKey, string, string), PaymentRow> _payments = [];
        private readonly Dictionary<(DayKey, string, string), TillRow> _tills = [];
        private readonly Dictionary<(DayKey, string), CustomerRow> _customers = [];
        private readonly Dictionary<DayKey, CustomerRow> _loyalty = [];
        private readonly Dictionary<string, DayKey> _firsts = new(StringComparer.Ordinal);

        public void Add(SaleFigures figures)
        {
            var hourKey = (figures.Hour.Key, figures.Hour.Hour);
            _hours[hourKey] = _hours.TryGetValue(hourKey, out var hour) ? hour + figures.Hour.Figures : figures.Hour.Figures;
            foreach (var p in figures.Products)
            {
                // The newest name wins, as the upsert's does: sales are added in the order they were stored.
                _products[(p.Key, p.ProductId)] = _products.TryGetValue((p.Key, p.ProductId), out var was)
                    ? p with { Quantity = was.Quantity + p.Quantity, Revenue = was.Revenue + p.Revenue, Untaxed = was.Untaxed + p.Untaxed }
                    : p;
            }

            foreach (var p in figures.Payments)
            {
                _payments[(p.Key, p.Kind, p.MethodId)] = _payments.TryGetValue((p.Key, p.Kind, p.MethodId), out var was)
                    ? p with { Count = was.Count + p.Count, Amount = was.Amount + p.Amount }
                    : p;
            }

            var t = figures.Till;
            _tills[(t.Key, t.TillId, t.CashierId)] = _tills.TryGetValue((t.Key, t.TillId, t.CashierId), out var till)
                ? t with { Figures = till.Figures + t.Figures }
                : t;
            if (figures.Customer is { } c)
            {
                _customers[(c.Key, c.CustomerId)] = _customers.TryGetValue((c.Key, c.CustomerId), out var was)
                    ? c with { SaleCount = was.SaleCount + c.SaleCount, Net = was.Net + c.Net, PointsEarned = was.PointsEarned + c.PointsEarned, PointsSpent = was.PointsSpent + c.PointsSpent }
                    : c;
                _loyalty[c.Key] = _loyalty.TryGetValue(c.Key, out var day)
                    ? day with { SaleCount = day.SaleCount + c.SaleCount, Net = day.Net + c.Net, PointsEarned = day.PointsEarned + c.PointsEarned, PointsSpent = day.PointsSpent + c.PointsSpent }
                    : c;
                if (!_firsts.TryGetValue(c.CustomerId, out var first) || string.CompareOrdinal(c.Key.Day, first.Day) < 0)
                {
                    _firsts[c.CustomerId] = c.Key;
                }
            }
        }

        public async Task<long> WriteAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
        {
            long rows = 0;
            await using (var command = Prepare(connection, transaction, UpsertHour, "$store", "$day", "$hour", "$currency", "$saleCount", "$refundCount", "$sales", "$refunds", "$discounts", "$untaxed", "$tax", "$rounding"))
            {
                foreach (var ((key, hour), f) in _hours)
                {
                    rows += await RunAsync(command, cancellationToken, key.StoreId, key.Day, hour, key.Currency, f.SaleCount, f.RefundCount, f.Sales, f.Refunds, f.Discounts, f.Untaxed, f.Tax, f.Rounding).ConfigureAwait(false);
                }
            }

            await using (var command = Prepare(connection, transaction, UpsertProduct, "$store", "$day", "$currency", "$product", "$name", "$quantity", "$revenue", "$untaxed"))
            {
                foreach (var p in _products.Values)
                {
                    rows += await RunAsync(command, cancellationToken, p.Key.StoreId, p.Key.Day, p.Key.Currency, p.ProductId, p.Name, p.Quantity, p.Revenue, p.Untaxed).ConfigureAwait(false);
                }
            }

            await using (var command = Prepare(connection, transaction, UpsertPayment, "$store", "$day", "$currency", "$kind", "$method", "$count", "$amount"))
            {
                foreach (var p in _payments.Values)
                {
                    rows += await RunAsync(command, cancellationToken, p.Key.StoreId, p.Key.Day, p.Key.Currency, p.Kind, p.MethodId, p.Count, p.Amount).ConfigureAwait(false);
                }
            }

            await using (var command = Prepare(connection, transaction, UpsertTill, "$store", "$day", "$currency", "$till", "$cashier", "$name", "$saleCount", "$refundCount", "$sales", "$refunds", "$discounts"))
            {
                foreach (var t in _tills.Values)
                {
                    var f = t.Figures;
                    rows += await RunAsync(command, cancellationToken, t.Key.StoreId, t.Key.Day, t.Key.Currency, t.TillId, t.CashierId, t.CashierName, f.SaleCount, f.RefundCount, f.Sales, f.Refunds, f.Discounts).ConfigureAwait(false);
                }
            }

            await using (var command = Prepare(connection, transaction, UpsertCustomer, "$store", "$day", "$currency", "$customer", "$count", "$net", "$earned", "$spent"))
            {
                foreach (var c in _customers.Values)
                {
                    rows += await RunAsync(command, cancellationToken, c.Key.StoreId, c.Key.Day, c.Key.Currency, c.CustomerId, c.SaleCount, c.Net, c.PointsEarned, c.PointsSpent).ConfigureAwait(false);
                }
            }

            await using (var command = Prepare(connection, transaction, UpsertLoyalty, "$store", "$day", "$currency", "$count", "$net", "$earned", "$spent"))
            {
                foreach (var c in _loyalty.Values)
                {
                    rows += await RunAsync(command, cancellationToken, c.Key.StoreId, c.Key.Day, c.Key.Currency, c.SaleCount, c.Net, c.PointsEarned, c.PointsSpent).ConfigureAwait(false);
                }
            }

            await using (var command = Prepare(connection, transaction, UpsertFirst, "$customer", "$store", "$currency", "$day"))
            {
                foreach (var (customer, key) in _firsts)
                {
                    rows += await RunAsync(command, cancellationToken, customer, key.StoreId, key.Currency, key.Day).ConfigureAwait(false);
                }
            }

            return rows;
        }

        private static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] names) =>
            Sql.Command(connection, transaction, sql, [.. names.Select(n => (n, (object?)null))]);

        private static async Task<int> RunAsync(SqliteCommand command, CancellationToken cancellationToken, params object[] values)
        {
            for (var i = 0; i < values.Length; i++)
            {
                command.Parameters[i].Value = values[i];
            }

            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
