using System.Globalization;
using Microsoft.Data.Sqlite;
using PosBridge.Connector.Dispatch;

namespace PosBridge.Connector.Storage.Sqlite;

internal sealed class SqliteDeliveryStore(ConnectorDatabase database) : IDeliveryStore
{
    public Task<IReadOnlyList<PendingSale>> GetDueAsync(string adapter, int limit, bool ordered, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        database.ReadAsync<IReadOnlyList<PendingSale>>(
            async connection =>
            {
                var cursor = await CursorAsync(connection, null, adapter, cancellationToken).ConfigureAwait(false);
                // Unordered: skip sales not due yet. Ordered: read them too, and stop at the first not due.
                var dueFilter = ordered ? string.Empty : "AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= $now)";
                await using var command = Sql.Command(
                    connection,
                    null,
                    $"""
                    SELECT s.seq, s.document, COALESCE(d.attempts, 0), d.next_attempt_at
                    FROM sales s LEFT JOIN deliveries d ON d.adapter = $adapter AND d.sale_seq = s.seq
                    WHERE s.seq > $cursor AND (d.state IS NULL OR d.state = 'retry') {dueFilter}
                    ORDER BY s.seq
                    LIMIT $limit
                    """,
                    ("$adapter", adapter), ("$cursor", cursor), ("$now", Sql.ToUnixMs(now)), ("$limit", limit));
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                var due = new List<PendingSale>(limit);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (!reader.IsDBNull(3) && Sql.FromUnixMs(reader.GetInt64(3)) > now)
                    {
                        break; // only reached when ordered
                    }

                    due.Add(new PendingSale(reader.GetInt64(0), SqliteInbox.Read(reader.GetString(1)), reader.GetInt32(2)));
                }

                return due;
            },
            cancellationToken);

    public Task RecordAsync(string adapter, IReadOnlyList<DeliveryRecord> records, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            async (connection, transaction) =>
            {
                await using var upsert = Sql.Command(
                    connection,
                    transaction,
                    """
                    INSERT INTO deliveries (adapter, sale_seq, state, attempts, next_attempt_at, last_error, external_id, updated_at)
                    VALUES ($adapter, $seq, $state, $attempts, $next, $error, $external, $now)
                    ON CONFLICT (adapter, sale_seq) DO UPDATE SET
                        state = excluded.state, attempts = excluded.attempts, next_attempt_at = excluded.next_attempt_at,
                        last_error = excluded.last_error, external_id = COALESCE(excluded.external_id, deliveries.external_id),
                        updated_at = excluded.updated_at
                    """,
                    ("$adapter", adapter), ("$seq", 0L), ("$state", string.Empty), ("$attempts", 0), ("$next", null),
                    ("$error", null), ("$external", null), ("$now", Sql.ToUnixMs(now)));
                var delivered = false;
                foreach (var record in records)
                {
                    upsert.Parameters["$seq"].Value = record.Seq;
                    upsert.Parameters["$state"].Value = record.State.ToString().ToLowerInvariant();
                    upsert.Parameters["$attempts"].Value = record.Attempts;
                    upsert.Parameters["$next"].Value = record.NextAttemptAt is { } next ? Sql.ToUnixMs(next) : DBNull.Value;
                    upsert.Parameters["$error"].Value = (object?)record.Error ?? DBNull.Value;
                    upsert.Parameters["$external"].Value = (object?)record.ExternalId ?? DBNull.Value;
                    await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    delivered |= record.State is DeliveryState.Done or DeliveryState.Duplicate;
                }

                await AdvanceCursorAsync(connection, transaction, adapter, delivered ? now : null, cancellationToken).ConfigureAwait(false);
                return 0;
            },
            cancellationToken);

