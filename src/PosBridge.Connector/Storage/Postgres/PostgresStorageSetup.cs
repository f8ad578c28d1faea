using Microsoft.Extensions.DependencyInjection.Extensions;
using PosBridge.Connector.Catalog;
using PosBridge.Connector.Dashboard;
using PosBridge.Connector.Dispatch;
using PosBridge.Connector.Ingestion;
using PosBridge.Connector.Fees;
using PosBridge.Connector.Fiscal;
using PosBridge.Connector.Ledgers;
using PosBridge.Connector.Receipts;
using PosBridge.Connector.Reports;
using PosBridge.Connector.Shifts;
using PosBridge.Connector.Tills;
using PosBridge.Ecommerce.Stock;

namespace PosBridge.Connector.Storage.Postgres;

internal static class PostgresStorageSetup
{
    /// <summary>
    /// The stores PostgreSQL has so far, over one <see cref="PostgresDatabase"/> (<c>Storage:ConnectionString</c>).
    /// Not every store the connector needs: <see cref="StorageSetup.AddStorage"/> refuses to start on this alone.
    /// </summary>
    public static IServiceCollection AddPostgresStores(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration.GetSection(StorageOptions.Section)["ConnectionString"];
        services.TryAddSingleton(sp => new PostgresDatabase(connectionString, sp.GetRequiredService<SecretProtector>()));
        services.TryAddSingleton<IConnectorStorage, PostgresConnectorStorage>();
        services.TryAddSingleton<IDeliveryLease, PostgresDeliveryLease>();
        services.TryAddSingleton<INonceCache, PostgresNonceCache>();
        services.TryAddSingleton<ITillRateLimits, PostgresTillRateLimits>();
        services.TryAddSingleton<IDashboardSessions, PostgresDashboardSessions>();
        services.TryAddSingleton<Dashboard.Accounts.IDashboardAccounts, PostgresDashboardAccounts>();
        services.TryAddSingleton<IInbox, PostgresInbox>();
        services.TryAddSingleton<IDeliveryStore, PostgresDeliveryStore>();
        services.TryAddSingleton<ITillStore, PostgresTillStore>();
        services.TryAddSingleton<INumberingEpochs, PostgresNumberingEpochs>();
        services.TryAddSingleton<ISourceCursors, PostgresSourceCursors>();
        services.TryAddSingleton<ICatalogSnapshot, PostgresCatalogSnapshot>();
        services.TryAddSingleton<ICatalogPullProblems, PostgresCatalogPullProblems>();
        services.TryAddSingleton<Customers.ICustomerDataStore, PostgresCustomerDataStore>();
        // Web stores: before AddEcommerce, whose in-memory stores are only defaults (TryAdd).
        services.TryAddSingleton<ISkuMappingStore, PostgresSkuMappingStore>();
        services.TryAddSingleton<IAppliedDeltaStore, PostgresAppliedDeltaStore>();
        services.TryAddSingleton<IShiftClosingStore, PostgresShiftClosingStore>();
        services.TryAddSingleton<IProviderFeeStore, PostgresProviderFeeStore>();
        services.TryAddSingleton<ILedgerDays, PostgresLedgerDays>();
        services.TryAddSingleton<IReceiptMessageStore, PostgresReceiptMessageStore>();
        services.TryAddSingleton<IFiscalDocumentStore, PostgresFiscalDocumentStore>();
        services.TryAddSingleton<IZatcaUnits, PostgresZatcaUnits>();
        services.TryAddSingleton<IDashboardQueries, PostgresDashboardQueries>();
        services.TryAddSingleton<IReportQueries, PostgresReportQueries>();

        // The inbox adds each stored sale to the aggregates in its own transaction, so it takes the concrete store.
        services.TryAddSingleton<PostgresReportAggregates>();
        services.TryAddSingleton<IReportAggregates>(sp => sp.GetRequiredService<PostgresReportAggregates>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostgresSaleAdditions, PostgresReportAggregates>(sp => sp.GetRequiredService<PostgresReportAggregates>()));
        return services;
    }
}
