using PosBridge.Connector.Hosting;
using PosBridge.Connector.Storage;
using PosBridge.Connector.Tills;

namespace PosBridge.Connector.Dashboard.Accounts;

/// <summary>
/// At start, after the database is migrated: a connector that had one shared dashboard password and no accounts yet
/// gets the account <c>owner</c> with that password (audited), so the manager signs in as before with a name added, and
/// is then asked to set up an authenticator app. From then on the setting is not used to sign in.
/// </summary>
internal sealed class SharedPasswordMigration(
    IConfiguration configuration,
    IConnectorStorage storage,
    IDashboardAccounts accounts,
    ITillStore audit,
    TimeProvider time,
    ILogger<SharedPasswordMigration> logger) : IHostedService
{
    public const string OwnerName = "owner";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = configuration.GetSection(DashboardOptions.Section).Get<DashboardOptions>() ?? new DashboardOptions();
        if (!options.Enabled || options.Problems().Count > 0)
        {
            return;
        }

        // Migrated already by DatabaseMigrator when this runs in serve; a test host or a command may start this first.
        await storage.MigrateAsync(cancellationToken).ConfigureAwait(false);
        await MigrateAsync(options.Password, cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Makes the first owner from <paramref name="sharedPassword"/> when there are no accounts; true when it did.</summary>
    public async Task<bool> MigrateAsync(string? sharedPassword, CancellationToken cancellationToken = default)
    {
        if ((await accounts.ListAsync(cancellationToken).ConfigureAwait(false)).Count > 0)
        {
            if (!string.IsNullOrWhiteSpace(sharedPassword))
            {
                Log.DashboardPasswordUnused(logger);
            }

            return false;
        }

        if (string.IsNullOrWhiteSpace(sharedPassword))
        {
            Log.DashboardNoAccounts(logger);
            return false;
        }

        var hash = DashboardPassword.IsHash(sharedPassword) ? sharedPassword : DashboardPassword.Hash(sharedPassword);
        var now = time.GetUtcNow();
        if (await accounts.AddAsync(OwnerName, DashboardRole.Owner, hash, now, cancellationToken).ConfigureAwait(false))
        {
            await audit.AuditAsync("connector", "dashboard.account.migrated", OwnerName, $"from {DashboardOptions.Section}:Password, role owner; the setting is no longer used to sign in", now, cancellationToken).ConfigureAwait(false);
            Log.DashboardPasswordMigrated(logger, OwnerName);
            return true;
        }

        return false;
    }
}