    public Task RecordAdapterErrorAsync(string adapter, string error, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            async (connection, transaction) =>
            {
                await EnsureCursorAsync(connection, transaction, adapter, cancellationToken).ConfigureAwait(false);
                await Sql.ExecuteAsync(connection, transaction, "UPDATE adapter_cursors SET last_error = $error, last_error_at = $now WHERE adapter = $adapter", cancellationToken, ("$error", error), ("$now", Sql.ToUnixMs(now)), ("$adapter", adapter)).ConfigureAwait(false);
                return 0;
            },
            cancellationToken);

    public Task<AdapterBacklog> GetBacklogAsync(string adapter, CancellationToken cancellationToken = default) =>
        database.ReadAsync(
            async connection =>
            {
                var cursor = await CursorAsync(connection, null, adapter, cancellationToken).ConfigureAwait(false);
                await using var waiting = Sql.Command(
                    connection,
                    null,
                    """
                    SELECT COUNT(*), MIN(s.created_at), MIN(s.received_at)
                    FROM sales s LEFT JOIN deliveries d ON d.adapter = $adapter AND d.sale_seq = s.seq
                    WHERE s.seq > $cursor AND (d.state IS NULL OR d.state = 'retry')
                    """,
                    ("$adapter", adapter), ("$cursor", cursor));
                await using var reader = await waiting.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var count = reader.GetInt64(0);
                var oldest = Sql.FromUnixMs(reader.GetValue(1));
                var oldestReceived = Sql.FromUnixMs(reader.GetValue(2));
                await reader.DisposeAsync().ConfigureAwait(false);

                var dead = Convert.ToInt64(await Sql.ScalarAsync(connection, null, "SELECT COUNT(*) FROM deliveries WHERE adapter = $adapter AND state = 'dead'", cancellationToken, ("$adapter", adapter)).ConfigureAwait(false), CultureInfo.InvariantCulture);
                await using var state = Sql.Command(connection, null, "SELECT last_success_at, last_error, last_error_at FROM adapter_cursors WHERE adapter = $adapter", ("$adapter", adapter));
                await using var stateReader = await state.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                return await stateReader.ReadAsync(cancellationToken).ConfigureAwait(false)
                    ? new AdapterBacklog(adapter, count, oldest, dead, Sql.FromUnixMs(stateReader.GetValue(0)), stateReader.IsDBNull(1) ? null : stateReader.GetString(1), Sql.FromUnixMs(stateReader.GetValue(2)), oldestReceived)
                    : new AdapterBacklog(adapter, count, oldest, dead, null, null, null, oldestReceived);
            },
            cancellationToken);

