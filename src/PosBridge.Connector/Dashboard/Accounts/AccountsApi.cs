using System.Globalization;
using PosBridge.Connector.Hosting;
using PosBridge.Connector.Tills;
using QRCoder;

namespace PosBridge.Connector.Dashboard.Accounts;

internal sealed record LoginRequest(string? Name, string? Password, string? Code);

/// <summary>The signed-in account as the page needs it: <c>Enrolled</c> false means it has no authenticator yet.</summary>
internal sealed record SessionResponse(string CsrfToken, string Account, string Role, bool SecondFactor, bool Enrolled);

/// <summary>A new authenticator secret to confirm: typed (<c>Secret</c>), as a link, or as a QR code (a PNG data URL).</summary>
internal sealed record EnrolResponse(string Secret, string Link, string QrCode);

internal sealed record CodeRequest(string? Code);

/// <summary>The session after enrolment (a new one: the login now has a second factor), and the recovery codes, shown this once.</summary>
internal sealed record EnrolledResponse(SessionResponse Session, IReadOnlyList<string> RecoveryCodes);

internal sealed record AccountView(string Name, string Role, bool SecondFactor, int RecoveryCodesLeft, DateTimeOffset? LockedUntil, DateTimeOffset CreatedAt, DateTimeOffset? LastLoginAt);

internal sealed record NewAccountRequest(string? Name, string? Role, string? Password);

internal sealed record PasswordRequest(string? Password);

