using PosBridge.Connector.Hosting;
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
        var interval = options.Value.Dispatch.Interval;
        await scheduler.ScheduleGroupAsync(
            "dispatch",
            [.. dispatcher.EnabledAdapters.Select(adapter => RepeatingJob.Of<DeliverSalesJob>(
                $"deliver-sales-{adapter}", interval, data: new Dictionary<string, string> { [DeliverSalesJob.AdapterKey] = adapter }))],
            timeProvider,
            cancellationToken).ConfigureAwait(false);

        var closeOfDay = options.Value.CloseOfDay;
        await scheduler.ScheduleGroupAsync(
            "ledgers",
            closeOfDay.Enabled && services.GetService<Ledgers.CloseOfDayExporter>() is not null
                ? [RepeatingJob.Of<Ledgers.CloseOfDayJob>("close-of-day-ledgers", closeOfDay.CheckInterval)]
                : [],
            timeProvider,
            cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
