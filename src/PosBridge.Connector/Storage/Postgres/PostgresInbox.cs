using System.Globalization;
using Npgsql;
using PosBridge.Connector.Ingestion;
using PosBridge.Core.Sales;
using PosBridge.Core.Sync;

namespace PosBridge.Connector.Storage.Postgres;

/// <summary>
/// What else must change in the transaction that stores sales on PostgreSQL (the report aggregates), so a committed
/// sale is always in it and a refused or rolled-back one never.
/// </summary>
internal interface IPostgresSaleAdditions
{
    Task AddAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<Sale> sales, CancellationToken cancellationToken = default);
}

/// <summary>
/// The sales inbox on PostgreSQL (<c>sales</c>), shared by every connector instance. Each storing transaction first
/// takes one transaction-level advisory lock (<see cref="InboxLock"/>), so uploads are stored one after the other
/// across all processes, as SQLite's single writer stores them: the duplicate check, a refund's check against the
/// refunds stored before it and the insert cannot interleave with another instance's, and <c>seq</c> values commit
/// in their order, so a reader that has seen sale N has seen every sale before it and a delivery cursor never passes
/// a sale still being committed. The unique key on the id stays the last word on duplicates.
/// </summary>
internal sealed class PostgresInbox(PostgresDatabase database, IEnumerable<IPostgresSaleAdditions> additions) : IInbox
{
    /// <summary>
    /// Any fixed number, the same in every instance. Held from the start of a storing transaction to its commit; the
    /// lock is released only after the commit is visible, so the next writer's sales get higher numbers and are seen
    /// after these.
    /// </summary>
    internal const long InboxLock = 0x506f7353616c6573;

    private const string Insert = """
        INSERT INTO sales (id, store_id, till_id, sale_number, created_at, received_at, refund_of, currency, total, content_hash, document)
        VALUES (@id, @store, @till, @number, @created, @received, @refundOf, @currency, @total, @hash, @document)
        ON CONFLICT (id) DO NOTHING
        """;

    private readonly IReadOnlyList<IPostgresSaleAdditions> _additions = [.. additions];

