using PosBridge.Connector.Tests.Hosting;

namespace PosBridge.Connector.Tests.Dispatch;

public sealed class ScheduledDeliveryTests
{
    [Fact]
    public async Task Serve_EnabledAdapter_QuartzJobDeliversUploadedSales()
    {
        var odoo = new FakeSalesSink("odoo");
        await using var host = await ConnectorHost.StartAsync(new() { ["PosBridge:Dispatch:Interval"] = "00:00:00.2" }, odoo);
        var till = await host.PairTillAsync();
        var sales = new Sales(host.Clock).Many(5);
        (await till.UploadAsync(sales)).EnsureSuccessStatusCode();

        // Quartz takes its clock from the container too: time moves when the test moves it.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (odoo.Delivered.Count < 5 && DateTime.UtcNow < deadline)
        {
            host.Clock.Advance(TimeSpan.FromMilliseconds(250));
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.Equal(sales.Select(s => s.Id).Order(), odoo.Delivered.Order());
    }
}
