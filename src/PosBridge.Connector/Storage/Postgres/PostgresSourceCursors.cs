using PosBridge.Connector.Catalog;

namespace PosBridge.Connector.Storage.Postgres;

/// <summary>Source cursors on PostgreSQL (<c>source_cursors</c>), one row per source, each save one upsert.</summary>
internal sealed class PostgresSourceCursors(PostgresDatabase database) : ISourceCursors
{
    public async Task<string?> CursorAsync(string source, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return (string?)await PostgresSql.ScalarAsync(connection, null, "SELECT cursor FROM source_cursors WHERE source = @source", cancellationToken, ("source", source)).ConfigureAwait(false);
    }

    public async Task SaveAsync(string source, string cursor, DateTimeOffset pulledAt, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await PostgresSql.ExecuteAsync(
            connection,
            null,
            "INSERT INTO source_cursors (source, cursor, pulled_at) VALUES (@source, @cursor, @now) ON CONFLICT (source) DO UPDATE SET cursor = excluded.cursor, pulled_at = excluded.pulled_at",
            cancellationToken,
            ("source", source), ("cursor", cursor), ("now", pulledAt.ToUnixTimeMilliseconds())).ConfigureAwait(false);
    }
}
