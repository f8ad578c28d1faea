using Npgsql;
using PosBridge.Connector.Dashboard.Accounts;

namespace PosBridge.Connector.Storage.Postgres;

/// <summary>
/// Dashboard accounts shared by every instance (<c>dashboard_accounts</c>, <c>dashboard_recovery_codes</c>): a lock, a used
/// code step and a spent recovery code hold on every instance at once, each change one statement.
/// </summary>
internal sealed class PostgresDashboardAccounts(PostgresDatabase database) : IDashboardAccounts
{
    private const string Columns =
        "name, role, password_hash, totp_secret, pending_secret, last_totp_step, failed_logins, locked_until, created_at, last_login_at, " +
        "(SELECT count(*)::integer FROM dashboard_recovery_codes r WHERE r.account = a.name)";

    public async Task<IReadOnlyList<DashboardAccount>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = PostgresSql.Command(connection, null, $"SELECT {Columns} FROM dashboard_accounts a ORDER BY name");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var accounts = new List<DashboardAccount>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            accounts.Add(Read(reader));
        }

        return accounts;
    }

    public async Task<DashboardAccount?> FindAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await FindAsync(connection, null, name, cancellationToken).ConfigureAwait(false);
    }

    public Task<bool> AddAsync(string name, DashboardRole role, string passwordHash, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            async (connection, transaction) => await CountAsync(
                connection,
                transaction,
                "INSERT INTO dashboard_accounts (name, role, password_hash, created_at) VALUES (@name, @role, @hash, @now) ON CONFLICT (name) DO NOTHING",
                cancellationToken,
                ("name", name), ("role", role.Name()), ("hash", passwordHash), ("now", ToUnixMs(now))).ConfigureAwait(false) == 1,
            cancellationToken);

    public Task<bool> SetPasswordAsync(string name, string passwordHash, CancellationToken cancellationToken = default) =>
        UpdateAsync("UPDATE dashboard_accounts SET password_hash = @hash, failed_logins = 0, locked_until = NULL WHERE name = @name", cancellationToken, ("name", name), ("hash", passwordHash));

    public Task<DashboardAccount?> LoginFailedAsync(string name, int maxFailures, DateTimeOffset now, TimeSpan lockFor, CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            async (connection, transaction) =>
            {
                // One statement: two instances counting the same account's failures cannot both miss the lock.
                await PostgresSql.ExecuteAsync(
                    connection,
                    transaction,
                    """
                    UPDATE dashboard_accounts
                    SET locked_until = CASE WHEN locked_until IS NOT NULL AND locked_until <= @now THEN NULL
                                            WHEN failed_logins + 1 >= @max THEN @until ELSE locked_until END,
                        failed_logins = CASE WHEN locked_until IS NOT NULL AND locked_until <= @now THEN 1 ELSE failed_logins + 1 END
                    WHERE name = @name
                    """,
                    cancellationToken,
                    ("name", name), ("max", maxFailures), ("now", ToUnixMs(now)), ("until", ToUnixMs(now + lockFor))).ConfigureAwait(false);
                return await FindAsync(connection, transaction, name, cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);

    public Task LoginSucceededAsync(string name, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        UpdateAsync("UPDATE dashboard_accounts SET failed_logins = 0, locked_until = NULL, last_login_at = @now WHERE name = @name", cancellationToken, ("name", name), ("now", ToUnixMs(now)));

    public Task<bool> UnlockAsync(string name, CancellationToken cancellationToken = default) =>
        UpdateAsync("UPDATE dashboard_accounts SET failed_logins = 0, locked_until = NULL WHERE name = @name", cancellationToken, ("name", name));

    public Task BeginEnrolmentAsync(string name, string pendingSecret, CancellationToken cancellationToken = default) =>
        UpdateAsync("UPDATE dashboard_accounts SET pending_secret = @secret WHERE name = @name", cancellationToken, ("name", name), ("secret", pendingSecret));

    public Task<bool> ConfirmEnrolmentAsync(string name, string pendingSecret, long step, IReadOnlyList<string> recoveryCodeHashes, CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            async (connection, transaction) =>
            {
                var changed = await CountAsync(
                    connection,
                    transaction,
                    "UPDATE dashboard_accounts SET totp_secret = pending_secret, pending_secret = NULL, last_totp_step = @step WHERE name = @name AND pending_secret = @secret",
                    cancellationToken,
                    ("name", name), ("secret", pendingSecret), ("step", step)).ConfigureAwait(false);
                if (changed != 1)
                {
                    return false;
                }

                await PostgresSql.ExecuteAsync(connection, transaction, "DELETE FROM dashboard_recovery_codes WHERE account = @name", cancellationToken, ("name", name)).ConfigureAwait(false);
                foreach (var hash in recoveryCodeHashes)
                {
                    await PostgresSql.ExecuteAsync(connection, transaction, "INSERT INTO dashboard_recovery_codes (account, code_hash) VALUES (@name, @hash)", cancellationToken, ("name", name), ("hash", hash)).ConfigureAwait(false);
                }

                return true;
            },
            cancellationToken);

    public Task<bool> UseStepAsync(string name, long step, CancellationToken cancellationToken = default) =>
        UpdateAsync(
            "UPDATE dashboard_accounts SET last_totp_step = @step WHERE name = @name AND totp_secret IS NOT NULL AND (last_totp_step IS NULL OR last_totp_step < @step)",
            cancellationToken,
            ("name", name), ("step", step));

    public Task<bool> UseRecoveryCodeAsync(string name, string codeHash, CancellationToken cancellationToken = default) =>
        UpdateAsync("DELETE FROM dashboard_recovery_codes WHERE account = @name AND code_hash = @hash", cancellationToken, ("name", name), ("hash", codeHash));

    public Task<bool> ResetSecondFactorAsync(string name, CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            async (connection, transaction) =>
            {
                await PostgresSql.ExecuteAsync(connection, transaction, "DELETE FROM dashboard_recovery_codes WHERE account = @name", cancellationToken, ("name", name)).ConfigureAwait(false);
                return await CountAsync(
                    connection,
                    transaction,
                    "UPDATE dashboard_accounts SET totp_secret = NULL, pending_secret = NULL, last_totp_step = NULL WHERE name = @name",
                    cancellationToken,
                    ("name", name)).ConfigureAwait(false) == 1;
            },
            cancellationToken);

    public Task<AccountChangeOutcome> SetRoleAsync(string name, DashboardRole role, CancellationToken cancellationToken = default) =>
        OwnerGuardedAsync(
            name,
            "UPDATE dashboard_accounts SET role = @role WHERE name = @name AND (@role = 'owner' OR role <> 'owner' OR (SELECT count(*) FROM dashboard_accounts WHERE role = 'owner') > 1)",
            cancellationToken,
            ("name", name), ("role", role.Name()));

    public Task<AccountChangeOutcome> RemoveAsync(string name, CancellationToken cancellationToken = default) =>
        OwnerGuardedAsync(
            name,
            "DELETE FROM dashboard_accounts WHERE name = @name AND (role <> 'owner' OR (SELECT count(*) FROM dashboard_accounts WHERE role = 'owner') > 1)",
            cancellationToken,
            ("name", name));

    /// <summary>
    /// A change that must leave an owner: the check is inside the statement, so two owners demoting or removing each
    /// other at once cannot leave none. When it changed nothing, the account is either missing or the last owner.
    /// </summary>
    private Task<AccountChangeOutcome> OwnerGuardedAsync(string name, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        database.WriteAsync(
            async (connection, transaction) =>
            {
                // The owners' rows locked first: two instances changing owners at once cannot leave none.
                await PostgresSql.ExecuteAsync(connection, transaction, "SELECT name FROM dashboard_accounts WHERE role = 'owner' FOR UPDATE", cancellationToken).ConfigureAwait(false);
                if (await CountAsync(connection, transaction, sql, cancellationToken, parameters).ConfigureAwait(false) == 1)
                {
                    return AccountChangeOutcome.Done;
                }

                return await FindAsync(connection, transaction, name, cancellationToken).ConfigureAwait(false) is null ? AccountChangeOutcome.NotFound : AccountChangeOutcome.LastOwner;
            },
            cancellationToken);

    private Task<bool> UpdateAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        database.WriteAsync(async (connection, transaction) => await CountAsync(connection, transaction, sql, cancellationToken, parameters).ConfigureAwait(false) == 1, cancellationToken);

    private static Task<int> CountAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        PostgresSql.ExecuteAsync(connection, transaction, sql, cancellationToken, parameters);

    private static long ToUnixMs(DateTimeOffset instant) => instant.ToUnixTimeMilliseconds();

    private static DateTimeOffset FromUnixMs(long milliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);

    private static async Task<DashboardAccount?> FindAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string name, CancellationToken cancellationToken)
    {
        await using var command = PostgresSql.Command(connection, transaction, $"SELECT {Columns} FROM dashboard_accounts a WHERE name = @name", ("name", name));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    private static DashboardAccount Read(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        DashboardRoles.Parse(reader.GetString(1)) ?? DashboardRole.ReadOnly,
        reader.GetString(2),
        reader.IsDBNull(3) ? null : reader.GetString(3),
        reader.IsDBNull(4) ? null : reader.GetString(4),
        reader.IsDBNull(5) ? null : reader.GetInt64(5),
        reader.GetInt32(6),
        reader.IsDBNull(7) ? null : FromUnixMs(reader.GetInt64(7)),
        FromUnixMs(reader.GetInt64(8)),
        reader.IsDBNull(9) ? null : FromUnixMs(reader.GetInt64(9)),
        reader.GetInt32(10));
}
