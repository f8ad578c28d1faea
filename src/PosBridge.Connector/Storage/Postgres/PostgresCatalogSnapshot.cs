using System.Globalization;
using System.Text.Json;
using PosBridge.Connector.Catalog;
using PosBridge.Core.Catalog;
using PosBridge.Core.Loyalty;
using PosBridge.Core.Stock;
using PosBridge.Core.Taxes;

namespace PosBridge.Connector.Storage.Postgres;

/// <summary>
/// The connector's copy of the catalog and stock levels on PostgreSQL (<c>catalog_snapshot</c>), as
/// the SQLite store keeps it: every row that changes takes the next version, so "since version
/// N" is all a reader needs. Writers on any instance take one transaction-level advisory lock (<see cref="CatalogLock"/>)
/// before reading the highest version, so no two save the same version and versions commit in their order: a till that
/// has read up to N never misses a row numbered N or lower.
/// </summary>
internal sealed class PostgresCatalogSnapshot(PostgresDatabase database) : ICatalogSnapshot
{
    private const string ProductKind = "product";
    private const string StockKind = "stock";
    private const string TaxKind = "tax";
    private const string CategoryKind = "category";
    private const string PaymentMethodKind = "payment_method";
    private const string LoyaltyProgramKind = "loyalty_program";
    private const string LoyaltyCardKind = "loyalty_card";

    /// <summary>Any fixed number, the same in every instance; held by a catalog write until it commits.</summary>
    internal const long CatalogLock = 0x506f73436174616c;

    private const string Upsert = """
        INSERT INTO catalog_snapshot (kind, id, version, deleted, document) VALUES (@kind, @id, @version, @deleted, @document)
        ON CONFLICT (kind, id) DO UPDATE SET version = excluded.version, deleted = excluded.deleted, document = excluded.document
        WHERE catalog_snapshot.deleted <> excluded.deleted OR catalog_snapshot.document <> excluded.document
        """;

