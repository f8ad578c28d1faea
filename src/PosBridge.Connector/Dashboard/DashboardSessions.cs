using System.Security.Cryptography;
using System.Text;

namespace PosBridge.Connector.Dashboard;

/// <summary>A signed-in manager: the anti-forgery token the page must send with every action.</summary>
internal sealed class DashboardSession(string csrfToken, DateTimeOffset createdAt)
{
    public string CsrfToken { get; } = csrfToken;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    public DateTimeOffset LastSeenAt { get; set; } = createdAt;

    /// <summary>Compares in constant time, so the token cannot be found a character at a time.</summary>
    public bool IsCsrfToken(string? candidate) =>
        candidate is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(candidate), Encoding.UTF8.GetBytes(CsrfToken));
}

/// <summary>
/// Dashboard sessions, kept in memory on the server (the cookie holds only a random token), so signing out
/// or a restart ends them for certain; and the count of failed logins per client address.
/// </summary>
/// <remarks>
/// In memory because the dashboard is one manager on one connector; several instances behind one address
/// need sticky sessions (README).
/// </remarks>
internal sealed class DashboardSessions(DashboardOptions options, TimeProvider timeProvider)
{
    /// <summary>A flood of logins must not fill memory: beyond this many, the oldest session ends.</summary>
    private const int MaxSessions = 200;

    // Failures from every address together: guessing from many addresses is slowed too.
    private const string AllClients = "*";
    private const int AllClientsFactor = 10;

    private readonly Dictionary<string, DashboardSession> _sessions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<DateTimeOffset>> _failures = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Starts a session; returns the token for the cookie.</summary>
    public (string Token, DashboardSession Session) Start()
    {
        var token = NewToken();
        var session = new DashboardSession(NewToken(), timeProvider.GetUtcNow());
        lock (_lock)
        {
            Prune(session.CreatedAt);
            if (_sessions.Count >= MaxSessions)
            {
                _sessions.Remove(_sessions.MinBy(s => s.Value.LastSeenAt).Key);
            }

            _sessions[Key(token)] = session;
        }

        return (token, session);
    }

    /// <summary>The live session for a cookie's token (and it is now "seen"), or null.</summary>
    public DashboardSession? Find(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100)
        {
            return null;
        }

        var now = timeProvider.GetUtcNow();
        lock (_lock)
        {
            var key = Key(token);
            if (!_sessions.TryGetValue(key, out var session))
            {
                return null;
            }

            if (IsOver(session, now))
            {
                _sessions.Remove(key);
                return null;
            }

            session.LastSeenAt = now;
            return session;
        }
    }

    public void End(string? token)
    {
        if (!string.IsNullOrEmpty(token))
        {
            lock (_lock)
            {
                _sessions.Remove(Key(token));
            }
        }
    }

    /// <summary>False while <paramref name="client"/> (or everyone together) has failed too often lately.</summary>
    public bool MayTryLogin(string client, out TimeSpan retryAfter)
    {
        var now = timeProvider.GetUtcNow();
        lock (_lock)
        {
            retryAfter = TimeSpan.Zero;
            foreach (var (key, limit) in new[] { (client, options.LoginAttemptsPerWindow), (AllClients, options.LoginAttemptsPerWindow * AllClientsFactor) })
            {
                if (_failures.TryGetValue(key, out var times))
                {
                    Expire(times, now);
                    if (times.Count >= limit)
                    {
                        var wait = times.Peek() + options.LoginWindow - now;
                        retryAfter = wait > retryAfter ? wait : retryAfter;
                    }
                }
            }

            return retryAfter == TimeSpan.Zero;
        }
    }

    public void LoginFailed(string client)
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
    }

    /// <summary>A manager who got in is not held to earlier typing mistakes.</summary>
    public void LoginSucceeded(string client)
    {
        lock (_lock)
        {
            _failures.Remove(client);
        }
    }

    private bool IsOver(DashboardSession session, DateTimeOffset now) =>
        now - session.LastSeenAt >= options.SessionIdleTimeout || now - session.CreatedAt >= options.SessionLifetime;

    private void Prune(DateTimeOffset now)
    {
        foreach (var key in _sessions.Where(s => IsOver(s.Value, now)).Select(s => s.Key).ToList())
        {
            _sessions.Remove(key);
        }

        foreach (var (key, times) in _failures.ToList())
        {
            Expire(times, now);
            if (times.Count == 0)
            {
                _failures.Remove(key);
            }
        }
    }

    private void Expire(Queue<DateTimeOffset> times, DateTimeOffset now)
    {
        while (times.Count > 0 && times.Peek() + options.LoginWindow <= now)
        {
            times.Dequeue();
        }
    }

    private static string NewToken() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    // Sessions are found by the token's hash, so the table in memory holds nothing a cookie could be made from.
    private static string Key(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
