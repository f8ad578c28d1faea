using PosBridge.Connector.Catalog;
using PosBridge.Connector.Dispatch;
using PosBridge.Connector.Fees;
using PosBridge.Connector.Reports;

namespace PosBridge.Connector.Storage.Sqlite;

/// <summary>
/// Reports on SQLite: opens the file and one read transaction, so every table of the report sees the same sales; the
/// queries themselves are <see cref="ReportQuerySql"/>, the same on PostgreSQL.
/// </summary>
internal sealed class SqliteReportQueries(ConnectorDatabase database, ICatalogSnapshot catalog, IProviderFeeStore fees, SalesDispatcher dispatcher, TimeProvider timeProvider) : IReportQueries
{
    /// <summary>How many products each of the top and bottom lists holds.</summary>
    public const int ProductListSize = IReportQueries.ProductListSize;

    /// <summary>The longest period (in days) whose returning customers are counted; longer ones leave the count empty.</summary>
    public const int ReturningDays = IReportQueries.ReturningDays;

    private readonly ReportQuerySql _queries = new(ReportQueryDialect.Sqlite, catalog, fees, dispatcher, timeProvider);

    /// <summary>The newest stored sale's sequence number: the page asks for the report again when it changes.</summary>
    public Task<long> LastSaleAsync(CancellationToken cancellationToken = default) =>
        database.ReadAsync(connection => ReportQuerySql.LastSaleAsync(connection, null, cancellationToken), cancellationToken);

    public async Task<Report> RunAsync(ReportRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await database.ReadAsync(
            async connection =>
            {
                // One read transaction: every table of the report sees the same sales.
                await using var snapshot = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                return await _queries.RunAsync(connection, snapshot, request, cancellationToken).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
    }
}
