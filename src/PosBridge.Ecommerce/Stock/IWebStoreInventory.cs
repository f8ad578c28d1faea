using PosBridge.Core.Stock;

namespace PosBridge.Ecommerce.Stock;

/// <summary>
/// One platform's stock API as the aligner needs it: the I/O boundary that WooCommerce and Shopify implement.
/// Every method handles its own batching, mapping and per-item failures.
/// </summary>
internal interface IWebStoreInventory
{
    /// <summary>The web-store location a point-of-sale location feeds, or null when it feeds none.</summary>
    string? LocationFor(string posLocationId);

    /// <summary>
    /// False where the platform subtracts its own reservations from what it is sent (Magento MSI): subtracting
    /// the system of record's too would count web orders twice.
    /// </summary>
    bool SubtractsReserved => true;

    /// <summary>
    /// What the store holds now for <paramref name="keys"/>. A key the store does not have is absent from the
    /// answer; one it has without a tracked quantity maps to null.
    /// </summary>
    Task<IReadOnlyDictionary<StockKey, int?>> ReadAsync(IReadOnlyCollection<StockKey> keys, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sets absolute levels, compare-and-swap against <see cref="StockChange.Before"/> where the platform can.
    /// One result per change (in the order given, where <see cref="ReadAddWrite"/> relies on it).
    /// </summary>
    Task<IReadOnlyList<StockPushResult>> SetAsync(IReadOnlyList<StockChange> changes, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies whole-unit changes, each key at most once, one result per change in order. Every request that
    /// carries changes is announced to <paramref name="beforeSend"/> first (the intent is recorded durably there).
    /// </summary>
    Task<IReadOnlyList<StockPushResult>> AdjustAsync(IReadOnlyList<KeyedChange> changes, BeforeSend beforeSend, CancellationToken cancellationToken = default);

    /// <summary>
    /// Settles changes sent before without a recorded answer (the connector stopped between the call and the
    /// record): true when the store has applied one now (replayed under its idempotency key, where the platform
    /// has them), false when it has not and the change is to be sent afresh, null when it cannot tell yet.
    /// One answer per change, in order.
    /// </summary>
    Task<IReadOnlyList<bool?>> RecoverAsync(IReadOnlyList<PendingStockChange> pending, CancellationToken cancellationToken = default);
}

/// <summary>Called with the changes a request carries just before it is sent.</summary>
internal delegate ValueTask BeforeSend(IReadOnlyList<PendingStockChange> changes, CancellationToken cancellationToken);

/// <summary>A change to one key, carrying the idempotency keys of the deltas it sums.</summary>
internal sealed record KeyedChange(StockKey Key, int Change, IReadOnlyList<string> IdempotencyKeys);
