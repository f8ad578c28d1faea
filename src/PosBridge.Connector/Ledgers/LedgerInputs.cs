using PosBridge.Accounting.Export;
using PosBridge.Accounting.Journals;
using PosBridge.Connector.Catalog;
using PosBridge.Connector.Fees;
using PosBridge.Connector.Shifts;

namespace PosBridge.Connector.Ledgers;

/// <summary>
/// What a ledger export needs besides the sales, from the connector's own stores: the shift closes of the
/// period (cash over/short journals), the providers' fees imported from their settlements (fee journals) and,
/// for a ledger that books revenue by category, the catalog's product categories. The close-of-day run and <c>posbridge export</c> both take them from here.
/// </summary>
internal static class LedgerInputs
{
    public static async Task<LedgerAdjustments> ForAsync(
        LedgerExport ledger,
        IServiceProvider services,
        DateTimeOffset fromUtc,
        DateTimeOffset toUtc,
        CancellationToken cancellationToken)
    {
        // The ledger keeps only the closes whose business day (in the store's zone) is in the period.
        var closings = services.GetService<IShiftClosingStore>() is { } store
            ? await store.ForStoreAsync(ledger.StoreId, fromUtc, toUtc, cancellationToken).ConfigureAwait(false)
            : [];
        // Fees too are kept by the ledger only when their business day (report time, in the store's zone) is in the period.
        var fees = services.GetService<IProviderFeeStore>() is { } feeStore
            ? await feeStore.ForStoreAsync(ledger.StoreId, fromUtc, toUtc, cancellationToken).ConfigureAwait(false)
            : [];
        var categories = new Dictionary<string, string>(StringComparer.Ordinal);
        if (ledger.BooksRevenueByCategory && services.GetService<ICatalogSnapshot>() is { } catalog)
        {
            foreach (var product in await catalog.ProductsAsync(cancellationToken).ConfigureAwait(false))
            {
                if (product.CategoryId is { } category)
                {
                    categories[product.Id] = category;
                }
            }
        }

        return new LedgerAdjustments
        {
            ShiftCounts = [.. closings.Select(c => ShiftCashCount.From(c))],
            ProviderFees = [.. fees.Select(f => f.Fee)],
            ProductCategories = categories,
        };
    }
}
