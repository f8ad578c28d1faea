using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;
using PosBridge.Connector.Storage.Postgres;
using PosBridge.Connector.Storage.Sqlite;

namespace PosBridge.Connector.Storage;

/// <summary>Why a store migration did not happen, as the operator can act on it; nothing was changed.</summary>
internal sealed class StoreMigrationProblemException(string message) : Exception(message);

/// <summary>One table copied: its rows on both sides and the checksum they share.</summary>
internal sealed record TableCopy(string Table, long Rows, string Checksum);

/// <summary>
/// <c>posbridge store migrate --to postgres</c>: a SQLite connector's whole state (sales, deliveries, cursors, tills and
/// their keys, fiscal documents, audit…) copied into an empty PostgreSQL database of the same schema, in one
/// PostgreSQL transaction: each table by binary <c>COPY</c>, its identity sequence moved past the copied numbers, then
/// every table read back and compared with the SQLite file — row count and a checksum of the rows in any order — before
/// the commit. Any difference rolls everything back. The secrets key is not in the database: every instance needs the
/// same <c>keys/secrets.key</c>, which the caller says.
/// </summary>
internal static class StoreMigration
{
    /// <summary>Not copied: leases name instances of the old process and last seconds; they are taken afresh.</summary>
    private static readonly HashSet<string> Transient = new(StringComparer.Ordinal) { "dispatch_leases" };

