using Quartz;

namespace PosBridge.Connector.Hosting;

/// <summary>A job the connector runs every <see cref="Every"/>, the first time <see cref="FirstAfter"/> after start.</summary>
internal sealed record RepeatingJob(string Name, Type JobType, TimeSpan Every, TimeSpan FirstAfter, IReadOnlyDictionary<string, string>? Data = null)
{
    public static RepeatingJob Of<TJob>(string name, TimeSpan every, TimeSpan? firstAfter = null, IReadOnlyDictionary<string, string>? data = null)
        where TJob : IJob => new(name, typeof(TJob), every, firstAfter ?? every, data);
}

/// <summary>
/// The one way the connector puts its recurring jobs on the scheduler, whichever store Quartz runs on. On PostgreSQL
/// the schedule is shared by every connector instance and outlives them, so this is written for that case:
/// <list type="bullet">
/// <item>a group's jobs are made to match the configuration: a job already scheduled as configured is left as it is
/// (so an instance starting does not push back the next run the others agreed on), one configured differently is
/// replaced, and a job no longer configured (an adapter removed) is deleted rather than firing for ever;</item>
/// <item>every job asks for recovery: a run cut short by an instance that died is run again by another;</item>
/// <item>missed runs (all instances down, or a run longer than the interval) are not made up: the schedule resumes
/// at its next time after now, since each run drains whatever is due and catching up would only repeat work
/// (<see cref="SimpleTriggerMisfireInstruction.NextWithRemainingCount"/>). Not "fire now": after a clock jump that
/// policy re-fired a repeating trigger without end (seen as a test process growing to 23 GB).</item>
/// </list>
/// The jobs themselves are <see cref="DisallowConcurrentExecutionAttribute"/>: never two runs of one job at once, on
/// any instance.
/// </summary>
internal static class RepeatingJobs
{
    public const SimpleTriggerMisfireInstruction MisfirePolicy = SimpleTriggerMisfireInstruction.NextWithRemainingCount;

    public static async Task ScheduleGroupAsync(this IScheduler scheduler, string group, IReadOnlyCollection<RepeatingJob> jobs, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(time);
        var wanted = jobs.Select(j => j.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var stale in await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(group), cancellationToken).ConfigureAwait(false))
        {
            if (!wanted.Contains(stale.Name))
            {
                await scheduler.DeleteJob(stale, cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var job in jobs)
        {
            await ScheduleAsync(scheduler, group, job, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task ScheduleAsync(IScheduler scheduler, string group, RepeatingJob wanted, TimeProvider time, CancellationToken cancellationToken)
    {
        var jobKey = new JobKey(wanted.Name, group);
        var triggerKey = new TriggerKey(wanted.Name, group);
        if (await IsScheduledAsAsync(scheduler, jobKey, triggerKey, wanted, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var builder = JobBuilder.Create().OfType(wanted.JobType).WithIdentity(jobKey).RequestRecovery();
        foreach (var (key, value) in wanted.Data ?? new Dictionary<string, string>())
        {
            builder = builder.UsingJobData(key, value);
        }

        var trigger = TriggerBuilder.Create()
            .WithIdentity(triggerKey)
            .StartAt(time.GetUtcNow() + wanted.FirstAfter)
            .WithSimpleSchedule(s => s.WithInterval(wanted.Every).RepeatForever().WithMisfireInstruction(MisfirePolicy))
            .Build();
        await scheduler.ScheduleJob(builder.Build(), [trigger], new ScheduleJobOptions { Replace = true }, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<bool> IsScheduledAsAsync(IScheduler scheduler, JobKey jobKey, TriggerKey triggerKey, RepeatingJob wanted, CancellationToken cancellationToken)
    {
        if (await scheduler.GetJobDetail(jobKey, cancellationToken).ConfigureAwait(false) is not { } job
            || await scheduler.GetTrigger(triggerKey, cancellationToken).ConfigureAwait(false) is not ISimpleTrigger trigger)
        {
            return false;
        }

        var state = await scheduler.GetTriggerState(triggerKey, cancellationToken).ConfigureAwait(false);
        var data = wanted.Data ?? new Dictionary<string, string>();
        return state is TriggerState.Normal or TriggerState.Blocked
            && job.JobType.Type == wanted.JobType
            && job.RequestsRecovery
            && trigger.RepeatInterval == wanted.Every
            && trigger.MisfireInstruction == MisfirePolicy
            && job.JobDataMap.Count == data.Count
            && data.All(d => job.JobDataMap.TryGetString(d.Key, out var value) && value == d.Value);
    }
}
