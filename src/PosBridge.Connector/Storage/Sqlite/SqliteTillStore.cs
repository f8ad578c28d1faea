using Microsoft.Data.Sqlite;
using PosBridge.Connector.Tills;

namespace PosBridge.Connector.Storage.Sqlite;

internal sealed class SqliteTillStore(ConnectorDatabase database) : ITillStore
{
    private const string TillColumns = "id, store_id, name, created_at, paired_at, revoked_at, last_contact_at";

    public Task<Till> AddPairingCodeAsync(string tillId, string storeId, string name, string codeHash, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            async (connection, transaction) =>
            {
                var existingStore = await Sql.ScalarAsync(connection, transaction, "SELECT store_id FROM tills WHERE id = $id", cancellationToken, ("$id", tillId)).ConfigureAwait(false) as string;
                if (existingStore is not null && !string.Equals(existingStore, storeId, StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"Till '{tillId}' belongs to store '{existingStore}', not '{storeId}'.");
                }

                await Sql.ExecuteAsync(
                    connection,
                    transaction,
                    """
                    INSERT INTO tills (id, store_id, name, created_at) VALUES ($id, $store, $name, $now)
                    ON CONFLICT (id) DO UPDATE SET name = excluded.name
                    """,
                    cancellationToken,
                    ("$id", tillId), ("$store", storeId), ("$name", name), ("$now", Sql.ToUnixMs(now))).ConfigureAwait(false);
                await Sql.ExecuteAsync(
                    connection,
                    transaction,
                    "INSERT INTO pairing_codes (code_hash, till_id, expires_at) VALUES ($hash, $id, $expires)",
                    cancellationToken,
                    ("$hash", codeHash), ("$id", tillId), ("$expires", Sql.ToUnixMs(expiresAt))).ConfigureAwait(false);
                await AuditAsync(connection, transaction, "manager", "till.pairing-code", tillId, $"store {storeId}, expires {expiresAt:O}", now, cancellationToken).ConfigureAwait(false);
                return (await FindAsync(connection, transaction, tillId, cancellationToken).ConfigureAwait(false))!;
            },
            cancellationToken);

    public Task<(PairingOutcome Outcome, Till? Till)> RedeemAsync(string codeHash, string credentialHash, string encryptedSigningKey, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        database.WriteAsync<(PairingOutcome, Till?)>(
            async (connection, transaction) =>
            {
                await using var find = Sql.Command(connection, transaction, "SELECT till_id, expires_at, used_at FROM pairing_codes WHERE code_hash = $hash", ("$hash", codeHash));
                await using var reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    return (PairingOutcome.UnknownCode, null);
                }

                var tillId = reader.GetString(0);
                if (!reader.IsDBNull(2))
                {
                    return (PairingOutcome.AlreadyUsed, null);
                }

                if (Sql.FromUnixMs(reader.GetInt64(1)) <= now)
                {
                    return (PairingOutcome.Expired, null);
                }

                await reader.DisposeAsync().ConfigureAwait(false);
                await Sql.ExecuteAsync(connection, transaction, "UPDATE pairing_codes SET used_at = $now WHERE code_hash = $hash", cancellationToken, ("$now", Sql.ToUnixMs(now)), ("$hash", codeHash)).ConfigureAwait(false);
                // A new pairing replaces the till's credential: the old device stops working at once.
                await Sql.ExecuteAsync(
                    connection,
                    transaction,
                    "UPDATE tills SET credential_hash = $credential, signing_key = $key, paired_at = $now, last_contact_at = $now, revoked_at = NULL WHERE id = $id",
                    cancellationToken,
                    ("$credential", credentialHash), ("$key", encryptedSigningKey), ("$now", Sql.ToUnixMs(now)), ("$id", tillId)).ConfigureAwait(false);
                await AuditAsync(connection, transaction, $"till:{tillId}", "till.paired", tillId, null, now, cancellationToken).ConfigureAwait(false);
                return (PairingOutcome.Paired, await FindAsync(connection, transaction, tillId, cancellationToken).ConfigureAwait(false));
            },
            cancellationToken);

    public Task<TillSecrets?> FindByCredentialHashAsync(string credentialHash, CancellationToken cancellationToken = default) =>
        database.ReadAsync(
            async connection =>
            {
                await using var command = Sql.Command(connection, null, $"SELECT {TillColumns}, signing_key FROM tills WHERE credential_hash = $hash", ("$hash", credentialHash));
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                    ? new TillSecrets(ReadTill(reader), reader.GetString(7))
                    : null;
            },
            cancellationToken);

    public Task<IReadOnlyList<Till>> ListAsync(CancellationToken cancellationToken = default) =>
        database.ReadAsync<IReadOnlyList<Till>>(
            async connection =>
            {
                await using var command = Sql.Command(connection, null, $"SELECT {TillColumns} FROM tills ORDER BY store_id, id");
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                var tills = new List<Till>();
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    tills.Add(ReadTill(reader));
                }

                return tills;
            },
            cancellationToken);

    public Task<bool> RevokeAsync(string tillId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            async (connection, transaction) =>
            {
                await using var command = Sql.Command(connection, transaction, "UPDATE tills SET revoked_at = $now WHERE id = $id AND revoked_at IS NULL", ("$now", Sql.ToUnixMs(now)), ("$id", tillId));
                var changed = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
                if (changed)
                {
                    await AuditAsync(connection, transaction, "manager", "till.revoked", tillId, null, now, cancellationToken).ConfigureAwait(false);
                }

                return changed;
            },
            cancellationToken);

    public Task RecordContactAsync(string tillId, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            async (connection, transaction) =>
            {
                await Sql.ExecuteAsync(
                    connection,
                    transaction,
                    "UPDATE tills SET last_contact_at = $at WHERE id = $id AND (last_contact_at IS NULL OR last_contact_at < $at)",
                    cancellationToken,
                    ("$at", Sql.ToUnixMs(at)), ("$id", tillId)).ConfigureAwait(false);
                return 0;
            },
            cancellationToken);

    public Task AuditAsync(string actor, string action, string subject, string? details, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            async (connection, transaction) =>
            {
                await AuditAsync(connection, transaction, actor, action, subject, details, now, cancellationToken).ConfigureAwait(false);
                return 0;
            },
            cancellationToken);

    private static Task AuditAsync(SqliteConnection connection, SqliteTransaction transaction, string actor, string action, string subject, string? details, DateTimeOffset now, CancellationToken cancellationToken) =>
        Sql.ExecuteAsync(
            connection,
            transaction,
            "INSERT INTO audit_log (at, actor, action, subject, details) VALUES ($at, $actor, $action, $subject, $details)",
            cancellationToken,
            ("$at", Sql.ToUnixMs(now)), ("$actor", actor), ("$action", action), ("$subject", subject), ("$details", details));

    private static async Task<Till?> FindAsync(SqliteConnection connection, SqliteTransaction transaction, string tillId, CancellationToken cancellationToken)
    {
        await using var command = Sql.Command(connection, transaction, $"SELECT {TillColumns} FROM tills WHERE id = $id", ("$id", tillId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadTill(reader) : null;
    }

    private static Till ReadTill(SqliteDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        Sql.FromUnixMs(reader.GetInt64(3)),
        Sql.FromUnixMs(reader.GetValue(4)),
        Sql.FromUnixMs(reader.GetValue(5)),
        Sql.FromUnixMs(reader.GetValue(6)));
}