    public static async Task<IReadOnlyList<TableCopy>> ToPostgresAsync(string sqlitePath, PostgresDatabase target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (!File.Exists(sqlitePath))
        {
            throw new StoreMigrationProblemException($"there is no connector database at {sqlitePath}: give the data folder of the SQLite connector with --data.");
        }

        // Brought to this connector's schema first, as 'serve' would: the PostgreSQL schema mirrors the latest SQLite one.
        using (var database = new ConnectorDatabase(sqlitePath))
        {
            await database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        }

        await target.MigrateAsync(cancellationToken).ConfigureAwait(false);
        await using var source = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = sqlitePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await source.OpenAsync(cancellationToken).ConfigureAwait(false);
        var tables = await TablesInDependencyOrderAsync(source, cancellationToken).ConfigureAwait(false);

        return await target.WriteAsync(
            async (pg, transaction) =>
            {
                var plans = new List<(string Table, IReadOnlyList<Column> Columns)>();
                foreach (var table in tables)
                {
                    plans.Add((table, await ColumnsAsync(source, pg, transaction, table, cancellationToken).ConfigureAwait(false)));
                }

                var holding = new List<string>();
                foreach (var (table, _) in plans)
                {
                    if (await PostgresSql.ScalarAsync(pg, transaction, $"SELECT EXISTS (SELECT 1 FROM {table})", cancellationToken).ConfigureAwait(false) is true)
                    {
                        holding.Add(table);
                    }
                }

                if (holding.Count > 0)
                {
                    throw new StoreMigrationProblemException(
                        $"the PostgreSQL database {target.Location} already holds connector data ({string.Join(", ", holding)}): migrate into a new, empty database. Nothing was changed.");
                }

                var copies = new List<TableCopy>();
                foreach (var (table, columns) in plans)
                {
                    await CopyAsync(source, pg, table, columns, cancellationToken).ConfigureAwait(false);
                    await MoveIdentitiesAsync(pg, transaction, table, columns, cancellationToken).ConfigureAwait(false);
                    var (rows, checksum) = await ChecksumAsync(source, table, columns, cancellationToken).ConfigureAwait(false);
                    var (copiedRows, copiedChecksum) = await ChecksumAsync(pg, table, columns, cancellationToken, transaction).ConfigureAwait(false);
                    if (rows != copiedRows || checksum != copiedChecksum)
                    {
                        throw new StoreMigrationProblemException(
                            $"table {table} did not copy faithfully ({rows} rows in SQLite, {copiedRows} in PostgreSQL; checksums {checksum[..12]} and {copiedChecksum[..12]}). Nothing was changed.");
                    }

                    copies.Add(new TableCopy(table, rows, checksum));
                }

                return (IReadOnlyList<TableCopy>)copies;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A column both databases have, and the PostgreSQL type it is written as.</summary>
    private sealed record Column(string Name, string PostgresType, bool Identity);

    private static async Task<List<string>> TablesInDependencyOrderAsync(SqliteConnection source, CancellationToken cancellationToken)
    {
        var parents = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var table in await ListAsync(source, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name", cancellationToken).ConfigureAwait(false))
        {
            if (!Transient.Contains(table))
            {
                parents[table] = [.. await ListAsync(source, $"SELECT \"table\" FROM pragma_foreign_key_list('{table}')", cancellationToken).ConfigureAwait(false)];
            }
        }

        // Parents before children, so PostgreSQL's foreign keys hold at every row.
        var ordered = new List<string>();
        while (ordered.Count < parents.Count)
        {
            var next = parents.Keys.Where(t => !ordered.Contains(t) && parents[t].All(p => p == t || ordered.Contains(p) || !parents.ContainsKey(p))).Order(StringComparer.Ordinal).First();
            ordered.Add(next);
        }

        return ordered;
    }

    private static async Task<IReadOnlyList<Column>> ColumnsAsync(SqliteConnection source, NpgsqlConnection pg, NpgsqlTransaction transaction, string table, CancellationToken cancellationToken)
    {
        var target = new Dictionary<string, (string Type, bool Identity)>(StringComparer.Ordinal);
        await using (var command = PostgresSql.Command(
            pg,
            transaction,
            "SELECT column_name, data_type, is_identity FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = @table",
            ("table", table)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                target[reader.GetString(0)] = (reader.GetString(1), reader.GetString(2) == "YES");
            }
        }

        var columns = new List<Column>();
        foreach (var name in await ListAsync(source, $"SELECT name FROM pragma_table_info('{table}') ORDER BY cid", cancellationToken).ConfigureAwait(false))
        {
            if (!target.TryGetValue(name, out var pgColumn))
            {
                throw new StoreMigrationProblemException(
                    $"the PostgreSQL schema has no {(target.Count == 0 ? $"table {table}" : $"column {table}.{name}")}, which this SQLite database has: the connector's two schemas differ, so nothing was copied. Report this to PosBridge.");
            }

            columns.Add(new Column(name, pgColumn.Type, pgColumn.Identity));
        }

        return columns;
    }

    private static async Task CopyAsync(SqliteConnection source, NpgsqlConnection pg, string table, IReadOnlyList<Column> columns, CancellationToken cancellationToken)
    {
        var names = string.Join(", ", columns.Select(c => c.Name));
        await using var importer = await pg.BeginBinaryImportAsync($"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
        await using var command = source.CreateCommand();
        command.CommandText = $"SELECT {names} FROM {table}";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < columns.Count; i++)
            {
                if (reader.IsDBNull(i))
                {
                    await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                }

                switch (columns[i].PostgresType)
                {
                    case "bigint":
                        await importer.WriteAsync(reader.GetInt64(i), NpgsqlTypes.NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                        break;
                    case "integer":
                        await importer.WriteAsync(checked((int)reader.GetInt64(i)), NpgsqlTypes.NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                        break;
                    case "boolean":
                        await importer.WriteAsync(reader.GetInt64(i) != 0, NpgsqlTypes.NpgsqlDbType.Boolean, cancellationToken).ConfigureAwait(false);
                        break;
                    case "text":
                        await importer.WriteAsync(reader.GetString(i), NpgsqlTypes.NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                        break;
                    default:
                        throw new StoreMigrationProblemException($"column {table}.{columns[i].Name} is {columns[i].PostgresType} in PostgreSQL, which the migration does not copy. Report this to PosBridge.");
                }
            }
        }

        await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The next number PostgreSQL gives (a sale's <c>seq</c>, an audit row's) follows the copied ones.</summary>
    private static async Task MoveIdentitiesAsync(NpgsqlConnection pg, NpgsqlTransaction transaction, string table, IReadOnlyList<Column> columns, CancellationToken cancellationToken)
    {
        foreach (var column in columns.Where(c => c.Identity))
        {
            await PostgresSql.ScalarAsync(
                pg,
                transaction,
                $"SELECT setval(pg_get_serial_sequence('{table}', '{column.Name}'), COALESCE(MAX({column.Name}), 1), MAX({column.Name}) IS NOT NULL) FROM {table}",
                cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The rows of a table as a set: each row's values in a form both databases give alike (numbers and booleans as
    /// integers, text as is, null apart from every text), hashed, the hashes sorted and hashed again — so the two
    /// sides' different orders and collations do not matter, and one changed, missing or extra row does.
    /// </summary>
    private static async Task<(long Rows, string Checksum)> ChecksumAsync(System.Data.Common.DbConnection connection, string table, IReadOnlyList<Column> columns, CancellationToken cancellationToken, System.Data.Common.DbTransaction? transaction = null)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT {string.Join(", ", columns.Select(c => c.Name))} FROM {table}";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<byte[]>();
        var row = new StringBuilder();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            row.Clear();
            for (var i = 0; i < columns.Count; i++)
            {
                var value = reader.IsDBNull(i) ? null : reader.GetValue(i) switch
                {
                    bool b => b ? "i1" : "i0",
                    long l => "i" + l.ToString(CultureInfo.InvariantCulture),
                    int n => "i" + n.ToString(CultureInfo.InvariantCulture),
                    string s => "s" + s,
                    var other => "?" + Convert.ToString(other, CultureInfo.InvariantCulture),
                };
                row.Append(value is null ? "-1" : value.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(value).Append('|');
            }

            rows.Add(SHA256.HashData(Encoding.UTF8.GetBytes(row.ToString())));
        }

        rows.Sort((a, b) => a.AsSpan().SequenceCompareTo(b));
        using var all = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var hash in rows)
        {
            all.AppendData(hash);
        }

        return (rows.Count, Convert.ToHexStringLower(all.GetHashAndReset()));
    }

    private static async Task<List<string>> ListAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var values = new List<string>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
