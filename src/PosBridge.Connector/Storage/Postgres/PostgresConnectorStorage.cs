namespace PosBridge.Connector.Storage.Postgres;

internal sealed class PostgresConnectorStorage(PostgresDatabase database) : IConnectorStorage
{
    public string Location => database.Location;

    public int SchemaVersion => PostgresMigrations.Latest;

    public Task MigrateAsync(CancellationToken cancellationToken = default) => database.MigrateAsync(cancellationToken);

    public async Task CheckAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await PostgresSql.ScalarAsync(connection, null, "SELECT 1", cancellationToken).ConfigureAwait(false);
    }
}
