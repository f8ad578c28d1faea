using PosBridge.Connector.Catalog;
using PosBridge.Connector.Ingestion;
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

    public static async Task<IReadOnlyDictionary<string, PaymentKind>> ForAsync(string storeId, ICatalogSnapshot catalog, IInbox inbox, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(inbox);
        var methods = new Dictionary<string, PaymentKind>(StringComparer.Ordinal);
        var onSales = await inbox.PaymentMethodsOnRecentSalesAsync(storeId, RecentSales, cancellationToken).ConfigureAwait(false);
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
