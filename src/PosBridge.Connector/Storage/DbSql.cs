using System.Data.Common;

namespace PosBridge.Connector.Storage;

/// <summary>
/// The ADO.NET helpers of the SQL shared by both backends (<see cref="ReportQuerySql"/>, <see cref="CustomerDataSql"/>),
/// over <see cref="DbConnection"/>: parameters are named <c>@name</c>, which Microsoft.Data.Sqlite and Npgsql both take.
/// </summary>
internal static class DbSql
{
    public static async Task<object?> ScalarAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    public static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var command = connection.CreateCommand();
#pragma warning disable CA2100 // SQL text is constant in the shared classes (a dialect adds fixed fragments); values always go through parameters.
        command.CommandText = sql;
#pragma warning restore CA2100
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        return command;
    }
}
