using System.Globalization;
using PosBridge.Connector.Dashboard;
using PosBridge.Connector.Dashboard.Accounts;
using PosBridge.Connector.Tills;

namespace PosBridge.Connector.Cli;

/// <summary>
/// <c>posbridge accounts list|add|reset-password|unlock|reset-mfa|remove</c>: the dashboard's accounts from the server's
/// shell, which is also an owner's way back when locked out or when the phone with the authenticator is lost. Passwords
/// are read on standard input (out of the shell's history and the process list). Every change is audited as <c>cli</c>.
/// </summary>
internal static class AccountsCommand
{
    public static readonly IReadOnlyList<string> Verbs = ["list", "add", "set-role", "reset-password", "unlock", "reset-mfa", "remove"];

    /// <summary>The options a verb takes, or null for an unknown verb.</summary>
    public static string[]? Allowed(string verb) => verb switch
    {
        "list" => ["data"],
        "add" or "set-role" => ["name", "role", "data"],
        "reset-password" or "unlock" or "reset-mfa" or "remove" => ["name", "data"],
        _ => null,
    };

    /// <summary>What is wrong with the command line, before any database is opened; null when it may run.</summary>
    public static string? Check(List<string> positional, Dictionary<string, string> options)
    {
        const string use = "use 'accounts list', 'accounts add|set-role --name NAME --role ROLE', or 'accounts reset-password|unlock|reset-mfa|remove --name NAME'.";
        if (positional.Count != 1 || Allowed(positional[0]) is not { } allowed)
        {
            return use;
        }

        var verb = positional[0];
        if (options.Keys.FirstOrDefault(k => !allowed.Contains(k)) is { } unknown)
        {
            return $"accounts {verb} does not take --{unknown}; it takes {string.Join(", ", allowed.Select(a => "--" + a))}.";
        }

        if (verb != "list")
        {
            if (!options.TryGetValue("name", out var name))
            {
                return $"accounts {verb} needs --name NAME.";
            }

            if (AccountsApi.NameProblem(name) is { } problem)
            {
                return $"--name '{name}': {problem}";
            }
        }

        if (verb is "add" or "set-role")
        {
            if (!options.TryGetValue("role", out var role))
            {
                return $"accounts {verb} needs --role, one of {string.Join(", ", DashboardRoles.Names)}.";
            }

            if (DashboardRoles.Parse(role) is null)
            {
                return $"--role '{role}' is not a role; use one of {string.Join(", ", DashboardRoles.Names)}.";
            }
        }

        return null;
    }

