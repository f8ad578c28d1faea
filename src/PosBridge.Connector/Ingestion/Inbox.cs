using System.Globalization;
using PosBridge.Connector.Storage;
using PosBridge.Core.Sales;

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
}

/// <summary>The sales inbox: every accepted sale, in arrival order (its <c>seq</c>).</summary>
internal interface IInbox
{
    /// <summary>
    /// Stores the sales in one transaction, committed before this returns, and records the till's contact
    /// in the same transaction; one outcome per sale.
    /// </summary>
    Task<IReadOnlyList<StoreOutcome>> StoreAsync(string tillId, IReadOnlyList<IncomingSale> sales, DateTimeOffset receivedAt, CancellationToken cancellationToken = default);

    Task<Sale?> FindAsync(Guid saleId, CancellationToken cancellationToken = default);

    /// <summary>Refunds already stored for <paramref name="originalSaleId"/>.</summary>
    Task<IReadOnlyList<Sale>> FindRefundsOfAsync(Guid originalSaleId, CancellationToken cancellationToken = default);

    Task<long> CountAsync(CancellationToken cancellationToken = default);

    /// <summary>A store's sales completed in [<paramref name="fromUtc"/>, <paramref name="toUtc"/>), by time then id, read as they are consumed.</summary>
    IAsyncEnumerable<Sale> ForStoreAsync(string storeId, DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken cancellationToken = default);
}

internal sealed class SqliteInbox(ConnectorDatabase database) : IInbox
{
    private const string Insert = """
        INSERT INTO sales (id, store_id, till_id, sale_number, created_at, received_at, refund_of, currency, total, content_hash, document)
        VALUES ($id, $store, $till, $number, $created, $received, $refundOf, $currency, $total, $hash, $document)
        """;

    public Task<IReadOnlyList<StoreOutcome>> StoreAsync(string tillId, IReadOnlyList<IncomingSale> sales, DateTimeOffset receivedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sales);
        return database.WriteAsync<IReadOnlyList<StoreOutcome>>(
            async (connection, transaction) =>
            {
                var outcomes = new StoreOutcome[sales.Count];
                await using var find = Sql.Command(connection, transaction, "SELECT content_hash FROM sales WHERE id = $id", ("$id", string.Empty));
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
                        outcomes[i] = string.Equals(existing, incoming.ContentHash, StringComparison.Ordinal) ? StoreOutcome.Duplicate : StoreOutcome.Conflict;
                        continue;
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
                    outcomes[i] = StoreOutcome.Accepted;
                }

                // One durable write per upload: the till's last contact rides along with its sales.
                await Sql.ExecuteAsync(connection, transaction, "UPDATE tills SET last_contact_at = $now WHERE id = $id", cancellationToken, ("$now", Sql.ToUnixMs(receivedAt)), ("$id", tillId)).ConfigureAwait(false);
                return outcomes;
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
