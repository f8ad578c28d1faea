
namespace PosBridge.Connector.Reports;

/// <summary>What a rebuild read and wrote.</summary>
internal sealed record RebuildResult(long Sales, long Rows);

/// <summary>
/// The report aggregates: added to in the transaction that stores a sale (by the inbox's
/// <see cref="Ingestion.IInbox.StoreAsync"/>, whatever the backend), so a committed sale is always in them and a refused or rolled-back one never; and rebuilt from the raw
/// sales (<see cref="RebuildAsync"/>) in one transaction, with the same figures (<see cref="SaleFigures"/>).
/// </summary>
/// <remarks>
/// A day and hour are the store's local ones, in its configured time zone; a sale of a store no longer configured
/// keeps the offset its till recorded.
/// </remarks>
internal interface IReportAggregates
{
    /// <summary>
    /// Throws the aggregates away and adds up every stored sale again, in one transaction: readers see the old
    /// figures or the new ones, and no sale can be stored half way through.
    /// </summary>
    Task<RebuildResult> RebuildAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Rebuilds when there are sales but no aggregates: a database from before the reports, on its first start
    /// with them. Answers whether it rebuilt.
    /// </summary>
    Task<bool> EnsureBuiltAsync(CancellationToken cancellationToken = default);
}
