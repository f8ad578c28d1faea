using PosBridge.Ecommerce.Stock;

namespace PosBridge.Connector.Storage.Postgres;

/// <summary>
/// Each stock change sent to a web store, on PostgreSQL (<c>stock_deltas</c>), as the SQLite store
/// keeps them: the intent is committed before the request goes out and becomes <c>applied</c> once the answer is
/// recorded. Every write is an upsert keyed by store and change, and an applied change is never turned back into a
/// pending one, whichever instance writes last.
/// </summary>
internal sealed class PostgresAppliedDeltaStore(PostgresDatabase database, TimeProvider timeProvider) : IAppliedDeltaStore
{
    public async ValueTask<DeltaStates> FindAsync(string store, IReadOnlyCollection<string> idempotencyKeys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(idempotencyKeys);
        var applied = new HashSet<string>(StringComparer.Ordinal);
        var pending = new List<PendingStockChange>();
        if (idempotencyKeys.Count == 0)
        {
            return new DeltaStates(applied, pending);
        }

        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var batches = new HashSet<string>(StringComparer.Ordinal);
        await using (var command = PostgresSql.Command(
            connection,
            null,
            "SELECT delta_key, state, batch FROM stock_deltas WHERE store = @store AND delta_key = ANY(@keys)",
            ("store", store), ("keys", idempotencyKeys.Distinct(StringComparer.Ordinal).ToArray())))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (reader.GetString(1) == "applied")
                {
                    applied.Add(reader.GetString(0));
                }
                else
                {
                    batches.Add(reader.GetString(2));
                }
            }
        }

        if (batches.Count == 0)
        {
            return new DeltaStates(applied, pending);
        }

        // Every change of those requests, also other sales' ones: a request is settled as a whole.
        var rows = new Dictionary<(string Batch, string Sku, string Location), (PendingStockChange Change, List<string> Keys)>();
        await using (var command = PostgresSql.Command(
            connection,
            null,
            """
            SELECT delta_key, batch, sku, location, change, before_level, after_level FROM stock_deltas
            WHERE store = @store AND state = 'pending' AND batch = ANY(@batches)
            ORDER BY batch COLLATE "C", sku COLLATE "C", location COLLATE "C", delta_key COLLATE "C"
            """,
            ("store", store), ("batches", batches.ToArray())))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var key = (reader.GetString(1), reader.GetString(2), reader.GetString(3));
                if (!rows.TryGetValue(key, out var row))
                {
                    var keys = new List<string>();
                    row = (new PendingStockChange
                    {
                        Batch = key.Item1,
                        Sku = key.Item2,
                        Location = key.Item3,
                        Change = (int)reader.GetInt64(4),
                        Before = reader.IsDBNull(5) ? null : (int)reader.GetInt64(5),
                        After = reader.IsDBNull(6) ? null : (int)reader.GetInt64(6),
                        IdempotencyKeys = keys,
                    }, keys);
                    rows[key] = row;
                }

                row.Keys.Add(reader.GetString(0));
            }
        }

        pending.AddRange(rows.Values.Select(r => r.Change));
        return new DeltaStates(applied, pending);
    }

    public async ValueTask RecordPendingAsync(string store, IReadOnlyList<PendingStockChange> changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.Count == 0)
        {
            return;
        }

        var now = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        await database.WriteAsync(
            async (connection, transaction) =>
            {
                foreach (var change in changes)
                {
                    foreach (var key in change.IdempotencyKeys)
                    {
                        // A change already applied stays applied: only a pending intent is replaced (a new request for it).
                        await PostgresSql.ExecuteAsync(
                            connection,
                            transaction,
                            """
                            INSERT INTO stock_deltas (store, delta_key, state, batch, sku, location, change, before_level, after_level, updated_at)
                            VALUES (@store, @key, 'pending', @batch, @sku, @location, @change, @before, @after, @now)
                            ON CONFLICT (store, delta_key) DO UPDATE SET
                                batch = excluded.batch, sku = excluded.sku, location = excluded.location, change = excluded.change,
                                before_level = excluded.before_level, after_level = excluded.after_level, updated_at = excluded.updated_at
                            WHERE stock_deltas.state = 'pending'
                            """,
                            cancellationToken,
                            ("store", store), ("key", key), ("batch", change.Batch), ("sku", change.Sku), ("location", change.Location),
                            ("change", (long)change.Change), ("before", (long?)change.Before), ("after", (long?)change.After), ("now", now)).ConfigureAwait(false);
                    }
                }

                return 0;
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask MarkAppliedAsync(string store, IReadOnlyCollection<string> idempotencyKeys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(idempotencyKeys);
        if (idempotencyKeys.Count == 0)
        {
            return;
        }

        var now = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        await database.WriteAsync(
            async (connection, transaction) =>
            {
                foreach (var key in idempotencyKeys)
                {
                    await PostgresSql.ExecuteAsync(
                        connection,
                        transaction,
                        """
                        INSERT INTO stock_deltas (store, delta_key, state, updated_at) VALUES (@store, @key, 'applied', @now)
                        ON CONFLICT (store, delta_key) DO UPDATE SET state = 'applied', batch = NULL, updated_at = excluded.updated_at
                        """,
                        cancellationToken,
                        ("store", store), ("key", key), ("now", now)).ConfigureAwait(false);
                }

                return 0;
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask ForgetPendingAsync(string store, IReadOnlyCollection<string> idempotencyKeys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(idempotencyKeys);
        if (idempotencyKeys.Count == 0)
        {
            return;
        }

        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await PostgresSql.ExecuteAsync(
            connection,
            null,
            "DELETE FROM stock_deltas WHERE store = @store AND state = 'pending' AND delta_key = ANY(@keys)",
            cancellationToken,
            ("store", store), ("keys", idempotencyKeys.Distinct(StringComparer.Ordinal).ToArray())).ConfigureAwait(false);
    }
}
