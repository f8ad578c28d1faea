using System.Security.Cryptography;
using System.Text;
using PosBridge.Connector.Dashboard;

namespace PosBridge.Connector.Storage.Postgres;

/// <summary>
/// Dashboard sessions and failed logins shared by every instance (<c>dashboard_sessions</c>, found by the token's hash;
/// <c>dashboard_login_failures</c>), so a manager may reach any instance behind one address.
/// </summary>
internal sealed class PostgresDashboardSessions(PostgresDatabase database, TimeProvider timeProvider) : IDashboardSessions
{
    /// <summary>A flood of logins must not fill the table: beyond this many, the least recently seen sessions end.</summary>
    private const int MaxSessions = 200;

    // Failures from every address together: guessing from many addresses is slowed too.
    private const string AllClients = "*";
    private const int AllClientsFactor = 10;

    public async Task<(string Token, DashboardSession Session)> StartAsync(DashboardOptions policy, string account, bool secondFactor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(account);
        var token = NewToken();
        var session = new DashboardSession(NewToken(), timeProvider.GetUtcNow(), account, secondFactor);
        var now = session.CreatedAt.ToUnixTimeMilliseconds();
        await database.WriteAsync(
            async (connection, transaction) =>
            {
                await PostgresSql.ExecuteAsync(
                    connection,
                    transaction,
                    "DELETE FROM dashboard_sessions WHERE last_seen_at <= @idle OR created_at <= @old",
                    cancellationToken,
                    ("idle", now - (long)policy.SessionIdleTimeout.TotalMilliseconds), ("old", now - (long)policy.SessionLifetime.TotalMilliseconds)).ConfigureAwait(false);
                await PostgresSql.ExecuteAsync(
                    connection,
                    transaction,
                    "INSERT INTO dashboard_sessions (token_hash, csrf_token, created_at, last_seen_at, account, second_factor) VALUES (@hash, @csrf, @now, @now, @account, @mfa)",
                    cancellationToken,
                    ("hash", Key(token)), ("csrf", session.CsrfToken), ("now", now), ("account", account), ("mfa", secondFactor)).ConfigureAwait(false);
                await PostgresSql.ExecuteAsync(
                    connection,
                    transaction,
                    "DELETE FROM dashboard_sessions WHERE token_hash IN (SELECT token_hash FROM dashboard_sessions ORDER BY last_seen_at DESC OFFSET @max)",
                    cancellationToken,
                    ("max", MaxSessions)).ConfigureAwait(false);
                return 0;
            },
            cancellationToken).ConfigureAwait(false);
        return (token, session);
    }

    public async Task<DashboardSession?> FindAsync(string? token, DashboardOptions policy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (string.IsNullOrEmpty(token) || token.Length > 100)
        {
            return null;
        }

        var now = timeProvider.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (var touch = PostgresSql.Command(
            connection,
            null,
            """
            UPDATE dashboard_sessions SET last_seen_at = @now
            WHERE token_hash = @hash AND last_seen_at > @idle AND created_at > @old
            RETURNING csrf_token, created_at, account, second_factor
            """,
            ("now", nowMs), ("hash", Key(token)),
            ("idle", nowMs - (long)policy.SessionIdleTimeout.TotalMilliseconds), ("old", nowMs - (long)policy.SessionLifetime.TotalMilliseconds)))
        await using (var reader = await touch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return new DashboardSession(reader.GetString(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)), reader.GetString(2), reader.GetBoolean(3)) { LastSeenAt = now };
            }
        }

        // Unknown, or over: an over session's row goes now rather than at the next start.
        await PostgresSql.ExecuteAsync(connection, null, "DELETE FROM dashboard_sessions WHERE token_hash = @hash", cancellationToken, ("hash", Key(token))).ConfigureAwait(false);
        return null;
    }

    public async Task EndAsync(string? token, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(token))
        {
            return;
        }

        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await PostgresSql.ExecuteAsync(connection, null, "DELETE FROM dashboard_sessions WHERE token_hash = @hash", cancellationToken, ("hash", Key(token))).ConfigureAwait(false);
    }

    public async Task<TimeSpan> LoginWaitAsync(string client, DashboardOptions policy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var now = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        var window = (long)policy.LoginWindow.TotalMilliseconds;
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await PostgresSql.ExecuteAsync(connection, null, "DELETE FROM dashboard_login_failures WHERE at <= @since", cancellationToken, ("since", now - window)).ConfigureAwait(false);
        var retryAfter = TimeSpan.Zero;
        foreach (var (key, limit) in new[] { (client, policy.LoginAttemptsPerWindow), (AllClients, policy.LoginAttemptsPerWindow * AllClientsFactor) })
        {
            await using var count = PostgresSql.Command(
                connection,
                null,
                "SELECT count(*), min(at) FROM dashboard_login_failures WHERE client = @client AND at > @since",
                ("client", key), ("since", now - window));
            await using var reader = await count.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false) && reader.GetInt64(0) >= limit)
            {
                var wait = TimeSpan.FromMilliseconds(reader.GetInt64(1) + window - now);
                retryAfter = wait > retryAfter ? wait : retryAfter;
            }
        }

        return retryAfter;
    }

    public async Task LoginFailedAsync(string client, CancellationToken cancellationToken = default)
    {
        var now = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await PostgresSql.ExecuteAsync(
            connection,
            null,
            "INSERT INTO dashboard_login_failures (client, at) VALUES (@client, @now), (@all, @now)",
            cancellationToken,
            ("client", client), ("all", AllClients), ("now", now)).ConfigureAwait(false);
    }

    public async Task LoginSucceededAsync(string client, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await PostgresSql.ExecuteAsync(connection, null, "DELETE FROM dashboard_login_failures WHERE client = @client", cancellationToken, ("client", client)).ConfigureAwait(false);
    }

    private static string NewToken() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    // Sessions are found by the token's hash, so the table holds nothing a cookie could be made from.
    private static string Key(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
