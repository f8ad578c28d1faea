using System.Globalization;
using Npgsql;
using PosBridge.Connector.Backups;
using PosBridge.Connector.Hosting;
using PosBridge.Connector.Storage;
using PosBridge.Connector.Storage.Postgres;
using PosBridge.Connector.Tills;

namespace PosBridge.Connector.Cli;

/// <summary><c>posbridge store migrate --to postgres</c>: the command-line side of <see cref="StoreMigration"/>.</summary>
internal static class StoreCommand
{
    public const string Usage = "use 'posbridge store migrate --to postgres [--data DIR]'; the PostgreSQL database is Storage:ConnectionString in the settings.";

    public static string? Check(IReadOnlyList<string> positional, IReadOnlyDictionary<string, string> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (positional is not ["migrate"] || options.Keys.Any(k => k is not ("to" or "data")) || !options.TryGetValue("to", out var to))
        {
            return Usage;
        }

        return string.Equals(to, StorageOptions.Postgres, StringComparison.OrdinalIgnoreCase)
            ? null
            : $"store migrate copies a SQLite connector into PostgreSQL: use --to postgres (not '{to}').";
    }

    public static async Task<int> MigrateAsync(IConfiguration configuration, string dataDirectory, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ConnectorConfiguration.RequireDataDirectory(dataDirectory, create: false);
        using var held = RunningConnector.TryTakeExclusive(Path.GetFullPath(dataDirectory));
        if (held is null)
        {
            await error.WriteLineAsync($"posbridge: a connector is serving {Path.GetFullPath(dataDirectory)}: stop it first (systemctl stop posbridge, or end 'posbridge serve'), then migrate. Nothing was changed.").ConfigureAwait(false);
            return CommandLine.InputProblems;
        }

        var options = new ConnectorOptions { DataDirectory = dataDirectory };
        try
        {
            await using var target = new PostgresDatabase(configuration.GetSection(StorageOptions.Section)["ConnectionString"], SecretProtector.FromKeyFile(options.SecretsKeyPath));
            await output.WriteLineAsync($"Copying {options.DatabasePath} into PostgreSQL {target.Location}…").ConfigureAwait(false);
            var copies = await StoreMigration.ToPostgresAsync(options.DatabasePath, target, cancellationToken).ConfigureAwait(false);
            foreach (var copy in copies)
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  {copy.Table,-28} {copy.Rows,10:N0} rows  checksum {copy.Checksum[..16]} (same in both)")).ConfigureAwait(false);
            }

            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Copied and verified {copies.Sum(c => c.Rows):N0} rows in {copies.Count} tables; the SQLite file is unchanged.")).ConfigureAwait(false);
            await output.WriteLineAsync($"Next: set Storage:Provider to postgres in every instance's settings, and give each instance this folder's keys/secrets.key (the tills' keys and encrypted settings need it). Keep {options.DatabasePath} until the instances run well.").ConfigureAwait(false);
            return CommandLine.Ok;
        }
        catch (StoreMigrationProblemException ex)
        {
            await error.WriteLineAsync($"posbridge: {ex.Message}").ConfigureAwait(false);
            return CommandLine.InputProblems;
        }
        catch (NpgsqlException ex)
        {
            await error.WriteLineAsync($"posbridge: PostgreSQL refused or could not be reached ({ex.Message.TrimEnd('.')}). Check Storage:ConnectionString and that the server runs. Nothing was changed.").ConfigureAwait(false);
            return CommandLine.InputProblems;
        }
    }
}
