using System.Globalization;
using PosBridge.Connector.Ingestion;
using PosBridge.Core.Sales;
using PosBridge.Core.Sync;

namespace PosBridge.Connector.Storage.Sqlite;

internal sealed class SqliteInbox(ConnectorDatabase database, SqliteReportAggregates reports) : IInbox
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

    public Task<(long Stored, DateTimeOffset? LastReceivedAt)> TillSalesAsync(string tillId, CancellationToken cancellationToken = default) =>
        database.ReadAsync(
            async connection =>
            {
                await using var command = Sql.Command(connection, null, "SELECT COUNT(*), MAX(received_at) FROM sales WHERE till_id = $till", ("$till", tillId));
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                return (Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture), Sql.FromUnixMs(reader.GetValue(1)));
            },
            cancellationToken);

    public Task<IReadOnlyList<(string MethodId, string Kind)>> PaymentMethodsOnRecentSalesAsync(string storeId, int recentSales, CancellationToken cancellationToken = default) =>
        database.ReadAsync<IReadOnlyList<(string, string)>>(
            async connection =>
            {
                await using var command = Sql.Command(
                    connection,
                    null,
                    """
                    SELECT DISTINCT json_extract(p.value, '$.methodId'), json_extract(p.value, '$.kind')
                    FROM (SELECT document FROM sales WHERE store_id = $store ORDER BY seq DESC LIMIT $limit) s, json_each(s.document, '$.payments') p
                    """,
                    ("$store", storeId), ("$limit", recentSales));
                var found = new List<(string, string)>();
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (!reader.IsDBNull(0) && !reader.IsDBNull(1))
                    {
                        found.Add((reader.GetString(0), reader.GetString(1)));
                    }
                }

                return found;
            },
            cancellationToken);

    /// <summary>Stored documents were validated on the way in; reading one back cannot fail unless the file was edited.</summary>
    internal static Sale Read(string document) =>
        System.Text.Json.JsonSerializer.Deserialize<Sale>(document, SaleJson.Options)
        ?? throw new InvalidOperationException("A stored sale document is null: the database was edited by hand.");
}
