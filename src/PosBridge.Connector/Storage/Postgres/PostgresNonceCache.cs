using PosBridge.Connector.Tills;

namespace PosBridge.Connector.Storage.Postgres;

/// <summary>
/// Request nonces in <c>request_nonces</c>. Taking one is a single statement: a new row, or an expired row taken over;
/// the unique key decides between instances. Expired rows are swept separately, outside that statement's locks.
/// </summary>
internal sealed class PostgresNonceCache(PostgresDatabase database) : INonceCache
{
    public async Task<bool> UseNonceAsync(string tillId, string nonce, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var nowMs = now.ToUnixTimeMilliseconds();
        var taken = await PostgresSql.ExecuteAsync(
            connection,
            null,
            """
            INSERT INTO request_nonces (till_id, nonce, expires_at) VALUES (@till, @nonce, @expires)
            ON CONFLICT (till_id, nonce) DO UPDATE SET expires_at = excluded.expires_at
            WHERE request_nonces.expires_at < @now
            """,
            cancellationToken,
            ("till", tillId), ("nonce", nonce), ("expires", expiresAt.ToUnixTimeMilliseconds()), ("now", nowMs)).ConfigureAwait(false);
        await PostgresSql.ExecuteAsync(connection, null, "DELETE FROM request_nonces WHERE expires_at < @now", cancellationToken, ("now", nowMs)).ConfigureAwait(false);
        return taken == 1;
    }
}
