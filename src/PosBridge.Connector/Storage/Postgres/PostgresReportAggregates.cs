using Npgsql;
using PosBridge.Connector.Reports;
using PosBridge.Connector.Stores;
using PosBridge.Core.Sales;

namespace PosBridge.Connector.Storage.Postgres;

/// <summary>
/// The report aggregates on PostgreSQL: added to in the transaction that stores a sale (<see cref="AddAsync"/>, for the
/// inbox), so a committed sale is always in them and a refused or rolled-back one never; and rebuilt from the raw sales
/// (<see cref="RebuildAsync"/>) in one transaction, with the same figures and SQL as on SQLite (<see cref="ReportAccumulator"/>).
/// Every upsert adds in the statement, so instances storing sales at once lose no figure; a rebuild locks the sales
/// table against new sales while it reads them and rewrites the aggregates, so none is counted twice or missed.
/// </summary>
internal sealed class PostgresReportAggregates(PostgresDatabase database, StoreDirectory stores) : IReportAggregates, IPostgresSaleAdditions
{
    private static readonly string[] Tables = ["report_hours", "report_products", "report_payments", "report_tills", "report_customers", "report_loyalty", "report_customer_first"];

    /// <summary>Adds the stored <paramref name="sales"/> to the aggregates inside the caller's transaction.</summary>
    public async Task AddAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<Sale> sales, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sales);
        if (sales.Count == 0)
        {
            return;
        }

        var totals = new ReportAccumulator();
        foreach (var sale in sales)
        {
            totals.Add(SaleFigures.Of(sale, ReportAccumulator.ZoneOf(sale, stores)));
        }

        await totals.WriteAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
    }

    public Task<RebuildResult> RebuildAsync(CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            async (connection, transaction) =>
            {
                // SHARE mode: sales cannot be stored (by any instance) until the rebuild commits, and reading goes on; the
                // aggregate tables are locked too, so two rebuilds at once run one after the other.
                await PostgresSql.ExecuteAsync(connection, transaction, "LOCK TABLE sales IN SHARE MODE", cancellationToken).ConfigureAwait(false);
                await PostgresSql.ExecuteAsync(connection, transaction, "LOCK TABLE report_hours, report_products, report_payments, report_tills, report_customers, report_loyalty, report_customer_first IN EXCLUSIVE MODE", cancellationToken).ConfigureAwait(false);
                foreach (var table in Tables)
                {
                    await PostgresSql.ExecuteAsync(connection, transaction, $"DELETE FROM {table}", cancellationToken).ConfigureAwait(false);
                }

                var totals = new ReportAccumulator();
                long count = 0;
                await using (var command = PostgresSql.Command(connection, transaction, "SELECT document FROM sales ORDER BY seq"))
                await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        var sale = System.Text.Json.JsonSerializer.Deserialize<Sale>(reader.GetString(0), SaleJson.Options)
                            ?? throw new InvalidOperationException("A stored sale document is null: the database was edited by hand.");
                        totals.Add(SaleFigures.Of(sale, ReportAccumulator.ZoneOf(sale, stores)));
                        count++;
                    }
                }

                var rows = await totals.WriteAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                return new RebuildResult(count, rows);
            },
            cancellationToken);

    public async Task<bool> EnsureBuiltAsync(CancellationToken cancellationToken = default)
    {
        bool missing;
        await using (var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            missing = await PostgresSql.ScalarAsync(connection, null, "SELECT EXISTS (SELECT 1 FROM sales) AND NOT EXISTS (SELECT 1 FROM report_hours)", cancellationToken).ConfigureAwait(false) is true;
        }

        if (!missing)
        {
            return false;
        }

        await RebuildAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }
}
