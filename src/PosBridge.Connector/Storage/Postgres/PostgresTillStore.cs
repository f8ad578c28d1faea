using Npgsql;
using PosBridge.Connector.Tills;

namespace PosBridge.Connector.Storage.Postgres;

/// <summary>
/// Tills, their pairing codes and the audit log on PostgreSQL (<c>tills</c>, <c>pairing_codes</c>, <c>audit_log</c>),
/// shared by every instance. A code is spent by one conditional update (unused and not expired), so when two instances
/// redeem it at once the row lock lets exactly one pair and the other finds it used; a till's store is checked on the
/// row the upsert returns, so two instances cannot file one till under two stores.
/// </summary>
internal sealed class PostgresTillStore(PostgresDatabase database) : ITillStore
{
    private const string TillColumns = "id, store_id, name, created_at, paired_at, revoked_at, last_contact_at";

    public Task<Till> AddPairingCodeAsync(string tillId, string storeId, string name, string codeHash, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            async (connection, transaction) =>
            {
                // The upsert returns the row as it stands (its store is never changed here): the check and the write are one.
                var existingStore = (string)(await PostgresSql.ScalarAsync(
                    connection,
                    transaction,
                    """
                    INSERT INTO tills (id, store_id, name, created_at) VALUES (@id, @store, @name, @now)
                    ON CONFLICT (id) DO UPDATE SET name = excluded.name
                    RETURNING store_id
                    """,
                    cancellationToken,
                    ("id", tillId), ("store", storeId), ("name", name), ("now", now.ToUnixTimeMilliseconds())).ConfigureAwait(false))!;
                if (!string.Equals(existingStore, storeId, StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"Till '{tillId}' belongs to store '{existingStore}', not '{storeId}'.");
                }

                await PostgresSql.ExecuteAsync(
                    connection,
                    transaction,
                    "INSERT INTO pairing_codes (code_hash, till_id, expires_at) VALUES (@hash, @id, @expires)",
                    cancellationToken,
                    ("hash", codeHash), ("id", tillId), ("expires", expiresAt.ToUnixTimeMilliseconds())).ConfigureAwait(false);
                await AuditAsync(connection, transaction, "manager", "till.pairing-code", tillId, $"store {storeId}, expires {expiresAt:O}", now, cancellationToken).ConfigureAwait(false);
                return (await FindAsync(connection, transaction, tillId, cancellationToken).ConfigureAwait(false))!;
            },
            cancellationToken);

    public Task<(PairingOutcome Outcome, Till? Till)> RedeemAsync(string codeHash, string credentialHash, string encryptedSigningKey, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        database.WriteAsync<(PairingOutcome, Till?)>(
            async (connection, transaction) =>
            {
                // One statement spends the code: a second instance redeeming it at once waits for this row and then
                // finds it used.
                var tillId = await PostgresSql.ScalarAsync(
                    connection,
                    transaction,
                    "UPDATE pairing_codes SET used_at = @now WHERE code_hash = @hash AND used_at IS NULL AND expires_at > @now RETURNING till_id",
                    cancellationToken,
                    ("now", now.ToUnixTimeMilliseconds()), ("hash", codeHash)).ConfigureAwait(false) as string;
                if (tillId is null)
                {
                    await using var find = PostgresSql.Command(connection, transaction, "SELECT used_at FROM pairing_codes WHERE code_hash = @hash", ("hash", codeHash));
                    await using var reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    return !await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? (PairingOutcome.UnknownCode, null)
                        : !reader.IsDBNull(0) ? (PairingOutcome.AlreadyUsed, null)
                        : (PairingOutcome.Expired, null);
                }

                // A new pairing replaces the till's credential: the old device stops working at once.
                await PostgresSql.ExecuteAsync(
                    connection,
                    transaction,
                    "UPDATE tills SET credential_hash = @credential, signing_key = @key, paired_at = @now, last_contact_at = @now, revoked_at = NULL WHERE id = @id",
                    cancellationToken,
                    ("credential", credentialHash), ("key", encryptedSigningKey), ("now", now.ToUnixTimeMilliseconds()), ("id", tillId)).ConfigureAwait(false);
                await AuditAsync(connection, transaction, $"till:{tillId}", "till.paired", tillId, null, now, cancellationToken).ConfigureAwait(false);
                return (PairingOutcome.Paired, await FindAsync(connection, transaction, tillId, cancellationToken).ConfigureAwait(false));
            },
            cancellationToken);

    public async Task<TillSecrets?> FindByCredentialHashAsync(string credentialHash, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = PostgresSql.Command(connection, null, $"SELECT {TillColumns}, signing_key FROM tills WHERE credential_hash = @hash", ("hash", credentialHash));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new TillSecrets(ReadTill(reader), reader.GetString(7))
            : null;
    }

    public async Task<IReadOnlyList<Till>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = PostgresSql.Command(connection, null, $"SELECT {TillColumns} FROM tills ORDER BY store_id COLLATE \"C\", id COLLATE \"C\"");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var tills = new List<Till>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            tills.Add(ReadTill(reader));
        }

        return tills;
    }

    public Task<bool> RevokeAsync(string tillId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            async (connection, transaction) =>
            {
                var changed = await PostgresSql.ExecuteAsync(connection, transaction, "UPDATE tills SET revoked_at = @now WHERE id = @id AND revoked_at IS NULL", cancellationToken, ("now", now.ToUnixTimeMilliseconds()), ("id", tillId)).ConfigureAwait(false) == 1;
                if (changed)
                {
                    await AuditAsync(connection, transaction, "manager", "till.revoked", tillId, null, now, cancellationToken).ConfigureAwait(false);
                }

                return changed;
            },
            cancellationToken);

    public async Task RecordContactAsync(string tillId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await PostgresSql.ExecuteAsync(
            connection,
            null,
            "UPDATE tills SET last_contact_at = @at WHERE id = @id AND (last_contact_at IS NULL OR last_contact_at < @at)",
            cancellationToken,
            ("at", at.ToUnixTimeMilliseconds()), ("id", tillId)).ConfigureAwait(false);
    }

    public async Task AuditAsync(string actor, string action, string subject, string? details, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await AuditAsync(connection, null, actor, action, subject, details, now, cancellationToken).ConfigureAwait(false);
    }

    private static Task<int> AuditAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string actor, string action, string subject, string? details, DateTimeOffset now, CancellationToken cancellationToken) =>
        PostgresSql.ExecuteAsync(
            connection,
            transaction,
            "INSERT INTO audit_log (at, actor, action, subject, details) VALUES (@at, @actor, @action, @subject, @details)",
            cancellationToken,
            ("at", now.ToUnixTimeMilliseconds()), ("actor", actor), ("action", action), ("subject", subject), ("details", details));

    private static async Task<Till?> FindAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string tillId, CancellationToken cancellationToken)
    {
        await using var command = PostgresSql.Command(connection, transaction, $"SELECT {TillColumns} FROM tills WHERE id = @id", ("id", tillId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadTill(reader) : null;
    }

    private static Till ReadTill(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
        Instant(reader, 4),
        Instant(reader, 5),
        Instant(reader, 6));

    private static DateTimeOffset? Instant(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));
}
