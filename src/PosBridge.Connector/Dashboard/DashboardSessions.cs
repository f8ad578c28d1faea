using System.Security.Cryptography;
using System.Text;

namespace PosBridge.Connector.Dashboard;

/// <summary>
/// A signed-in account: who, whether the login proved a second factor, and the anti-forgery token the page must send
/// with every action. The account's role is read again on every request, so a change or removal applies at once.
/// </summary>
internal sealed class DashboardSession(string csrfToken, DateTimeOffset createdAt, string account = "", bool secondFactor = false)
{
    public string CsrfToken { get; } = csrfToken;

    public string Account { get; } = account;

    /// <summary>The login included a one-time password or a recovery code (or the enrolment that made one).</summary>
    public bool SecondFactor { get; } = secondFactor;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    public DateTimeOffset LastSeenAt { get; set; } = createdAt;

    /// <summary>Compares in constant time, so the token cannot be found a character at a time.</summary>
    public bool IsCsrfToken(string? candidate) =>
        candidate is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(candidate), Encoding.UTF8.GetBytes(CsrfToken));
}

/// <summary>
/// Dashboard sessions (the cookie holds only a random token; sessions are found by its hash) and the count of
/// failed logins per client address. The policy on each call carries the timeouts and limits of
/// <c>PosBridge:Dashboard</c>, so a backend keeps no settings of its own.
/// </summary>
internal interface IDashboardSessions
{
    /// <summary>Starts a session of <paramref name="account"/>; returns the token for the cookie. Beyond the most sessions kept, the least recently seen ends.</summary>
    Task<(string Token, DashboardSession Session)> StartAsync(DashboardOptions policy, string account, bool secondFactor, CancellationToken cancellationToken = default);

    /// <summary>The live session for a cookie's token (and it is now "seen"), or null when unknown, idle too long or too old.</summary>
    Task<DashboardSession?> FindAsync(string? token, DashboardOptions policy, CancellationToken cancellationToken = default);

    Task EndAsync(string? token, CancellationToken cancellationToken = default);

    /// <summary>How long <paramref name="client"/> (or everyone together) must wait after failing too often lately; zero when it may try.</summary>
    Task<TimeSpan> LoginWaitAsync(string client, DashboardOptions policy, CancellationToken cancellationToken = default);

    Task LoginFailedAsync(string client, CancellationToken cancellationToken = default);

    /// <summary>A manager who got in is not held to earlier typing mistakes.</summary>
    Task LoginSucceededAsync(string client, CancellationToken cancellationToken = default);
}
