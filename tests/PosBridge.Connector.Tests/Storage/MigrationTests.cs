using Microsoft.Data.Sqlite;
using PosBridge.Connector.Storage;
using PosBridge.Connector.Storage.Sqlite;

namespace PosBridge.Connector.Tests.Storage;

public sealed class MigrationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("posbridge-migrate-").FullName;

    [Fact]
    public async Task Migrate_VersionOneDatabase_UpgradesInPlaceKeepingItsSales()
    {
        var path = Path.Combine(_directory, "connector.db");
        await using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await Sql.ExecuteAsync(connection, null, Migrations.Sqlite[0] + "\nPRAGMA user_version = 1;", TestContext.Current.CancellationToken);
            await Sql.ExecuteAsync(connection, null, "INSERT INTO sales (id, store_id, till_id, sale_number, created_at, received_at, currency, total, content_hash, document) VALUES ('a', 'S', 'T', 'N', 1, 1, 'EGP', '1', 'h', '{}')", TestContext.Current.CancellationToken);
        }

        using var database = new ConnectorDatabase(path);
        await database.MigrateAsync(TestContext.Current.CancellationToken);

        var (version, index, sales) = await database.ReadAsync(
            async c => (
                Convert.ToInt32(await Sql.ScalarAsync(c, null, "PRAGMA user_version", TestContext.Current.CancellationToken), System.Globalization.CultureInfo.InvariantCulture),
                await Sql.ScalarAsync(c, null, "SELECT name FROM sqlite_master WHERE name = 'sales_store_time'", TestContext.Current.CancellationToken),
                Convert.ToInt32(await Sql.ScalarAsync(c, null, "SELECT COUNT(*) FROM sales", TestContext.Current.CancellationToken), System.Globalization.CultureInfo.InvariantCulture)),
            TestContext.Current.CancellationToken);
        Assert.Equal(Migrations.Latest, version);
        Assert.Equal("sales_store_time", index);
        Assert.Equal(1, sales);
    }

    [Fact]
    public async Task Migrate_DatabaseFromANewerConnector_IsRefused()
    {
        var path = Path.Combine(_directory, "connector.db");
        await using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await Sql.ExecuteAsync(connection, null, $"PRAGMA user_version = {Migrations.Latest + 1};", TestContext.Current.CancellationToken);
        }

        using var database = new ConnectorDatabase(path);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => database.MigrateAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Upgrade the connector", error.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
