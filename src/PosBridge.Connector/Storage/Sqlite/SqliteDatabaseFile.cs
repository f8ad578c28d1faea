using System.Globalization;
using Microsoft.Data.Sqlite;
using PosBridge.Connector.Backups;
using PosBridge.Core.Privacy;

namespace PosBridge.Connector.Storage.Sqlite;

/// <summary>
/// The database file as <c>posbridge backup</c> and <c>restore</c> handle it: a consistent copy taken while serve
/// writes, and a check of a copy before it replaces the live file. SQLite's own; another backend backs up its own way.
/// </summary>
internal static class SqliteDatabaseFile
{
    /// <summary>Closes every pooled connection, so the files can be listed, copied or moved (the WAL is folded in).</summary>
    public static void CloseAll() => SqliteConnection.ClearAllPools();

    public static async Task<(int Schema, long Sales, int Tills)> SnapshotAsync(string database, string copy, CancellationToken cancellationToken)
    {
        File.Delete(copy);
        PrivateFiles.PrepareDatabase(copy);
        // No pooling: the files must be closed (and the copy deletable) when this returns.
        await using var from = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadWrite, Pooling = false, DefaultTimeout = 30 }.ToString());
        await using var to = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = copy, Pooling = false }.ToString());
        await from.OpenAsync(cancellationToken).ConfigureAwait(false);
        await to.OpenAsync(cancellationToken).ConfigureAwait(false);
        // sqlite3_backup copies every page under one read transaction: a snapshot as of one commit, while serve goes on writing
        // to the WAL (a reader does not block the writer in WAL mode).
        await CopyAsync(from, to, cancellationToken).ConfigureAwait(false);
        await Sql.ExecuteAsync(to, null, "PRAGMA journal_mode=DELETE;", cancellationToken).ConfigureAwait(false);
        var check = Convert.ToString(await Sql.ScalarAsync(to, null, "PRAGMA quick_check;", cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        if (check != "ok")
        {
            throw new BackupProblemException($"the database {database} reports damage ({check}); no backup was written. Copy the whole data folder while the connector is stopped and ask for help.");
        }

        var schema = Convert.ToInt32(await Sql.ScalarAsync(to, null, "PRAGMA user_version;", cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        var (sales, tills) = await CountAsync(to, schema, cancellationToken).ConfigureAwait(false);
        return (schema, sales, tills);
    }

    /// <summary>
    /// sqlite3_backup does not wait on a busy source as a command does (Microsoft.Data.Sqlite's retry is in the command):
    /// a checkpoint or recovery in serve at that instant refuses it with SQLITE_BUSY. It is tried again, from the start,
    /// for as long as a command would wait.
    /// </summary>
    private static async Task CopyAsync(SqliteConnection from, SqliteConnection to, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                from.BackupDatabase(to);
                return;
            }
            catch (SqliteException ex) when (ex.SqliteErrorCode is SqliteBusy or SqliteLocked && attempt < BusyAttempts)
            {
                await Task.Delay(BusyPause, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int BusyAttempts = 600;
    private static readonly TimeSpan BusyPause = TimeSpan.FromMilliseconds(50);

    public static async Task<(long Sales, int Tills)> CheckAsync(string database, string source, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var check = Convert.ToString(await Sql.ScalarAsync(connection, null, "PRAGMA integrity_check;", cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            if (check != "ok")
            {
                throw new BackupProblemException($"the database in {source} is damaged ({check}). Nothing was changed.");
            }

            var schema = Convert.ToInt32(await Sql.ScalarAsync(connection, null, "PRAGMA user_version;", cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            if (schema > Migrations.Latest)
            {
                throw new BackupProblemException($"the backup {source} was made by a newer connector (schema {schema}; this one knows {Migrations.Latest}). Install that version first. Nothing was changed.");
            }

            if (schema < 1)
            {
                throw new BackupProblemException($"the database in {source} is empty (no connector schema). Nothing was changed.");
            }

            return await CountAsync(connection, schema, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw new BackupProblemException($"the database in {source} cannot be read ({ex.Message}). Nothing was changed.");
        }
    }

    private static async Task<(long Sales, int Tills)> CountAsync(SqliteConnection connection, int schema, CancellationToken cancellationToken) =>
        schema < 1
            ? (0, 0)
            : (Convert.ToInt64(await Sql.ScalarAsync(connection, null, "SELECT COUNT(*) FROM sales;", cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture),
               Convert.ToInt32(await Sql.ScalarAsync(connection, null, "SELECT COUNT(*) FROM tills WHERE revoked_at IS NULL;", cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture));
}
