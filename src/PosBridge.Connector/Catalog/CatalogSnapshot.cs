using PosBridge.Core.Catalog;
using PosBridge.Core.Loyalty;
using PosBridge.Core.Stock;
using PosBridge.Core.Taxes;

namespace PosBridge.Connector.Catalog;

/// <summary>
/// The connector's copy of the catalog and stock levels (<c>catalog_snapshot</c>): written by the catalog pull,
/// read by the web-store feeds and by tills asking for changes since a cursor. Every row that changes takes the
/// next version, so "since version N" is all a reader needs; writing what is already there changes nothing.
/// </summary>
internal interface ICatalogSnapshot
{
    /// <summary>Stores products and marks removed ones; answers how many rows changed.</summary>
    Task<int> SaveProductsAsync(IReadOnlyList<Product> products, IReadOnlyList<string> removedIds, CancellationToken cancellationToken = default);

    Task<int> SaveTaxesAsync(IReadOnlyList<TaxDefinition> taxes, CancellationToken cancellationToken = default);

    Task<int> SaveCategoriesAsync(IReadOnlyList<Category> categories, CancellationToken cancellationToken = default);

    /// <summary>Stores payment methods (with where each is offered) and marks removed ones.</summary>
    Task<int> SavePaymentMethodsAsync(IReadOnlyList<PaymentMethod> methods, IReadOnlyList<string> removedIds, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores the back office's loyalty programs as the whole set: a program stored before and missing from
    /// <paramref name="programs"/> has ended and is marked removed, so tills stop earning and spending on it.
    /// </summary>
    Task<int> ReplaceLoyaltyProgramsAsync(IReadOnlyList<LoyaltyProgram> programs, CancellationToken cancellationToken = default);

    /// <summary>Stores customers' loyalty cards (holder, code, points) and marks removed ones.</summary>
    Task<int> SaveLoyaltyCardsAsync(IReadOnlyList<LoyaltyCard> cards, IReadOnlyList<string> removedIds, CancellationToken cancellationToken = default);

    Task<int> SaveStockAsync(IReadOnlyList<StockLevel> levels, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<Product>> ProductsAsync(CancellationToken cancellationToken = default);

    /// <summary>The back office's payment methods (every store's, with where each is offered).</summary>
    Task<IReadOnlyList<PaymentMethod>> PaymentMethodsAsync(CancellationToken cancellationToken = default);

    /// <summary>The catalog's categories, for the web catalogs' category paths.</summary>
    Task<IReadOnlyList<Category>> CategoriesAsync(CancellationToken cancellationToken = default);

    /// <summary>The catalog's taxes, to tell a web store which products are exempt.</summary>
    Task<IReadOnlyList<TaxDefinition>> TaxesAsync(CancellationToken cancellationToken = default);

    Task<IReadOnlyList<StockLevel>> StockLevelsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// What a till needs that changed after <paramref name="cursor"/> (0: everything): products (prices included),
    /// taxes and categories, payment methods, loyalty programs and customers' cards, and the ids of those removed; at most <paramref name="limit"/> rows, oldest change
    /// first. <see cref="CatalogChanges.NextCursor"/> is the last version returned, opaque to the till.
    /// </summary>
    Task<CatalogChanges> ChangesAsync(long cursor, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// As <see cref="ChangesAsync(long, int, CancellationToken)"/>, for the till <paramref name="tillId"/> of store
    /// <paramref name="storeId"/>: payment methods not offered to it come as removed (so a method taken off its
    /// configuration disappears from the till), and the ones offered come without their scope.
    /// </summary>
    Task<CatalogChanges> ChangesAsync(long cursor, int limit, string? storeId, string? tillId, CancellationToken cancellationToken = default);
}
