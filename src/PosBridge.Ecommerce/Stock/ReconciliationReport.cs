using PosBridge.Core.Stock;

namespace PosBridge.Ecommerce.Stock;

/// <summary>What one reconciliation run did.</summary>
public sealed record ReconciliationReport
{
    public required string Store { get; init; }

    /// <summary>One result per SKU and web-store location given, pushed or not.</summary>
    public required IReadOnlyList<StockPushResult> Results { get; init; }

    /// <summary>Set when the run stopped before pushing anything because it looked unsafe.</summary>
    public StockSafetyStop? SafetyStop { get; init; }

    /// <summary>How many levels differed and were sent.</summary>
    public int Changed { get; init; }

    /// <summary>How long comparing took (desired levels against the store's), without the calls.</summary>
    public TimeSpan DiffDuration { get; init; }
}

/// <summary>Told of every safety stop (the connector shows it on the dashboard and notifies). Optional.</summary>
public interface IStockAlertSink
{
    ValueTask RaiseAsync(StockSafetyStop alert, CancellationToken cancellationToken = default);
}
