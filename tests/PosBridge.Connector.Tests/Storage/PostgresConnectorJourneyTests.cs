using Microsoft.Extensions.DependencyInjection;
using Newtonsoft.Json.Linq;
using Npgsql;
using PosBridge.Connector.Dispatch;
using PosBridge.Connector.Ingestion;
using PosBridge.Connector.Tests.Hosting;
using PosBridge.Connector.Tests.Odoo;
using PosBridge.Connector.Tests.Storage.Contracts;
using PosBridge.Core.Sync;
using PosBridge.Erp.Odoo.Emulator;

namespace PosBridge.Connector.Tests.Storage;

/// <summary>
/// The whole connector (terminal API, inbox, dispatch into an emulated Odoo 17, Quartz clustered) on a real PostgreSQL,
/// as two instances sharing it behind one address would be: a till's sales stored once whichever instance takes them, a
/// refund sent to both at once accepted once, every sale delivered once.
/// </summary>
public sealed class PostgresConnectorJourneyTests : IAsyncLifetime
{
    private readonly PostgresBackend _backend = new();

    public async ValueTask InitializeAsync() => await _backend.CreateAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task TwoInstancesOnOneDatabase_SalesStoredOnce_ARefundSentToBothAcceptedOnce_DeliveredOnceToOdoo()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var odoo = await OdooEmulator.StartAsync(17);
        var settings = new Dictionary<string, string?>(OdooDeliveryTests.Settings(odoo))
        {
            ["Storage:Provider"] = _backend.Settings["Storage:Provider"],
            ["Storage:ConnectionString"] = _backend.Settings["Storage:ConnectionString"],
        };
        await using var first = await ConnectorHost.StartAsync(settings);
        // The second instance shares the folder's secrets key (the tills' signing keys are encrypted with it), as every
        // instance of a cluster must; everything else it keeps is in PostgreSQL.
        await using var second = await ConnectorHost.StartAsync(settings, null, first.Directory);
        var tillOnFirst = await first.PairTillAsync();
        var tillOnSecond = new TestTill(second, tillOnFirst.Pairing);
        var made = new Sales(first.Clock);
        var sales = Enumerable.Range(0, 6).Select(_ => made.Next(price: 35m, quantity: 2m, sku: "COF-TR")).ToList();

        var stored = await TestTill.ResultsAsync(await tillOnFirst.UploadAsync(sales));
        var again = await TestTill.ResultsAsync(await tillOnSecond.UploadAsync(sales));
        var refunds = await Task.WhenAll(
            tillOnFirst.UploadAsync([made.RefundOf(sales[0], quantity: -2m)]),
            tillOnSecond.UploadAsync([made.RefundOf(sales[0], quantity: -2m)]));

        Assert.All(stored.Results, r => Assert.Equal(UploadStatus.Accepted, r.Status));
        Assert.All(again.Results, r => Assert.Equal(UploadStatus.Duplicate, r.Status));
        var refundOutcomes = new List<UploadStatus>();
        foreach (var response in refunds)
        {
            refundOutcomes.Add(Assert.Single((await TestTill.ResultsAsync(response)).Results).Status);
        }

        Assert.Equal([UploadStatus.Accepted, UploadStatus.Rejected], refundOutcomes.Order());
        Assert.Equal(7, await second.Services.GetRequiredService<IInbox>().CountAsync(ct));

        // A refund waits for its original's order in Odoo (retried after a back-off): a few runs deliver the day.
        var delivered = 0;
        var runs = new List<DispatchRun>();
        for (var run = 0; run < 3; run++)
        {
            runs.Add(await first.Services.GetRequiredService<SalesDispatcher>().DeliverAsync("odoo", ct));
            delivered += runs[^1].Delivered;
            first.Clock.Advance(TimeSpan.FromMinutes(10)); // past a retry's back-off
        }

        var nothingLeft = await second.Services.GetRequiredService<SalesDispatcher>().DeliverAsync("odoo", ct);

        Assert.True(delivered == 7, string.Join("; ", runs));
        Assert.Equal(0, nothingLeft.Delivered);
        var orders = odoo.Read(s => s["pos.order"].Records.Values.Select(o => (JObject)o.DeepClone()).ToList());
        Assert.Equal(7, orders.Count);
        Assert.Equal(sales.Sum(s => s.Totals.Total) - 70m, orders.Sum(o => o["amount_total"]!.Value<decimal>()));
        Assert.Empty(odoo.TotalsDisagreements);
    }
}
