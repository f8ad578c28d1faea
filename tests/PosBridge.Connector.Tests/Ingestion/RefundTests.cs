using Microsoft.Extensions.DependencyInjection;
using PosBridge.Connector.Ingestion;
using PosBridge.Connector.Tests.Hosting;
using PosBridge.Core.Sync;

namespace PosBridge.Connector.Tests.Ingestion;

/// <summary>Refunds can never exceed what was sold, whatever the till sends and however it sends it.</summary>
public sealed class RefundTests
{
    private const int Rounds = 6;

    [Fact]
    public async Task Upload_TwoFullRefundsOfOneSaleAtOnce_OnlyOneIsAccepted()
    {
        await using var host = await ConnectorHost.StartAsync(new() { ["PosBridge:RequestsPerMinutePerTill"] = "100000" });
        var till = await host.PairTillAsync("CAI1", "T1");
        var sales = new Sales(host.Clock, "CAI1", "T1");
        for (var round = 0; round < Rounds; round++)
        {
            var original = sales.Next(quantity: 2m);
            Assert.Equal(UploadStatus.Accepted, (await TestTill.ResultsAsync(await till.UploadAsync([original]))).Results[0].Status);
            var first = sales.RefundOf(original, -2m);
            var second = sales.RefundOf(original, -2m);

            var answers = await Task.WhenAll(till.UploadAsync([first]), till.UploadAsync([second]));

            var results = new List<SaleUploadResult>();
            foreach (var answer in answers)
            {
                results.AddRange((await TestTill.ResultsAsync(answer)).Results);
            }

            Assert.Equal(1, results.Count(r => r.Status == UploadStatus.Accepted));
            var refused = Assert.Single(results, r => r.Status == UploadStatus.Rejected);
            Assert.Equal("lines[0].quantity", Assert.Single(refused.Errors!).Field);
            Assert.Single(await host.Services.GetRequiredService<IInbox>().FindRefundsOfAsync(original.Id, TestContext.Current.CancellationToken));
        }
    }

    [Fact]
    public async Task Upload_TwoRefundsThroughTwoConnectorsOnOneDatabase_OnlyOneIsAccepted()
    {
        var data = Directory.CreateTempSubdirectory("posbridge-refunds-").FullName;
        try
        {
            var settings = new Dictionary<string, string?> { ["PosBridge:RequestsPerMinutePerTill"] = "100000" };
            await using var first = await ConnectorHost.StartAsync(settings, null, data);
            await using var second = await ConnectorHost.StartAsync(settings, null, data);
            var tillOnFirst = await first.PairTillAsync("CAI1", "T1");
            var tillOnSecond = new TestTill(second, tillOnFirst.Pairing);
            var sales = new Sales(first.Clock, "CAI1", "T1");
            for (var round = 0; round < Rounds; round++)
            {
                var original = sales.Next(quantity: 2m);
                Assert.Equal(UploadStatus.Accepted, (await TestTill.ResultsAsync(await tillOnFirst.UploadAsync([original]))).Results[0].Status);

                var answers = await Task.WhenAll(tillOnFirst.UploadAsync([sales.RefundOf(original, -2m)]), tillOnSecond.UploadAsync([sales.RefundOf(original, -2m)]));

                var statuses = new List<UploadStatus>();
                foreach (var answer in answers)
                {
                    statuses.AddRange((await TestTill.ResultsAsync(answer)).Results.Select(r => r.Status));
                }

                Assert.Equal([UploadStatus.Accepted, UploadStatus.Rejected], statuses.Order());
                Assert.Single(await second.Services.GetRequiredService<IInbox>().FindRefundsOfAsync(original.Id, TestContext.Current.CancellationToken));
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Upload_RefundOfAnotherStoresSale_IsRejectedWithoutShowingThatSale()
    {
        await using var host = await ConnectorHost.StartAsync();
        var alexandria = await host.PairTillAsync("ALX1", "T7");
        var cairo = await host.PairTillAsync("CAI1", "T1");
        var theirs = new Sales(host.Clock, "ALX1", "T7").Next(price: 41.25m, quantity: 3m);
        await alexandria.UploadAsync([theirs]);
        var ours = new Sales(host.Clock, "CAI1", "T1");
        var fits = ours.RefundOf(theirs, -1m);
        var tooMuch = ours.RefundOf(theirs, -5m);

        var results = (await TestTill.ResultsAsync(await cairo.UploadAsync([fits, tooMuch]))).Results;

        Assert.All(results, r => Assert.Equal(UploadStatus.Rejected, r.Status));
        foreach (var error in results.SelectMany(r => r.Errors!))
        {
            Assert.Equal("refundOf.saleId", error.Field);
            Assert.DoesNotContain("3", error.Message.Replace(theirs.Id.ToString(), string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
            Assert.DoesNotContain("ALX1", error.Message.Replace(theirs.SaleNumber, string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        }

        Assert.Empty(await host.Services.GetRequiredService<IInbox>().FindRefundsOfAsync(theirs.Id, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Upload_RefundBesideAConflictingVersionOfItsOriginal_IsCheckedAgainstTheStoredOriginal()
    {
        await using var host = await ConnectorHost.StartAsync();
        var till = await host.PairTillAsync("CAI1", "T1");
        var sales = new Sales(host.Clock, "CAI1", "T1");
        var original = sales.Next(quantity: 1m);
        await till.UploadAsync([original]);
        var inflated = sales.Next(quantity: 3m) with { Id = original.Id, SaleNumber = original.SaleNumber };
        var refund = sales.RefundOf(inflated, -3m);

        var results = (await TestTill.ResultsAsync(await till.UploadAsync([inflated, refund]))).Results;

        Assert.Equal(UploadStatus.Conflict, results[0].Status);
        Assert.Equal(UploadStatus.Rejected, results[1].Status);
        Assert.Equal("lines[0].quantity", Assert.Single(results[1].Errors!).Field);
        Assert.Empty(await host.Services.GetRequiredService<IInbox>().FindRefundsOfAsync(original.Id, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Upload_RefundAfterItsOriginalInOneBatch_IsAccepted()
    {
        await using var host = await ConnectorHost.StartAsync();
        var till = await host.PairTillAsync("CAI1", "T1");
        var sales = new Sales(host.Clock, "CAI1", "T1");
        var original = sales.Next(quantity: 2m);

        var results = (await TestTill.ResultsAsync(await till.UploadAsync([original, sales.RefundOf(original, -1m), sales.RefundOf(original, -1m), sales.RefundOf(original, -1m)]))).Results;

        Assert.Equal([UploadStatus.Accepted, UploadStatus.Accepted, UploadStatus.Accepted, UploadStatus.Rejected], results.Select(r => r.Status));
    }
}
