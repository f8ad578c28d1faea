using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PosBridge.Connector.Catalog;
using PosBridge.Connector.Dashboard;
using PosBridge.Connector.Dispatch;
using PosBridge.Connector.Fees;
using PosBridge.Connector.Fiscal;
using PosBridge.Connector.Hosting;
using PosBridge.Connector.Ingestion;
using PosBridge.Connector.Ledgers;
using PosBridge.Connector.Receipts;
using PosBridge.Connector.Reports;
using PosBridge.Connector.Shifts;
using PosBridge.Connector.Tills;
using PosBridge.Ecommerce.Stock;

namespace PosBridge.Connector.Storage.Sqlite;

internal static class SqliteStorageSetup
{
    /// <summary>
    /// The connector on one SQLite file (<c>connector.db</c> in the data folder): every store over one
    /// <see cref="ConnectorDatabase"/> and its write gate, and what one process keeps in memory (request limits,
    /// dashboard sessions). Stores are added with TryAdd, so a test's or a host's replacement registered first stays.
    /// </summary>
    public static IServiceCollection AddSqliteStorage(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => new ConnectorDatabase(sp.GetRequiredService<IOptions<ConnectorOptions>>().Value.DatabasePath));
        services.TryAddSingleton<IConnectorStorage, SqliteConnectorStorage>();

        services.TryAddSingleton<SqliteReportAggregates>();
        services.TryAddSingleton<IReportAggregates>(sp => sp.GetRequiredService<SqliteReportAggregates>());
        services.TryAddSingleton<IReportQueries, SqliteReportQueries>();
        services.TryAddSingleton<IInbox, SqliteInbox>();
        services.TryAddSingleton<IDeliveryStore, SqliteDeliveryStore>();
        services.TryAddSingleton<IDeliveryLease, SqliteDeliveryLease>();
        services.TryAddSingleton<ITillStore, SqliteTillStore>();
        services.TryAddSingleton<INonceCache, SqliteNonceCache>();
        services.TryAddSingleton<INumberingEpochs, SqliteNumberingEpochs>();
        services.TryAddSingleton<ICatalogSnapshot, SqliteCatalogSnapshot>();
        services.TryAddSingleton<ICatalogPullProblems, SqliteCatalogPullProblems>();
        services.TryAddSingleton<ISourceCursors, SqliteSourceCursors>();
        services.TryAddSingleton<IShiftClosingStore, SqliteShiftClosingStore>();
        services.TryAddSingleton<IProviderFeeStore, SqliteProviderFeeStore>();
        services.TryAddSingleton<Customers.ICustomerDataStore, SqliteCustomerDataStore>();
        services.TryAddSingleton<ILedgerDays, SqliteLedgerDays>();
        services.TryAddSingleton<IReceiptMessageStore, SqliteReceiptMessageStore>();
        services.TryAddSingleton<IFiscalDocumentStore, SqliteFiscalDocumentStore>();
        services.TryAddSingleton<IZatcaUnits, SqliteZatcaUnits>();
        services.TryAddSingleton<IDashboardQueries, SqliteDashboardQueries>();
        services.TryAddSingleton<Dashboard.Accounts.IDashboardAccounts, SqliteDashboardAccounts>();

        // Web stores: before AddEcommerce, whose in-memory stores are only defaults (TryAdd). A restart must neither
        // resolve every SKU again nor apply a stock change twice.
        services.TryAddSingleton<ISkuMappingStore, SqliteSkuMappingStore>();
        services.TryAddSingleton<IAppliedDeltaStore, SqliteAppliedDeltaStore>();

        // One process on one file: limits and sessions in memory, as a single connector has always kept them.
        services.TryAddSingleton<ITillRateLimits, InProcessTillRateLimits>();
        services.TryAddSingleton<IDashboardSessions, InProcessDashboardSessions>();
        return services;
    }
}
