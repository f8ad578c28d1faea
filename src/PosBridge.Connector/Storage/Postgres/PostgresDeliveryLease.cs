using PosBridge.Connector.Dispatch;

namespace PosBridge.Connector.Storage.Postgres;

/// <summary>
/// Delivery leases in <c>dispatch_leases</c>, held by the connector instance's id. One statement takes or renews a
/// lease: the row is written only when it is new, this instance's, or run out, so two instances asking at once get one grant.
/// </summary>
internal sealed class PostgresDeliveryLease(PostgresDatabase database, ConnectorInstance instance) : IDeliveryLease
{
    public async Task<bool> TryAcquireAsync(string adapter, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var written = await PostgresSql.ExecuteAsync(
            connection,
            null,
            """
            INSERT INTO dispatch_leases (adapter, holder, expires_at) VALUES (@adapter, @holder, @until)
            ON CONFLICT (adapter) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
            WHERE dispatch_leases.holder = excluded.holder OR dispatch_leases.expires_at <= @now
            """,
            cancellationToken,
            ("adapter", adapter), ("holder", instance.Id), ("until", until.ToUnixTimeMilliseconds()), ("now", now.ToUnixTimeMilliseconds())).ConfigureAwait(false);
        return written == 1;
    }

    public async Task ReleaseAsync(string adapter, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await PostgresSql.ExecuteAsync(connection, null, "DELETE FROM dispatch_leases WHERE adapter = @adapter AND holder = @holder", cancellationToken, ("adapter", adapter), ("holder", instance.Id)).ConfigureAwait(false);
    }
}
