using System.Globalization;
using PosBridge.Connector.Storage;
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
}

internal sealed class SqliteInbox(ConnectorDatabase database, Reports.ReportAggregates reports) : IInbox
{
    private const string Insert = """
        INSERT INTO sales (id, store_id, till_id, sale_number, created_at, received_at, refund_of, currency, total, content_hash, document)
        VALUES ($id, $store, $till, $number, $created, $received, $refundOf, $currency, $total, $hash, $document)
        """;

    public Task<IReadOnlyList<StoreResult>> StoreAsync(string tillId, string storeId, IReadOnlyList<IncomingSale> sales, RefundCheck checkRefund, DateTimeOffset receivedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sales);
        ArgumentNullException.ThrowIfNull(checkRefund);
        return database.WriteAsync<IReadOnlyList<StoreResult>>(
            async (connection, transaction) =>
            {
                var results = new StoreResult[sales.Count];
                var accepted = new List<Sale>(sales.Count);
                await using var find = Sql.Command(connection, transaction, "SELECT content_hash FROM sales WHERE id = $id", ("$id", string.Empty));
                await using var original = Sql.Command(connection, transaction, "SELECT document FROM sales WHERE id = $id AND store_id = $store", ("$id", string.Empty), ("$store", storeId));
                await using var refunds = Sql.Command(connection, transaction, "SELECT document FROM sales WHERE refund_of = $id AND store_id = $store ORDER BY seq", ("$id", string.Empty), ("$store", storeId));
                await using var insert = Sql.Command(
                    connection,
                    transaction,
                    Insert,
                    ("$id", null), ("$store", null), ("$till", null), ("$number", null), ("$created", null), ("$received", null),
                    ("$refundOf", null), ("$currency", null), ("$total", null), ("$hash", null), ("$document", null));
                for (var i = 0; i < sales.Count; i++)
                {
                    var incoming = sales[i];
                    var sale = incoming.Sale;
                    var id = sale.Id.ToString("D");
                    find.Parameters["$id"].Value = id;
                    var existing = await find.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
                    if (existing is not null)
                    {
                        results[i] = new(string.Equals(existing, incoming.ContentHash, StringComparison.Ordinal) ? StoreOutcome.Duplicate : StoreOutcome.Conflict);
                        continue;
                    }

                    if (sale.RefundOf is { } refundOf)
                    {
                        // Read inside the write transaction: nothing can be stored between this check and the insert.
                        original.Parameters["$id"].Value = refundOf.SaleId.ToString("D");
                        var originalDocument = await original.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
                        if (originalDocument is null)
                        {
                            results[i] = new(StoreOutcome.Rejected, [new UploadError { Field = "refundOf.saleId", Message = $"the original sale {refundOf.SaleNumber} ({refundOf.SaleId}) has not reached the connector from this store; upload it first." }]);
                            continue;
                        }

                        refunds.Parameters["$id"].Value = refundOf.SaleId.ToString("D");
                        var earlier = new List<Sale>();
                        await using (var reader = await refunds.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                        {
                            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                            {
                                earlier.Add(Read(reader.GetString(0)));
                            }
                        }

                        var errors = checkRefund(sale, new RefundHistory(Read(originalDocument), earlier));
                        if (errors.Count > 0)
                        {
                            results[i] = new(StoreOutcome.Rejected, errors);
                            continue;
                        }
                    }

                    insert.Parameters["$id"].Value = id;
                    insert.Parameters["$store"].Value = sale.StoreId;
                    insert.Parameters["$till"].Value = sale.TillId;
                    insert.Parameters["$number"].Value = sale.SaleNumber;
                    insert.Parameters["$created"].Value = Sql.ToUnixMs(sale.CreatedAtUtc);
                    insert.Parameters["$received"].Value = Sql.ToUnixMs(receivedAt);
                    insert.Parameters["$refundOf"].Value = (object?)sale.RefundOf?.SaleId.ToString("D") ?? DBNull.Value;
                    insert.Parameters["$currency"].Value = sale.Currency;
                    insert.Parameters["$total"].Value = sale.Totals.Total.ToString(CultureInfo.InvariantCulture);
                    insert.Parameters["$hash"].Value = incoming.ContentHash;
                    insert.Parameters["$document"].Value = incoming.Document;
                    await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    results[i] = new(StoreOutcome.Accepted);
                    accepted.Add(sale);
                }

                // The reports' aggregates in the same transaction: a sale is in them exactly when it is stored.
                await reports.AddAsync(connection, transaction, accepted, cancellationToken).ConfigureAwait(false);

                // One durable write per upload: the till's last contact rides along with its sales.
                await Sql.ExecuteAsync(connection, transaction, "UPDATE tills SET last_contact_at = $now WHERE id = $id", cancellationToken, ("$now", Sql.ToUnixMs(receivedAt)), ("$id", tillId)).ConfigureAwait(false);
                return results;
            },
            cancellationToken);
    }

    public Task<Sale?> FindAsync(Guid saleId, CancellationToken cancellationToken = default) =>
        database.ReadAsync(
            async connection =>
            {
                var document = await Sql.ScalarAsync(connection, null, "SELECT document FROM sales WHERE id = $id", cancellationToken, ("$id", saleId.ToString("D"))).ConfigureAwait(false) as string;
                return document is null ? null : Read(document);
            },
            cancellationToken);

    public Task<IReadOnlyList<Sale>> FindRefundsOfAsync(Guid originalSaleId, CancellationToken cancellationToken = default) =>
        database.ReadAsync<IReadOnlyList<Sale>>(
            async connection =>
            {
                await using var command = Sql.Command(connection, null, "SELECT document FROM sales WHERE refund_of = $id ORDER BY seq", ("$id", originalSaleId.ToString("D")));
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                var refunds = new List<Sale>();
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    refunds.Add(Read(reader.GetString(0)));
                }

                return refunds;
            },
            cancellationToken);

    public Task<long> CountAsync(CancellationToken cancellationToken = default) =>
        database.ReadAsync(
            async connection => Convert.ToInt64(await Sql.ScalarAsync(connection, null, "SELECT COUNT(*) FROM sales", cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture),
            cancellationToken);

    public async IAsyncEnumerable<Sale> ForStoreAsync(string storeId, DateTimeOffset fromUtc, DateTimeOffset toUtc, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Sql.Command(
            connection,
            null,
            "SELECT document FROM sales WHERE store_id = $store AND created_at >= $from AND created_at < $to ORDER BY created_at, id",
            ("$store", storeId), ("$from", Sql.ToUnixMs(fromUtc)), ("$to", Sql.ToUnixMs(toUtc)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return Read(reader.GetString(0));
        }
    }

    /// <summary>Stored documents were validated on the way in; reading one back cannot fail unless the file was edited.</summary>
    internal static Sale Read(string document) =>
        System.Text.Json.JsonSerializer.Deserialize<Sale>(document, SaleJson.Options)
        ?? throw new InvalidOperationException("A stored sale document is null: the database was edited by hand.");
}
