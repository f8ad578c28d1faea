using Microsoft.Extensions.Options;
using PosBridge.Connector.Dispatch;
using PosBridge.Connector.Hosting;
using PosBridge.Core.Adapters;
using PosBridge.Core.Loyalty;
using Quartz;

namespace PosBridge.Connector.Catalog;

/// <summary>How often the catalog and stock are pulled from the system of record (<c>PosBridge:Catalog</c>).</summary>
internal sealed class CatalogPullOptions
{
    public const string Section = "PosBridge:Catalog";

    /// <summary>0 turns the periodic pull off.</summary>
    public TimeSpan PullInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Products per page asked of the source.</summary>
    public int PageSize { get; set; } = 500;
}

internal sealed class CatalogPullOptionsValidator : IValidateOptions<CatalogPullOptions>
{
    public ValidateOptionsResult Validate(string? name, CatalogPullOptions options)
    {
        var failures = new List<string>();
        if (options.PullInterval != TimeSpan.Zero && options.PullInterval < TimeSpan.FromSeconds(30))
        {
            failures.Add($"{CatalogPullOptions.Section}:PullInterval is {options.PullInterval}; use 00:00:00 (off) or at least 00:00:30.");
        }

        if (options.PageSize is < 1 or > 5000)
        {
            failures.Add($"{CatalogPullOptions.Section}:PageSize is {options.PageSize}; use 1 to 5000.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>What one pull brought.</summary>
internal sealed record CatalogPullReport(int Products, int Removed, int Taxes, int Categories, int StockLevels, int PaymentMethods = 0, int LoyaltyPrograms = 0, int LoyaltyCards = 0);

/// <summary>
/// Pulls catalog changes page by page into the snapshot tills and feeds read, then stock levels. Each page is
/// stored before the source's cursor moves past it, so a crash re-pulls a page (the snapshot upserts) and
/// never skips one. Payment methods come with the catalog pages; loyalty programs are read whole from each
/// <see cref="ILoyaltySource"/> after them (a handful of rows), and a program no source lists any more is removed.
/// Customers' cards are paged from each loyalty source by its own cursor. A card's points are stamped "as of" no
/// later than the receipt of any sale whose points have not reached the back office yet (see <see cref="CardsAsOf"/>),
/// so a till knows which of its own sales to add on top.
/// </summary>
internal sealed class CatalogPuller(
    ISourceCursors cursors,
    ICatalogSnapshot snapshot,
    IEnumerable<ICatalogSource> catalogs,
    IEnumerable<IStockSource> stocks,
    IEnumerable<ILoyaltySource> loyalty,
    IEnumerable<ISalesSink> sinks,
    IDeliveryStore deliveries,
    ICatalogPullProblems problems,
    IOptions<CatalogPullOptions> options,
    TimeProvider timeProvider,
    ILogger<CatalogPuller> logger)
{
    public bool HasSources => catalogs.Any() || stocks.Any() || loyalty.Any();

    public async Task<CatalogPullReport> PullAsync(CancellationToken cancellationToken = default)
    {
        int products = 0, removed = 0, taxes = 0, categories = 0, levels = 0, methods = 0, programs = 0, cards = 0;
        foreach (var source in catalogs)
        {
            try
            {
                var page = await PullSourceAsync(source, cancellationToken).ConfigureAwait(false);
                products += page.Products;
                removed += page.Removed;
                taxes += page.Taxes;
                categories += page.Categories;
                methods += page.PaymentMethods;
                await problems.ClearAsync(source.Name, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidDataException e)
            {
                // One store's bad product file or unreachable web store must not hold up the other stores' catalogs;
                // what was stored before stays, and the cursor stays at the page that failed.
                Hosting.Log.CatalogPullFailed(logger, e.Message);
                await problems.RecordAsync(source.Name, e.Message, timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var source in stocks)
        {
            try
            {
                var found = await source.GetLevelsAsync(null, cancellationToken).ConfigureAwait(false);
                await snapshot.SaveStockAsync(found, cancellationToken).ConfigureAwait(false);
                levels += found.Count;
            }
            catch (InvalidDataException e)
            {
                Hosting.Log.CatalogPullFailed(logger, e.Message);
            }
        }

        if (loyalty.Any())
        {
            var all = new List<LoyaltyProgram>();
            foreach (var source in loyalty)
            {
                all.AddRange(await source.GetProgramsAsync(cancellationToken).ConfigureAwait(false));
            }

            await snapshot.ReplaceLoyaltyProgramsAsync(all, cancellationToken).ConfigureAwait(false);
            programs = all.Count;
        }

        foreach (var source in loyalty)
        {
            cards += await PullCardsAsync(source, cancellationToken).ConfigureAwait(false);
        }

        return new CatalogPullReport(products, removed, taxes, categories, levels, methods, programs, cards);
    }

    /// <summary>Pulls one catalog source to its end, page by page, each page stored before the cursor moves past it.</summary>
    public async Task<CatalogPullReport> PullSourceAsync(ICatalogSource source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        int products = 0, removed = 0, taxes = 0, categories = 0, methods = 0;
        var key = "catalog:" + source.Name;
        var cursor = await cursors.CursorAsync(key, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var changes = await source.GetChangesAsync(cursor, options.Value.PageSize, cancellationToken).ConfigureAwait(false);
            await snapshot.SaveTaxesAsync(changes.Taxes, cancellationToken).ConfigureAwait(false);
            await snapshot.SaveCategoriesAsync(changes.Categories, cancellationToken).ConfigureAwait(false);
            await snapshot.SaveProductsAsync(changes.Products, changes.RemovedProductIds, cancellationToken).ConfigureAwait(false);
            await snapshot.SavePaymentMethodsAsync(changes.PaymentMethods, changes.RemovedPaymentMethodIds, cancellationToken).ConfigureAwait(false);
            methods += changes.PaymentMethods.Count;
            products += changes.Products.Count;
            removed += changes.RemovedProductIds.Count;
            taxes += changes.Taxes.Count;
            categories += changes.Categories.Count;
            cursor = changes.NextCursor;
            await cursors.SaveAsync(key, cursor, timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            if (!changes.HasMore)
            {
                return new CatalogPullReport(products, removed, taxes, categories, 0, methods);
            }
        }
    }

    private async Task<int> PullCardsAsync(ILoyaltySource source, CancellationToken cancellationToken)
    {
        var key = "loyalty-cards:" + source.Name;
        var cursor = await cursors.CursorAsync(key, cancellationToken).ConfigureAwait(false);
        var count = 0;
        while (true)
        {
            var started = timeProvider.GetUtcNow();
            var waitingBefore = await OldestWaitingAsync(source.Name, cancellationToken).ConfigureAwait(false);
            var changes = await source.GetCardsAsync(cursor, options.Value.PageSize, cancellationToken).ConfigureAwait(false);
            var waitingAfter = await OldestWaitingAsync(source.Name, cancellationToken).ConfigureAwait(false);
            var asOf = CardsAsOf(started, waitingBefore, waitingAfter);
            // The source stamps the moment of its read, which is after 'started' (on the connector's own clock here).
            var stamped = changes.Cards.Select(c => c with { AsOf = asOf }).ToList();
            await snapshot.SaveLoyaltyCardsAsync(stamped, changes.RemovedCardIds, cancellationToken).ConfigureAwait(false);
            count += stamped.Count;
            cursor = changes.NextCursor;
            await cursors.SaveAsync(key, cursor, timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            if (!changes.HasMore)
            {
                return count;
            }
        }
    }

    /// <summary>
    /// The instant a page of cards is "as of": no later than the start of the read, and no later than the receipt of
    /// the oldest sale whose points were still on their way to the back office before or after it. A sale received
    /// since then may or may not be in the points read, and a till counts it on top; one received earlier and
    /// delivered before the read is in them.
    /// </summary>
    internal static DateTimeOffset CardsAsOf(DateTimeOffset started, DateTimeOffset? waitingBefore, DateTimeOffset? waitingAfter) =>
        new[] { started, waitingBefore ?? started, waitingAfter ?? started }.Min();

    /// <summary>When the oldest sale still waiting for the loyalty sink of the same name was received; null when none is (or no such sink).</summary>
    private async Task<DateTimeOffset?> OldestWaitingAsync(string adapter, CancellationToken cancellationToken) =>
        sinks.Any(s => string.Equals(s.Name, adapter, StringComparison.Ordinal))
            ? (await deliveries.GetBacklogAsync(adapter, cancellationToken).ConfigureAwait(false)).OldestWaitingReceivedAt
            : null;
}

[DisallowConcurrentExecution]
internal sealed class PullCatalogJob(CatalogPuller puller) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await puller.PullAsync(cancellationToken).ConfigureAwait(false);
}

/// <summary>At start, schedules the catalog pull when a source is configured (first run at once, then every interval).</summary>
internal sealed class CatalogPullScheduler(ISchedulerFactory schedulers, CatalogPuller puller, IOptions<CatalogPullOptions> options, TimeProvider timeProvider) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var interval = options.Value.PullInterval;
        var scheduler = await schedulers.GetScheduler(cancellationToken).ConfigureAwait(false);
        await scheduler.ScheduleGroupAsync(
            "catalog",
            interval == TimeSpan.Zero || !puller.HasSources ? [] : [RepeatingJob.Of<PullCatalogJob>("pull-catalog", interval, TimeSpan.FromSeconds(5))],
            timeProvider,
            cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
