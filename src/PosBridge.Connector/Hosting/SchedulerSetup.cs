using PosBridge.Connector.Storage;
using PosBridge.Connector.Storage.Postgres;
using Quartz;

namespace PosBridge.Connector.Hosting;

/// <summary>How long a clustered instance may go silent before another takes over its jobs (<c>Storage:Cluster</c>).</summary>
internal sealed class ClusterOptions
{
    public const string Section = "Storage:Cluster";

    /// <summary>How often each instance tells the others it is alive.</summary>
    public TimeSpan CheckinInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long past a missed check-in the others wait before recovering its jobs.</summary>
    public TimeSpan CheckinMisfireThreshold { get; set; } = TimeSpan.FromSeconds(20);

    private static readonly TimeSpan Least = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Most = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The section's values, each a time span between one second and ten minutes; anything else stops the connector
    /// at start naming the setting and the value, as every configuration problem is reported.
    /// </summary>
    public static ClusterOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var options = new ClusterOptions();
        options.CheckinInterval = Read(section, nameof(CheckinInterval), options.CheckinInterval);
        options.CheckinMisfireThreshold = Read(section, nameof(CheckinMisfireThreshold), options.CheckinMisfireThreshold);
        return options;
    }

    private static TimeSpan Read(IConfigurationSection section, string name, TimeSpan fallback)
    {
        var text = section[name];
        if (text is null)
        {
            return fallback;
        }

        return TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= Least && value <= Most
            ? value
            : throw new ConfigurationProblemException($"{Section}:{name} is '{text}'; give a time between 00:00:01 and 00:10:00 (hh:mm:ss).");
    }
}

/// <summary>
/// Quartz for the connector's recurring jobs. On SQLite (one process) its schedule lives in memory and is rebuilt at
/// every start. On PostgreSQL it is Quartz's clustered job store in the same database: the instances share one
/// schedule, each firing runs on exactly one of them, and a job cut short by an instance that died is run again by
/// another once that instance has missed its check-ins (<see cref="ClusterOptions"/>). The jobs' own policies are in
/// <see cref="RepeatingJobs"/>.
/// </summary>
internal static class SchedulerSetup
{
    public static IServiceCollection AddScheduler(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var provider = configuration.GetSection(StorageOptions.Section)[nameof(StorageOptions.Provider)];
        var clustered = string.Equals(provider?.Trim(), StorageOptions.Postgres, StringComparison.OrdinalIgnoreCase);
        var cluster = ClusterOptions.From(configuration);
        services.AddQuartz(quartz =>
        {
            if (!clustered)
            {
                return;
            }

            quartz.UsePersistentStore(store =>
            {
                store.UsePostgres(source => source.DataSourceFactory = sp => sp.GetRequiredService<PostgresDatabase>().DataSource);
                store.ConfigureStore(options => options.StoreJobDataAsStrings = true);
                store.UseClustering(c =>
                {
                    c.CheckinInterval = cluster.CheckinInterval;
                    c.CheckinMisfireThreshold = cluster.CheckinMisfireThreshold;
                });
            });
        });
        services.AddQuartzHostedService(q => q.WaitForJobsToComplete = true);
        return services;
    }
}
