using System.Diagnostics.Metrics;

namespace PosBridge.Connector.Metrics;

/// <summary>
/// The connector's instruments (<see cref="System.Diagnostics.Metrics"/>, meter <c>PosBridge.Connector</c>), for any
/// listener (OpenTelemetry, dotnet-counters) and for <c>/metrics</c>. Tags stay few: store, adapter, outcome.
/// </summary>
internal sealed class ConnectorMetrics
{
    public const string MeterName = "PosBridge.Connector";

    public ConnectorMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = Meter = meters.Create(MeterName);
        SalesReceived = meter.CreateCounter<long>("posbridge.sales.received", "{sale}", "Sales stored durably from tills (accepted, not duplicates).");
        Deliveries = meter.CreateCounter<long>("posbridge.deliveries", "{sale}", "Outcomes of delivering sales to an adapter: done, duplicate, dead, retry.");
        DeliveryLatency = meter.CreateHistogram<double>("posbridge.delivery.latency", "s", "From the sale on the till to its delivery to the adapter.");
        AdapterFailures = meter.CreateCounter<long>("posbridge.adapter.failures", "{batch}", "Batches an adapter failed as a whole (it threw or was unreachable).");
    }

    /// <summary>This connector's meter (a process hosting several connectors, as tests do, has one each).</summary>
    public Meter Meter { get; }

    public Counter<long> SalesReceived { get; }

    public Counter<long> Deliveries { get; }

    public Histogram<double> DeliveryLatency { get; }

    public Counter<long> AdapterFailures { get; }
}
