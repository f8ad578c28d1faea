using Microsoft.Extensions.Options;
using PosBridge.Connector.Catalog;
using PosBridge.Connector.Hosting;
using PosBridge.Ecommerce.Stock;
using Quartz;

namespace PosBridge.Connector.WebStores;

/// <summary>How often web stores are reconciled with the stock levels in the catalog snapshot (<c>PosBridge:WebStores</c>).</summary>
internal sealed class WebStoreReconciliationOptions
{
    public const string Section = "PosBridge:WebStores";

    /// <summary>Sets each store's absolute levels where they differ; 0 turns the periodic run off.</summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromMinutes(15);
}

internal sealed class WebStoreReconciliationOptionsValidator : IValidateOptions<WebStoreReconciliationOptions>
{
    public ValidateOptionsResult Validate(string? name, WebStoreReconciliationOptions options) =>
        options.ReconcileInterval != TimeSpan.Zero && options.ReconcileInterval < TimeSpan.FromMinutes(1)
            ? ValidateOptionsResult.Fail($"{WebStoreReconciliationOptions.Section}:ReconcileInterval is {options.ReconcileInterval}; use 00:00:00 (off) or at least 00:01:00.")
            : ValidateOptionsResult.Success;
}

/// <summary>
/// Reconciliation of one web store from the connector's snapshot: category buffers from its products, then the
/// store's own diff, safety stop and compare-and-swap (<see cref="WebStoreStockTarget.ReconcileAsync"/>). A SKU the
/// snapshot has no level for is left alone; an empty snapshot pushes nothing.
/// </summary>
internal sealed class WebStoreReconciler(ICatalogSnapshot catalog, SkuCategories categories, IServiceProvider services)
{
    public async Task<ReconciliationReport> ReconcileAsync(string store, CancellationToken cancellationToken = default)
    {
        categories.Update(await catalog.ProductsAsync(cancellationToken).ConfigureAwait(false));
        var levels = await catalog.StockLevelsAsync(cancellationToken).ConfigureAwait(false);
        return await services.GetRequiredKeyedService<WebStoreStockTarget>(store).ReconcileAsync(levels, cancellationToken).ConfigureAwait(false);
    }
}

[DisallowConcurrentExecution]
internal sealed class ReconcileWebStoreJob(WebStoreReconciler reconciler) : IJob
{
    public const string StoreKey = "store";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        await reconciler.ReconcileAsync(context.MergedJobDataMap.GetString(StoreKey)!, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>At start, schedules one reconciliation job per web store (first run one interval from now).</summary>
internal sealed class ReconciliationScheduler(
    ISchedulerFactory schedulers,
    Ecommerce.Stores.WebStores stores,
    IOptions<WebStoreReconciliationOptions> options,
    TimeProvider timeProvider) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var interval = options.Value.ReconcileInterval;
        var scheduler = await schedulers.GetScheduler(cancellationToken).ConfigureAwait(false);
        await scheduler.ScheduleGroupAsync(
            "web-stores",
            interval == TimeSpan.Zero
                ? []
                : [.. stores.All.Select(store => RepeatingJob.Of<ReconcileWebStoreJob>(
                    $"reconcile-{store.Name}", interval, data: new Dictionary<string, string> { [ReconcileWebStoreJob.StoreKey] = store.Name }))],
            timeProvider,
            cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
