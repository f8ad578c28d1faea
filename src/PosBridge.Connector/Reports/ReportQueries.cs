namespace PosBridge.Connector.Reports;

/// <summary>
/// Reads reports from the aggregates (and, for what they do not hold, the Z reports, imported fees and delivery
/// states), one query per store and table over its local days: a year of five stores is a few tens of thousands of
/// rows, never the raw sales.
/// </summary>
internal interface IReportQueries
{
    /// <summary>How many products each of the top and bottom lists holds.</summary>
    public const int ProductListSize = 10;

    /// <summary>The longest period (in days) whose returning customers are counted; longer ones leave the count empty.</summary>
    public const int ReturningDays = 93;

    /// <summary>The newest stored sale's sequence number: the page asks for the report again when it changes.</summary>
    Task<long> LastSaleAsync(CancellationToken cancellationToken = default);

    Task<Report> RunAsync(ReportRequest request, CancellationToken cancellationToken = default);
}
