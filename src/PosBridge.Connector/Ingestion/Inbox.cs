using PosBridge.Core.Sales;
using PosBridge.Core.Sync;

namespace PosBridge.Connector.Ingestion;

/// <summary>A validated sale ready to store: the document as the connector will keep it, and its content hash.</summary>
internal sealed record IncomingSale(Sale Sale, string Document, string ContentHash);

internal enum StoreOutcome
{
    /// <summary>Stored now.</summary>
    Accepted,

    /// <summary>Already stored with the same content.</summary>
    Duplicate,

    /// <summary>Already stored with different content: the stored sale is kept, this one refused.</summary>
    Conflict,

    /// <summary>A refund its original (as stored, in the till's store) and the refunds stored before it do not allow; not stored.</summary>
    Rejected,
}

/// <summary>What became of one sale of <see cref="IInbox.StoreAsync"/>; <see cref="Errors"/> with <see cref="StoreOutcome.Rejected"/>.</summary>
internal sealed record StoreResult(StoreOutcome Outcome, IReadOnlyList<UploadError>? Errors = null);

/// <summary>
/// Checks a refund against its original and the refunds of it stored before, exactly as the storing transaction
/// sees them; no errors means it may be stored.
/// </summary>
internal delegate IReadOnlyList<UploadError> RefundCheck(Sale refund, RefundHistory history);

/// <summary>The sales inbox: every accepted sale, in arrival order (its <c>seq</c>).</summary>
internal interface IInbox
{
    /// <summary>
    /// Stores the sales of one till of <paramref name="storeId"/> in one transaction, committed before this returns,
    /// and records the till's contact in the same transaction; one result per sale, in order.
    /// </summary>
    /// <remarks>
    /// <para>A sale whose id is stored already is a duplicate (same content hash) or a conflict; it is never checked
    /// or stored again.</para>
    /// <para>A refund is checked with <paramref name="checkRefund"/> and stored in the same transaction, against its
    /// original as stored (never a refused version from the same batch) and every refund of it stored before,
    /// including those earlier in <paramref name="sales"/>. Only an original of <paramref name="storeId"/> counts:
    /// another store's sale is "not found", so nothing of it reaches the errors.</para>
    /// <para>What a backend must guarantee: refunds of one original are serialised across every connector process
    /// on the database, so that no two transactions both read the same earlier refunds and both store a refund.
    /// SQLite gets this from its single writer (the in-process write gate and <c>BEGIN IMMEDIATE</c>, which takes
    /// the file's write lock before the first read). A PostgreSQL store must take a lock per original before reading
    /// its refunds — <c>SELECT … FROM sales WHERE id = @original FOR UPDATE</c>, or
    /// <c>pg_advisory_xact_lock</c> on the original's id — and rely on a unique key on the sale id so that two
    /// concurrent inserts of one sale end as one row and a duplicate or conflict.</para>
    /// </remarks>
    Task<IReadOnlyList<StoreResult>> StoreAsync(string tillId, string storeId, IReadOnlyList<IncomingSale> sales, RefundCheck checkRefund, DateTimeOffset receivedAt, CancellationToken cancellationToken = default);

    Task<Sale?> FindAsync(Guid saleId, CancellationToken cancellationToken = default);

    /// <summary>Refunds already stored for <paramref name="originalSaleId"/>.</summary>
    Task<IReadOnlyList<Sale>> FindRefundsOfAsync(Guid originalSaleId, CancellationToken cancellationToken = default);

    Task<long> CountAsync(CancellationToken cancellationToken = default);

    /// <summary>A store's sales completed in [<paramref name="fromUtc"/>, <paramref name="toUtc"/>), by time then id, read as they are consumed.</summary>
    IAsyncEnumerable<Sale> ForStoreAsync(string storeId, DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken cancellationToken = default);

    /// <summary>How many sales of <paramref name="tillId"/> are stored, and when the last one arrived: the till's sync status.</summary>
    Task<(long Stored, DateTimeOffset? LastReceivedAt)> TillSalesAsync(string tillId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The payment methods (id and kind as the till wrote them) on the latest <paramref name="recentSales"/> sales of
    /// <paramref name="storeId"/>, each pair once; for a connector that pulls no catalog.
    /// </summary>
    Task<IReadOnlyList<(string MethodId, string Kind)>> PaymentMethodsOnRecentSalesAsync(string storeId, int recentSales, CancellationToken cancellationToken = default);
}
