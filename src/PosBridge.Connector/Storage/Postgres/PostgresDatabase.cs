using Npgsql;
using PosBridge.Connector.Hosting;
using PosBridge.Connector.Tills;

namespace PosBridge.Connector.Storage.Postgres;

/// <summary>
/// The connector's state on a PostgreSQL server (<c>Storage:ConnectionString</c>; a password written as
/// <c>enc:…</c> is decrypted with the connector's secrets key, as other secrets in the settings are). Several
/// connector instances share it, so nothing here serialises in process: the SQL itself is concurrency-safe.
/// Instants are Unix milliseconds in bigint columns, as on SQLite.
/// </summary>
internal sealed class PostgresDatabase : IAsyncDisposable
{
    // Any fixed number: every connector instance takes the same transaction-level lock to migrate.
    private const long MigrationLock = 0x506f734272696467;

    private readonly NpgsqlDataSource _dataSource;

    public PostgresDatabase(string? connectionString, SecretProtector protector)
    {
        ArgumentNullException.ThrowIfNull(protector);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new ConfigurationProblemException("Storage:ConnectionString is not set; give the PostgreSQL server, database, user and password (Host=…;Database=…;Username=…;Password=…).");
        }

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException)
        {
            throw new ConfigurationProblemException("Storage:ConnectionString is not a valid PostgreSQL connection string (Host=…;Database=…;Username=…;Password=…).");
        }

        if (builder.Password is { } password && password.StartsWith(ProtectedSettings.Prefix, StringComparison.Ordinal))
        {
            try
            {
                builder.Password = System.Text.Encoding.UTF8.GetString(protector.Unprotect(password[ProtectedSettings.Prefix.Length..]));
            }
            catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or FormatException)
            {
                throw new ConfigurationProblemException("The password in Storage:ConnectionString is encrypted but cannot be decrypted with this connector's secrets key. Set it again with 'posbridge secrets protect'.");
            }
        }

        Location = $"{builder.Host}:{builder.Port}/{builder.Database}";
        _dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
    }

    /// <summary>Server and database, never the password.</summary>
    public string Location { get; }

    /// <summary>The pool this database's connections come from, shared with Quartz's clustered job store.</summary>
    public NpgsqlDataSource DataSource => _dataSource;

    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken = default) =>
        await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Runs <paramref name="work"/> in one transaction, committed before this returns.</summary>
    public async Task<T> WriteAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var result = await work(connection, transaction).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>
    /// Applies the migrations the database lacks, each in its own transaction under one advisory lock, so instances
    /// starting together migrate once; refuses a database newer than this connector.
    /// </summary>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var applied = await WriteAsync(
                async (connection, transaction) =>
                {
                    await PostgresSql.ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(@lock)", cancellationToken, ("lock", MigrationLock)).ConfigureAwait(false);
                    await PostgresSql.ExecuteAsync(connection, transaction, "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at bigint NOT NULL)", cancellationToken).ConfigureAwait(false);
                    var current = Convert.ToInt32(await PostgresSql.ScalarAsync(connection, transaction, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
                    if (current > PostgresMigrations.Latest)
                    {
                        throw new ConfigurationProblemException($"The PostgreSQL database {Location} has schema version {current}, newer than this connector understands ({PostgresMigrations.Latest}). Upgrade the connector.");
                    }

                    if (current == PostgresMigrations.Latest)
                    {
                        return false;
                    }

                    foreach (var statement in PostgresMigrations.Statements(current))
                    {
                        await PostgresSql.ExecuteAsync(connection, transaction, statement, cancellationToken).ConfigureAwait(false);
                    }

                    await PostgresSql.ExecuteAsync(
                        connection,
                        transaction,
                        "INSERT INTO schema_migrations (version, applied_at) VALUES (@version, (extract(epoch FROM clock_timestamp()) * 1000)::bigint)",
                        cancellationToken,
                        ("version", current + 1)).ConfigureAwait(false);
                    return true;
                },
                cancellationToken).ConfigureAwait(false);
            if (!applied)
            {
                return;
            }
        }
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
