namespace PosBridge.Connector.Catalog;

/// <summary>A catalog source whose last pull failed: when, and the one line that says why.</summary>
internal sealed record CatalogPullProblem(string Source, DateTimeOffset FailedAt, string Message);

/// <summary>
/// The last failure of each catalog source (<c>source_problems</c>), kept until a pull of that source succeeds, so
/// <c>posbridge status</c> and the dashboard (other processes than the one pulling) can say why a store's tills have an
/// old catalog.
/// </summary>
internal interface ICatalogPullProblems
{
    Task RecordAsync(string source, string message, DateTimeOffset at, CancellationToken cancellationToken = default);

    Task ClearAsync(string source, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<CatalogPullProblem>> AllAsync(CancellationToken cancellationToken = default);
}
