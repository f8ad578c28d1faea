using PosBridge.Connector.Dashboard;

namespace PosBridge.Connector.Storage.Postgres;

/// <summary>
/// The few read-only figures only the dashboard shows, read from the existing tables: sales delivered and the next
/// retry per adapter, and each till's last upload. Backlog, dead letters and tills come from the same stores the
/// command line reads.
/// </summary>
internal sealed class PostgresDashboardQueries(PostgresDatabase database) : IDashboardQueries
{
    public async Task<IReadOnlyDictionary<string, AdapterTotals>> AdapterTotalsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = PostgresSql.Command(
            connection,
            null,
            """
            SELECT adapter, count(*) FILTER (WHERE state IN ('done', 'duplicate')), MIN(next_attempt_at) FILTER (WHERE state = 'retry')
            FROM deliveries GROUP BY adapter
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var totals = new Dictionary<string, AdapterTotals>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            totals[reader.GetString(0)] = new AdapterTotals(reader.GetInt64(1), reader.IsDBNull(2) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)));
        }

        return totals;
    }

    public async Task<IReadOnlyDictionary<string, DateTimeOffset>> LastUploadsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = PostgresSql.Command(connection, null, "SELECT till_id, MAX(received_at) FROM sales GROUP BY till_id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var uploads = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            uploads[reader.GetString(0)] = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1));
        }

        return uploads;
    }
}
