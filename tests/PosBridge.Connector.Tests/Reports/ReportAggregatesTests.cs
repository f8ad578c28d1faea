using Microsoft.Extensions.DependencyInjection;
using PosBridge.Connector.Reports;
using PosBridge.Connector.Storage.Sqlite;
using PosBridge.Connector.Tests.Hosting;
using PosBridge.Core.Amounts;
using PosBridge.Core.Sync;

namespace PosBridge.Connector.Tests.Reports;

/// <summary>The aggregates kept as sales are stored are exactly those a rebuild from the raw sales makes.</summary>
public sealed class ReportAggregatesTests
{
    private static readonly string[] Tables = ["report_hours", "report_products", "report_payments", "report_tills", "report_customers", "report_loyalty", "report_customer_first"];

    [Fact]
    public async Task Aggregates_KeptAtIngest_EqualARebuildFromRawSales()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await ConnectorHost.StartAsync();
        var cairo = new ShopMonth("CAI1", Currency.EGP, "Africa/Cairo", 1).Trade(new DateOnly(2026, 10, 28), new DateOnly(2026, 11, 2), 25);
        var riyadh = new ShopMonth("RUH1", Currency.SAR, "Asia/Riyadh", 2).Trade(new DateOnly(2026, 10, 28), new DateOnly(2026, 11, 2), 25);
        await ShopMonth.StoreAsync(host.Services, [.. cairo.Sales, .. riyadh.Sales], [], ct);

        var kept = await DumpAsync(host.Services);
        Assert.NotEmpty(kept["report_hours"]);
        Assert.NotEmpty(kept["report_customers"]);
        var rebuilt = await host.Services.GetRequiredService<IReportAggregates>().RebuildAsync(ct);
        Assert.Equal(cairo.Sales.Count + riyadh.Sales.Count, rebuilt.Sales);

        var again = await DumpAsync(host.Services);
        foreach (var table in Tables)
        {
            Assert.Equal(kept[table], again[table]);
        }
    }

    [Fact]
    public async Task Upload_ARefusedSaleAndADuplicate_AddNothingToTheAggregates()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await ConnectorHost.StartAsync();
        var till = await host.PairTillAsync("CAI1", "T1");
        var sales = new Hosting.Sales(host.Clock, "CAI1", "T1");
        var sale = sales.Next(price: 35.50m, quantity: 2m);
        Assert.Equal(UploadStatus.Accepted, (await TestTill.ResultsAsync(await till.UploadAsync([sale]))).Results[0].Status);
        var before = await DumpAsync(host.Services);

        var tooMuch = sales.RefundOf(sale, -3m);
        var answer = await TestTill.ResultsAsync(await till.UploadAsync([sale, tooMuch]));

        Assert.Equal([UploadStatus.Duplicate, UploadStatus.Rejected], answer.Results.Select(r => r.Status));
        var after = await DumpAsync(host.Services);
        foreach (var table in Tables)
        {
            Assert.Equal(before[table], after[table]);
        }

        Assert.Equal("CAI1|" + Local(sale.CreatedAtUtc, "yyyy-MM-dd") + "|" + Local(sale.CreatedAtUtc, "%H") + "|EGP|1|0|7100|0|0|6228|872|0", Assert.Single(after["report_hours"]));
    }

    [Fact]
    public async Task Start_WithSalesButNoAggregates_BuildsThem()
    {
        var ct = TestContext.Current.CancellationToken;
        var directory = Directory.CreateTempSubdirectory("posbridge-reports-").FullName;
        try
        {
            List<string> kept;
            await using (var host = await ConnectorHost.StartAsync(null, null, directory))
            {
                var shop = new ShopMonth("ALX1", Currency.EGP, "Africa/Cairo", 3).Trade(new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 1), 20);
                await ShopMonth.StoreAsync(host.Services, shop.Sales, [], ct);
                kept = (await DumpAsync(host.Services))["report_products"];
                // As a database from before the reports: sales, and no aggregates.
                await host.Services.GetRequiredService<ConnectorDatabase>().WriteAsync(
                    async (c, t) =>
                    {
                        foreach (var table in Tables)
                        {
                            await Sql.ExecuteAsync(c, t, $"DELETE FROM {table}", ct);
                        }

                        return 0;
                    },
                    ct);
            }

            await using (var host = await ConnectorHost.StartAsync(null, null, directory))
            {
                Assert.Equal(kept, (await DumpAsync(host.Services))["report_products"]);
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string Local(DateTimeOffset at, string format) =>
        TimeZoneInfo.ConvertTime(at, TimeZoneInfo.FindSystemTimeZoneById("Africa/Cairo")).ToString(format, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Every row of every aggregate table, in key order, as text.</summary>
    internal static Task<Dictionary<string, List<string>>> DumpAsync(IServiceProvider services) =>
        services.GetRequiredService<ConnectorDatabase>().ReadAsync(async connection =>
        {
            var dump = new Dictionary<string, List<string>>();
            foreach (var table in Tables)
            {
                await using var command = Sql.Command(connection, null, $"SELECT * FROM {table} ORDER BY 1, 2, 3, 4");
                await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
                var rows = new List<string>();
                while (await reader.ReadAsync(TestContext.Current.CancellationToken))
                {
                    rows.Add(string.Join('|', Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
                }

                rows.Sort(StringComparer.Ordinal);
                dump[table] = rows;
            }

            return dump;
        });
}
