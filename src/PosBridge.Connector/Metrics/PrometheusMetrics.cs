using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using PosBridge.Connector.Dispatch;

namespace PosBridge.Connector.Metrics;

/// <summary>
/// Keeps running totals of the connector's instruments, for <c>GET /metrics</c> in Prometheus' text format (0.0.4):
/// counters as <c>_total</c>, the latency histogram as a summary (<c>_sum</c>, <c>_count</c>), and the backlog per
/// adapter read from the database at each scrape.
/// </summary>
internal sealed class PrometheusMetrics : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(string Name, string Labels), double> _sums = new();
    private readonly ConcurrentDictionary<(string Name, string Labels), long> _counts = new();
    private readonly ConcurrentDictionary<string, (string Type, string Help)> _families = new(StringComparer.Ordinal);

    public PrometheusMetrics(ConnectorMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, metrics.Meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    public async Task<string> RenderAsync(SalesDispatcher dispatcher, IDeliveryStore deliveries, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        foreach (var (family, (type, help)) in _families.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            text.Append("# HELP ").Append(family).Append(' ').Append(help).Append('\n');
            text.Append("# TYPE ").Append(family).Append(' ').Append(type).Append('\n');
            foreach (var ((name, labels), sum) in _sums.Where(s => s.Key.Name == family).OrderBy(s => s.Key.Labels, StringComparer.Ordinal))
            {
                if (type == "summary")
                {
                    Line(text, family + "_sum", labels, sum);
                    Line(text, family + "_count", labels, _counts.GetValueOrDefault((name, labels)));
                }
                else
                {
                    Line(text, family + "_total", labels, sum);
                }
            }
        }

        text.Append("# HELP posbridge_backlog_sales Sales waiting for an adapter (not yet done, duplicate or dead-lettered).\n# TYPE posbridge_backlog_sales gauge\n");
        var backlogs = new List<AdapterBacklog>();
        foreach (var adapter in dispatcher.EnabledAdapters)
        {
            backlogs.Add(await deliveries.GetBacklogAsync(adapter, cancellationToken).ConfigureAwait(false));
        }

        backlogs.ForEach(b => Line(text, "posbridge_backlog_sales", Label("adapter", b.Adapter), b.Waiting));
        text.Append("# HELP posbridge_dead_letters Sales an adapter rejected, waiting for a fix and a retry.\n# TYPE posbridge_dead_letters gauge\n");
        backlogs.ForEach(b => Line(text, "posbridge_dead_letters", Label("adapter", b.Adapter), b.DeadLetters));
        return text.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var family = instrument.Name.Replace('.', '_') + (instrument.Unit == "s" ? "_seconds" : string.Empty);
        _families.TryAdd(family, (instrument is Histogram<double> ? "summary" : "counter", instrument.Description ?? family));
        var labels = new List<string>(tags.Length);
        foreach (var tag in tags)
        {
            labels.Add(Label(tag.Key, Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? string.Empty));
        }

        labels.Sort(StringComparer.Ordinal);
        var key = (family, string.Join(',', labels));
        _sums.AddOrUpdate(key, value, (_, sum) => sum + value);
        _counts.AddOrUpdate(key, 1, (_, count) => count + 1);
    }

    private static string Label(string name, string value) =>
        $"{name}=\"{value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)}\"";

    private static void Line(StringBuilder text, string name, string labels, double value) =>
        text.Append(name).Append(labels.Length > 0 ? "{" + labels + "}" : string.Empty).Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
}

internal static class MetricsEndpoint
{
    /// <summary>
    /// <c>GET /metrics</c> for a Prometheus scrape. Counts only (adapter names, no sale or till data); keep it on
    /// the internal network or behind the reverse proxy's access rules like the health endpoints.
    /// </summary>
    public static void MapMetrics(this WebApplication app)
    {
        // Listening starts now, so the totals cover everything from the first request on.
        _ = app.Services.GetRequiredService<PrometheusMetrics>();
        app.MapGet("/metrics", async (PrometheusMetrics metrics, SalesDispatcher dispatcher, IDeliveryStore deliveries, CancellationToken cancellationToken) =>
            Results.Text(await metrics.RenderAsync(dispatcher, deliveries, cancellationToken).ConfigureAwait(false), "text/plain; version=0.0.4; charset=utf-8"))
            .ExcludeFromDescription();
    }
}
