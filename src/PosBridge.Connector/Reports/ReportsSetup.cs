namespace PosBridge.Connector.Reports;

/// <summary>Registers the reports' first build on a database that has sales from before them.</summary>
internal static class ReportsSetup
{
    /// <summary>Call after the database migrator is registered: hosted services start in registration order.</summary>
    public static IServiceCollection AddReports(this IServiceCollection services)
    {
        services.AddHostedService<ReportsStartup>();
        return services;
    }
}

/// <summary>
/// Builds the aggregates from the stored sales when a database from before the reports starts with them for the first
/// time; every later sale is added as it is stored.
/// </summary>
internal sealed class ReportsStartup(IReportAggregates aggregates) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => aggregates.EnsureBuiltAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
