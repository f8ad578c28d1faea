using PosBridge.Connector.Catalog;

namespace PosBridge.Connector.Storage.Sqlite;

/// <summary>
/// The last failure of each catalog source (<c>source_problems</c>), kept until a pull of that source succeeds, so
/// <c>posbridge status</c> and the dashboard (other processes than the one pulling) can say why a store's tills have an
/// old catalog.
/// </summary>
internal sealed class SqliteCatalogPullProblems(ConnectorDatabase database) : ICatalogPullProblems
{
    public Task RecordAsync(string source, string message, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            async (connection, transaction) =>
            {
                await Sql.ExecuteAsync(
                    connection,
                    transaction,
                    "INSERT INTO source_problems (source, failed_at, message) VALUES ($source, $at, $message) ON CONFLICT (source) DO UPDATE SET failed_at = excluded.failed_at, message = excluded.message",
                    cancellationToken,
                    ("$source", source),
                    ("$at", Sql.ToUnixMs(at)),
                    ("$message", message)).ConfigureAwait(false);
                return 0;
            },
            cancellationToken);

    public Task ClearAsync(string source, CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            async (connection, transaction) =>
            {
                await Sql.ExecuteAsync(connection, transaction, "DELETE FROM source_problems WHERE source = $source", cancellationToken, ("$source", source)).ConfigureAwait(false);
                return 0;
            },
            cancellationToken);

    public Task<IReadOnlyList<CatalogPullProblem>> AllAsync(CancellationToken cancellationToken = default) =>
        database.ReadAsync<IReadOnlyList<CatalogPullProblem>>(
            async connection =>
            {
                await using var command = Sql.Command(connection, null, "SELECT source, failed_at, message FROM source_problems ORDER BY source");
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                var problems = new List<CatalogPullProblem>();
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    problems.Add(new CatalogPullProblem(reader.GetString(0), Sql.FromUnixMs(reader.GetInt64(1)), reader.GetString(2)));
                }

                return problems;
            },
            cancellationToken);
}
