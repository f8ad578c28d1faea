using PosBridge.Connector.Catalog;

namespace PosBridge.Connector.Storage.Postgres;

/// <summary>
/// The last failure of each catalog source on PostgreSQL (<c>source_problems</c>), kept until a pull of that source
/// succeeds, so every instance (and <c>posbridge status</c>) can say why a store's tills have an old catalog.
/// </summary>
internal sealed class PostgresCatalogPullProblems(PostgresDatabase database) : ICatalogPullProblems
{
    public async Task RecordAsync(string source, string message, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await PostgresSql.ExecuteAsync(
            connection,
            null,
            "INSERT INTO source_problems (source, failed_at, message) VALUES (@source, @at, @message) ON CONFLICT (source) DO UPDATE SET failed_at = excluded.failed_at, message = excluded.message",
            cancellationToken,
            ("source", source), ("at", at.ToUnixTimeMilliseconds()), ("message", message)).ConfigureAwait(false);
    }

    public async Task ClearAsync(string source, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await PostgresSql.ExecuteAsync(connection, null, "DELETE FROM source_problems WHERE source = @source", cancellationToken, ("source", source)).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<CatalogPullProblem>> AllAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = PostgresSql.Command(connection, null, "SELECT source, failed_at, message FROM source_problems ORDER BY source COLLATE \"C\"");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var problems = new List<CatalogPullProblem>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            problems.Add(new CatalogPullProblem(reader.GetString(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)), reader.GetString(2)));
        }

        return problems;
    }
}
