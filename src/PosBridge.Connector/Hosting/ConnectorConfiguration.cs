namespace PosBridge.Connector.Hosting;

/// <summary>
/// Where every verb finds its settings, in this order (later wins): <c>appsettings.json</c> beside the binary, the
/// file given with <c>--config</c>, environment variables (<c>PosBridge__DataDirectory</c>), then the command line.
/// The working directory plays no part, so a service started without one reads the same settings as a manager typing
/// a command in any folder.
/// </summary>
internal static class ConnectorConfiguration
{
    public static string BesideBinary => Path.Combine(AppContext.BaseDirectory, "appsettings.json");

    public static IConfigurationBuilder AddConnectorSources(this IConfigurationBuilder builder, string? configFile, IEnumerable<KeyValuePair<string, string?>> overrides)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddJsonFile(BesideBinary, optional: true, reloadOnChange: false);
        if (configFile is not null)
        {
            builder.AddJsonFile(Path.GetFullPath(configFile), optional: false, reloadOnChange: false);
        }

        builder.AddEnvironmentVariables();
        return builder.AddInMemoryCollection(overrides);
    }

    /// <summary>
    /// The data folder as every verb finds it (<c>--data</c>, else <c>PosBridge:DataDirectory</c> from the sources above), for
    /// commands that work on the folder's files without starting the connector's services (<c>backup</c>, <c>restore</c>).
    /// </summary>
    public static string DataDirectory(string? configFile, string? dataOverride)
    {
        if (!string.IsNullOrWhiteSpace(dataOverride))
        {
            return dataOverride;
        }

        var configuration = new ConfigurationBuilder().AddConnectorSources(configFile, []).Build();
        var configured = configuration[$"{ConnectorOptions.Section}:{nameof(ConnectorOptions.DataDirectory)}"];
        return string.IsNullOrWhiteSpace(configured) ? new ConnectorOptions().DataDirectory : configured;
    }

    /// <summary>
    /// Refuses a data folder that does not exist unless <paramref name="create"/>: a mistyped <c>--data</c> must not
    /// quietly start an empty connector ("Sales received: 0").
    /// </summary>
    public static void RequireDataDirectory(string dataDirectory, bool create)
    {
        var full = Path.GetFullPath(dataDirectory);
        if (Directory.Exists(full))
        {
            return;
        }

        if (!create)
        {
            throw new ConfigurationProblemException($"the data folder {full} does not exist. Give the folder the connector uses (--data DIR or PosBridge:DataDirectory), or add --create to start a new, empty one there.");
        }

        // The database, its WAL and the secrets key live here: only the service's user may read them.
        Core.Privacy.PrivateFiles.CreateFolder(full);
    }
}

/// <summary>A setting or file the user must fix before the connector can run: printed as it is, exit code 2, no stack trace.</summary>
internal sealed class ConfigurationProblemException(string message) : InvalidOperationException(message);
