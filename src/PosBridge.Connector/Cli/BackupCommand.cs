using System.Globalization;
using PosBridge.Connector.Backups;
using PosBridge.Connector.Hosting;

namespace PosBridge.Connector.Cli;

/// <summary><c>posbridge backup</c> and <c>posbridge restore</c>: the command-line side of <see cref="ConnectorBackup"/>.</summary>
internal static class BackupCommand
{
    public static async Task<int> BackupAsync(string dataDirectory, string? outFile, TextWriter output, TextWriter error, TimeProvider timeProvider, CancellationToken cancellationToken = default)
    {
        ConnectorConfiguration.RequireDataDirectory(dataDirectory, create: false);
        var file = outFile ?? $"posbridge-backup-{timeProvider.GetUtcNow().UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}.zip";
        try
        {
            var result = await ConnectorBackup.BackupAsync(dataDirectory, file, timeProvider, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"Backup written: {result.File} ({result.Bytes:N0} bytes; {result.SalesReceived:N0} sales, {result.Tills} tills, schema {result.SchemaVersion}).").ConfigureAwait(false);
            if (result.IncludesKeys)
            {
                await error.WriteLineAsync("posbridge: warning: the backup holds the secrets key (keys/secrets.key). Anyone with the file can read the tills' signing keys and the encrypted settings: keep it where only you can read it (it is written readable by its owner only), and never send it by e-mail.").ConfigureAwait(false);
            }
            else
            {
                await error.WriteLineAsync("posbridge: warning: the data folder has no secrets key, so the backup has none: keep keys/secrets.key safe separately, or the tills must be paired again after a restore.").ConfigureAwait(false);
            }

            return CommandLine.Ok;
        }
        catch (BackupProblemException ex)
        {
            await error.WriteLineAsync($"posbridge: {ex.Message}").ConfigureAwait(false);
            return CommandLine.InputProblems;
        }
    }

    public static async Task<int> RestoreAsync(string dataDirectory, string backupFile, bool create, TextWriter output, TextWriter error, TimeProvider timeProvider, CancellationToken cancellationToken = default)
    {
        ConnectorConfiguration.RequireDataDirectory(dataDirectory, create);
        try
        {
            var result = await ConnectorBackup.RestoreAsync(dataDirectory, backupFile, timeProvider, cancellationToken: cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"Restored the backup of {result.BackupCreatedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC into {Path.GetFullPath(dataDirectory)}: {result.SalesReceived:N0} sales, {result.Tills} tills.").ConfigureAwait(false);
            if (result.KeptAside is { } aside)
            {
                await output.WriteLineAsync($"The data as it was is kept in {aside}; delete it once the connector runs well.").ConfigureAwait(false);
            }

            await output.WriteLineAsync("Start the connector again. Sales it received after the backup was made are not in it (the tills do not send sales again that the connector had acknowledged): check the tills' last uploads in 'posbridge tills list'.").ConfigureAwait(false);
            return CommandLine.Ok;
        }
        catch (BackupProblemException ex)
        {
            await error.WriteLineAsync($"posbridge: {ex.Message}").ConfigureAwait(false);
            return CommandLine.InputProblems;
        }
    }
}