    public Task<IReadOnlyList<StoreResult>> StoreAsync(string tillId, string storeId, IReadOnlyList<IncomingSale> sales, RefundCheck checkRefund, DateTimeOffset receivedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sales);
        ArgumentNullException.ThrowIfNull(checkRefund);
        return database.WriteAsync<IReadOnlyList<StoreResult>>(
            async (connection, transaction) =>
            {
                await LockAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                var results = new StoreResult[sales.Count];
                var accepted = new List<Sale>(sales.Count);
                for (var i = 0; i < sales.Count; i++)
                {
                    var incoming = sales[i];
                    var sale = incoming.Sale;
                    var id = sale.Id.ToString("D");
                    var existing = await PostgresSql.ScalarAsync(connection, transaction, "SELECT content_hash FROM sales WHERE id = @id", cancellationToken, ("id", id)).ConfigureAwait(false) as string;
                    if (existing is not null)
                    {
                        results[i] = new(Same(existing, incoming) ? StoreOutcome.Duplicate : StoreOutcome.Conflict);
                        continue;
                    }

                    if (sale.RefundOf is { } refundOf)
                    {
                        // Under the inbox lock: no refund of this original can be stored between this check and the insert.
                        var originalId = refundOf.SaleId.ToString("D");
                        var originalDocument = await PostgresSql.ScalarAsync(connection, transaction, "SELECT document FROM sales WHERE id = @id AND store_id = @store", cancellationToken, ("id", originalId), ("store", storeId)).ConfigureAwait(false) as string;
                        if (originalDocument is null)
                        {
                            results[i] = new(StoreOutcome.Rejected, [new UploadError { Field = "refundOf.saleId", Message = $"the original sale {refundOf.SaleNumber} ({refundOf.SaleId}) has not reached the connector from this store; upload it first." }]);
                            continue;
                        }

                        var earlier = await DocumentsAsync(connection, transaction, "SELECT document FROM sales WHERE refund_of = @id AND store_id = @store ORDER BY seq", cancellationToken, ("id", originalId), ("store", storeId)).ConfigureAwait(false);
                        var errors = checkRefund(sale, new RefundHistory(Read(originalDocument), earlier));
                        if (errors.Count > 0)
                        {
                            results[i] = new(StoreOutcome.Rejected, errors);
                            continue;
                        }
                    }

                    var inserted = await PostgresSql.ExecuteAsync(
                        connection,
                        transaction,
                        Insert,
                        cancellationToken,
                        ("id", id), ("store", sale.StoreId), ("till", sale.TillId), ("number", sale.SaleNumber), ("created", sale.CreatedAtUtc.ToUnixTimeMilliseconds()),
                        ("received", receivedAt.ToUnixTimeMilliseconds()), ("refundOf", sale.RefundOf?.SaleId.ToString("D")), ("currency", sale.Currency),
                        ("total", sale.Totals.Total.ToString(CultureInfo.InvariantCulture)), ("hash", incoming.ContentHash), ("document", incoming.Document)).ConfigureAwait(false);
                    if (inserted == 0)
                    {
                        // Stored by a writer that does not take the inbox lock (a copy from SQLite): the key decides.
                        var stored = await PostgresSql.ScalarAsync(connection, transaction, "SELECT content_hash FROM sales WHERE id = @id", cancellationToken, ("id", id)).ConfigureAwait(false) as string;
                        results[i] = new(stored is not null && Same(stored, incoming) ? StoreOutcome.Duplicate : StoreOutcome.Conflict);
                        continue;
                    }

                    results[i] = new(StoreOutcome.Accepted);
                    accepted.Add(sale);
                }

                foreach (var addition in _additions)
                {
                    await addition.AddAsync(connection, transaction, accepted, cancellationToken).ConfigureAwait(false);
                }

                // One durable write per upload: the till's last contact rides along with its sales.
                await PostgresSql.ExecuteAsync(connection, transaction, "UPDATE tills SET last_contact_at = @now WHERE id = @id", cancellationToken, ("now", receivedAt.ToUnixTimeMilliseconds()), ("id", tillId)).ConfigureAwait(false);
                return results;
            },
            cancellationToken);
    }

    public async Task<Sale?> FindAsync(Guid saleId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var document = await PostgresSql.ScalarAsync(connection, null, "SELECT document FROM sales WHERE id = @id", cancellationToken, ("id", saleId.ToString("D"))).ConfigureAwait(false) as string;
        return document is null ? null : Read(document);
    }

    public async Task<IReadOnlyList<Sale>> FindRefundsOfAsync(Guid originalSaleId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await DocumentsAsync(connection, null, "SELECT document FROM sales WHERE refund_of = @id ORDER BY seq", cancellationToken, ("id", originalSaleId.ToString("D"))).ConfigureAwait(false);
    }

    public async Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return Convert.ToInt64(await PostgresSql.ScalarAsync(connection, null, "SELECT COUNT(*) FROM sales", cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    public async IAsyncEnumerable<Sale> ForStoreAsync(string storeId, DateTimeOffset fromUtc, DateTimeOffset toUtc, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = PostgresSql.Command(
            connection,
            null,
            "SELECT document FROM sales WHERE store_id = @store AND created_at >= @from AND created_at < @to ORDER BY created_at, id",
            ("store", storeId), ("from", fromUtc.ToUnixTimeMilliseconds()), ("to", toUtc.ToUnixTimeMilliseconds()));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return Read(reader.GetString(0));
        }
    }

    public async Task<(long Stored, DateTimeOffset? LastReceivedAt)> TillSalesAsync(string tillId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = PostgresSql.Command(connection, null, "SELECT COUNT(*), MAX(received_at) FROM sales WHERE till_id = @till", ("till", tillId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return (reader.GetInt64(0), reader.IsDBNull(1) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)));
    }

    public async Task<IReadOnlyList<(string MethodId, string Kind)>> PaymentMethodsOnRecentSalesAsync(string storeId, int recentSales, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = PostgresSql.Command(
            connection,
            null,
            """
            SELECT DISTINCT p.value ->> 'methodId', p.value ->> 'kind'
            FROM (SELECT document::jsonb AS document FROM sales WHERE store_id = @store ORDER BY seq DESC LIMIT @limit) s,
                 jsonb_array_elements(CASE WHEN jsonb_typeof(s.document -> 'payments') = 'array' THEN s.document -> 'payments' ELSE '[]'::jsonb END) p
            """,
            ("store", storeId), ("limit", recentSales));
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
    }

    /// <summary>Stored documents were validated on the way in; reading one back cannot fail unless the database was edited.</summary>
    internal static Sale Read(string document) =>
        System.Text.Json.JsonSerializer.Deserialize<Sale>(document, SaleJson.Options)
        ?? throw new InvalidOperationException("A stored sale document is null: the database was edited by hand.");

    /// <summary>Takes the inbox lock for the rest of <paramref name="transaction"/>: no sale is stored by anyone until it ends.</summary>
    internal static Task LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        PostgresSql.ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(@lock)", cancellationToken, ("lock", InboxLock));

    private static bool Same(string storedHash, IncomingSale incoming) => string.Equals(storedHash, incoming.ContentHash, StringComparison.Ordinal);

    private static async Task<IReadOnlyList<Sale>> DocumentsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = PostgresSql.Command(connection, transaction, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var sales = new List<Sale>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            sales.Add(Read(reader.GetString(0)));
        }

        return sales;
    }
}
