using PosBridge.Core.Catalog;
using PosBridge.Core.Sales;
using PosBridge.Core.Stock;

namespace PosBridge.Core.Adapters;

/// <summary>
/// Every adapter has a name unique within a connector's configuration ("odoo", "xero-cairo", …):
/// the connector keys its cursors, retries and dead letters by it.
/// </summary>
public interface IAdapter
{
    string Name { get; }
}

/// <summary>
/// A back office that takes sales: Odoo, a web store's stock, … The connector hands it batches in sale
/// order and records each sale's outcome; a sale is never handed over again once Done or Duplicate.
/// </summary>
public interface ISalesSink : IAdapter
{
    /// <summary>How many sales the sink takes per call at best (the connector never sends more).</summary>
    int PreferredBatchSize { get; }

    /// <summary>
    /// Delivers <paramref name="sales"/> idempotently by <see cref="Sale.Id"/>: a sale the back office
    /// already has answers <see cref="DeliveryOutcome.Duplicate"/>, never a second record. Returns one result
    /// per sale. Expected failures are results, not exceptions; an exception means the whole batch is to be
    /// retried later. Sales come in the order the connector received them; a back office that needs that
    /// order answers <see cref="DeliveryOutcome.RetryLater"/> for every sale after the first it could not
    /// take, and the connector (with ordered delivery configured) sends nothing later until that one is through.
    /// </summary>
    Task<IReadOnlyList<SaleDeliveryResult>> DeliverAsync(IReadOnlyList<Sale> sales, CancellationToken cancellationToken = default);
}

/// <summary>
/// A back office that keeps sessions per till shift (Odoo's <c>pos.session</c>). The connector hands it a
/// shift's close once every sale of the shift has been delivered to it (or dead-lettered).
/// </summary>
public interface IShiftSink : IAdapter
{
    /// <summary>Closes the shift's session with the counted cash. False: the shift had no session there (nothing to do).</summary>
    Task<bool> CloseShiftAsync(Sync.ShiftClosing closing, CancellationToken cancellationToken = default);
}

/// <summary>The system of record for products, prices, taxes and categories (Odoo by default).</summary>
public interface ICatalogSource : IAdapter
{
    /// <summary>Changes since <paramref name="cursor"/> (null: everything), at most <paramref name="pageSize"/> products.</summary>
    Task<CatalogChanges> GetChangesAsync(string? cursor, int pageSize, CancellationToken cancellationToken = default);
}

/// <summary>Where stock levels come from.</summary>
public interface IStockSource : IAdapter
{
    /// <summary>Levels per SKU and location; all tracked SKUs when <paramref name="skus"/> is null.</summary>
    Task<IReadOnlyList<StockLevel>> GetLevelsAsync(IReadOnlyCollection<string>? skus, CancellationToken cancellationToken = default);
}

/// <summary>Where stock levels are sent (web stores). One result per SKU given.</summary>
public interface IStockTarget : IAdapter
{
    /// <summary>Sets absolute levels (reconciliation).</summary>
    Task<IReadOnlyList<StockPushResult>> SetLevelsAsync(IReadOnlyList<StockLevel> levels, CancellationToken cancellationToken = default);

    /// <summary>Applies changes (a sale's quantities), each at most once per idempotency key.</summary>
    Task<IReadOnlyList<StockPushResult>> ApplyDeltasAsync(IReadOnlyList<StockDelta> deltas, CancellationToken cancellationToken = default);
}

/// <summary>Writes journals for a period as files an accountant's software imports.</summary>
public interface ILedgerWriter : IAdapter
{
    Task<LedgerWriteResult> WriteAsync(LedgerPeriod period, IReadOnlyList<Sale> sales, string outputDirectory, CancellationToken cancellationToken = default);
}
