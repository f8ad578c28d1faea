using System.Data.Common;
using System.Globalization;
using PosBridge.Connector.Reports;
using PosBridge.Connector.Stores;
using PosBridge.Core.Sales;

namespace PosBridge.Connector.Storage;

/// <summary>
/// Report figures summed in memory by key, then written with one upsert per key that adds to what is stored: the one
/// writer of the report aggregates on every backend (SQLite and PostgreSQL take the same SQL), so a sale adds the same
/// figures wherever it is stored. Each upsert adds in the statement (<c>t.x + excluded.x</c>), so two connector
/// instances storing sales of the same hour at once lose neither's figures.
/// </summary>
internal sealed class ReportAccumulator
{
    private const string UpsertHour = """
        INSERT INTO report_hours (store_id, day, hour, currency, sale_count, refund_count, sales, refunds, discounts, untaxed, tax, rounding)
        VALUES (@store, @day, @hour, @currency, @saleCount, @refundCount, @sales, @refunds, @discounts, @untaxed, @tax, @rounding)
        ON CONFLICT (store_id, day, hour, currency) DO UPDATE SET
            sale_count = report_hours.sale_count + excluded.sale_count, refund_count = report_hours.refund_count + excluded.refund_count,
            sales = report_hours.sales + excluded.sales, refunds = report_hours.refunds + excluded.refunds, discounts = report_hours.discounts + excluded.discounts,
            untaxed = report_hours.untaxed + excluded.untaxed, tax = report_hours.tax + excluded.tax, rounding = report_hours.rounding + excluded.rounding
        """;

    private const string UpsertProduct = """
        INSERT INTO report_products (store_id, day, currency, product_id, name, quantity, revenue, untaxed)
        VALUES (@store, @day, @currency, @product, @name, @quantity, @revenue, @untaxed)
        ON CONFLICT (store_id, day, currency, product_id) DO UPDATE SET
            name = excluded.name, quantity = report_products.quantity + excluded.quantity, revenue = report_products.revenue + excluded.revenue, untaxed = report_products.untaxed + excluded.untaxed
        """;

    private const string UpsertPayment = """
        INSERT INTO report_payments (store_id, day, currency, kind, method_id, payment_count, amount)
        VALUES (@store, @day, @currency, @kind, @method, @count, @amount)
        ON CONFLICT (store_id, day, currency, kind, method_id) DO UPDATE SET
            payment_count = report_payments.payment_count + excluded.payment_count, amount = report_payments.amount + excluded.amount
        """;

    private const string UpsertTill = """
        INSERT INTO report_tills (store_id, day, currency, till_id, cashier_id, cashier_name, sale_count, refund_count, sales, refunds, discounts)
        VALUES (@store, @day, @currency, @till, @cashier, @name, @saleCount, @refundCount, @sales, @refunds, @discounts)
        ON CONFLICT (store_id, day, currency, till_id, cashier_id) DO UPDATE SET
            cashier_name = excluded.cashier_name, sale_count = report_tills.sale_count + excluded.sale_count, refund_count = report_tills.refund_count + excluded.refund_count,
            sales = report_tills.sales + excluded.sales, refunds = report_tills.refunds + excluded.refunds, discounts = report_tills.discounts + excluded.discounts
        """;

    private const string UpsertCustomer = """
        INSERT INTO report_customers (store_id, day, currency, customer_id, sale_count, net, points_earned, points_spent)
        VALUES (@store, @day, @currency, @customer, @count, @net, @earned, @spent)
        ON CONFLICT (store_id, day, currency, customer_id) DO UPDATE SET
            sale_count = report_customers.sale_count + excluded.sale_count, net = report_customers.net + excluded.net,
            points_earned = report_customers.points_earned + excluded.points_earned, points_spent = report_customers.points_spent + excluded.points_spent
        """;

    private const string UpsertLoyalty = """
        INSERT INTO report_loyalty (store_id, day, currency, sale_count, net, points_earned, points_spent)
        VALUES (@store, @day, @currency, @count, @net, @earned, @spent)
        ON CONFLICT (store_id, day, currency) DO UPDATE SET
            sale_count = report_loyalty.sale_count + excluded.sale_count, net = report_loyalty.net + excluded.net,
            points_earned = report_loyalty.points_earned + excluded.points_earned, points_spent = report_loyalty.points_spent + excluded.points_spent
        """;

    // A customer's first purchase: an earlier day (a till uploading late) moves it; the same day keeps the one stored first.
    private const string UpsertFirst = """
        INSERT INTO report_customer_first (customer_id, store_id, currency, day) VALUES (@customer, @store, @currency, @day)
        ON CONFLICT (customer_id) DO UPDATE SET store_id = excluded.store_id, currency = excluded.currency, day = excluded.day
        WHERE excluded.day < report_customer_first.day
        """;

    private readonly Dictionary<(DayKey, int), HourFigures> _hours = [];
    private readonly Dictionary<(DayKey, string), ProductRow> _products = [];
    private readonly Dictionary<(DayKey, string, string), PaymentRow> _payments = [];
    private readonly Dictionary<(DayKey, string, string), TillRow> _tills = [];
    private readonly Dictionary<(DayKey, string), CustomerRow> _customers = [];
    private readonly Dictionary<DayKey, CustomerRow> _loyalty = [];
    private readonly Dictionary<string, DayKey> _firsts = new(StringComparer.Ordinal);

