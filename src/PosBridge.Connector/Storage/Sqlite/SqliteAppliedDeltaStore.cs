using PosBridge.Ecommerce.Stock;

namespace PosBridge.Connector.Storage.Sqlite;

/// <summary>
/// Each stock change sent to a web store, in <c>stock_deltas</c>: the intent (<c>pending</c>, with the request it
/// went in and, for platforms that take absolute levels, the level before and the level written) is committed
/// before the request goes out, and becomes <c>applied</c> once the answer is recorded. What a crash leaves
/// pending is settled with the store on the next delivery of the sale.
/// </summary>
internal sealed class SqliteAppliedDeltaStore(ConnectorDatabase database, TimeProvider timeProvider) : IAppliedDeltaStore
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

        await database.ReadAsync(
            async connection =>
            {
                var batches = new HashSet<string>(StringComparer.Ordinal);
                foreach (var chunk in idempotencyKeys.Distinct(StringComparer.Ordinal).Chunk(Sql.MaxInList))
                {
                    var (names, parameters) = Sql.InList("k", chunk);
                    await using var command = Sql.Command(
                        connection,
                        null,
                        $"SELECT delta_key, state, batch FROM stock_deltas WHERE store = $store AND delta_key IN ({names})",
                        [("$store", store), .. parameters]);
                    await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
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

                // Every change of those requests, also other sales' ones: a request is settled as a whole.
                var rows = new Dictionary<(string Batch, string Sku, string Location), (PendingStockChange Change, List<string> Keys)>();
                foreach (var chunk in batches.Chunk(Sql.MaxInList))
                {
                    var (names, parameters) = Sql.InList("b", chunk);
                    await using var command = Sql.Command(
                        connection,
                        null,
                        $"""
                        SELECT delta_key, batch, sku, location, change, before_level, after_level FROM stock_deltas
                        WHERE store = $store AND state = 'pending' AND batch IN ({names})
                        ORDER BY batch, sku, location, delta_key
                        """,
                        [("$store", store), .. parameters]);
                    await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
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
                                Change = reader.GetInt32(4),
                                Before = reader.IsDBNull(5) ? null : reader.GetInt32(5),
                                After = reader.IsDBNull(6) ? null : reader.GetInt32(6),
                                IdempotencyKeys = keys,
                            }, keys);
                            rows[key] = row;
                        }

                        row.Keys.Add(reader.GetString(0));
                    }
                }

                pending.AddRange(rows.Values.Select(r => r.Change));
                return 0;
            },
            cancellationToken).ConfigureAwait(false);
        return new DeltaStates(applied, pending);
    }

    public async ValueTask RecordPendingAsync(string store, IReadOnlyList<PendingStockChange> changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.Count == 0)
        {
            return;
        }

        var now = Sql.ToUnixMs(timeProvider.GetUtcNow());
        await database.WriteAsync(
            async (connection, transaction) =>
            {
                // A change already applied stays applied: only a pending intent is replaced (a new request for it).
                await using var upsert = Sql.Command(
                    connection,
                    transaction,
                    """
                    INSERT INTO stock_deltas (store, delta_key, state, batch, sku, location, change, before_level, after_level, updated_at)
                    VALUES ($store, $key, 'pending', $batch, $sku, $location, $change, $before, $after, $now)
                    ON CONFLICT (store, delta_key) DO UPDATE SET
                        batch = excluded.batch, sku = excluded.sku, location = excluded.location, change = excluded.change,
                        before_level = excluded.before_level, after_level = excluded.after_level, updated_at = excluded.updated_at
                    WHERE stock_deltas.state = 'pending'
                    """,
                    ("$store", store), ("$key", string.Empty), ("$batch", string.Empty), ("$sku", string.Empty), ("$location", string.Empty),
                    ("$change", 0), ("$before", null), ("$after", null), ("$now", now));
                foreach (var change in changes)
                {
                    upsert.Parameters["$batch"].Value = change.Batch;
                    upsert.Parameters["$sku"].Value = change.Sku;
                    upsert.Parameters["$location"].Value = change.Location;
                    upsert.Parameters["$change"].Value = change.Change;
                    upsert.Parameters["$before"].Value = (object?)change.Before ?? DBNull.Value;
                    upsert.Parameters["$after"].Value = (object?)change.After ?? DBNull.Value;
                    foreach (var key in change.IdempotencyKeys)
                    {
                        upsert.Parameters["$key"].Value = key;
                        await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
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

        var now = Sql.ToUnixMs(timeProvider.GetUtcNow());
        await database.WriteAsync(
            async (connection, transaction) =>
            {
                await using var upsert = Sql.Command(
                    connection,
                    transaction,
                    """
                    INSERT INTO stock_deltas (store, delta_key, state, updated_at) VALUES ($store, $key, 'applied', $now)
                    ON CONFLICT (store, delta_key) DO UPDATE SET state = 'applied', batch = NULL, updated_at = excluded.updated_at
                    """,
                    ("$store", store), ("$key", string.Empty), ("$now", now));
                foreach (var key in idempotencyKeys)
                {
                    upsert.Parameters["$key"].Value = key;
                    await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
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

        await database.WriteAsync(
            async (connection, transaction) =>
            {
                foreach (var chunk in idempotencyKeys.Distinct(StringComparer.Ordinal).Chunk(Sql.MaxInList))
                {
                    var (names, parameters) = Sql.InList("k", chunk);
                    await Sql.ExecuteAsync(connection, transaction, $"DELETE FROM stock_deltas WHERE store = $store AND state = 'pending' AND delta_key IN ({names})", cancellationToken, [("$store", store), .. parameters]).ConfigureAwait(false);
                }

                return 0;
            },
            cancellationToken).ConfigureAwait(false);
    }
}
