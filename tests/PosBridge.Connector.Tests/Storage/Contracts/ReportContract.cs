using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PosBridge.Connector.Catalog;
using PosBridge.Connector.Dispatch;
using PosBridge.Connector.Hosting;
using PosBridge.Connector.Reports;
using PosBridge.Connector.Stores;
using PosBridge.Connector.Tests.Hosting;
using PosBridge.Core.Amounts;
using PosBridge.Core.Catalog;
using PosBridge.Core.Loyalty;
using PosBridge.Core.Sales;
using PosBridge.Core.Stock;
using PosBridge.Core.Taxes;

namespace PosBridge.Connector.Tests.Storage.Contracts;

/// <summary>
/// Reports: a day of sales gives the same figures on every backend, the aggregates kept as sales are stored equal a
/// rebuild from the raw sales, and instances storing sales at once lose none of each other's figures.
/// </summary>
public abstract class ReportContract<TBackend> : StoreContract<TBackend>
    where TBackend : IStorageBackend, new()
{
    private static readonly TaxDefinition Vat = new() { Id = "vat14", Name = "VAT 14%", AmountType = TaxAmountType.Percent, Amount = 14m, PriceInclude = true };

    [Fact]
    public async Task RunAsync_ADayOfSalesWithARefundAndLoyalty_GivesTheDaysFigures()
    {
        var sales = new Sales(Clock, "CAI1", "T1");
        var coffee = sales.Next(price: 35.50m, quantity: 2m);
        var more = sales.Next(price: 10m, quantity: 1m);
        await ContractRows.StoreSalesAsync(Services, "CAI1", "T1", [coffee, more, LoyaltySale("A", 5m)], Clock.GetUtcNow());
        await ContractRows.StoreSalesAsync(Services, "CAI1", "T1", [sales.RefundOf(coffee, -1m)], Clock.GetUtcNow());

        var report = await ReportAsync("2026-11-02");

        var day = Assert.Single(report.Summary);
        Assert.Equal(("EGP", 3L, 1L, 4L), (day.Currency, day.Current.SaleCount, day.Current.RefundCount, day.Current.Transactions));
        Assert.Equal((99.00m, -35.50m, 63.50m, 33.00m), (day.Current.Sales, day.Current.Refunds, day.Current.Net, day.Current.AverageBasket));
        Assert.Equal(day.Current.Net, day.Current.Untaxed + day.Current.Tax + day.Current.Rounding);
        Assert.Equal(0, day.WeekEarlier.Transactions);
        Assert.Equal([new HourView("EGP", 11, 4, 63.50m)], report.Hours);
        Assert.Equal([new DayView("EGP", "2026-11-02", 4, 63.50m)], report.Days);
        Assert.Equal([("p-coffee", 2m, 45.50m), ("p-tea", 1m, 18m)], report.Products.TopByRevenue.Select(p => (p.ProductId, p.Quantity, p.Revenue)));
        var till = Assert.Single(report.Tills);
        Assert.Equal(("T1", "c1", "Mona", 3L, 1L, 63.50m), (till.TillId, till.CashierId, till.CashierName, till.SaleCount, till.RefundCount, till.Net));
        var customers = Assert.Single(report.Customers);
        Assert.Equal((1L, (long?)0, 1L, 18m, 5m, 0m), (customers.NewCustomers, customers.ReturningCustomers, customers.Sales, customers.Net, customers.PointsEarned, customers.PointsSpent));
        Assert.NotEmpty(report.Payments);
        Assert.Equal(await Store<IReportQueries>().LastSaleAsync(TestContext.Current.CancellationToken), report.LastSale);
        Assert.True(report.LastSale > 0);
    }

    [Fact]
    public async Task RebuildAsync_FromTheStoredSales_GivesTheFiguresKeptAsTheyWereStored()
    {
        var sales = new Sales(Clock, "CAI1", "T1");
        var first = sales.Next();
        await ContractRows.StoreSalesAsync(Services, "CAI1", "T1", [first, sales.Next(price: 12m), LoyaltySale("A", 2m), LoyaltySale("B", 0m)], Clock.GetUtcNow());
        await ContractRows.StoreSalesAsync(Services, "CAI1", "T1", [sales.RefundOf(first)], Clock.GetUtcNow());
        var kept = await ReportAsync("2026-11-02");

        var rebuilt = await Store<IReportAggregates>().RebuildAsync(TestContext.Current.CancellationToken);
        var again = await ReportAsync("2026-11-02");

        Assert.Equal(5, rebuilt.Sales);
        Assert.False(await Store<IReportAggregates>().EnsureBuiltAsync(TestContext.Current.CancellationToken));
        Assert.Equal(kept.Summary, again.Summary);
        Assert.Equal(kept.Hours, again.Hours);
        Assert.Equal(kept.Products.TopByQuantity, again.Products.TopByQuantity);
        Assert.Equal(kept.Payments, again.Payments);
        Assert.Equal(kept.Tills, again.Tills);
        Assert.Equal(kept.Customers, again.Customers);
    }

    [Fact]
    public async Task Aggregates_TwoInstancesStoringSalesOfTheSameHourAtOnce_LoseNothing()
    {
        var other = await OpenInstanceAsync();
        var firstTill = new Sales(Clock, "CAI1", "T1");
        var secondTill = new Sales(Clock, "CAI1", "T2");
        var batches = Enumerable.Range(0, 15).Select(_ => (First: firstTill.Next(), Second: secondTill.Next())).ToList();

        await Task.WhenAll(
            Task.Run(async () =>
            {
                foreach (var (sale, _) in batches)
                {
                    await ContractRows.StoreSalesAsync(Services, "CAI1", "T1", [sale], Clock.GetUtcNow());
                }
            }, TestContext.Current.CancellationToken),
            Task.Run(async () =>
            {
                foreach (var (_, sale) in batches)
                {
                    await ContractRows.StoreSalesAsync(other, "CAI1", "T2", [sale], Clock.GetUtcNow());
                }
            }, TestContext.Current.CancellationToken));

        var day = Assert.Single((await ReportAsync("2026-11-02")).Summary).Current;
        Assert.Equal((30L, 30 * 71.00m), (day.SaleCount, day.Sales));
        var product = Assert.Single((await ReportAsync("2026-11-02")).Products.TopByQuantity);
        Assert.Equal((60m, 30 * 71.00m), (product.Quantity, product.Revenue));
    }

    [Fact]
    public async Task RunAsync_SalesABackOfficeHasNotTaken_AreListedWithItsDeadLetters()
    {
        var sales = new Sales(Clock, "CAI1", "T1");
        var (done, waiting, retrying, dead) = (sales.Next(), sales.Next(price: 10m, quantity: 1m), sales.Next(price: 20m, quantity: 1m), sales.Next(price: 5m, quantity: 1m));
        await ContractRows.StoreSalesAsync(Services, "CAI1", "T1", [done, waiting, retrying, dead], Clock.GetUtcNow());
        await ContractRows.StoreSalesAsync(Services, "ALX1", "T7", [new Sales(Clock, "ALX1", "T7").Next()], Clock.GetUtcNow());
        await ContractRows.DeliverAsync(Services, "odoo", done.Id, DeliveryState.Done, Clock.GetUtcNow());
        await ContractRows.DeliverAsync(Services, "odoo", retrying.Id, DeliveryState.Retry, Clock.GetUtcNow(), Clock.GetUtcNow().AddMinutes(5));
        await ContractRows.DeliverAsync(Services, "odoo", dead.Id, DeliveryState.Dead, Clock.GetUtcNow());

        var report = await ReportAsync("2026-11-02");

        Assert.Equal([new UndeliveredView("odoo", "CAI1", "EGP", 3, 35.00m, 1)], report.Undelivered);
    }

    /// <summary>The report queries need the dispatcher (for what back offices have not taken) and a catalog.</summary>
    protected override void AddServices(IServiceCollection services)
    {
        services.TryAddSingleton(sp => new SalesDispatcher(
            // Its one sink refuses every delivery: the contract only reads what a back office has not taken, so the
            // dispatcher never delivers and never asks its delivery store.
            sp.GetService<IDeliveryStore>()!,
            sp.GetRequiredService<IDeliveryLease>(),
            [new RefusingSink()],
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<ConnectorOptions>>(),
            sp.GetRequiredService<ILogger<SalesDispatcher>>()));
        services.TryAddSingleton<ICatalogSnapshot, NoCatalog>();
    }

    private async Task<Report> ReportAsync(string day)
    {
        var (request, problem) = ReportRequest.Parse("CAI1", "range", day, day, Services.GetRequiredService<StoreDirectory>(), Clock.GetUtcNow());
        Assert.Null(problem);
        return await Store<IReportQueries>().RunAsync(request!, TestContext.Current.CancellationToken);
    }

    private Sale LoyaltySale(string customer, decimal earned)
    {
        Clock.Advance(TimeSpan.FromMilliseconds(10));
        var at = Clock.GetUtcNow();
        var builder = new SaleBuilder(Currency.EGP, TaxRoundingMethod.RoundPerLine)
        {
            Id = SaleId.At(at), StoreId = "CAI1", TillId = "T1", ShiftId = "0001", SaleNumber = "CAI1-T1-0001-L" + at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            CreatedAtUtc = at, StoreUtcOffset = TimeSpan.FromHours(2), Cashier = new Cashier { Id = "c1", Name = "Mona" },
            Customer = new Customer { Id = customer }, Loyalty = new LoyaltyPoints { ProgramId = "stars", Earned = earned, Spent = 0m },
        };
        return builder.AddTax(Vat).AddLine("p-tea", "شاي", 1m, 18m, ["vat14"]).PayCash(20m).Build();
    }

    /// <summary>A back office named odoo for the undelivered figures; asked to take anything, it fails the test.</summary>
    private sealed class RefusingSink : Core.Adapters.ISalesSink
    {
        public string Name => "odoo";

        public int PreferredBatchSize => 1;

        public Task<IReadOnlyList<Core.Adapters.SaleDeliveryResult>> DeliverAsync(IReadOnlyList<Sale> sales, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("The report contract delivers nothing.");
    }

    /// <summary>A catalog for a backend whose own is not ported yet: no products or categories; anything else is unexpected.</summary>
    private sealed class NoCatalog : ICatalogSnapshot
    {
        public Task<IReadOnlyList<Product>> ProductsAsync(CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<Product>>([]);

        public Task<IReadOnlyList<Category>> CategoriesAsync(CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<Category>>([]);

        public Task<int> SaveProductsAsync(IReadOnlyList<Product> products, IReadOnlyList<string> removedIds, CancellationToken cancellationToken = default) => throw Unexpected();

        public Task<int> SaveTaxesAsync(IReadOnlyList<TaxDefinition> taxes, CancellationToken cancellationToken = default) => throw Unexpected();

        public Task<int> SaveCategoriesAsync(IReadOnlyList<Category> categories, CancellationToken cancellationToken = default) => throw Unexpected();

        public Task<int> SavePaymentMethodsAsync(IReadOnlyList<PaymentMethod> methods, IReadOnlyList<string> removedIds, CancellationToken cancellationToken = default) => throw Unexpected();

        public Task<int> ReplaceLoyaltyProgramsAsync(IReadOnlyList<LoyaltyProgram> programs, CancellationToken cancellationToken = default) => throw Unexpected();

        public Task<int> SaveLoyaltyCardsAsync(IReadOnlyList<LoyaltyCard> cards, IReadOnlyList<string> removedIds, CancellationToken cancellationToken = default) => throw Unexpected();

        public Task<int> SaveStockAsync(IReadOnlyList<StockLevel> levels, CancellationToken cancellationToken = default) => throw Unexpected();

        public Task<IReadOnlyList<PaymentMethod>> PaymentMethodsAsync(CancellationToken cancellationToken = default) => throw Unexpected();

        public Task<IReadOnlyList<TaxDefinition>> TaxesAsync(CancellationToken cancellationToken = default) => throw Unexpected();

        public Task<IReadOnlyList<StockLevel>> StockLevelsAsync(CancellationToken cancellationToken = default) => throw Unexpected();

        public Task<CatalogChanges> ChangesAsync(long cursor, int limit, CancellationToken cancellationToken = default) => throw Unexpected();

        public Task<CatalogChanges> ChangesAsync(long cursor, int limit, string? storeId, string? tillId, CancellationToken cancellationToken = default) => throw Unexpected();

        private static NotSupportedException Unexpected() => new("The report contract reads only products and categories from the catalog.");
    }
}

public sealed class SqliteReportContractTests : ReportContract<SqliteBackend>;

public sealed class PostgresReportContractTests : ReportContract<PostgresBackend>;
