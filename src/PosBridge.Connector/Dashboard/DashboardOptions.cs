namespace PosBridge.Connector.Dashboard;

/// <summary>The manager dashboard's settings, section <c>PosBridge:Dashboard</c>.</summary>
internal sealed class DashboardOptions
{
    public const string Section = "PosBridge:Dashboard";

    /// <summary>Off: <c>/dashboard</c> is not served at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The shared password of the dashboard before it had accounts: a hash made by <c>posbridge dashboard hash-password</c>
    /// (<c>pbkdf2-sha256$…</c>) or the password itself. At the first start with no accounts it becomes the account
    /// <c>owner</c> (audited); from then on it is not used to sign in, and may be removed.
    /// </summary>
    public string? Password { get; set; }

    /// <summary>A session ends after this long without a request.</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>A session ends this long after the login, however busy.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Failed logins one client address may make per <see cref="LoginWindow"/> before it must wait.</summary>
    public int LoginAttemptsPerWindow { get; set; } = 5;

    public TimeSpan LoginWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Every problem with these settings, each naming its setting; empty when the dashboard can start.
    /// Never echoes the password.
    /// </summary>
    public List<string> Problems()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Password))
        {
            // Accounts sign in now (posbridge accounts add); the setting only seeds the first owner.
        }
        else if (DashboardPassword.IsHash(Password))
        {
            if (DashboardPassword.HashProblem(Password) is { } problem)
            {
                problems.Add($"{Section}:Password {problem}");
            }
        }
        else if (DashboardPassword.Weakness(Password) is { } weakness)
        {
            problems.Add($"{Section}:Password is too weak: {weakness}");
        }

        if (SessionIdleTimeout < TimeSpan.FromMinutes(1) || SessionIdleTimeout > TimeSpan.FromHours(24))
        {
            problems.Add($"{Section}:SessionIdleTimeout is {SessionIdleTimeout}; use 00:01:00 to 24:00:00.");
        }

        if (SessionLifetime < SessionIdleTimeout || SessionLifetime > TimeSpan.FromDays(7))
        {
            problems.Add($"{Section}:SessionLifetime is {SessionLifetime}; use at least SessionIdleTimeout and at most 7 days.");
        }

        if (LoginAttemptsPerWindow is < 1 or > 100)
        {
            problems.Add($"{Section}:LoginAttemptsPerWindow is {LoginAttemptsPerWindow}; use 1 to 100.");
        }

        if (LoginWindow < TimeSpan.FromMinutes(1) || LoginWindow > TimeSpan.FromDays(1))
        {
            problems.Add($"{Section}:LoginWindow is {LoginWindow}; use 00:01:00 to 1.00:00:00.");
        }

        return problems;
    }
}
