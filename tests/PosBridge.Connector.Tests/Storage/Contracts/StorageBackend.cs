using Npgsql;
using PosBridge.Connector.Storage.Sqlite;

namespace PosBridge.Connector.Tests.Storage.Contracts;

/// <summary>
/// A fresh, empty database of one backend for one test class, named by settings as an operator would name it
/// (<c>Storage:Provider</c> and what that backend needs to find its database). A PostgreSQL backend implements this
/// too, and every contract runs against it unchanged.
/// </summary>
public interface IStorageBackend : IAsyncDisposable
{
    IReadOnlyDictionary<string, string?> Settings { get; }

    /// <summary>Makes the empty database; skips the test when this backend has no server to run on.</summary>
    ValueTask CreateAsync(CancellationToken cancellationToken);
}

/// <summary>A connector database file in a temporary data folder, deleted afterwards.</summary>
public sealed class SqliteBackend : IStorageBackend
{
    private readonly string _directory = Directory.CreateTempSubdirectory("posbridge-contract-").FullName;

    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Storage:Provider"] = "sqlite",
        ["PosBridge:DataDirectory"] = _directory,
    };

    public ValueTask CreateAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        SqliteDatabaseFile.CloseAll();
        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// A fresh database on the PostgreSQL server of <c>POSBRIDGE_TEST_POSTGRES</c> (<c>scripts/with-postgres.sh</c> starts
/// one), dropped afterwards. Without that server the test is skipped, saying why.
/// </summary>
public sealed class PostgresBackend : IStorageBackend
{
    public const string ServerVariable = "POSBRIDGE_TEST_POSTGRES";

    private readonly string _database = "posbridge_test_" + Guid.NewGuid().ToString("N");
    private string? _server;

    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Storage:Provider"] = "postgres",
        ["Storage:ConnectionString"] = new NpgsqlConnectionStringBuilder(_server) { Database = _database }.ConnectionString,
    };

    public async ValueTask CreateAsync(CancellationToken cancellationToken)
    {
        var server = Environment.GetEnvironmentVariable(ServerVariable);
        if (string.IsNullOrWhiteSpace(server))
        {
            Assert.Skip($"{ServerVariable} is not set: run under scripts/with-postgres.sh to test the PostgreSQL store.");
        }

        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync(cancellationToken);
        await using var create = new NpgsqlCommand($"CREATE DATABASE {_database}", connection);
        await create.ExecuteNonQueryAsync(cancellationToken);
        _server = server;
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is null)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_server);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
