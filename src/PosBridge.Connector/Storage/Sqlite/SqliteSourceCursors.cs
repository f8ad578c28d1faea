using PosBridge.Connector.Catalog;

namespace PosBridge.Connector.Storage.Sqlite;

/// <summary>Source cursors in <c>source_cursors</c>, one row per source.</summary>
internal sealed class SqliteSourceCursors(ConnectorDatabase database) : ISourceCursors
{
    public Task<string?> CursorAsync(string source, CancellationToken cancellationToken = default) =>
        database.ReadAsync(
            async connection => (string?)await Sql.ScalarAsync(connection, null, "SELECT cursor FROM source_cursors WHERE source = $source", cancellationToken, ("$source", source)).ConfigureAwait(false),
            cancellationToken);

    public Task SaveAsync(string source, string cursor, DateTimeOffset pulledAt, CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            async (connection, transaction) =>
            {
                await Sql.ExecuteAsync(
                    connection,
                    transaction,
                    "INSERT INTO source_cursors (source, cursor, pulled_at) VALUES ($source, $cursor, $now) ON CONFLICT (source) DO UPDATE SET cursor = excluded.cursor, pulled_at = excluded.pulled_at",
                    cancellationToken,
                    ("$source", source),
                    ("$cursor", cursor),
                    ("$now", Sql.ToUnixMs(pulledAt))).ConfigureAwait(false);
                return 0;
            },
            cancellationToken);
}