/// <summary>
/// Signing in with an account (password, then a one-time code when it has an authenticator), enrolling an authenticator,
/// the owner's accounts page, and the check every signed-in request passes: the role allows it, and a change of data
/// comes from a login with a second factor. Every login, refusal, lock, change of second factor and account change is
/// audited with the account's name.
/// </summary>
internal sealed class AccountsApi(
    DashboardOptions options,
    IDashboardSessions sessions,
    IDashboardAccounts accounts,
    ITillStore audit,
    Lazy<SecretProtector> secrets,
    TimeProvider time,
    ILogger logger)
{
    /// <summary>Failed logins in a row that lock an account, and for how long: the issue's 5 and 15 minutes.</summary>
    public const int LockAfter = 5;

    public static readonly TimeSpan LockFor = TimeSpan.FromMinutes(15);

    public const string Issuer = "PosBridge";

    // An unknown name costs the same PBKDF2 as a known one, so timing does not tell which names exist.
    private static readonly Lazy<DashboardPassword> Decoy = new(() => DashboardPassword.FromSetting(DashboardPassword.Hash("decoy-" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)))));

    public static DashboardAccount AccountOf(HttpContext http) => (DashboardAccount)http.Items[typeof(DashboardAccount)]!;

    /// <summary>The actor of audit rows for an account: <c>dashboard:NAME</c>.</summary>
    public static string Actor(string account) => "dashboard:" + account;

    /// <summary>Why <paramref name="name"/> cannot name an account, or null. Names are compared in lower case.</summary>
    public static string? NameProblem(string? name) =>
        string.IsNullOrWhiteSpace(name) ? "Type the account name."
        : name.Trim().Length > 40 || !name.Trim().All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_') || !char.IsAsciiLetterOrDigit(name.Trim()[0])
            ? "An account name is 1 to 40 letters (a-z), digits, dots, dashes or underscores, starting with a letter or digit."
            : null;

    public static string Normalise(string name) => name.Trim().ToLowerInvariant();

    public async Task<IResult> LoginAsync(HttpContext http, CancellationToken cancellationToken)
    {
        var client = DashboardEndpoints.Client(http);
        var wait = await sessions.LoginWaitAsync(client, options, cancellationToken).ConfigureAwait(false);
        if (wait > TimeSpan.Zero)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return DashboardEndpoints.Problem(StatusCodes.Status429TooManyRequests, "dashboard-login-throttled", "Too many wrong passwords.", $"Try again in {(seconds + 59) / 60} min.");
        }

        var (request, bad) = await DashboardEndpoints.ReadAsync<LoginRequest>(http, cancellationToken).ConfigureAwait(false);
        if (bad is not null)
        {
            return bad;
        }

        if (NameProblem(request!.Name) is { } nameProblem)
        {
            return DashboardEndpoints.Problem(StatusCodes.Status400BadRequest, "invalid-request", "The request is not of the expected shape.", nameProblem + " Sign in with an account's name and its password.");
        }

        if (string.IsNullOrEmpty(request.Password) || request.Password.Length > 1024)
        {
            return DashboardEndpoints.Problem(StatusCodes.Status400BadRequest, "invalid-request", "The request is not of the expected shape.", "Type the account's password.");
        }

        var name = Normalise(request.Name!);
        var now = time.GetUtcNow();
        var account = await accounts.FindAsync(name, cancellationToken).ConfigureAwait(false);
        if (account is null)
        {
            _ = Decoy.Value.Verify(request.Password);
            return await RefuseAsync(http, name, null, "dashboard-wrong-password", "Wrong name or password.", "The account name or the password is wrong. Repeated mistakes make the dashboard wait before the next try.", cancellationToken).ConfigureAwait(false);
        }

        if (account.IsLockedAt(now))
        {
            await audit.AuditAsync(Actor(name), "dashboard.login-locked", client, null, now, cancellationToken).ConfigureAwait(false);
            return Locked(account);
        }

        if (!DashboardPassword.FromSetting(account.PasswordHash).Verify(request.Password))
        {
            return await RefuseAsync(http, name, account, "dashboard-wrong-password", "Wrong name or password.", "The account name or the password is wrong. Repeated mistakes lock the account for 15 minutes.", cancellationToken).ConfigureAwait(false);
        }

        var secondFactor = false;
        string? how = null;
        if (account.TotpSecret is { } protectedSecret)
        {
            if (string.IsNullOrWhiteSpace(request.Code))
            {
                // The right password alone is no failure: the page now asks for the code.
                return DashboardEndpoints.Problem(StatusCodes.Status401Unauthorized, "dashboard-code-required", "Type the code from your authenticator app.", "This account signs in with a one-time code from its authenticator app (or one of its recovery codes).");
            }

            if (RecoveryCodes.LooksLikeOne(request.Code))
            {
                if (!await accounts.UseRecoveryCodeAsync(name, RecoveryCodes.Hash(name, request.Code), cancellationToken).ConfigureAwait(false))
                {
                    return await RefuseAsync(http, name, account, "dashboard-wrong-code", "Wrong code.", "That recovery code is wrong or was used already; each works once.", cancellationToken).ConfigureAwait(false);
                }

                how = $"recovery code ({account.RecoveryCodesLeft - 1} left)";
            }
            else
            {
                var secret = secrets.Value.Unprotect(protectedSecret);
                if (Totp.Match(secret, request.Code, now, account.LastTotpStep) is not { } step)
                {
                    var replay = Totp.Match(secret, request.Code, now, null) is not null;
                    return await RefuseAsync(
                        http,
                        name,
                        account,
                        replay ? "dashboard-code-used" : "dashboard-wrong-code",
                        replay ? "That code was used already." : "Wrong code.",
                        replay ? "A code works once: wait for the app to show the next one." : "The code does not match; check the phone's clock and type the code the app shows now.",
                        cancellationToken).ConfigureAwait(false);
                }

                if (!await accounts.UseStepAsync(name, step, cancellationToken).ConfigureAwait(false))
                {
                    return await RefuseAsync(http, name, account, "dashboard-code-used", "That code was used already.", "A code works once: wait for the app to show the next one.", cancellationToken).ConfigureAwait(false);
                }

                how = "one-time code";
            }

            secondFactor = true;
        }

        await sessions.LoginSucceededAsync(client, cancellationToken).ConfigureAwait(false);
        await accounts.LoginSucceededAsync(name, now, cancellationToken).ConfigureAwait(false);
        var response = await StartSessionAsync(http, account, secondFactor, cancellationToken).ConfigureAwait(false);
        await audit.AuditAsync(Actor(name), "dashboard.login", client, how ?? "password only", now, cancellationToken).ConfigureAwait(false);
        return Results.Ok(response);
    }

    public static IResult Session(HttpContext http)
    {
        var session = DashboardEndpoints.SessionOf(http);
        var account = AccountOf(http);
        return Results.Ok(new SessionResponse(session.CsrfToken, account.Name, account.Role.Name(), session.SecondFactor, account.HasSecondFactor));
    }

    /// <summary>A new authenticator secret, kept pending until a code from it confirms it.</summary>
    public async Task<IResult> EnrolAsync(HttpContext http, CancellationToken cancellationToken)
    {
        var account = AccountOf(http);
        var secret = Totp.NewSecret();
        await accounts.BeginEnrolmentAsync(account.Name, secrets.Value.Protect(secret), cancellationToken).ConfigureAwait(false);
        var link = Totp.Link(secret, Issuer, account.Name);
        using var data = QRCodeGenerator.GenerateQrCode(link, QRCodeGenerator.ECCLevel.M);
        var png = new PngByteQRCode(data).GetGraphic(6);
        return Results.Ok(new EnrolResponse(Totp.Base32(secret), link, "data:image/png;base64," + Convert.ToBase64String(png)));
    }

    /// <summary>Confirms the pending secret with a code from it: the account now has a second factor and this session proves it.</summary>
    public async Task<IResult> ConfirmAsync(HttpContext http, CancellationToken cancellationToken)
    {
        var (request, bad) = await DashboardEndpoints.ReadAsync<CodeRequest>(http, cancellationToken).ConfigureAwait(false);
        if (bad is not null)
        {
            return bad;
        }

        var account = await accounts.FindAsync(AccountOf(http).Name, cancellationToken).ConfigureAwait(false);
        if (account?.PendingTotpSecret is not { } pending)
        {
            return DashboardEndpoints.Problem(StatusCodes.Status409Conflict, "dashboard-no-enrolment", "There is no set-up to confirm.", "Start setting up the authenticator app again.");
        }

        if (Totp.Normalise(request!.Code) is null)
        {
            return DashboardEndpoints.Problem(StatusCodes.Status400BadRequest, "invalid-request", "The request is not of the expected shape.", "Type the 6-digit code the authenticator app shows.");
        }

        var now = time.GetUtcNow();
        if (Totp.Match(secrets.Value.Unprotect(pending), request.Code, now, null) is not { } step)
        {
            return DashboardEndpoints.Problem(StatusCodes.Status400BadRequest, "dashboard-wrong-code", "Wrong code.", "The code does not match; check the phone's clock, and that the app scanned this page's QR code.");
        }

        var codes = RecoveryCodes.New();
        if (!await accounts.ConfirmEnrolmentAsync(account.Name, pending, step, [.. codes.Select(c => RecoveryCodes.Hash(account.Name, c))], cancellationToken).ConfigureAwait(false))
        {
            return DashboardEndpoints.Problem(StatusCodes.Status409Conflict, "dashboard-no-enrolment", "The set-up changed meanwhile.", "Another set-up of this account started; start again.");
        }

        // A new session for the stronger login, so a token taken before enrolment does not gain its rights.
        await sessions.EndAsync(http.Request.Cookies[DashboardEndpoints.CookieName], cancellationToken).ConfigureAwait(false);
        var session = await StartSessionAsync(http, account with { TotpSecret = pending }, secondFactor: true, cancellationToken).ConfigureAwait(false);
        await audit.AuditAsync(Actor(account.Name), "dashboard.mfa.enrolled", account.Name, $"{codes.Count} recovery codes; from {DashboardEndpoints.Client(http)}", now, cancellationToken).ConfigureAwait(false);
        return Results.Ok(new EnrolledResponse(session, codes));
    }

    public async Task<IResult> ListAsync(CancellationToken cancellationToken)
    {
        var list = await accounts.ListAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        return Results.Ok(list.Select(a => new AccountView(a.Name, a.Role.Name(), a.HasSecondFactor, a.RecoveryCodesLeft, a.IsLockedAt(now) ? a.LockedUntil : null, a.CreatedAt, a.LastLoginAt)).ToList());
    }

    public async Task<IResult> AddAsync(HttpContext http, CancellationToken cancellationToken)
    {
        var (request, bad) = await DashboardEndpoints.ReadAsync<NewAccountRequest>(http, cancellationToken).ConfigureAwait(false);
        if (bad is not null)
        {
            return bad;
        }

        var problems = new List<string>();
        if (NameProblem(request!.Name) is { } nameProblem)
        {
            problems.Add(nameProblem);
        }

        var role = DashboardRoles.Parse(request.Role);
        if (role is null)
        {
            problems.Add($"The role is one of {string.Join(", ", DashboardRoles.Names)}.");
        }

        if (PasswordProblem(request.Password) is { } passwordProblem)
        {
            problems.Add(passwordProblem);
        }

        if (problems.Count > 0)
        {
            return DashboardEndpoints.Problem(StatusCodes.Status400BadRequest, "invalid-request", "The account's details are not valid.", string.Join(" ", problems));
        }

        var name = Normalise(request.Name!);
        if (!await accounts.AddAsync(name, role!.Value, DashboardPassword.Hash(request.Password!), time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            return DashboardEndpoints.Problem(StatusCodes.Status409Conflict, "dashboard-account-exists", "There is such an account already.", $"An account is named '{name}'; choose another name.");
        }

        await AuditAsync(http, "dashboard.account.add", name, $"role {role.Value.Name()}", cancellationToken).ConfigureAwait(false);
        return Results.Ok(new { name, role = role.Value.Name() });
    }

    public async Task<IResult> SetPasswordAsync(HttpContext http, string name, CancellationToken cancellationToken)
    {
        var (request, bad) = await DashboardEndpoints.ReadAsync<PasswordRequest>(http, cancellationToken).ConfigureAwait(false);
        if (bad is not null)
        {
            return bad;
        }

        if (PasswordProblem(request!.Password) is { } problem)
        {
            return DashboardEndpoints.Problem(StatusCodes.Status400BadRequest, "invalid-request", "The password is not valid.", problem);
        }

        return await ChangeAsync(http, name, "dashboard.account.password", n => accounts.SetPasswordAsync(n, DashboardPassword.Hash(request.Password!), cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    public Task<IResult> UnlockAsync(HttpContext http, string name, CancellationToken cancellationToken) =>
        ChangeAsync(http, name, "dashboard.account.unlock", n => accounts.UnlockAsync(n, cancellationToken), cancellationToken);

    public Task<IResult> ResetSecondFactorAsync(HttpContext http, string name, CancellationToken cancellationToken) =>
        ChangeAsync(http, name, "dashboard.mfa.reset", n => accounts.ResetSecondFactorAsync(n, cancellationToken), cancellationToken);

    public async Task<IResult> RemoveAsync(HttpContext http, string name, CancellationToken cancellationToken)
    {
        var key = Normalise(name);
        switch (await accounts.RemoveAsync(key, cancellationToken).ConfigureAwait(false))
        {
            case AccountChangeOutcome.NotFound:
                return NoSuchAccount(key);
            case AccountChangeOutcome.LastOwner:
                return DashboardEndpoints.Problem(StatusCodes.Status409Conflict, "dashboard-last-owner", "The last owner cannot be removed.", $"'{key}' is the only owner: make another owner first.");
            default:
                await AuditAsync(http, "dashboard.account.remove", key, null, cancellationToken).ConfigureAwait(false);
                return Results.NoContent();
        }
    }

    /// <summary>
    /// What every signed-in request passes after its session: the account still exists, the endpoint names who may call
    /// it, an owner has a second factor, the role reaches, and a change of data comes from a login with a second factor.
    /// </summary>
    public async Task<IResult?> AuthorizeAsync(HttpContext http, DashboardSession session, CancellationToken cancellationToken)
    {
        var account = await accounts.FindAsync(session.Account, cancellationToken).ConfigureAwait(false);
        if (account is null)
        {
            await sessions.EndAsync(http.Request.Cookies[DashboardEndpoints.CookieName], cancellationToken).ConfigureAwait(false);
            return DashboardEndpoints.Problem(StatusCodes.Status401Unauthorized, "dashboard-login-required", "Sign in to the dashboard.", "This session's account no longer exists; sign in again.");
        }

        http.Items[typeof(DashboardAccount)] = account;
        var access = http.GetEndpoint()?.Metadata.GetMetadata<DashboardAccess>();
        if (access is null)
        {
            return DashboardEndpoints.Problem(StatusCodes.Status403Forbidden, "dashboard-role", "No account may do this.", "This address of the dashboard is open to no account.");
        }

        if (access.Enrolment)
        {
            return null;
        }

        if (account.Role == DashboardRole.Owner && !session.SecondFactor)
        {
            return DashboardEndpoints.Problem(StatusCodes.Status403Forbidden, "dashboard-mfa-required", "Set up your authenticator app first.", "An owner account signs in with a one-time code: set up an authenticator app on the security page, then use its codes to sign in.");
        }

        if (account.Role < access.Least)
        {
            return DashboardEndpoints.Problem(StatusCodes.Status403Forbidden, "dashboard-role", "Your role does not allow this.", $"A {account.Role.Name()} account cannot {access.What}; it needs the role {access.Least.Name()} or above. Ask an owner.");
        }

        if (access.Changes && !session.SecondFactor)
        {
            return DashboardEndpoints.Problem(StatusCodes.Status403Forbidden, "dashboard-mfa-required", "This needs a second factor.", $"To {access.What}, set up an authenticator app on the security page and sign in with its code.");
        }

        return null;
    }

    /// <summary>Audits an action of the signed-in account.</summary>
    public async Task AuditAsync(HttpContext http, string action, string subject, string? details, CancellationToken cancellationToken)
    {
        var client = DashboardEndpoints.Client(http);
        var from = $"from {client}";
        Log.DashboardAction(logger, action, subject, client);
        await audit.AuditAsync(Actor(AccountOf(http).Name), action, subject, details is null ? from : $"{details}; {from}", time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
    }

    private static string? PasswordProblem(string? password) =>
        string.IsNullOrEmpty(password) || password.Length > 1024 ? "Type a password (at most 1024 characters)."
        : DashboardPassword.Weakness(password) is { } weakness ? $"The password is too weak: {weakness}"
        : null;

    private async Task<IResult> ChangeAsync(HttpContext http, string name, string action, Func<string, Task<bool>> change, CancellationToken cancellationToken)
    {
        var key = Normalise(name);
        if (!await change(key).ConfigureAwait(false))
        {
            return NoSuchAccount(key);
        }

        await AuditAsync(http, action, key, null, cancellationToken).ConfigureAwait(false);
        return Results.NoContent();
    }

    private static IResult NoSuchAccount(string name) =>
        DashboardEndpoints.Problem(StatusCodes.Status404NotFound, "dashboard-no-such-account", "There is no such account.", $"No account is named '{name}'.");

    private async Task<SessionResponse> StartSessionAsync(HttpContext http, DashboardAccount account, bool secondFactor, CancellationToken cancellationToken)
    {
        var (token, session) = await sessions.StartAsync(options, account.Name, secondFactor, cancellationToken).ConfigureAwait(false);
        http.Response.Cookies.Append(DashboardEndpoints.CookieName, token, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = http.Request.IsHttps,
            Path = DashboardEndpoints.Path,
            IsEssential = true,
            MaxAge = options.SessionLifetime,
        });
        return new SessionResponse(session.CsrfToken, account.Name, account.Role.Name(), secondFactor, account.HasSecondFactor);
    }

    private async Task<IResult> RefuseAsync(HttpContext http, string name, DashboardAccount? account, string type, string title, string detail, CancellationToken cancellationToken)
    {
        var client = DashboardEndpoints.Client(http);
        var now = time.GetUtcNow();
        await sessions.LoginFailedAsync(client, cancellationToken).ConfigureAwait(false);
        Log.DashboardLoginRefused(logger, client);
        await audit.AuditAsync(Actor(name), "dashboard.login-refused", client, type, now, cancellationToken).ConfigureAwait(false);
        if (account is not null)
        {
            var after = await accounts.LoginFailedAsync(name, LockAfter, now, LockFor, cancellationToken).ConfigureAwait(false);
            if (after is not null && after.IsLockedAt(now) && !account.IsLockedAt(now))
            {
                Log.DashboardAccountLocked(logger, name, after.LockedUntil!.Value, client);
                await audit.AuditAsync(Actor(name), "dashboard.account.locked", name, $"after {after.FailedLogins} failed logins, until {after.LockedUntil:O}; last from {client}", now, cancellationToken).ConfigureAwait(false);
                return Locked(after);
            }
        }

        return DashboardEndpoints.Problem(StatusCodes.Status401Unauthorized, type, title, detail);
    }

    private static IResult Locked(DashboardAccount account) =>
        DashboardEndpoints.Problem(
            StatusCodes.Status423Locked,
            "dashboard-account-locked",
            "This account is locked.",
            $"After {LockAfter} failed logins the account is locked until {account.LockedUntil:yyyy-MM-dd HH:mm} UTC. Wait, or ask an owner to unlock it (an owner locked out: 'posbridge accounts unlock --name {account.Name}' on the server).");
}
