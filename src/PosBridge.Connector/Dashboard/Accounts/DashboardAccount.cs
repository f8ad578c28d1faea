namespace PosBridge.Connector.Dashboard.Accounts;

/// <summary>What an account may do on the dashboard; each role may do all that the roles before it may.</summary>
internal enum DashboardRole
{
    /// <summary>Sees the dashboard and the reports; changes nothing, downloads nothing.</summary>
    ReadOnly = 0,

    /// <summary>Also downloads ledger files and report tables; cannot pair or revoke tills or change anything.</summary>
    Accountant = 1,

    /// <summary>Also operates tills and deliveries: pairing codes, revoking, retrying, resending, product files.</summary>
    Manager = 2,

    /// <summary>Everything, with the accounts themselves. Always signs in with a second factor.</summary>
    Owner = 3,
}

internal static class DashboardRoles
{
    public static readonly IReadOnlyList<string> Names = ["owner", "manager", "accountant", "read-only"];

    public static string Name(this DashboardRole role) => role switch
    {
        DashboardRole.Owner => "owner",
        DashboardRole.Manager => "manager",
        DashboardRole.Accountant => "accountant",
        _ => "read-only",
    };

    public static DashboardRole? Parse(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "owner" => DashboardRole.Owner,
        "manager" => DashboardRole.Manager,
        "accountant" => DashboardRole.Accountant,
        "read-only" or "readonly" => DashboardRole.ReadOnly,
        _ => null,
    };
}

/// <summary>
/// A person who signs in to the dashboard. <see cref="TotpSecret"/> is the authenticator's secret encrypted with the
/// secrets key (null until enrolled); <see cref="PendingTotpSecret"/> one being enrolled, not yet confirmed by a code.
/// </summary>
internal sealed record DashboardAccount(
    string Name,
    DashboardRole Role,
    string PasswordHash,
    string? TotpSecret,
    string? PendingTotpSecret,
    long? LastTotpStep,
    int FailedLogins,
    DateTimeOffset? LockedUntil,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastLoginAt,
    int RecoveryCodesLeft)
{
    public bool HasSecondFactor => TotpSecret is not null;

    public bool IsLockedAt(DateTimeOffset now) => LockedUntil is { } until && until > now;
}

/// <summary>What became of a removal or a role change, which never leave the dashboard without an owner.</summary>
internal enum AccountChangeOutcome
{
    Done,
    NotFound,
    LastOwner,
}

/// <summary>
/// The dashboard's accounts, their second factor and their failed logins, in the connector's database: a lock and a
/// used one-time-password step hold across a restart and across every instance on one database. Each method is one
/// atomic change, so two instances checking the same code at once cannot both accept it.
/// </summary>
internal interface IDashboardAccounts
{
    Task<IReadOnlyList<DashboardAccount>> ListAsync(CancellationToken cancellationToken = default);

    Task<DashboardAccount?> FindAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Adds the account; false when one of that name exists.</summary>
    Task<bool> AddAsync(string name, DashboardRole role, string passwordHash, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>A new password; also unlocks (the owner set it). False when there is no such account.</summary>
    Task<bool> SetPasswordAsync(string name, string passwordHash, CancellationToken cancellationToken = default);

    /// <summary>
    /// Counts a failed login (from one again once an earlier lock has passed); at <paramref name="maxFailures"/> in a
    /// row the account is locked for <paramref name="lockFor"/>. Returns the account as it now is.
    /// </summary>
    Task<DashboardAccount?> LoginFailedAsync(string name, int maxFailures, DateTimeOffset now, TimeSpan lockFor, CancellationToken cancellationToken = default);

    Task LoginSucceededAsync(string name, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Ends a lock and forgets failed logins. False when there is no such account.</summary>
    Task<bool> UnlockAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Keeps a new (encrypted) secret until a code from it confirms the enrolment.</summary>
    Task BeginEnrolmentAsync(string name, string pendingSecret, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes the pending secret the account's, with <paramref name="step"/> used and these recovery codes (hashes)
    /// replacing any before. False when the pending secret changed meanwhile.
    /// </summary>
    Task<bool> ConfirmEnrolmentAsync(string name, string pendingSecret, long step, IReadOnlyList<string> recoveryCodeHashes, CancellationToken cancellationToken = default);

    /// <summary>Records <paramref name="step"/> as used; false when it (or a later one) already was: the code is a replay.</summary>
    Task<bool> UseStepAsync(string name, long step, CancellationToken cancellationToken = default);

    /// <summary>Spends a recovery code; false when the account has no such unused code.</summary>
    Task<bool> UseRecoveryCodeAsync(string name, string codeHash, CancellationToken cancellationToken = default);

    /// <summary>Forgets the second factor and the recovery codes (the holder enrols again). False when there is no such account.</summary>
    Task<bool> ResetSecondFactorAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Gives the account another role (it holds from the account's next request); never demotes the last owner.</summary>
    Task<AccountChangeOutcome> SetRoleAsync(string name, DashboardRole role, CancellationToken cancellationToken = default);

    /// <summary>Removes the account, never the last owner.</summary>
    Task<AccountChangeOutcome> RemoveAsync(string name, CancellationToken cancellationToken = default);
}
