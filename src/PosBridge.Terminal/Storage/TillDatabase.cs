using System.Globalization;
using SQLite;

namespace PosBridge.Terminal.Storage;

/// <summary>
/// The till's one SQLite file: sales, outbox, shifts, catalog. Opened in WAL mode with
/// <c>synchronous=FULL</c>, so a committed sale survives a killed process and a power cut, and
/// upgraded in place by <see cref="Migrations"/> when an older till opens it.
/// </summary>
/// <remarks>
/// Calls are synchronous on purpose: a local commit takes about a millisecond and the checkout path
/// is latency-bound, so an async hop per statement would cost more than it saves. The till's UI
/// runs them off its own thread.
/// </remarks>
public sealed class TillDatabase : IDisposable
{
    private readonly SQLiteConnection _connection;

    // One connection serves every thread of the till; FullMutex serialises statements but not transactions,
    // so two threads must not interleave a BEGIN … COMMIT on it.
    private readonly Lock _transactionGate = new();

    private TillDatabase(SQLiteConnection connection) => _connection = connection;

    public string Path => _connection.DatabasePath;

    /// <summary>Tests set this to see (and act on) each statement before it runs (reads included): a fault-injection hook.</summary>
    internal Action<string>? BeforeStatement { get; set; }

    /// <summary>
    /// Opens (creating if needed) and migrates the database at <paramref name="path"/>, and checks it against its
    /// <see cref="RestoreMark"/>: a database older than the mark beside it was restored, and is moved on before any sale.
    /// </summary>
    public static TillDatabase Open(string path, TimeProvider? timeProvider = null)
    {
        var database = Open(path, Migrations.Latest);
        try
        {
            database.RestoredOnOpen = RestoreMark.CheckOnOpen(database, timeProvider ?? TimeProvider.System);
            return database;
        }
        catch
        {
            database.Dispose();
            throw;
        }
    }

    /// <summary>Why the database was found restored when it opened (it is in a new numbering epoch now), or null.</summary>
    public string? RestoredOnOpen { get; private set; }

    internal static TillDatabase Open(string path, int migrateTo)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        // Sales, the connector credential and signing key, staff PIN hashes: 0600, and so are the WAL and shared memory.
        PosBridge.Core.Privacy.PrivateFiles.PrepareDatabase(path);
        var connection = new SQLiteConnection(
            path,
            SQLiteOpenFlags.ReadWrite | SQLiteOpenFlags.Create | SQLiteOpenFlags.FullMutex,
            storeDateTimeAsTicks: false);
        try
        {
            // journal_mode answers with a row, so it cannot go through Execute.
            var mode = connection.ExecuteScalar<string>("PRAGMA journal_mode=WAL");
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"The till database could not switch to WAL mode (got '{mode}').");
            }

            // FULL: the WAL is synced at every commit, so an acknowledged sale survives power loss, not only a crash.
            connection.Execute("PRAGMA synchronous=FULL");
            connection.Execute("PRAGMA foreign_keys=ON");
            connection.BusyTimeout = TimeSpan.FromSeconds(5);
            Migrations.Apply(connection, migrateTo);
            return new TillDatabase(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public int SchemaVersion => _connection.ExecuteScalar<int>("PRAGMA user_version");

    internal string Pragma(string name) => _connection.ExecuteScalar<string>($"PRAGMA {name}");

    internal int Execute(string sql, params object?[] args)
    {
        BeforeStatement?.Invoke(sql);
        return _connection.Execute(sql, args);
    }

    internal T Scalar<T>(string sql, params object?[] args)
    {
        BeforeStatement?.Invoke(sql);
        return _connection.ExecuteScalar<T>(sql, args);
    }

    internal List<T> Query<T>(string sql, params object?[] args)
        where T : new()
    {
        BeforeStatement?.Invoke(sql);
        return _connection.Query<T>(sql, args);
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one IMMEDIATE transaction (the write lock is taken up front, so
    /// no other writer can slip in between a read and the write that depends on it).
    /// </summary>
    internal T InTransaction<T>(Func<T> work)
    {
        lock (_transactionGate)
        {
            return InTransactionLocked(work);
        }
    }

    /// <summary>As <see cref="InTransaction{T}(Func{T})"/>, then <paramref name="afterCommit"/> still under the lock: no other commit comes between.</summary>
    internal T InTransaction<T>(Func<T> work, Action<T> afterCommit)
    {
        lock (_transactionGate)
        {
            var result = InTransactionLocked(work);
            afterCommit(result);
            return result;
        }
    }

    private T InTransactionLocked<T>(Func<T> work)
    {
        Execute("BEGIN IMMEDIATE");
        try
        {
            var result = work();
            Execute("COMMIT");
            return result;
        }
        catch
        {
            _connection.Execute("ROLLBACK");
            throw;
        }
    }

    internal string? GetSetting(string key) =>
        _connection.ExecuteScalar<string?>("SELECT Value FROM Settings WHERE Key = ?", key);

    internal void SetSetting(string key, string value) =>
        Execute("INSERT INTO Settings(Key, Value) VALUES (?, ?) ON CONFLICT(Key) DO UPDATE SET Value = excluded.Value", key, value);

    internal static string Text(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    internal static decimal Decimal(string value) => decimal.Parse(value, NumberStyles.Number, CultureInfo.InvariantCulture);

    internal static string Text(DateTimeOffset value) => value.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    internal static DateTimeOffset Instant(string value) =>
        DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public void Dispose() => _connection.Dispose();
}
