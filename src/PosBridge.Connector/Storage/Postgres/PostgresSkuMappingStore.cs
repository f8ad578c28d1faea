using PosBridge.Ecommerce.Stock;

namespace PosBridge.Connector.Storage.Postgres;

/// <summary>
/// SKU ↔ web-store ids on PostgreSQL, in <c>id_mappings</c> (kind <c>sku</c>, keyed by the store's adapter name), as
/// the SQLite store keeps them. Each mapping is one upsert, so instances resolving the same
/// SKU at once end with one row, the last answer.
/// </summary>
internal sealed class PostgresSkuMappingStore(PostgresDatabase database, TimeProvider timeProvider) : ISkuMappingStore
{
    private const string Kind = "sku";

    public async ValueTask<IReadOnlyDictionary<string, SkuMapping>> FindAsync(string store, IReadOnlyCollection<string> skus, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(skus);
        var found = new Dictionary<string, SkuMapping>(skus.Count, StringComparer.Ordinal);
        if (skus.Count == 0)
        {
            return found;
        }

        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = PostgresSql.Command(
            connection,
            null,
            "SELECT our_id, their_id, their_parent_id FROM id_mappings WHERE adapter = @store AND kind = @kind AND our_id = ANY(@skus)",
            ("store", store), ("kind", Kind), ("skus", skus.Distinct(StringComparer.Ordinal).ToArray()));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var sku = reader.GetString(0);
            found[sku] = new SkuMapping(sku, reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2));
        }

        return found;
    }

    public async ValueTask SaveAsync(string store, IReadOnlyCollection<SkuMapping> mappings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mappings);
        if (mappings.Count == 0)
        {
            return;
        }

        var now = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        await database.WriteAsync(
            async (connection, transaction) =>
            {
                foreach (var mapping in mappings)
                {
                    await PostgresSql.ExecuteAsync(
                        connection,
                        transaction,
                        """
                        INSERT INTO id_mappings (adapter, kind, our_id, their_id, their_parent_id, updated_at)
                        VALUES (@store, @kind, @sku, @item, @parent, @now)
                        ON CONFLICT (adapter, kind, our_id) DO UPDATE SET
                            their_id = excluded.their_id, their_parent_id = excluded.their_parent_id, updated_at = excluded.updated_at
                        """,
                        cancellationToken,
                        ("store", store), ("kind", Kind), ("sku", mapping.Sku), ("item", mapping.ItemId), ("parent", mapping.ParentId), ("now", now)).ConfigureAwait(false);
                }

                return 0;
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask RemoveAsync(string store, string sku, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await PostgresSql.ExecuteAsync(connection, null, "DELETE FROM id_mappings WHERE adapter = @store AND kind = @kind AND our_id = @sku", cancellationToken, ("store", store), ("kind", Kind), ("sku", sku)).ConfigureAwait(false);
    }
}
