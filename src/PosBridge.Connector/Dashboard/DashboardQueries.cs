namespace PosBridge.Connector.Dashboard;

/// <summary>Per adapter, what <see cref="Dispatch.IDeliveryStore.GetBacklogAsync"/> does not tell.</summary>
internal sealed record AdapterTotals(long Delivered, DateTimeOffset? NextAttemptAt);

/// <summary>
/// The few read-only figures only the dashboard shows, read from the existing tables: sales delivered and the
/// next retry per adapter, and each till's last upload. Backlog, dead letters and tills come from the same
/// stores the command line reads.
/// </summary>
internal interface IDashboardQueries
{
    Task<IReadOnlyDictionary<string, AdapterTotals>> AdapterTotalsAsync(CancellationToken cancellationToken = default);

    Task<IReadOnlyDictionary<string, DateTimeOffset>> LastUploadsAsync(CancellationToken cancellationToken = default);
}
