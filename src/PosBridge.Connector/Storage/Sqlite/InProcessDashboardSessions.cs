using System.Security.Cryptography;
using System.Text;
using PosBridge.Connector.Dashboard;

namespace PosBridge.Connector.Storage.Sqlite;

/// <summary>
/// Dashboard sessions kept in memory on the server, so signing out or a restart ends them for certain; and the count
/// of failed logins per client address.
/// </summary>
/// <remarks>
/// In memory because the dashboard is one manager on one connector; several instances behind one address
/// need sticky sessions (README).
/// </remarks>
internal sealed class InProcessDashboardSessions(TimeProvider timeProvider) : IDashboardSessions
{
    /// <summary>A flood of logins must not fill memory: beyond this many, the oldest session ends.</summary>
    private const int MaxSessions = 200;

    // Failures from every address together: guessing from many addresses is slowed too.
    private const string AllClients = "*";
    private const int AllClientsFactor = 10;

    private readonly Dictionary<string, DashboardSession> _sessions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<DateTimeOffset>> _failures = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public Task<(string Token, DashboardSession Session)> StartAsync(DashboardOptions policy, string account, bool secondFactor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(account);
        var token = NewToken();
        var session = new DashboardSession(NewToken(), timeProvider.GetUtcNow(), account, secondFactor);
        lock (_lock)
        {
            Prune(session.CreatedAt, policy);
            if (_sessions.Count >= MaxSessions)
            {
                _sessions.Remove(_sessions.MinBy(s => s.Value.LastSeenAt).Key);
            }

            _sessions[Key(token)] = session;
        }

        return Task.FromResult((token, session));
    }

    public Task<DashboardSession?> FindAsync(string? token, DashboardOptions policy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (string.IsNullOrEmpty(token) || token.Length > 100)
        {
            return Task.FromResult<DashboardSession?>(null);
        }

        var now = timeProvider.GetUtcNow();
        lock (_lock)
        {
            var key = Key(token);
            if (!_sessions.TryGetValue(key, out var session))
            {
                return Task.FromResult<DashboardSession?>(null);
            }

            if (IsOver(session, now, policy))
            {
                _sessions.Remove(key);
                return Task.FromResult<DashboardSession?>(null);
            }

            session.LastSeenAt = now;
            return Task.FromResult<DashboardSession?>(session);
        }
    }

    public Task EndAsync(string? token, CancellationToken cancellationToken = default)
    {
        if (!string.IsNullOrEmpty(token))
        {
            lock (_lock)
            {
                _sessions.Remove(Key(token));
            }
        }

        return Task.CompletedTask;
    }

    public Task<TimeSpan> LoginWaitAsync(string client, DashboardOptions policy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var now = timeProvider.GetUtcNow();
        lock (_lock)
        {
            var retryAfter = TimeSpan.Zero;
            foreach (var (key, limit) in new[] { (client, policy.LoginAttemptsPerWindow), (AllClients, policy.LoginAttemptsPerWindow * AllClientsFactor) })
            {
                if (_failures.TryGetValue(key, out var times))
                {
                    Expire(times, now, policy);
                    if (times.Count >= limit)
                    {
                        var wait = times.Peek() + policy.LoginWindow - now;
                        retryAfter = wait > retryAfter ? wait : retryAfter;
                    }
                }
            }

            return Task.FromResult(retryAfter);
        }
    }

    public Task LoginFailedAsync(string client, CancellationToken cancellationToken = default)
    {
        var now = timeProvider.GetUtcNow();
        lock (_lock)
        {
            foreach (var key in new[] { client, AllClients })
            {
                if (!_failures.TryGetValue(key, out var times))
                {
                    _failures[key] = times = new Queue<DateTimeOffset>();
                }

                times.Enqueue(now);
            }
        }

        return Task.CompletedTask;
    }

    public Task LoginSucceededAsync(string client, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            _failures.Remove(client);
        }

        return Task.CompletedTask;
    }

    private static bool IsOver(DashboardSession session, DateTimeOffset now, DashboardOptions policy) =>
        now - session.LastSeenAt >= policy.SessionIdleTimeout || now - session.CreatedAt >= policy.SessionLifetime;

    private void Prune(DateTimeOffset now, DashboardOptions policy)
    {
        foreach (var key in _sessions.Where(s => IsOver(s.Value, now, policy)).Select(s => s.Key).ToList())
        {
            _sessions.Remove(key);
        }

        foreach (var (key, times) in _failures.ToList())
        {
            Expire(times, now, policy);
            if (times.Count == 0)
            {
                _failures.Remove(key);
            }
        }
    }

    private static void Expire(Queue<DateTimeOffset> times, DateTimeOffset now, DashboardOptions policy)
    {
        while (times.Count > 0 && times.Peek() + policy.LoginWindow <= now)
        {
            times.Dequeue();
        }
    }

    private static string NewToken() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    // Sessions are found by the token's hash, so the table in memory holds nothing a cookie could be made from.
    private static string Key(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
