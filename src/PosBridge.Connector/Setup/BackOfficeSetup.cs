using PosBridge.Connector.Catalog;
using PosBridge.Connector.Stores;
using PosBridge.Connector.Tills;
using PosBridge.Core.Adapters;
using PosBridge.Connector.Hosting;
using Quartz;

namespace PosBridge.Connector.Setup;

/// <summary>One back office's answer to "what must still be set up": its findings, or why it could not be asked.</summary>
internal sealed record SetupReport(string Adapter, DateTimeOffset CheckedAt, IReadOnlyList<SetupFinding> Findings, string? Unreachable)
{
    public int Blocking => Findings.Count(f => f.Severity == SetupSeverity.Blocking);
}

/// <summary>
/// Asks every back office that can check its set-up (<see cref="ISetupCheck"/>) what would stop or falsify the shop's
/// sales there, for what the connector knows of the shop: its paired tills and their stores' currencies, the payment
/// methods offered to them, the taxes the catalog uses. At start and every half hour (the dashboard shows the last
/// answer), and at once for <c>posbridge status</c> and the dashboard's "check again".
/// </summary>
internal sealed class BackOfficeSetup(
    IEnumerable<ISetupCheck> checks,
    ITillStore tills,
    StoreDirectory stores,
    ICatalogSnapshot catalog,
    TimeProvider time,
    ILogger<BackOfficeSetup> logger)
{
    /// <summary>How long one back office may take to answer before it is reported unreachable.</summary>
    public static readonly TimeSpan AnswerWithin = TimeSpan.FromSeconds(20);

    private readonly IReadOnlyList<ISetupCheck> _checks = [.. checks];
    private IReadOnlyList<SetupReport> _last = [];

    public bool HasChecks => _checks.Count > 0;

    /// <summary>The answers of the last check in this process (empty before the first).</summary>
    public IReadOnlyList<SetupReport> Last => Volatile.Read(ref _last);

    /// <summary>
    /// What the shop sells with, as the connector knows it now: the paired tills, and the payment methods and the taxes of
    /// the active products they are offered (before the first till is paired, everything the catalog has).
    /// </summary>
    public async Task<SetupScope> ScopeAsync(CancellationToken cancellationToken = default)
    {
        var paired = new List<SetupTill>();
        foreach (var till in await tills.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            // A till of a store no longer configured cannot upload: nothing of it can reach a back office.
            if (till.State == "paired" && stores.Find(till.StoreId) is { } store)
            {
                paired.Add(new SetupTill(till.StoreId, till.Id, store.Currency.Code));
            }
        }

        var methods = (await catalog.PaymentMethodsAsync(cancellationToken).ConfigureAwait(false))
            .Where(m => paired.Count == 0 || paired.Any(t => m.IsOfferedTo(t.StoreId, t.TillId)))
            .Select(m => new SetupPaymentMethod(m.Id, m.Kind))
            .Distinct()
            .OrderBy(m => m.MethodId, StringComparer.Ordinal)
            .ToList();
        var taxes = (await catalog.ProductsAsync(cancellationToken).ConfigureAwait(false))
            .Where(p => p.Active && (paired.Count == 0 || paired.Any(t => p.IsSoldAt(t.StoreId))))
            .SelectMany(p => p.TaxIds)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        return new SetupScope { Tills = paired, PaymentMethods = methods, TaxIds = taxes };
    }

    /// <summary>Asks every back office now; one that does not answer in time, or fails, is reported unreachable.</summary>
    public async Task<IReadOnlyList<SetupReport>> CheckAsync(CancellationToken cancellationToken = default)
    {
        if (_checks.Count == 0)
        {
            return [];
        }

        var scope = await ScopeAsync(cancellationToken).ConfigureAwait(false);
        var reports = new List<SetupReport>();
        foreach (var check in _checks)
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(AnswerWithin);
            SetupReport report;
            try
            {
                var findings = await check.CheckSetupAsync(scope, limit.Token).ConfigureAwait(false);
                report = new SetupReport(check.Name, time.GetUtcNow(), findings, null);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                report = new SetupReport(check.Name, time.GetUtcNow(), [], $"it did not answer within {AnswerWithin.TotalSeconds:0} seconds.");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                report = new SetupReport(check.Name, time.GetUtcNow(), [], ex.Message);
            }

            reports.Add(report);
            if (report.Unreachable is not null)
            {
                Log.SetupUnchecked(logger, report.Adapter, report.Unreachable);
            }

            foreach (var finding in report.Findings)
            {
                Log.SetupFinding(logger, report.Adapter, finding.Severity == SetupSeverity.Blocking ? "blocks sales" : "warning", finding.ToString());
            }
        }

        Volatile.Write(ref _last, reports);
        return reports;
    }

    /// <summary>The report as <c>posbridge status</c> prints it: a heading per back office, then its findings.</summary>
    public static IEnumerable<string> Lines(SetupReport report)
    {
        if (report.Unreachable is not null)
        {
            yield return $"Set-up of {report.Adapter}: not checked, {report.Adapter} could not be asked: {report.Unreachable}";
            yield break;
        }

        if (report.Findings.Count == 0)
        {
            yield return $"Set-up of {report.Adapter}: nothing to fix.";
            yield break;
        }

        var warnings = report.Findings.Count - report.Blocking;
        yield return $"Set-up of {report.Adapter}: {report.Blocking} to fix before sales go through, {warnings} {(warnings == 1 ? "warning" : "warnings")}.";
        foreach (var finding in report.Findings)
        {
            yield return $"  {(finding.Severity == SetupSeverity.Blocking ? "to fix" : "warning")}: {finding.Subject} {finding.Problem} {finding.Fix}";
        }
    }

    /// <summary>Registers the check and its job: first run shortly after start (after the first catalog pull), then every half hour.</summary>
    public static void AddBackOfficeSetup(IServiceCollection services)
    {
        services.AddSingleton<BackOfficeSetup>();
        services.AddHostedService<SetupCheckScheduler>();
    }
}

[DisallowConcurrentExecution]
internal sealed class CheckSetupJob(BackOfficeSetup setup) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await setup.CheckAsync(cancellationToken).ConfigureAwait(false);
}

/// <summary>Schedules <see cref="CheckSetupJob"/> when a back office can check its set-up.</summary>
internal sealed class SetupCheckScheduler(ISchedulerFactory schedulers, BackOfficeSetup setup, TimeProvider time) : IHostedService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(30);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken).ConfigureAwait(false);
        await scheduler.ScheduleGroupAsync(
            "setup",
            setup.HasChecks ? [RepeatingJob.Of<CheckSetupJob>("check-setup", Interval, TimeSpan.FromSeconds(15))] : [],
            time,
            cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