    public Task<IReadOnlyList<DeadLetter>> GetDeadLettersAsync(string? adapter, CancellationToken cancellationToken = default) =>
        database.ReadAsync<IReadOnlyList<DeadLetter>>(
            async connection =>
            {
                await using var command = Sql.Command(
                    connection,
                    null,
                    """
                    SELECT d.adapter, s.id, s.sale_number, s.till_id, d.attempts, d.last_error, d.updated_at
                    FROM deliveries d JOIN sales s ON s.seq = d.sale_seq
                    WHERE d.state = 'dead' AND ($adapter IS NULL OR d.adapter = $adapter)
                    ORDER BY d.adapter, s.seq
                    """,
                    ("$adapter", adapter));
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                var letters = new List<DeadLetter>();
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    letters.Add(new DeadLetter(reader.GetString(0), Guid.Parse(reader.GetString(1)), reader.GetString(2), reader.GetString(3), reader.GetInt32(4), reader.IsDBNull(5) ? null : reader.GetString(5), Sql.FromUnixMs(reader.GetInt64(6))));
                }

                return letters;
            },
            cancellationToken);

    public Task<int> RetryDeadLettersAsync(string? adapter, Guid? saleId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            async (connection, transaction) =>
            {
                await using var select = Sql.Command(
                    connection,
                    transaction,
                    """
                    SELECT d.adapter, d.sale_seq FROM deliveries d JOIN sales s ON s.seq = d.sale_seq
                    WHERE d.state = 'dead' AND ($adapter IS NULL OR d.adapter = $adapter) AND ($sale IS NULL OR s.id = $sale)
                    """,
                    ("$adapter", adapter), ("$sale", saleId?.ToString("D")));
                var rows = new List<(string Adapter, long Seq)>();
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
                    await Sql.ExecuteAsync(connection, transaction, "UPDATE deliveries SET state = 'retry', next_attempt_at = $now, updated_at = $now WHERE adapter = $adapter AND sale_seq = $seq", cancellationToken, ("$now", Sql.ToUnixMs(now)), ("$adapter", name), ("$seq", seq)).ConfigureAwait(false);
                    await Sql.ExecuteAsync(connection, transaction, "UPDATE adapter_cursors SET last_seq = MIN(last_seq, $seq - 1) WHERE adapter = $adapter", cancellationToken, ("$seq", seq), ("$adapter", name)).ConfigureAwait(false);
                    await Sql.ExecuteAsync(connection, transaction, "INSERT INTO audit_log (at, actor, action, subject, details) VALUES ($now, 'manager', 'delivery.retry', $subject, NULL)", cancellationToken, ("$now", Sql.ToUnixMs(now)), ("$subject", $"{name}:{seq}")).ConfigureAwait(false);
                }

                return rows.Count;
            },
            cancellationToken);

    private static async Task<long> CursorAsync(SqliteConnection connection, SqliteTransaction? transaction, string adapter, CancellationToken cancellationToken) =>
        Convert.ToInt64(await Sql.ScalarAsync(connection, transaction, "SELECT last_seq FROM adapter_cursors WHERE adapter = $adapter", cancellationToken, ("$adapter", adapter)).ConfigureAwait(false) ?? 0L, CultureInfo.InvariantCulture);

    private static Task EnsureCursorAsync(SqliteConnection connection, SqliteTransaction transaction, string adapter, CancellationToken cancellationToken) =>
        Sql.ExecuteAsync(connection, transaction, "INSERT INTO adapter_cursors (adapter, last_seq) VALUES ($adapter, 0) ON CONFLICT (adapter) DO NOTHING", cancellationToken, ("$adapter", adapter));

    private static async Task AdvanceCursorAsync(SqliteConnection connection, SqliteTransaction transaction, string adapter, DateTimeOffset? success, CancellationToken cancellationToken)
    {
        await EnsureCursorAsync(connection, transaction, adapter, cancellationToken).ConfigureAwait(false);
        var cursor = await CursorAsync(connection, transaction, adapter, cancellationToken).ConfigureAwait(false);
        // The first unfinished sale after the cursor; everything before it is finished.
        var firstOpen = await Sql.ScalarAsync(
            connection,
            transaction,
            """
            SELECT MIN(s.seq) FROM sales s LEFT JOIN deliveries d ON d.adapter = $adapter AND d.sale_seq = s.seq
            WHERE s.seq > $cursor AND (d.state IS NULL OR d.state = 'retry')
            """,
            cancellationToken,
            ("$adapter", adapter), ("$cursor", cursor)).ConfigureAwait(false);
        var newCursor = firstOpen is null
            ? Convert.ToInt64(await Sql.ScalarAsync(connection, transaction, "SELECT COALESCE(MAX(seq), 0) FROM sales", cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture)
            : Convert.ToInt64(firstOpen, CultureInfo.InvariantCulture) - 1;
        await Sql.ExecuteAsync(
            connection,
            transaction,
            """
            UPDATE adapter_cursors SET last_seq = MAX(last_seq, $cursor),
                last_success_at = COALESCE($success, last_success_at),
                last_error = CASE WHEN $success IS NULL THEN last_error ELSE NULL END
            WHERE adapter = $adapter
            """,
            cancellationToken,
            ("$cursor", newCursor), ("$success", success is { } s ? Sql.ToUnixMs(s) : null), ("$adapter", adapter)).ConfigureAwait(false);
    }
}
