using Microsoft.Extensions.DependencyInjection;
using PosBridge.Connector.Dispatch;
using PosBridge.Connector.Tests.Dispatch;
using PosBridge.Connector.Tests.Hosting;

namespace PosBridge.Connector.Tests.Metrics;

public sealed class MetricsTests
{
    [Fact]
    public async Task Metrics_AfterUploadsAndADeliveryRun_ShowSalesOutcomesLatencyAndBacklogInPrometheusText()
    {
        var odoo = new FakeSalesSink("odoo");
        var idle = new FakeSalesSink("ledger");
        await using var host = await ConnectorHost.StartAsync(null, odoo, idle);
        var till = await host.PairTillAsync();
        var sales = new Sales(host.Clock).Many(3);
        odoo.Refuse[sales[1].SaleNumber] = "unknown product";
        (await till.UploadAsync(sales)).EnsureSuccessStatusCode();
        (await till.UploadAsync(sales)).EnsureSuccessStatusCode(); // duplicates are not new sales
        host.Clock.Advance(TimeSpan.FromSeconds(2));
        await host.Services.GetRequiredService<SalesDispatcher>().DeliverAsync("odoo", TestContext.Current.CancellationToken);

        var response = await host.Client.GetAsync("/metrics", TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var lines = text.Split('\n');

        Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("posbridge_sales_received_total{store=\"CAI1\"} 3", lines);
        Assert.Contains("posbridge_deliveries_total{adapter=\"odoo\",outcome=\"done\"} 2", lines);
        Assert.Contains("posbridge_deliveries_total{adapter=\"odoo\",outcome=\"dead\"} 1", lines);
        Assert.Contains("posbridge_delivery_latency_seconds_count{adapter=\"odoo\"} 2", lines);
        Assert.Contains("# TYPE posbridge_delivery_latency_seconds summary", lines);
        var latency = double.Parse(lines.Single(l => l.StartsWith("posbridge_delivery_latency_seconds_sum", StringComparison.Ordinal)).Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(latency, 4, 5); // two sales, each about 2 s old when delivered
        Assert.Contains("posbridge_backlog_sales{adapter=\"odoo\"} 0", lines);
        Assert.Contains("posbridge_backlog_sales{adapter=\"ledger\"} 3", lines);
        Assert.Contains("posbridge_dead_letters{adapter=\"odoo\"} 1", lines);
    }
}
