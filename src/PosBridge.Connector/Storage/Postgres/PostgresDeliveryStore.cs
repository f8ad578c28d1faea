using System.Globalization;
using Npgsql;
using PosBridge.Connector.Dispatch;

namespace PosBridge.Connector.Storage.Postgres;

/// <summary>
/// Delivery state per adapter on PostgreSQL (<c>deliveries</c>, <c>adapter_cursors</c>), shared by every instance.
/// The cursor only ever passes finished sales: <see cref="PostgresInbox"/> commits sales in <c>seq</c> order, the new
/// cursor is computed in one statement (one snapshot), and every change of a cursor first locks its row, so a
/// manager's retry of a dead letter on one instance and a delivery recorded on another cannot step over each other.
/// </summary>
internal sealed class PostgresDeliveryStore(PostgresDatabase database) : IDeliveryStore
{
    public async Task<IReadOnlyList<PendingSale>> GetDueAsync(string adapter, int limit, bool ordered, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        // Unordered: skip sales not due yet. Ordered: read them too, and stop at the first not due.
        await using var command = PostgresSql.Command(
            connection,
            null,
            ordered ? DueSql(string.Empty) : DueSql("AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= @now)"),
            ("adapter", adapter), ("now", now.ToUnixTimeMilliseconds()), ("limit", limit));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var due = new List<PendingSale>(limit);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!reader.IsDBNull(3) && DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)) > now)
            {
                break; // only reached when ordered
            }

            due.Add(new PendingSale(reader.GetInt64(0), PostgresInbox.Read(reader.GetString(1)), (int)reader.GetInt64(2)));
        }

        return due;
    }

    public Task RecordAsync(string adapter, IReadOnlyList<DeliveryRecord> records, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                await LockCursorAsync(connection, transaction, adapter, cancellationToken).ConfigureAwait(false);
                var delivered = false;
                foreach (var record in records)
                {
                    await PostgresSql.ExecuteAsync(
                        connection,
                        transaction,
                        """
                        INSERT INTO deliveries (adapter, sale_seq, state, attempts, next_attempt_at, last_error, external_id, updated_at)
                        VALUES (@adapter, @seq, @state, @attempts, @next, @error, @external, @now)
                        ON CONFLICT (adapter, sale_seq) DO UPDATE SET
                            state = excluded.state, attempts = excluded.attempts, next_attempt_at = excluded.next_attempt_at,
                            last_error = excluded.last_error, external_id = COALESCE(excluded.external_id, deliveries.external_id),
                            updated_at = excluded.updated_at
                        """,
                        cancellationToken,
                        ("adapter", adapter), ("seq", record.Seq), ("state", record.State.ToString().ToLowerInvariant()), ("attempts", (long)record.Attempts),
                        ("next", record.NextAttemptAt?.ToUnixTimeMilliseconds()), ("error", record.Error), ("external", record.ExternalId), ("now", now.ToUnixTimeMilliseconds())).ConfigureAwait(false);
                    delivered |= record.State is DeliveryState.Done or DeliveryState.Duplicate;
                }

                // One statement, so one snapshot: the first unfinished sale after the cursor, or (none) the last sale;
                // sales commit in seq order, so no sale below what this sees can still appear.
                await PostgresSql.ExecuteAsync(
                    connection,
                    transaction,
                    """
                    UPDATE adapter_cursors c SET last_seq = GREATEST(c.last_seq, COALESCE(
                            (SELECT MIN(s.seq) - 1 FROM sales s LEFT JOIN deliveries d ON d.adapter = c.adapter AND d.sale_seq = s.seq
                             WHERE s.seq > c.last_seq AND (d.state IS NULL OR d.state = 'retry')),
                            (SELECT MAX(seq) FROM sales), 0)),
                        last_success_at = CASE WHEN @delivered THEN @now ELSE c.last_success_at END,
                        last_error = CASE WHEN @delivered THEN NULL ELSE c.last_error END
                    WHERE c.adapter = @adapter
                    """,
                    cancellationToken,
                    ("adapter", adapter), ("delivered", delivered), ("now", now.ToUnixTimeMilliseconds())).ConfigureAwait(false);
                return 0;
            },
            cancellationToken);
    }

    public Task RecordAdapterErrorAsync(string adapter, string error, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            async (connection, transaction) =>
            {
                await PostgresSql.ExecuteAsync(
                    connection,
                    transaction,
                    """
                    INSERT INTO adapter_cursors (adapter, last_seq, last_error, last_error_at) VALUES (@adapter, 0, @error, @now)
                    ON CONFLICT (adapter) DO UPDATE SET last_error = excluded.last_error, last_error_at = excluded.last_error_at
                    """,
                    cancellationToken,
                    ("adapter", adapter), ("error", error), ("now", now.ToUnixTimeMilliseconds())).ConfigureAwait(false);
                return 0;
            },
            cancellationToken);

    public async Task<AdapterBacklog> GetBacklogAsync(string adapter, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = PostgresSql.Command(
            connection,
            null,
            """
            WITH cur AS (SELECT COALESCE((SELECT last_seq FROM adapter_cursors WHERE adapter = @adapter), 0) AS last_seq)
            SELECT
                (SELECT COUNT(*) FROM sales s LEFT JOIN deliveries d ON d.adapter = @adapter AND d.sale_seq = s.seq
                 WHERE s.seq > (SELECT last_seq FROM cur) AND (d.state IS NULL OR d.state = 'retry')),
                (SELECT MIN(s.created_at) FROM sales s LEFT JOIN deliveries d ON d.adapter = @adapter AND d.sale_seq = s.seq
                 WHERE s.seq > (SELECT last_seq FROM cur) AND (d.state IS NULL OR d.state = 'retry')),
                (SELECT MIN(s.received_at) FROM sales s LEFT JOIN deliveries d ON d.adapter = @adapter AND d.sale_seq = s.seq
                 WHERE s.seq > (SELECT last_seq FROM cur) AND (d.state IS NULL OR d.state = 'retry')),
                (SELECT COUNT(*) FROM deliveries WHERE adapter = @adapter AND state = 'dead'),
                a.last_success_at, a.last_error, a.last_error_at
            FROM (SELECT 1) one LEFT JOIN adapter_cursors a ON a.adapter = @adapter
            """,
            ("adapter", adapter));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new AdapterBacklog(
            adapter,
            reader.GetInt64(0),
            Instant(reader, 1),
            reader.GetInt64(3),
            Instant(reader, 4),
            reader.IsDBNull(5) ? null : reader.GetString(5),
            Instant(reader, 6),
            Instant(reader, 2));
    }

    public async Task<IReadOnlyList<DeadLetter>> GetDeadLettersAsync(string? adapter, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = PostgresSql.Command(
            connection,
            null,
            """
            SELECT d.adapter, s.id, s.sale_number, s.till_id, d.attempts, d.last_error, d.updated_at
            FROM deliveries d JOIN sales s ON s.seq = d.sale_seq
            WHERE d.state = 'dead' AND (@adapter::text IS NULL OR d.adapter = @adapter::text)
            ORDER BY d.adapter, s.seq
            """,
            ("adapter", adapter));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var letters = new List<DeadLetter>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            letters.Add(new DeadLetter(reader.GetString(0), Guid.Parse(reader.GetString(1)), reader.GetString(2), reader.GetString(3), (int)reader.GetInt64(4), reader.IsDBNull(5) ? null : reader.GetString(5), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6))));
        }

        return letters;
    }

    public Task<int> RetryDeadLettersAsync(string? adapter, Guid? saleId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            async (connection, transaction) =>
            {
                // The cursors first, in one order, as RecordAsync takes its adapter's: no deadlock, and no delivery
                // recorded meanwhile moves a cursor over a sale put back here.
                await PostgresSql.ExecuteAsync(
                    connection,
                    transaction,
                    "SELECT 1 FROM adapter_cursors WHERE (@adapter::text IS NULL OR adapter = @adapter::text) ORDER BY adapter FOR UPDATE",
                    cancellationToken,
                    ("adapter", adapter)).ConfigureAwait(false);
                var rows = new List<(string Adapter, long Seq)>();
                await using (var select = PostgresSql.Command(
                    connection,
                    transaction,
                    """
                    SELECT d.adapter, d.sale_seq FROM deliveries d JOIN sales s ON s.seq = d.sale_seq
                    WHERE d.state = 'dead' AND (@adapter::text IS NULL OR d.adapter = @adapter::text) AND (@sale::text IS NULL OR s.id = @sale::text)
                    ORDER BY d.adapter, d.sale_seq
                    FOR UPDATE OF d
                    """,
                    ("adapter", adapter), ("sale", saleId?.ToString("D"))))
                await using (var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        rows.Add((reader.GetString(0), reader.GetInt64(1)));
                    }
                }

                foreach (var (name, seq) in rows)
                {
                    // Back in the queue now, and the cursor steps back so the sale is found again.
                    await PostgresSql.ExecuteAsync(connection, transaction, "UPDATE deliveries SET state = 'retry', next_attempt_at = @now, updated_at = @now WHERE adapter = @adapter AND sale_seq = @seq", cancellationToken, ("now", now.ToUnixTimeMilliseconds()), ("adapter", name), ("seq", seq)).ConfigureAwait(false);
                    await PostgresSql.ExecuteAsync(connection, transaction, "UPDATE adapter_cursors SET last_seq = LEAST(last_seq, @seq - 1) WHERE adapter = @adapter", cancellationToken, ("seq", seq), ("adapter", name)).ConfigureAwait(false);
                    await PostgresSql.ExecuteAsync(connection, transaction, "INSERT INTO audit_log (at, actor, action, subject, details) VALUES (@now, 'manager', 'delivery.retry', @subject, NULL)", cancellationToken, ("now", now.ToUnixTimeMilliseconds()), ("subject", $"{name}:{seq.ToString(CultureInfo.InvariantCulture)}")).ConfigureAwait(false);
                }

                return rows.Count;
            },
            cancellationToken);

    private static string DueSql(string dueFilter) => $"""
        SELECT s.seq, s.document, COALESCE(d.attempts, 0), d.next_attempt_at
        FROM sales s LEFT JOIN deliveries d ON d.adapter = @adapter AND d.sale_seq = s.seq
        WHERE s.seq > COALESCE((SELECT last_seq FROM adapter_cursors WHERE adapter = @adapter), 0)
            AND (d.state IS NULL OR d.state = 'retry') {dueFilter}
        ORDER BY s.seq
        LIMIT @limit
        """;

    /// <summary>Makes the adapter's cursor row if it is new and locks it until the transaction ends.</summary>
    private static async Task LockCursorAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string adapter, CancellationToken cancellationToken)
    {
        await PostgresSql.ExecuteAsync(connection, transaction, "INSERT INTO adapter_cursors (adapter, last_seq) VALUES (@adapter, 0) ON CONFLICT (adapter) DO NOTHING", cancellationToken, ("adapter", adapter)).ConfigureAwait(false);
        await PostgresSql.ExecuteAsync(connection, transaction, "SELECT 1 FROM adapter_cursors WHERE adapter = @adapter FOR UPDATE", cancellationToken, ("adapter", adapter)).ConfigureAwait(false);
    }

    private static DateTimeOffset? Instant(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));
}
