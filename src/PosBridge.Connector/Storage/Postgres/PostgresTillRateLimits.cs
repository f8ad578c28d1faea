using Microsoft.Extensions.Options;
using PosBridge.Connector.Hosting;
using PosBridge.Connector.Tills;

namespace PosBridge.Connector.Storage.Postgres;

/// <summary>
/// Request limits shared by every instance: a fixed one-minute window per key in <c>request_windows</c>, counted by one
/// upsert (a new window starts the count again). Windows follow the connector's clock, so instances need synchronised clocks.
/// </summary>
internal sealed class PostgresTillRateLimits(PostgresDatabase database, IOptions<ConnectorOptions> options, TimeProvider timeProvider) : ITillRateLimits
{
    private const long WindowMs = 60_000;

    public async ValueTask<RatePermit> TryAcquireAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var now = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        var start = now - (now % WindowMs);
        // Pairing attempts are few by nature: a tight limit makes guessing codes pointless.
        var limit = key.StartsWith("pairing:", StringComparison.Ordinal) ? options.Value.PairingAttemptsPerMinute : options.Value.RequestsPerMinutePerTill;
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var used = Convert.ToInt32(
            await PostgresSql.ScalarAsync(
                connection,
                null,
                """
                INSERT INTO request_windows (key, window_start, used) VALUES (@key, @start, 1)
                ON CONFLICT (key) DO UPDATE SET window_start = excluded.window_start,
                    used = CASE WHEN request_windows.window_start = excluded.window_start THEN request_windows.used + 1 ELSE 1 END
                RETURNING used
                """,
                cancellationToken,
                ("key", key), ("start", start)).ConfigureAwait(false),
            System.Globalization.CultureInfo.InvariantCulture);
        return new RatePermit(used <= limit, TimeSpan.FromMilliseconds(start + WindowMs - now));
    }
}
