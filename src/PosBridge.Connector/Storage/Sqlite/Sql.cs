using System.Globalization;
using Microsoft.Data.Sqlite;

namespace PosBridge.Connector.Storage.Sqlite;

/// <summary>The few ADO.NET helpers the stores share, so each store reads as its SQL.</summary>
internal static class Sql
{
    public static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken = default, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public static async Task<object?> ScalarAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken = default, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is DBNull ? null : value;
    }

    public static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var command = connection.CreateCommand();
#pragma warning disable CA2100 // SQL text is constant in this project; values always go through parameters.
        command.CommandText = sql;
#pragma warning restore CA2100
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    /// <summary>
    /// Parameter names <c>$p0, $p1, …</c> for an <c>IN (…)</c> list and their values. Callers chunk by
    /// <see cref="MaxInList"/>; plain parameters keep the SQL the same on SQLite and PostgreSQL.
    /// </summary>
    public static (string Names, (string Name, object? Value)[] Parameters) InList(string prefix, IReadOnlyList<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var parameters = new (string Name, object? Value)[values.Count];
        for (var i = 0; i < values.Count; i++)
        {
            parameters[i] = ($"${prefix}{i.ToString(CultureInfo.InvariantCulture)}", values[i]);
        }

        return (string.Join(", ", parameters.Select(p => p.Name)), parameters);
    }

    /// <summary>Values per <c>IN (…)</c> list: well inside SQLite's limit on parameters per statement.</summary>
    public const int MaxInList = 500;

    public static long ToUnixMs(DateTimeOffset instant) => instant.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromUnixMs(long milliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);

    public static DateTimeOffset? FromUnixMs(object? value) =>
        value is null or DBNull ? null : DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(value, CultureInfo.InvariantCulture));
}