    /// <summary>The store's configured time zone; a sale of a store no longer configured keeps the offset its till recorded.</summary>
    public static TimeZoneInfo ZoneOf(Sale sale, StoreDirectory stores)
    {
        ArgumentNullException.ThrowIfNull(sale);
        ArgumentNullException.ThrowIfNull(stores);
        return stores.Find(sale.StoreId)?.TimeZone
            ?? TimeZoneInfo.CreateCustomTimeZone("till-offset " + sale.StoreUtcOffset, sale.StoreUtcOffset, sale.StoreUtcOffset.ToString(), sale.StoreUtcOffset.ToString());
    }

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

    /// <summary>
    /// Writes the figures, table by table and each table's rows in key order: every writer takes the rows' locks in the
    /// same order, so two instances adding to the same rows at once wait for each other instead of deadlocking.
    /// </summary>
    public async Task<long> WriteAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        long rows = 0;
        await using (var command = Prepare(connection, transaction, UpsertHour, "@store", "@day", "@hour", "@currency", "@saleCount", "@refundCount", "@sales", "@refunds", "@discounts", "@untaxed", "@tax", "@rounding"))
        {
            foreach (var ((key, hour), f) in _hours.OrderBy(h => Key(h.Key.Item1, h.Key.Item2.ToString("D2", CultureInfo.InvariantCulture)), StringComparer.Ordinal))
            {
                rows += await RunAsync(command, cancellationToken, key.StoreId, key.Day, hour, key.Currency, f.SaleCount, f.RefundCount, f.Sales, f.Refunds, f.Discounts, f.Untaxed, f.Tax, f.Rounding).ConfigureAwait(false);
            }
        }

        await using (var command = Prepare(connection, transaction, UpsertProduct, "@store", "@day", "@currency", "@product", "@name", "@quantity", "@revenue", "@untaxed"))
        {
            foreach (var p in _products.Values.OrderBy(p => Key(p.Key, p.ProductId), StringComparer.Ordinal))
            {
                rows += await RunAsync(command, cancellationToken, p.Key.StoreId, p.Key.Day, p.Key.Currency, p.ProductId, p.Name, p.Quantity, p.Revenue, p.Untaxed).ConfigureAwait(false);
            }
        }

        await using (var command = Prepare(connection, transaction, UpsertPayment, "@store", "@day", "@currency", "@kind", "@method", "@count", "@amount"))
        {
            foreach (var p in _payments.Values.OrderBy(p => Key(p.Key, p.Kind, p.MethodId), StringComparer.Ordinal))
            {
                rows += await RunAsync(command, cancellationToken, p.Key.StoreId, p.Key.Day, p.Key.Currency, p.Kind, p.MethodId, p.Count, p.Amount).ConfigureAwait(false);
            }
        }

        await using (var command = Prepare(connection, transaction, UpsertTill, "@store", "@day", "@currency", "@till", "@cashier", "@name", "@saleCount", "@refundCount", "@sales", "@refunds", "@discounts"))
        {
            foreach (var t in _tills.Values.OrderBy(t => Key(t.Key, t.TillId, t.CashierId), StringComparer.Ordinal))
            {
                var f = t.Figures;
                rows += await RunAsync(command, cancellationToken, t.Key.StoreId, t.Key.Day, t.Key.Currency, t.TillId, t.CashierId, t.CashierName, f.SaleCount, f.RefundCount, f.Sales, f.Refunds, f.Discounts).ConfigureAwait(false);
            }
        }

        await using (var command = Prepare(connection, transaction, UpsertCustomer, "@store", "@day", "@currency", "@customer", "@count", "@net", "@earned", "@spent"))
        {
            foreach (var c in _customers.Values.OrderBy(c => Key(c.Key, c.CustomerId), StringComparer.Ordinal))
            {
                rows += await RunAsync(command, cancellationToken, c.Key.StoreId, c.Key.Day, c.Key.Currency, c.CustomerId, c.SaleCount, c.Net, c.PointsEarned, c.PointsSpent).ConfigureAwait(false);
            }
        }

        await using (var command = Prepare(connection, transaction, UpsertLoyalty, "@store", "@day", "@currency", "@count", "@net", "@earned", "@spent"))
        {
            foreach (var c in _loyalty.Values.OrderBy(c => Key(c.Key), StringComparer.Ordinal))
            {
                rows += await RunAsync(command, cancellationToken, c.Key.StoreId, c.Key.Day, c.Key.Currency, c.SaleCount, c.Net, c.PointsEarned, c.PointsSpent).ConfigureAwait(false);
            }
        }

        await using (var command = Prepare(connection, transaction, UpsertFirst, "@customer", "@store", "@currency", "@day"))
        {
            foreach (var (customer, key) in _firsts.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                rows += await RunAsync(command, cancellationToken, customer, key.StoreId, key.Currency, key.Day).ConfigureAwait(false);
            }
        }

        return rows;
    }

    private static string Key(DayKey key, params string[] rest) => string.Join('\u0001', [key.StoreId, key.Day, key.Currency, .. rest]);

    private static DbCommand Prepare(DbConnection connection, DbTransaction transaction, string sql, params string[] names)
    {
        var command = connection.CreateCommand();
#pragma warning disable CA2100 // SQL text is constant in this class; values always go through parameters.
        command.CommandText = sql;
#pragma warning restore CA2100
        command.Transaction = transaction;
        foreach (var name in names)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    private static async Task<int> RunAsync(DbCommand command, CancellationToken cancellationToken, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }

        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
