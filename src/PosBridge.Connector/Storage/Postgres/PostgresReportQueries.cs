using System.Data;
using PosBridge.Connector.Catalog;
using PosBridge.Connector.Dispatch;
using PosBridge.Connector.Fees;
using PosBridge.Connector.Reports;

namespace PosBridge.Connector.Storage.Postgres;

/// <summary>
/// Reports on PostgreSQL: opens a connection and one repeatable-read transaction, so every table of the report sees the
/// same sales whatever other instances store meanwhile; the queries themselves are <see cref="ReportQuerySql"/>, the
/// same on SQLite.
/// </summary>
internal sealed class PostgresReportQueries(PostgresDatabase database, ICatalogSnapshot catalog, IProviderFeeStore fees, SalesDispatcher dispatcher, TimeProvider timeProvider) : IReportQueries
{
    private readonly ReportQuerySql _queries = new(ReportQueryDialect.Postgres, catalog, fees, dispatcher, timeProvider);

    /// <summary>The newest stored sale's sequence number: the page asks for the report again when it changes.</summary>
    public async Task<long> LastSaleAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ReportQuerySql.LastSaleAsync(connection, null, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Report> RunAsync(ReportRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var snapshot = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        return await _queries.RunAsync(connection, snapshot, request, cancellationToken).ConfigureAwait(false);
    }
}
