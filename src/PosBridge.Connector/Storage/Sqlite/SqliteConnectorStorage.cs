namespace PosBridge.Connector.Storage.Sqlite;

internal sealed class SqliteConnectorStorage(ConnectorDatabase database) : IConnectorStorage
{
    public string Location => database.Path;

    public int SchemaVersion => Migrations.Latest;

    public Task MigrateAsync(CancellationToken cancellationToken = default) => database.MigrateAsync(cancellationToken);

    public Task CheckAsync(CancellationToken cancellationToken = default) =>
        database.ReadAsync(async c => await Sql.ScalarAsync(c, null, "SELECT 1", cancellationToken).ConfigureAwait(false), cancellationToken);
}
