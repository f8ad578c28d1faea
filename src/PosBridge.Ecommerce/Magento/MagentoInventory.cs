using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using PosBridge.Core.Stock;
using PosBridge.Ecommerce.Stock;
using Refit;

namespace PosBridge.Ecommerce.Magento;

/// <summary>
/// Magento MSI stock: a quantity per SKU and source, addressed by SKU (no id to map). A save is all or nothing,
/// so a refused batch is split until the item at fault stands alone and the rest go through.
/// </summary>
internal sealed class MagentoInventory : IWebStoreInventory
{
    private readonly IMagentoApi _api;
    private readonly MagentoOptions _options;
    private readonly ILogger _logger;

    public MagentoInventory(IMagentoApi api, MagentoOptions options, ILogger logger)
    {
        _api = api;
        _options = options;
        _logger = logger;
    }

    public string? LocationFor(string posLocationId) => _options.Sources.GetValueOrDefault(posLocationId);

    public bool SubtractsReserved => _options.SubtractReserved;

    public async Task<IReadOnlyDictionary<StockKey, int?>> ReadAsync(IReadOnlyCollection<StockKey> keys, CancellationToken cancellationToken = default)
    {
        var current = new Dictionary<StockKey, int?>(keys.Count);
        foreach (var bySource in keys.GroupBy(k => k.Location))
        {
            foreach (var chunk in bySource.Chunk(_options.BatchSize))
            {
                var criteria = new Dictionary<string, string>
                {
                    ["searchCriteria[filter_groups][0][filters][0][field]"] = "sku",
                    ["searchCriteria[filter_groups][0][filters][0][value]"] = string.Join(',', chunk.Select(k => k.Sku)),
                    ["searchCriteria[filter_groups][0][filters][0][condition_type]"] = "in",
                    ["searchCriteria[filter_groups][1][filters][0][field]"] = "source_code",
                    ["searchCriteria[filter_groups][1][filters][0][value]"] = bySource.Key,
                    ["searchCriteria[filter_groups][1][filters][0][condition_type]"] = "eq",
                    ["searchCriteria[pageSize]"] = _options.BatchSize.ToString(CultureInfo.InvariantCulture),
                };
                var found = await _api.GetSourceItemsAsync(criteria, cancellationToken).ConfigureAwait(false);

                // A SKU without a source item here is not assigned to this source: it stays absent, since saving
                // one would assign it (create), which PosBridge never does.
                foreach (var item in found.Items.Where(i => i.SourceCode == bySource.Key))
                {
                    current[new StockKey(item.Sku, item.SourceCode)] = (int)decimal.Floor(item.Quantity);
                }
            }
        }

        return current;
    }

    public async Task<IReadOnlyList<StockPushResult>> SetAsync(IReadOnlyList<StockChange> changes, CancellationToken cancellationToken = default)
    {
        var results = new StockPushResult[changes.Count];
        var indexed = changes.Select((change, index) => (change, index)).ToList();
        foreach (var chunk in indexed.Chunk(_options.BatchSize))
        {
            await SaveAsync(chunk, results, cancellationToken).ConfigureAwait(false);
        }

        return results;
    }

    public Task<IReadOnlyList<StockPushResult>> AdjustAsync(IReadOnlyList<KeyedChange> changes, BeforeSend beforeSend, CancellationToken cancellationToken = default) =>
        ReadAddWrite.AdjustAsync(this, changes, beforeSend, cancellationToken);

    public Task<IReadOnlyList<bool?>> RecoverAsync(IReadOnlyList<PendingStockChange> pending, CancellationToken cancellationToken = default) =>
        ReadAddWrite.RecoverAsync(this, pending, _options.Name, _logger, cancellationToken);

    private async Task SaveAsync((StockChange Change, int Index)[] items, StockPushResult[] results, CancellationToken cancellationToken)
    {
        var request = new MagentoSourceItemsRequest
        {
            SourceItems = items.Select(i => new MagentoSourceItem
            {
                Sku = i.Change.Key.Sku,
                SourceCode = i.Change.Key.Location,
                Quantity = i.Change.After,
                Status = i.Change.After > 0 ? 1 : 0,
            }).ToList(),
        };
        try
        {
            await _api.SaveSourceItemsAsync(request, cancellationToken).ConfigureAwait(false);
            foreach (var (change, index) in items)
            {
                results[index] = new StockPushResult { Sku = change.Key.Sku, Outcome = StockPushOutcome.Applied, Before = change.Before, After = change.After };
            }
        }
        catch (ApiException ex) when (ex.StatusCode == HttpStatusCode.BadRequest && items.Length > 1)
        {
            // Magento refuses the whole batch for one bad item: halve until it stands alone.
            var half = items.Length / 2;
            await SaveAsync(items[..half], results, cancellationToken).ConfigureAwait(false);
            await SaveAsync(items[half..], results, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException ex) when (ex.StatusCode == HttpStatusCode.BadRequest)
        {
            var (change, index) = items[0];
            results[index] = new StockPushResult { Sku = change.Key.Sku, Outcome = StockPushOutcome.Rejected, Before = change.Before, Reason = $"Magento refused it: {ex.Content}" };
        }
        catch (Exception ex) when (ex is ApiExceptionBase or HttpRequestException or TimeoutException)
        {
            Log.BatchFailed(_logger, _options.Name, items.Length, ex.Message);
            foreach (var (change, index) in items)
            {
                results[index] = new StockPushResult { Sku = change.Key.Sku, Outcome = StockPushOutcome.RetryLater, Before = change.Before, Reason = $"The save failed: {ex.Message}" };
            }
        }
    }
}
