using PosBridge.Connector.Tills;

namespace PosBridge.Connector.Storage.Sqlite;

internal sealed class SqliteNonceCache(ConnectorDatabase database) : INonceCache
{
    public Task<bool> UseNonceAsync(string tillId, string nonce, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            async (connection, transaction) =>
            {
                await Sql.ExecuteAsync(connection, transaction, "DELETE FROM request_nonces WHERE expires_at < $now", cancellationToken, ("$now", Sql.ToUnixMs(now))).ConfigureAwait(false);
                await using var insert = Sql.Command(
                    connection,
                    transaction,
                    "INSERT INTO request_nonces (till_id, nonce, expires_at) VALUES ($till, $nonce, $expires) ON CONFLICT (till_id, nonce) DO NOTHING",
                    ("$till", tillId), ("$nonce", nonce), ("$expires", Sql.ToUnixMs(expiresAt)));
                return await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
            },
            cancellationToken);
}
