using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PosBridge.Connector.Hosting;
using PosBridge.Connector.Storage;
using PosBridge.Connector.Storage.Postgres;
using PosBridge.Connector.Tests.Storage.Contracts;
using PosBridge.Connector.Tills;
using Quartz;

namespace PosBridge.Connector.Tests.Storage;

/// <summary>
/// Quartz's clustered job store on the connector's PostgreSQL: several connector instances (each its own container
/// and scheduler, as separate processes would have) share one schedule. Real PostgreSQL, real Quartz; the job only
/// records where and when it ran.
/// </summary>
public sealed class PostgresClusterSchedulerTests : IAsyncLifetime
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(1);
    private readonly PostgresBackend _backend = new();
    private readonly string _keys = Directory.CreateTempSubdirectory("posbridge-cluster-keys-").FullName;
    private readonly List<ServiceProvider> _instances = [];
    private readonly Firings _firings = new();
    private bool _shutDown;

    public async ValueTask InitializeAsync() => await _backend.CreateAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (!_shutDown)
        {
            await ShutdownAllAsync();
        }

        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }

        await _backend.DisposeAsync();
        Directory.Delete(_keys, recursive: true);
    }

    [Fact]
    public async Task Migrations_CreateQuartzsOwnTables_AndQuartzAcceptsThem()
    {
        var (services, scheduler) = await StartInstanceAsync([]);

        await using var connection = await services.GetRequiredService<PostgresDatabase>().OpenAsync(TestContext.Current.CancellationToken);
        var tables = await PostgresSql.ScalarAsync(connection, null, "SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'qrtz\\_%'", TestContext.Current.CancellationToken);
        Assert.True(Convert.ToInt32(tables, System.Globalization.CultureInfo.InvariantCulture) >= 11, $"Quartz tables found: {tables}");
        var metadata = await scheduler.GetMetadata(TestContext.Current.CancellationToken);
        Assert.True(metadata.JobStorePersistent);
        Assert.True(metadata.JobStoreClustered);
    }

    [Fact]
    public async Task ThreeInstances_EachFiringRunsOnceOnOneInstance_NeverTwoRunsAtOnce()
    {
        RepeatingJob[] jobs = [RepeatingJob.Of<RecordingJob>("record", Every, TimeSpan.Zero)];
        for (var i = 0; i < 3; i++)
        {
            await StartInstanceAsync(jobs);
        }

        await _firings.WaitForAsync(8);
        await ShutdownAllAsync();

        var runs = _firings.Runs.OrderBy(r => r.Started).ToList();
        Assert.True(runs.Count >= 8);
        // Each scheduled firing ran once, whichever instance took it.
        Assert.Equal(runs.Count, runs.Select(r => r.ScheduledFor).Distinct().Count());
        Assert.Equal(runs.Count, runs.Select(r => r.FireInstanceId).Distinct().Count());
        // A job never runs twice at once, even on two instances.
        for (var i = 1; i < runs.Count; i++)
        {
            Assert.True(runs[i].Started >= runs[i - 1].Ended, $"run {i} on {runs[i].Instance} started before run {i - 1} on {runs[i - 1].Instance} ended");
        }
    }

    [Fact]
    public async Task AnotherInstanceStarting_KeepsTheSharedScheduleAndRemovesJobsNoLongerConfigured()
    {
        var (_, first) = await StartInstanceAsync(
            [RepeatingJob.Of<RecordingJob>("record", TimeSpan.FromHours(1)), RepeatingJob.Of<RecordingJob>("removed-adapter", TimeSpan.FromHours(1))]);
        var next = (await first.GetTrigger(new TriggerKey("record", Group), TestContext.Current.CancellationToken))!.NextFireTimeUtc;

        var (_, second) = await StartInstanceAsync([RepeatingJob.Of<RecordingJob>("record", TimeSpan.FromHours(1))]);

        Assert.Equal(next, (await second.GetTrigger(new TriggerKey("record", Group), TestContext.Current.CancellationToken))!.NextFireTimeUtc);
        Assert.Null(await first.GetJobDetail(new JobKey("removed-adapter", Group), TestContext.Current.CancellationToken));
        var job = await first.GetJobDetail(new JobKey("record", Group), TestContext.Current.CancellationToken);
        Assert.True(job!.RequestsRecovery);
    }

    [Fact]
    public async Task AChangedInterval_ReplacesTheSharedTrigger()
    {
        await StartInstanceAsync([RepeatingJob.Of<RecordingJob>("record", TimeSpan.FromHours(1))]);

        var (_, second) = await StartInstanceAsync([RepeatingJob.Of<RecordingJob>("record", TimeSpan.FromMinutes(5))]);

        var trigger = Assert.IsAssignableFrom<ISimpleTrigger>(await second.GetTrigger(new TriggerKey("record", Group), TestContext.Current.CancellationToken));
        Assert.Equal(TimeSpan.FromMinutes(5), trigger.RepeatInterval);
        Assert.Equal(RepeatingJobs.MisfirePolicy, trigger.MisfireInstruction);
    }

    private const string Group = "test";

    private async Task ShutdownAllAsync()
    {
        _shutDown = true;
        foreach (var instance in _instances)
        {
            await (await instance.GetRequiredService<ISchedulerFactory>().GetScheduler()).Standby();
        }

        foreach (var instance in _instances)
        {
            await (await instance.GetRequiredService<ISchedulerFactory>().GetScheduler()).Shutdown(waitForJobsToComplete: true);
        }
    }

    private async Task<(ServiceProvider Services, IScheduler Scheduler)> StartInstanceAsync(IReadOnlyCollection<RepeatingJob> jobs)
    {
        var settings = new Dictionary<string, string?>(_backend.Settings)
        {
            ["Storage:Cluster:CheckinInterval"] = "00:00:01",
            ["Storage:Cluster:CheckinMisfireThreshold"] = "00:00:02",
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(SecretProtector.FromKeyFile(Path.Combine(_keys, "secrets.key")));
        services.AddStores(configuration);
        services.AddSingleton(_firings);
        services.AddScheduler(configuration);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = false, ValidateScopes = true });
        _instances.Add(provider);
        await provider.GetRequiredService<IConnectorStorage>().MigrateAsync(TestContext.Current.CancellationToken);
        var scheduler = await provider.GetRequiredService<ISchedulerFactory>().GetScheduler(TestContext.Current.CancellationToken);
        await scheduler.ScheduleGroupAsync(Group, jobs, TimeProvider.System, TestContext.Current.CancellationToken);
        await scheduler.Start(TestContext.Current.CancellationToken);
        return (provider, scheduler);
    }
}

/// <summary>What the recording job saw, across every instance of one test.</summary>
internal sealed class Firings
{
    private readonly ConcurrentBag<Run> _runs = [];

    public IReadOnlyCollection<Run> Runs => _runs;

    public void Add(Run run) => _runs.Add(run);

    public async Task WaitForAsync(int count)
    {
        // Bounded so a cluster that never fires fails the test instead of hanging it; not a measurement.
        for (var i = 0; i < 600 && _runs.Count < count; i++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.True(_runs.Count >= count, $"only {_runs.Count} of {count} firings ran");
    }

    internal sealed record Run(string Instance, DateTimeOffset? ScheduledFor, string FireInstanceId, DateTimeOffset Started, DateTimeOffset Ended);
}

[DisallowConcurrentExecution]
internal sealed class RecordingJob(Firings firings) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var started = TimeProvider.System.GetUtcNow();
        await Task.Delay(150, cancellationToken);
        firings.Add(new Firings.Run(context.Scheduler.SchedulerInstanceId, context.ScheduledFireTimeUtc, context.FireInstanceId, started, TimeProvider.System.GetUtcNow()));
    }
}
