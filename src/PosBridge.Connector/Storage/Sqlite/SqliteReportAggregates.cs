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
    private static readonly string[] Tables = ["report_hours", "report_products", "report_payments", "report_tills", "report_customers", "report_loyalty", "report_customer_first"];

    /// <summary>Adds the stored <paramref name="sales"/> to the aggregates inside the caller's write transaction.</summary>
    public async Task AddAsync(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<Sale> sales, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sales);
        if (sales.Count == 0)
        {
            return;
        }

        var totals = new ReportAccumulator();
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

                var totals = new ReportAccumulator();
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

    private TimeZoneInfo ZoneOf(Sale sale) => ReportAccumulator.ZoneOf(sale, stores);
}
