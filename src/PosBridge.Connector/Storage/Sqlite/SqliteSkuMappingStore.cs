using PosBridge.Ecommerce.Stock;

namespace PosBridge.Connector.Storage.Sqlite;

/// <summary>
/// SKU ↔ web-store ids in the connector's <c>id_mappings</c> table (kind <c>sku</c>, keyed by the store's adapter
/// name), so a restart resolves nothing again. A mapping the store stops honouring is removed and the SKU
/// resolved again by SKU; the adapters never create a product to fill the gap.
/// </summary>
internal sealed class SqliteSkuMappingStore(ConnectorDatabase database, TimeProvider timeProvider) : ISkuMappingStore
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

        await database.ReadAsync(
            async connection =>
            {
                foreach (var chunk in skus.Distinct(StringComparer.Ordinal).Chunk(Sql.MaxInList))
                {
                    var (names, parameters) = Sql.InList("s", chunk);
                    await using var command = Sql.Command(
                        connection,
                        null,
                        $"SELECT our_id, their_id, their_parent_id FROM id_mappings WHERE adapter = $store AND kind = $kind AND our_id IN ({names})",
                        [("$store", store), ("$kind", Kind), .. parameters]);
                    await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        var sku = reader.GetString(0);
                        found[sku] = new SkuMapping(sku, reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2));
                    }
                }

                return 0;
            },
            cancellationToken).ConfigureAwait(false);
        return found;
    }

    public async ValueTask SaveAsync(string store, IReadOnlyCollection<SkuMapping> mappings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mappings);
        if (mappings.Count == 0)
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
                    INSERT INTO id_mappings (adapter, kind, our_id, their_id, their_parent_id, updated_at)
                    VALUES ($store, $kind, $sku, $item, $parent, $now)
                    ON CONFLICT (adapter, kind, our_id) DO UPDATE SET
                        their_id = excluded.their_id, their_parent_id = excluded.their_parent_id, updated_at = excluded.updated_at
                    """,
                    ("$store", store), ("$kind", Kind), ("$sku", string.Empty), ("$item", string.Empty), ("$parent", null), ("$now", now));
                foreach (var mapping in mappings)
                {
                    upsert.Parameters["$sku"].Value = mapping.Sku;
                    upsert.Parameters["$item"].Value = mapping.ItemId;
                    upsert.Parameters["$parent"].Value = (object?)mapping.ParentId ?? DBNull.Value;
                    await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                return 0;
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask RemoveAsync(string store, string sku, CancellationToken cancellationToken = default) =>
        await database.WriteAsync(
            async (connection, transaction) =>
            {
                await Sql.ExecuteAsync(connection, transaction, "DELETE FROM id_mappings WHERE adapter = $store AND kind = $kind AND our_id = $sku", cancellationToken, ("$store", store), ("$kind", Kind), ("$sku", sku)).ConfigureAwait(false);
                return 0;
            },
            cancellationToken).ConfigureAwait(false);
}
