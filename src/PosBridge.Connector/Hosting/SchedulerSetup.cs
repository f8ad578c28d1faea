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
        var cluster = configuration.GetSection(ClusterOptions.Section).Get<ClusterOptions>() ?? new ClusterOptions();
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
