using System.Globalization;
using PosBridge.Connector.Dashboard;

namespace PosBridge.Connector.Storage.Sqlite;

/// <summary>
/// The few read-only figures only the dashboard shows, read from the existing tables: sales delivered and the
/// next retry per adapter, and each till's last upload. Backlog, dead letters and tills come from the same
/// stores the command line reads.
/// </summary>
internal sealed class SqliteDashboardQueries(ConnectorDatabase database) : IDashboardQueries
{
    public Task<IReadOnlyDictionary<string, AdapterTotals>> AdapterTotalsAsync(CancellationToken cancellationToken = default) =>
        database.ReadAsync<IReadOnlyDictionary<string, AdapterTotals>>(
            async connection =>
            {
                await using var command = Sql.Command(
                    connection,
                    null,
                    """
                    SELECT adapter,
                           SUM(CASE WHEN state IN ('done', 'duplicate') THEN 1 ELSE 0 END),
                           MIN(CASE WHEN state = 'retry' THEN next_attempt_at END)
                    FROM deliveries GROUP BY adapter
                    """);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                var totals = new Dictionary<string, AdapterTotals>(StringComparer.Ordinal);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    totals[reader.GetString(0)] = new AdapterTotals(Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture), Sql.FromUnixMs(reader.GetValue(2)));
                }

                return totals;
            },
            cancellationToken);

    public Task<IReadOnlyDictionary<string, DateTimeOffset>> LastUploadsAsync(CancellationToken cancellationToken = default) =>
        database.ReadAsync<IReadOnlyDictionary<string, DateTimeOffset>>(
            async connection =>
            {
                await using var command = Sql.Command(connection, null, "SELECT till_id, MAX(received_at) FROM sales GROUP BY till_id");
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                var uploads = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    uploads[reader.GetString(0)] = Sql.FromUnixMs(reader.GetInt64(1));
                }

                return uploads;
            },
            cancellationToken);
}
