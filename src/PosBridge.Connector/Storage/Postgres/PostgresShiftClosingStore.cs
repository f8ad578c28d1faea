using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using PosBridge.Connector.Shifts;
using PosBridge.Core.Sync;

namespace PosBridge.Connector.Storage.Postgres;

/// <summary>
/// Shift closes in <c>shift_closings</c>, and each back office's state of them in <c>shift_closing_deliveries</c>. A close
/// is taken in by one insert that does nothing when the shift is there already, so two instances receiving the same
/// close at once store it once and the other answers duplicate or conflict from the stored one.
/// </summary>
internal sealed class PostgresShiftClosingStore(PostgresDatabase database) : IShiftClosingStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task<ShiftClosingReceipt> ReceiveAsync(ShiftClosing closing, DateTimeOffset receivedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(closing);
        var document = JsonSerializer.Serialize(closing, Json);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(document)));
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                // The till uploads its outbox in order, so every sale of the shift is in the inbox already.
                var inserted = await PostgresSql.ExecuteAsync(
                    connection,
                    transaction,
                    """
                    INSERT INTO shift_closings (store_id, till_id, shift_id, last_sale_seq, received_at, content_hash, document)
                    SELECT @store, @till, @shift, COALESCE(MAX(seq), 0), @now, @hash, @document FROM sales WHERE store_id = @store AND till_id = @till
                    ON CONFLICT (store_id, till_id, shift_id) DO NOTHING
                    """,
                    cancellationToken,
                    ("store", closing.StoreId),
                    ("till", closing.TillId),
                    ("shift", closing.ShiftId),
                    ("now", receivedAt.ToUnixTimeMilliseconds()),
                    ("hash", hash),
                    ("document", document)).ConfigureAwait(false);
                if (inserted == 1)
                {
                    return ShiftClosingReceipt.Accepted;
                }

                var existing = (string?)await PostgresSql.ScalarAsync(connection, transaction, "SELECT content_hash FROM shift_closings WHERE store_id = @store AND till_id = @till AND shift_id = @shift", cancellationToken, ("store", closing.StoreId), ("till", closing.TillId), ("shift", closing.ShiftId)).ConfigureAwait(false);
                return existing == hash ? ShiftClosingReceipt.Duplicate : ShiftClosingReceipt.Conflict;
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<(ShiftClosing Closing, int Attempts)>> DueAsync(string adapter, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        // Due: not yet closed (or given up) for this adapter, and no sale of the till up to the close is still waiting
        // for this adapter (never tried, or to be retried).
        await using var command = PostgresSql.Command(
            connection,
            null,
            """
            SELECT c.document, COALESCE(d.attempts, 0)
            FROM shift_closings c
            LEFT JOIN shift_closing_deliveries d
              ON d.adapter = @adapter AND d.store_id = c.store_id AND d.till_id = c.till_id AND d.shift_id = c.shift_id
            WHERE (d.state IS NULL OR d.state = 'retry')
              AND NOT EXISTS (
                SELECT 1 FROM sales s
                LEFT JOIN deliveries sd ON sd.adapter = @adapter AND sd.sale_seq = s.seq
                WHERE s.store_id = c.store_id AND s.till_id = c.till_id AND s.seq <= c.last_sale_seq
                  AND (sd.state IS NULL OR sd.state = 'retry'))
            ORDER BY c.received_at, c.till_id COLLATE "C"
            LIMIT @limit
            """,
            ("adapter", adapter), ("limit", limit));
        var due = new List<(ShiftClosing, int)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            due.Add((JsonSerializer.Deserialize<ShiftClosing>(reader.GetString(0), Json)!, checked((int)reader.GetInt64(1))));
        }

        return due;
    }

    public Task RecordAsync(string adapter, ShiftClosing closing, string state, int attempts, string? error, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(closing);
        return database.WriteAsync(
            (connection, transaction) => PostgresSql.ExecuteAsync(
                connection,
                transaction,
                """
                INSERT INTO shift_closing_deliveries (adapter, store_id, till_id, shift_id, state, attempts, last_error, updated_at)
                VALUES (@adapter, @store, @till, @shift, @state, @attempts, @error, @now)
                ON CONFLICT (adapter, store_id, till_id, shift_id) DO UPDATE SET state = excluded.state, attempts = excluded.attempts, last_error = excluded.last_error, updated_at = excluded.updated_at
                """,
                cancellationToken,
                ("adapter", adapter),
                ("store", closing.StoreId),
                ("till", closing.TillId),
                ("shift", closing.ShiftId),
                ("state", state),
                ("attempts", (long)attempts),
                ("error", error),
                ("now", at.ToUnixTimeMilliseconds())),
            cancellationToken);
    }

    public async Task<IReadOnlyList<(ShiftClosing Closing, DateTimeOffset ReceivedAt, IReadOnlyDictionary<string, string> States)>> RecentAsync(int count, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = PostgresSql.Command(
            connection,
            null,
            """
            SELECT c.document, c.received_at, d.adapter, d.state
            FROM (SELECT * FROM shift_closings ORDER BY received_at DESC, till_id COLLATE "C" LIMIT @count) c
            LEFT JOIN shift_closing_deliveries d ON d.store_id = c.store_id AND d.till_id = c.till_id AND d.shift_id = c.shift_id
            ORDER BY c.received_at DESC, c.till_id COLLATE "C", c.store_id COLLATE "C", c.shift_id COLLATE "C"
            """,
            ("count", count));
        var rows = new List<(ShiftClosing, DateTimeOffset, Dictionary<string, string>)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var closing = JsonSerializer.Deserialize<ShiftClosing>(reader.GetString(0), Json)!;
            if (rows.Count == 0 || rows[^1].Item1 != closing)
            {
                rows.Add((closing, DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)), new Dictionary<string, string>(StringComparer.Ordinal)));
            }

            if (!reader.IsDBNull(2))
            {
                rows[^1].Item3[reader.GetString(2)] = reader.GetString(3);
            }
        }

        return [.. rows.Select(r => (r.Item1, r.Item2, (IReadOnlyDictionary<string, string>)r.Item3))];
    }

    public async Task<IReadOnlyList<ShiftClosing>> ForStoreAsync(string storeId, DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = PostgresSql.Command(connection, null, "SELECT document FROM shift_closings WHERE store_id = @store", ("store", storeId));
        var closings = new List<ShiftClosing>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var closing = JsonSerializer.Deserialize<ShiftClosing>(reader.GetString(0), Json)!;
            if (closing.ClosedAtUtc >= fromUtc && closing.ClosedAtUtc < toUtc)
            {
                closings.Add(closing);
            }
        }

        return [.. closings.OrderBy(c => c.ClosedAtUtc).ThenBy(c => c.TillId, StringComparer.Ordinal).ThenBy(c => c.ShiftId, StringComparer.Ordinal)];
    }

    public async Task<IReadOnlyList<(string Adapter, string State, int Attempts, string? Error)>> StateAsync(string storeId, string tillId, string shiftId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = PostgresSql.Command(connection, null, "SELECT adapter, state, attempts, last_error FROM shift_closing_deliveries WHERE store_id = @store AND till_id = @till AND shift_id = @shift ORDER BY adapter COLLATE \"C\"", ("store", storeId), ("till", tillId), ("shift", shiftId));
        var rows = new List<(string, string, int, string?)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add((reader.GetString(0), reader.GetString(1), checked((int)reader.GetInt64(2)), reader.IsDBNull(3) ? null : reader.GetString(3)));
        }

        return rows;
    }
}