    public static async Task<int> RunAsync(IServiceProvider services, string verb, Dictionary<string, string> options, TextReader input, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        var accounts = services.GetRequiredService<IDashboardAccounts>();
        var audit = services.GetRequiredService<ITillStore>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        if (verb == "list")
        {
            return await ListAsync(accounts, now, output, cancellationToken).ConfigureAwait(false);
        }

        var name = AccountsApi.Normalise(options["name"]);
        switch (verb)
        {
            case "add":
            {
                if (await ReadPasswordAsync(input, error, cancellationToken).ConfigureAwait(false) is not { } password)
                {
                    return CommandLine.InputProblems;
                }

                var role = DashboardRoles.Parse(options["role"])!.Value;
                if (!await accounts.AddAsync(name, role, DashboardPassword.Hash(password), now, cancellationToken).ConfigureAwait(false))
                {
                    await error.WriteLineAsync($"posbridge: there is an account '{name}' already; choose another name or use 'accounts reset-password --name {name}'.").ConfigureAwait(false);
                    return CommandLine.InputProblems;
                }

                await audit.AuditAsync("cli", "dashboard.account.add", name, $"role {role.Name()}", now, cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync($"Added the {role.Name()} account '{name}'. It signs in at /dashboard{(role == DashboardRole.Owner ? " and sets up an authenticator app at its first login" : string.Empty)}.").ConfigureAwait(false);
                return CommandLine.Ok;
            }

            case "set-role":
            {
                var role = DashboardRoles.Parse(options["role"])!.Value;
                return await ChangeAsync(accounts.SetRoleAsync(name, role, cancellationToken), audit, "dashboard.account.role", name, $"role {role.Name()}", $"'{name}' is now {role.Name()}; it holds from the account's next request.", now, output, error, cancellationToken).ConfigureAwait(false);
            }

            case "reset-password":
            {
                if (await ReadPasswordAsync(input, error, cancellationToken).ConfigureAwait(false) is not { } password)
                {
                    return CommandLine.InputProblems;
                }

                return await ChangeAsync(Found(accounts.SetPasswordAsync(name, DashboardPassword.Hash(password), cancellationToken)), audit, "dashboard.account.password", name, null, $"New password for '{name}' (and unlocked).", now, output, error, cancellationToken).ConfigureAwait(false);
            }

            case "unlock":
                return await ChangeAsync(Found(accounts.UnlockAsync(name, cancellationToken)), audit, "dashboard.account.unlock", name, null, $"Unlocked '{name}'.", now, output, error, cancellationToken).ConfigureAwait(false);

            case "reset-mfa":
                return await ChangeAsync(Found(accounts.ResetSecondFactorAsync(name, cancellationToken)), audit, "dashboard.mfa.reset", name, null, $"'{name}' has no authenticator or recovery codes now; it sets up a new one at its next login.", now, output, error, cancellationToken).ConfigureAwait(false);

            default:
                return await ChangeAsync(accounts.RemoveAsync(name, cancellationToken), audit, "dashboard.account.remove", name, null, $"Removed '{name}'.", now, output, error, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<int> ListAsync(IDashboardAccounts accounts, DateTimeOffset now, TextWriter output, CancellationToken cancellationToken)
    {
        var list = await accounts.ListAsync(cancellationToken).ConfigureAwait(false);
        if (list.Count == 0)
        {
            await output.WriteLineAsync("No dashboard accounts yet. Add the first owner: posbridge accounts add --name NAME --role owner (the password on standard input)").ConfigureAwait(false);
            return CommandLine.Ok;
        }

        await output.WriteLineAsync($"{"name",-20} {"role",-11} {"mfa",-4} {"recovery",-8} {"locked until",-20} last login").ConfigureAwait(false);
        foreach (var a in list)
        {
            var locked = a.IsLockedAt(now) ? Format(a.LockedUntil) : "-";
            await output.WriteLineAsync($"{a.Name,-20} {a.Role.Name(),-11} {(a.HasSecondFactor ? "yes" : "no"),-4} {a.RecoveryCodesLeft,-8} {locked,-20} {Format(a.LastLoginAt)}").ConfigureAwait(false);
        }

        return CommandLine.Ok;
    }

    /// <summary>One change to an account: refused when there is no such account or it would leave no owner, else audited.</summary>
    private static async Task<int> ChangeAsync(Task<AccountChangeOutcome> change, ITillStore audit, string action, string name, string? detail, string done, DateTimeOffset now, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        switch (await change.ConfigureAwait(false))
        {
            case AccountChangeOutcome.NotFound:
                await error.WriteLineAsync($"posbridge: there is no account '{name}' (see 'posbridge accounts list').").ConfigureAwait(false);
                return CommandLine.InputProblems;
            case AccountChangeOutcome.LastOwner:
                await error.WriteLineAsync($"posbridge: '{name}' is the last owner and stays one; make another account owner first (accounts add or set-role --name NAME --role owner).").ConfigureAwait(false);
                return CommandLine.InputProblems;
        }

        await audit.AuditAsync("cli", action, name, detail, now, cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync(done).ConfigureAwait(false);
        return CommandLine.Ok;
    }

    private static async Task<AccountChangeOutcome> Found(Task<bool> change) =>
        await change.ConfigureAwait(false) ? AccountChangeOutcome.Done : AccountChangeOutcome.NotFound;

    private static async Task<string?> ReadPasswordAsync(TextReader input, TextWriter error, CancellationToken cancellationToken)
    {
        var password = (await input.ReadLineAsync(cancellationToken).ConfigureAwait(false))?.TrimEnd('\r') ?? string.Empty;
        if (password.Length == 0)
        {
            await error.WriteLineAsync("posbridge: type the password on standard input, e.g. read -rs P; echo \"$P\" | posbridge accounts add --name NAME --role ROLE").ConfigureAwait(false);
            return null;
        }

        if (DashboardPassword.Weakness(password) is { } weakness)
        {
            await error.WriteLineAsync($"posbridge: the password is too weak: {weakness}").ConfigureAwait(false);
            return null;
        }

        return password;
    }

    private static string Format(DateTimeOffset? instant) =>
        instant is { } value ? value.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture) : "never";
}
