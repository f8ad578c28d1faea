using System.Data.Common;
using Microsoft.Data.Sqlite;
using PosBridge.Core.Privacy;

namespace PosBridge.Connector.Storage.Sqlite;

/// <summary>
/// The connector's embedded database: one SQLite file in WAL mode, created and migrated on start.
/// Writes go through one gate (SQLite has one writer at a time; queueing in process is cheaper than
/// spinning on SQLITE_BUSY). <c>synchronous=FULL</c>: a committed sale survives a power cut, which is what
/// "acknowledged" promises a till.
/// </summary>
internal sealed class ConnectorDatabase : IDisposable
{
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private int _prepared;

    public ConnectorDatabase(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public string Path { get; }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _prepared, 1) == 0)
        {
            // Sales, tills' credentials and audit rows: the file (and the WAL and shared memory SQLite makes beside it) is 0600.
            PrivateFiles.PrepareDatabase(Path);
        }

        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000;";
        await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    /// <summary>Runs <paramref name="work"/> in one write transaction, committed before this returns.</summary>
    public async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            // BEGIN IMMEDIATE takes the write lock up front, so a read-then-write never fails half way.
            await using var transaction = connection.BeginTransaction(deferred: false);
            var result = await work(connection, transaction).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return result;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public async Task<T> ReadAsync<T>(Func<SqliteConnection, Task<T>> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await work(connection).ConfigureAwait(false);
    }

    /// <summary>Creates the file if needed and brings its schema to the latest version, one migration per transaction.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        var directory = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        await using (var connection = await OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            await using var wal = connection.CreateCommand();
            wal.CommandText = "PRAGMA journal_mode=WAL;";
            await wal.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var current = await ReadAsync(c => SchemaVersionAsync(c, cancellationToken), cancellationToken).ConfigureAwait(false);
        if (current > Migrations.Latest)
        {
            throw new InvalidOperationException(
                $"The database {Path} has schema version {current}, newer than this connector understands ({Migrations.Latest}). Upgrade the connector.");
        }

        for (var version = current + 1; version <= Migrations.Latest; version++)
        {
            var script = Migrations.Sqlite[version - 1];
            await WriteAsync(
                async (connection, transaction) =>
                {
                    await Sql.ExecuteAsync(connection, transaction, script, cancellationToken).ConfigureAwait(false);
                    await Sql.ExecuteAsync(connection, transaction, $"PRAGMA user_version = {version};", cancellationToken).ConfigureAwait(false);
                    return 0;
                },
                cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose() => _writeGate.Dispose();

    private static async Task<int> SchemaVersionAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version;";
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }
}
