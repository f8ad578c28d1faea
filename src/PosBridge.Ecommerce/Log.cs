using Microsoft.Extensions.Logging;
using PosBridge.Core.Stock;

namespace PosBridge.Ecommerce;

/// <summary>Every log line of the web-store adapters, with stable event ids. Never a key, secret or token.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 8001, Level = LogLevel.Information, Message = "Stock push to {Store}: SKU {Sku} {Outcome}, {Before} → {After}. {Reason}")]
    public static partial void StockPushed(ILogger logger, string store, string sku, StockPushOutcome outcome, decimal? before, decimal? after, string? reason);

    [LoggerMessage(EventId = 8002, Level = LogLevel.Warning, Message = "Stock safety stop on {Store}: {SkusToZero} SKUs to zero, stock lowered by {DecreaseShare:P1}. {Reason}")]
    public static partial void SafetyStop(ILogger logger, string store, int skusToZero, decimal decreaseShare, string reason);

    [LoggerMessage(EventId = 8003, Level = LogLevel.Warning, Message = "{Store} has no product with SKU {Sku} at {Location}; it is left alone (products are never created)")]
    public static partial void SkuNotInStore(ILogger logger, string store, string sku, string location);

    [LoggerMessage(EventId = 8004, Level = LogLevel.Information, Message = "{Store} lost the mapping of SKU {Sku} (id {ItemId}); resolving it again by SKU")]
    public static partial void MappingLost(ILogger logger, string store, string sku, string itemId);

    [LoggerMessage(EventId = 8009, Level = LogLevel.Information, Message = "{Store} refused product id {ItemId} of SKU {Sku}; resolving it again by SKU")]
    public static partial void MappingLost(ILogger logger, string store, string sku, long itemId);

    [LoggerMessage(EventId = 8005, Level = LogLevel.Information, Message = "Shopify throttle: waiting {Delay} for {Needed} cost points ({Available} available)")]
    public static partial void ShopifyThrottleWait(ILogger logger, TimeSpan delay, double needed, double available);

    [LoggerMessage(EventId = 8006, Level = LogLevel.Information, Message = "Shopify compare-and-swap mismatch on {Count} quantities; re-reading and retrying (attempt {Attempt})")]
    public static partial void ShopifyCasMismatch(ILogger logger, int count, int attempt);

    [LoggerMessage(EventId = 8007, Level = LogLevel.Warning, Message = "{Store} batch call failed for {Count} items; they will be retried later: {Reason}")]
    public static partial void BatchFailed(ILogger logger, string store, int count, string reason);

    [LoggerMessage(EventId = 8008, Level = LogLevel.Warning, Message = "Feed item {ItemId} left out: {Reason}")]
    public static partial void FeedItemRejected(ILogger logger, string itemId, string reason);

    [LoggerMessage(EventId = 8010, Level = LogLevel.Warning, Message = "{Store}: SKU {Sku} was at {Level} when a write of {Before} → {After} without a recorded answer was checked; the shop's stock moved meanwhile, so it counts as applied and reconciliation sets the level")]
    public static partial void RecoveryAmbiguous(ILogger logger, string store, string sku, int? before, int? after, int level);

    [LoggerMessage(EventId = 8011, Level = LogLevel.Information, Message = "{Store}: change of SKU {Sku} at {Location} by {Change} sent without a recorded answer was {Outcome}")]
    public static partial void Recovered(ILogger logger, string store, string sku, string location, int change, string outcome);
}