    // As Upsert, the one JSON property @same set aside when comparing documents.
    private const string UpsertSameDespite = """
        INSERT INTO catalog_snapshot (kind, id, version, deleted, document) VALUES (@kind, @id, @version, @deleted, @document)
        ON CONFLICT (kind, id) DO UPDATE SET version = excluded.version, deleted = excluded.deleted, document = excluded.document
        WHERE catalog_snapshot.deleted <> excluded.deleted
            OR (catalog_snapshot.document::jsonb - @same::text) <> (excluded.document::jsonb - @same::text)
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Stores products and marks removed ones; answers how many rows changed.</summary>
    public Task<int> SaveProductsAsync(IReadOnlyList<Product> products, IReadOnlyList<string> removedIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(products);
        ArgumentNullException.ThrowIfNull(removedIds);
        var rows = products.Select(p => (p.Id, JsonSerializer.Serialize(p, Json), false))
            .Concat(removedIds.Select(id => (id, "{}", true)))
            .ToList();
        return SaveAsync(ProductKind, rows, cancellationToken);
    }

    public Task<int> SaveTaxesAsync(IReadOnlyList<TaxDefinition> taxes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(taxes);
        return SaveAsync(TaxKind, taxes.Select(t => (t.Id, JsonSerializer.Serialize(t, Json), false)).ToList(), cancellationToken);
    }

    public Task<int> SaveCategoriesAsync(IReadOnlyList<Category> categories, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(categories);
        return SaveAsync(CategoryKind, categories.Select(c => (c.Id, JsonSerializer.Serialize(c, Json), false)).ToList(), cancellationToken);
    }

    /// <summary>Stores payment methods (with where each is offered) and marks removed ones.</summary>
    public Task<int> SavePaymentMethodsAsync(IReadOnlyList<PaymentMethod> methods, IReadOnlyList<string> removedIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(methods);
        ArgumentNullException.ThrowIfNull(removedIds);
        var rows = methods.Select(m => (m.Id, JsonSerializer.Serialize(m, Json), false))
            .Concat(removedIds.Select(id => (id, "{}", true)))
            .ToList();
        return SaveAsync(PaymentMethodKind, rows, cancellationToken);
    }

    /// <summary>
    /// Stores the back office's loyalty programs as the whole set: a program stored before and missing from
    /// <paramref name="programs"/> has ended and is marked removed, so tills stop earning and spending on it.
    /// </summary>
    public Task<int> ReplaceLoyaltyProgramsAsync(IReadOnlyList<LoyaltyProgram> programs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(programs);
        return SaveAsync(LoyaltyProgramKind, programs.Select(p => (p.Id, JsonSerializer.Serialize(p, Json), false)).ToList(), cancellationToken, replaceAll: true);
    }

    /// <summary>Stores customers' loyalty cards (holder, code, points) and marks removed ones.</summary>
    public Task<int> SaveLoyaltyCardsAsync(IReadOnlyList<LoyaltyCard> cards, IReadOnlyList<string> removedIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cards);
        ArgumentNullException.ThrowIfNull(removedIds);
        var rows = cards.Select(c => (c.Id, JsonSerializer.Serialize(c, Json), false))
            .Concat(removedIds.Select(id => (id, "{}", true)))
            .ToList();
        // A card read again with the same points and holder keeps its version (and its earlier as-of instant, which
        // is as true): each pull reads the latest changes again, and tills need not be sent them again.
        return SaveAsync(LoyaltyCardKind, rows, cancellationToken, sameDespite: "asOf");
    }

    public Task<int> SaveStockAsync(IReadOnlyList<StockLevel> levels, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(levels);
        return SaveAsync(StockKind, levels.Select(l => ($"{l.Sku}@{l.LocationId}", JsonSerializer.Serialize(l, Json), false)).ToList(), cancellationToken);
    }

    public async Task<IReadOnlyList<Product>> ProductsAsync(CancellationToken cancellationToken = default) =>
        await ReadAllAsync<Product>(ProductKind, cancellationToken).ConfigureAwait(false);

    /// <summary>The back office's payment methods (every store's, with where each is offered).</summary>
    public async Task<IReadOnlyList<PaymentMethod>> PaymentMethodsAsync(CancellationToken cancellationToken = default) =>
        await ReadAllAsync<PaymentMethod>(PaymentMethodKind, cancellationToken).ConfigureAwait(false);

    /// <summary>The catalog's categories, for the web catalogs' category paths.</summary>
    public async Task<IReadOnlyList<Category>> CategoriesAsync(CancellationToken cancellationToken = default) =>
        await ReadAllAsync<Category>(CategoryKind, cancellationToken).ConfigureAwait(false);

    /// <summary>The catalog's taxes, to tell a web store which products are exempt.</summary>
    public async Task<IReadOnlyList<TaxDefinition>> TaxesAsync(CancellationToken cancellationToken = default) =>
        await ReadAllAsync<TaxDefinition>(TaxKind, cancellationToken).ConfigureAwait(false);

    public async Task<IReadOnlyList<StockLevel>> StockLevelsAsync(CancellationToken cancellationToken = default) =>
        await ReadAllAsync<StockLevel>(StockKind, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// What a till needs that changed after <paramref name="cursor"/> (0: everything): products (prices included),
    /// taxes and categories, payment methods, loyalty programs and customers' cards, and the ids of those removed; at most <paramref name="limit"/> rows, oldest change
    /// first. <see cref="CatalogChanges.NextCursor"/> is the last version returned, opaque to the till.
    /// </summary>
    public Task<CatalogChanges> ChangesAsync(long cursor, int limit, CancellationToken cancellationToken = default) =>
        ChangesAsync(cursor, limit, null, null, cancellationToken);

    /// <summary>
    /// As <see cref="ChangesAsync(long, int, CancellationToken)"/>, for the till <paramref name="tillId"/> of store
    /// <paramref name="storeId"/>: payment methods not offered to it come as removed (so a method taken off its
    /// configuration disappears from the till), and the ones offered come without their scope.
    /// </summary>
    public async Task<CatalogChanges> ChangesAsync(long cursor, int limit, string? storeId, string? tillId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = PostgresSql.Command(
            connection,
            null,
            """
            SELECT kind, id, version, deleted, document FROM catalog_snapshot
            WHERE version > @cursor AND kind IN (@product, @tax, @category, @method, @loyalty, @card)
            ORDER BY version LIMIT @limit
            """,
            ("cursor", cursor), ("product", ProductKind), ("tax", TaxKind), ("category", CategoryKind), ("method", PaymentMethodKind), ("loyalty", LoyaltyProgramKind), ("card", LoyaltyCardKind), ("limit", limit + 1));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var products = new List<Product>();
        var taxes = new List<TaxDefinition>();
        var categories = new List<Category>();
        var removed = new List<string>();
        var methods = new List<PaymentMethod>();
        var removedMethods = new List<string>();
        var programs = new List<LoyaltyProgram>();
        var removedPrograms = new List<string>();
        var cards = new List<LoyaltyCard>();
        var removedCards = new List<string>();
        var next = cursor;
        var read = 0;
        var more = false;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (++read > limit)
            {
                more = true;
                break;
            }

            next = reader.GetInt64(2);
            var document = reader.GetString(4);
            switch (reader.GetString(0))
            {
                case ProductKind when reader.GetBoolean(3):
                    removed.Add(reader.GetString(1));
                    break;
                case ProductKind:
                    var product = JsonSerializer.Deserialize<Product>(document, Json)!;
                    if (storeId is null)
                    {
                        products.Add(product);
                    }
                    else if (product.IsSoldAt(storeId))
                    {
                        products.Add(product with { Stores = [] });
                    }
                    else
                    {
                        // Another store's product (its own product file): this till never sells it.
                        removed.Add(product.Id);
                    }

                    break;
                case PaymentMethodKind when reader.GetBoolean(3):
                    removedMethods.Add(reader.GetString(1));
                    break;
                case PaymentMethodKind:
                    var method = JsonSerializer.Deserialize<PaymentMethod>(document, Json)!;
                    if (storeId is null || tillId is null)
                    {
                        methods.Add(method);
                    }
                    else if (method.IsOfferedTo(storeId, tillId))
                    {
                        methods.Add(method with { OfferedAt = [] });
                    }
                    else
                    {
                        removedMethods.Add(method.Id);
                    }

                    break;
                case LoyaltyProgramKind when reader.GetBoolean(3):
                    removedPrograms.Add(reader.GetString(1));
                    break;
                case LoyaltyProgramKind:
                    programs.Add(JsonSerializer.Deserialize<LoyaltyProgram>(document, Json)!);
                    break;
                case LoyaltyCardKind when reader.GetBoolean(3):
                    removedCards.Add(reader.GetString(1));
                    break;
                case LoyaltyCardKind:
                    cards.Add(JsonSerializer.Deserialize<LoyaltyCard>(document, Json)!);
                    break;
                case TaxKind:
                    taxes.Add(JsonSerializer.Deserialize<TaxDefinition>(document, Json)!);
                    break;
                default:
                    categories.Add(JsonSerializer.Deserialize<Category>(document, Json)!);
                    break;
            }
        }

        await reader.DisposeAsync().ConfigureAwait(false);
        // Only while more is waiting (a first pull, a big change): an indexed count, so the till can show "page 3 of 12".
        int? remaining = more
            ? Convert.ToInt32(
                await PostgresSql.ScalarAsync(
                    connection,
                    null,
                    "SELECT COUNT(*) FROM catalog_snapshot WHERE version > @cursor AND kind IN (@product, @tax, @category, @method, @loyalty, @card)",
                    cancellationToken,
                    ("cursor", next), ("product", ProductKind), ("tax", TaxKind), ("category", CategoryKind), ("method", PaymentMethodKind), ("loyalty", LoyaltyProgramKind), ("card", LoyaltyCardKind)).ConfigureAwait(false),
                CultureInfo.InvariantCulture)
            : 0;
        return new CatalogChanges
        {
            RemainingRows = remaining,
            Products = products,
            Taxes = taxes,
            Categories = categories,
            RemovedProductIds = removed,
            PaymentMethods = methods,
            RemovedPaymentMethodIds = removedMethods,
            LoyaltyPrograms = programs,
            RemovedLoyaltyProgramIds = removedPrograms,
            LoyaltyCards = cards,
            RemovedLoyaltyCardIds = removedCards,
            NextCursor = next.ToString(CultureInfo.InvariantCulture),
            HasMore = more,
        };
    }

    /// <summary>
    /// Upserts rows of a kind, each changed one taking the next version; with <paramref name="replaceAll"/> the rest of
    /// the kind is marked removed. <paramref name="sameDespite"/> names a top-level JSON property (<c>asOf</c>) whose value alone
    /// changing is no change: the row keeps its version.
    /// </summary>
    private Task<int> SaveAsync(string kind, List<(string Id, string Document, bool Deleted)> rows, CancellationToken cancellationToken, bool replaceAll = false, string? sameDespite = null) =>
        database.WriteAsync(
            async (connection, transaction) =>
            {
                // Before reading the highest version: the next writer, on any instance, numbers after this one commits.
                await PostgresSql.ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(@lock)", cancellationToken, ("lock", CatalogLock)).ConfigureAwait(false);
                var version = Convert.ToInt64(await PostgresSql.ScalarAsync(connection, transaction, "SELECT COALESCE(MAX(version), 0) FROM catalog_snapshot", cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
                var changed = 0;
                async Task WriteAsync(string id, string document, bool deleted)
                {
                    changed += sameDespite is null
                        ? await PostgresSql.ExecuteAsync(connection, transaction, Upsert, cancellationToken, ("kind", kind), ("id", id), ("version", version + changed + 1), ("deleted", deleted), ("document", document)).ConfigureAwait(false)
                        : await PostgresSql.ExecuteAsync(connection, transaction, UpsertSameDespite, cancellationToken, ("kind", kind), ("id", id), ("version", version + changed + 1), ("deleted", deleted), ("document", document), ("same", sameDespite)).ConfigureAwait(false);
                }

                foreach (var (id, document, deleted) in rows)
                {
                    await WriteAsync(id, document, deleted).ConfigureAwait(false);
                }

                if (replaceAll)
                {
                    // Everything of the kind not in this set is gone; each removal takes its own next version.
                    var listed = rows.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
                    var gone = new List<string>();
                    await using (var existing = PostgresSql.Command(connection, transaction, "SELECT id FROM catalog_snapshot WHERE kind = @kind AND NOT deleted", ("kind", kind)))
                    await using (var reader = await existing.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                    {
                        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            if (!listed.Contains(reader.GetString(0)))
                            {
                                gone.Add(reader.GetString(0));
                            }
                        }
                    }

                    foreach (var id in gone)
                    {
                        await WriteAsync(id, "{}", deleted: true).ConfigureAwait(false);
                    }
                }

                return changed;
            },
            cancellationToken);

    private async Task<List<T>> ReadAllAsync<T>(string kind, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = PostgresSql.Command(connection, null, "SELECT document FROM catalog_snapshot WHERE kind = @kind AND NOT deleted ORDER BY id COLLATE \"C\"", ("kind", kind));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var all = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            all.Add(JsonSerializer.Deserialize<T>(reader.GetString(0), Json)!);
        }

        return all;
    }
}
