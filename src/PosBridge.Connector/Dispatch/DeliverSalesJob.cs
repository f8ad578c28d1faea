using Quartz;

namespace PosBridge.Connector.Dispatch;

/// <summary>
/// Quartz job delivering to one adapter (its name in the job data). One job per adapter, never two runs
/// of the same one at once; the work is in <see cref="SalesDispatcher"/>, which tests call directly.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class DeliverSalesJob(SalesDispatcher dispatcher) : IJob
{
    public const string AdapterKey = "adapter";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        await dispatcher.DeliverAsync(context.MergedJobDataMap.GetString(AdapterKey)!, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>At start, schedules one delivery job per enabled adapter, and refuses to start on a misconfigured one.</summary>
internal sealed class DispatchScheduler(ISchedulerFactory schedulers, SalesDispatcher dispatcher, TimeProvider timeProvider, Microsoft.Extensions.Options.IOptions<Hosting.ConnectorOptions> options, IServiceProvider services) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var unknown = dispatcher.UnknownConfiguredAdapters;
        if (unknown.Count > 0)
        {
            throw new Hosting.ConfigurationProblemException(
                $"Configured adapters that are not installed: {string.Join(", ", unknown)}. Installed: {string.Join(", ", dispatcher.EnabledAdapters)}. Fix PosBridge:Dispatch:Adapters.");
        }

        var scheduler = await schedulers.GetScheduler(cancellationToken).ConfigureAwait(false);
        foreach (var adapter in dispatcher.EnabledAdapters)
        {
            var job = JobBuilder.Create<DeliverSalesJob>()
                .WithIdentity($"deliver-sales-{adapter}", "dispatch")
                .UsingJobData(DeliverSalesJob.AdapterKey, adapter)
                .Build();
            var trigger = TriggerBuilder.Create()
                .WithIdentity($"deliver-sales-{adapter}", "dispatch")
                .StartAt(timeProvider.GetUtcNow() + options.Value.Dispatch.Interval)
                .WithSimpleSchedule(s => s.WithInterval(options.Value.Dispatch.Interval).RepeatForever())
                .Build();
            await scheduler.ScheduleJob(job, [trigger], new ScheduleJobOptions { Replace = true }, cancellationToken).ConfigureAwait(false);
        }

        if (options.Value.CloseOfDay.Enabled && services.GetService<Ledgers.CloseOfDayExporter>() is not null)
        {
            var interval = options.Value.CloseOfDay.CheckInterval;
            var job = JobBuilder.Create<Ledgers.CloseOfDayJob>().WithIdentity("close-of-day-ledgers", "ledgers").Build();
            var trigger = TriggerBuilder.Create()
                .WithIdentity("close-of-day-ledgers", "ledgers")
                .StartAt(timeProvider.GetUtcNow() + interval)
                .WithSimpleSchedule(s => s.WithInterval(interval).RepeatForever())
                .Build();
            await scheduler.ScheduleJob(job, [trigger], new ScheduleJobOptions { Replace = true }, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
