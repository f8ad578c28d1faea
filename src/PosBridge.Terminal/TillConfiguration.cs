using Microsoft.Extensions.Configuration;
using PosBridge.Terminal.Screen;

namespace PosBridge.Terminal;

/// <summary>
/// Where every verb of the till finds its settings, as the connector's verbs do (later wins): <c>appsettings.json</c>
/// beside the binary, the file given with <c>--config</c> (or named by <see cref="ConfigVariable"/>), environment
/// variables (<c>PosBridge__Till__StoreId</c>), then the command line. The working directory plays no part, so a till
/// started as a service with no working directory reads the same settings as one started by hand in any folder.
/// </summary>
public static class TillConfiguration
{
    /// <summary>
    /// The environment variable naming the settings file, as <c>--config</c> does (a service gets it from its unit). Not the
    /// connector's <c>POSBRIDGE_CONFIG</c>: a shop PC may run both, and the connector's file is not the till's.
    /// </summary>
    public const string ConfigVariable = "POSBRIDGE_TILL_CONFIG";

    public static string BesideBinary => Path.Combine(AppContext.BaseDirectory, "appsettings.json");

    /// <summary>
    /// Takes <c>--config FILE</c> and <c>--create</c> out of <paramref name="args"/>; the rest are settings and switches.
    /// </summary>
    /// <exception cref="InvalidOperationException">The settings file is not given or not there; the message names it.</exception>
    public static TillStart Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var rest = new List<string>();
        string? configFile = null;
        var create = false;
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--config")
            {
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    throw Problem("--config needs a settings file (JSON, as appsettings.json).");
                }

                configFile = args[++i];
                if (!File.Exists(configFile))
                {
                    throw Problem($"the settings file '{configFile}' given with --config does not exist.");
                }
            }
            else if (args[i] == "--create")
            {
                create = true;
            }
            else
            {
                rest.Add(args[i]);
            }
        }

        if (configFile is null && Environment.GetEnvironmentVariable(ConfigVariable) is { Length: > 0 } fromEnvironment)
        {
            if (!File.Exists(fromEnvironment))
            {
                throw Problem($"the settings file '{fromEnvironment}' named by {ConfigVariable} does not exist.");
            }

            configFile = fromEnvironment;
        }

        return new TillStart([.. rest], configFile, create);
    }

    /// <summary>Adds the till's settings sources in their order; <paramref name="start"/> holds the command line.</summary>
    public static IConfigurationBuilder AddTillSources(this IConfigurationBuilder builder, TillStart start)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(start);
        builder.AddJsonFile(BesideBinary, optional: true, reloadOnChange: false);
        if (start.ConfigFile is not null)
        {
            builder.AddJsonFile(Path.GetFullPath(start.ConfigFile), optional: false, reloadOnChange: false);
        }

        builder.AddEnvironmentVariables("PosBridge__");
        return builder.AddCommandLine(start.Arguments, TillHost.Switches.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal));
    }

    /// <summary>
    /// Refuses a data folder that does not exist unless <paramref name="create"/>: a mistyped <c>--data</c> must not quietly
    /// start a new, empty, unpaired till whose sales nobody finds. With <paramref name="create"/> the folder is made 0700.
    /// </summary>
    /// <exception cref="InvalidOperationException">The folder is not there; the message names it and <c>--create</c>.</exception>
    public static void RequireDataDirectory(string dataDirectory, bool create)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        var full = Path.GetFullPath(dataDirectory);
        if (Directory.Exists(full))
        {
            return;
        }

        if (!create)
        {
            throw Problem($"the data folder {full} does not exist. Give the folder this till uses (--data DIR or Screen:DataDirectory), or add --create to start a new, empty till there.");
        }

        // The till's database holds its sales, the connector credential and the signing key: its user's only.
        Core.Privacy.PrivateFiles.CreateFolder(full);
    }

    /// <summary>What <c>TillProgram</c> prints as it is, with exit code 2.</summary>
    internal static InvalidOperationException Problem(string problem) => new("The till cannot start:" + Environment.NewLine + " - " + problem);
}

/// <summary>The till's command line with <c>--config</c> and <c>--create</c> taken out.</summary>
/// <param name="Arguments">Switches and <c>--Section:Key value</c> settings.</param>
/// <param name="ConfigFile">The settings file given with <c>--config</c> or by the environment, or null.</param>
/// <param name="Create">Whether a data folder that is not there may be made.</param>
public sealed record TillStart(string[] Arguments, string? ConfigFile, bool Create);
