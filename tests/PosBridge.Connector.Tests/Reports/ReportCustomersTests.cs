using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using PosBridge.Connector.Ingestion;
using PosBridge.Connector.Reports;
using PosBridge.Connector.Stores;
using PosBridge.Connector.Tests.Hosting;
using PosBridge.Core.Amounts;
using PosBridge.Core.Sales;
using PosBridge.Core.Taxes;

namespace PosBridge.Connector.Tests.Reports;

/// <summary>New and returning loyalty customers: each counted once, and a first purchase uploaded late still counts first.</summary>
public sealed class ReportCustomersTests
{
    private static readonly TaxDefinition Vat = new() { Id = "vat14", Name = "VAT 14%", AmountType = TaxAmountType.Percent, Amount = 14m, PriceInclude = true };
    private static readonly TimeZoneInfo Cairo = TimeZoneInfo.FindSystemTimeZoneById("Africa/Cairo");

    [Fact]
    public async Task Customers_AFirstPurchaseUploadedLate_TurnsANewCustomerIntoAReturningOne()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await ConnectorHost.StartAsync();
        await StoreAsync(host, Sale("A", new DateOnly(2026, 11, 2), 1, earned: 5m), Sale("A", new DateOnly(2026, 11, 3), 2, earned: 3m), Sale("A", new DateOnly(2026, 11, 3), 3), Sale("B", new DateOnly(2026, 11, 3), 4, spent: 10m));

        var before = Assert.Single((await ReportAsync(host, "2026-11-02", "2026-11-03")).Customers);
        Assert.Equal((2L, 0L, 4L, 8m, 10m), (before.NewCustomers, before.ReturningCustomers!.Value, before.Sales, before.PointsEarned, before.PointsSpent));

        // Customer A's real first purchase, made on 1 November on a till that was offline, arrives last.
        await StoreAsync(host, Sale("A", new DateOnly(2026, 11, 1), 5));

        var after = Assert.Single((await ReportAsync(host, "2026-11-02", "2026-11-03")).Customers);
        Assert.Equal((1L, 1L), (after.NewCustomers, after.ReturningCustomers!.Value));
        var withFirst = Assert.Single((await ReportAsync(host, "2026-11-01", "2026-11-03")).Customers);
        Assert.Equal((2L, 0L, 5L), (withFirst.NewCustomers, withFirst.ReturningCustomers!.Value, withFirst.Sales));

        // Over more than 93 days the returning count is left out (it reads a row per customer and day); the rest stays.
        var long_ = Assert.Single((await ReportAsync(host, "2026-08-01", "2026-11-30")).Customers);
        Assert.Equal((2L, (long?)null, 5L), (long_.NewCustomers, long_.ReturningCustomers, long_.Sales));

        var kept = await ReportAggregatesTests.DumpAsync(host.Services);
        await host.Services.GetRequiredService<IReportAggregates>().RebuildAsync(ct);
        var rebuilt = await ReportAggregatesTests.DumpAsync(host.Services);
        Assert.Equal(kept["report_customer_first"], rebuilt["report_customer_first"]);
        Assert.Equal(kept["report_loyalty"], rebuilt["report_loyalty"]);
    }

    private static Task<Report> ReportAsync(ConnectorHost host, string from, string to)
    {
        var (request, problem) = ReportRequest.Parse("CAI1", "range", from, to, host.Services.GetRequiredService<StoreDirectory>(), host.Clock.GetUtcNow());
        Assert.Null(problem);
        return host.Services.GetRequiredService<IReportQueries>().RunAsync(request!, TestContext.Current.CancellationToken);
    }

    private static async Task StoreAsync(ConnectorHost host, params Sale[] sales)
    {
        var incoming = sales.Select(s =>
        {
            var document = SaleJson.Serialize(s);
            return new IncomingSale(s, document, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(document))));
        }).ToList();
        var results = await host.Services.GetRequiredService<IInbox>().StoreAsync("T1", "CAI1", incoming, (_, _) => throw new InvalidOperationException("no refunds here"), host.Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        Assert.All(results, r => Assert.Equal(StoreOutcome.Accepted, r.Outcome));
    }

    private static Sale Sale(string customer, DateOnly day, int number, decimal earned = 0m, decimal spent = 0m)
    {
        var local = day.ToDateTime(new TimeOnly(12, 0));
        var at = new DateTimeOffset(local, Cairo.GetUtcOffset(local)).ToUniversalTime();
        var builder = new SaleBuilder(Currency.EGP, TaxRoundingMethod.RoundPerLine)
        {
            Id = SaleId.At(at), StoreId = "CAI1", TillId = "T1", ShiftId = "0001", SaleNumber = $"CAI1-T1-0001-{number:000000}",
            CreatedAtUtc = at, StoreUtcOffset = Cairo.GetUtcOffset(at), Cashier = new Cashier { Id = "c1", Name = "Mona" },
            Customer = new Customer { Id = customer }, Loyalty = new LoyaltyPoints { ProgramId = "stars", Earned = earned, Spent = spent },
        };
        return builder.AddTax(Vat).AddLine("p-tea", "شاي", 1m, 18m, ["vat14"]).PayCash(20m).Build();
    }
}
