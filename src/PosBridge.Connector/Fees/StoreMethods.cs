using PosBridge.Connector.Catalog;
using PosBridge.Connector.Storage;
using PosBridge.Core.Sales;

namespace PosBridge.Connector.Fees;

/// <summary>
/// The payment methods a store takes, by id with their kind: the back office's (the catalog snapshot), and the
/// methods its tills put on recent sales, for a connector that pulls no catalog. A fee names one of them, so it
/// credits the same clearing account as the sales it was charged on.
/// </summary>
internal static class StoreMethods
{
    /// <summary>How many of the store's latest sales are looked at for methods the catalog does not have.</summary>
    private const int RecentSales = 5000;

    public static async Task<IReadOnlyDictionary<string, PaymentKind>> ForAsync(string storeId, CatalogSnapshot catalog, ConnectorDatabase database, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(database);
        var methods = new Dictionary<string, PaymentKind>(StringComparer.Ordinal);
        var onSales = await database.ReadAsync(
            async connection =>
            {
                await using var command = Sql.Command(
                    connection,
                    null,
                    """
                    SELECT DISTINCT json_extract(p.value, '$.methodId'), json_extract(p.value, '$.kind')
                    FROM (SELECT document FROM sales WHERE store_id = $store ORDER BY seq DESC LIMIT $limit) s, json_each(s.document, '$.payments') p
                    """,
                    ("$store", storeId), ("$limit", RecentSales));
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
            },
            cancellationToken).ConfigureAwait(false);
        foreach (var (id, kind) in onSales)
        {
            if (Enum.TryParse<PaymentKind>(kind, ignoreCase: true, out var parsed))
            {
                methods[id] = parsed;
            }
        }

        // The back office's definition wins over what a till once sent.
        foreach (var method in await catalog.PaymentMethodsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (method.OfferedAt.Count == 0 || method.OfferedAt.Any(o => OffersAt(o, storeId)))
            {
                methods[method.Id] = method.Kind;
            }
        }

        return methods;
    }

    private static bool OffersAt(string offeredAt, string storeId) =>
        string.Equals(offeredAt, storeId, StringComparison.OrdinalIgnoreCase)
        || offeredAt.StartsWith(storeId + "/", StringComparison.OrdinalIgnoreCase)
        || offeredAt.StartsWith("*/", StringComparison.Ordinal);
}
