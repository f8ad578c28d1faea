using System.Globalization;
using CsvHelper;
using Microsoft.Extensions.DependencyInjection;
using PosBridge.Connector.Cli;
using PosBridge.Connector.Fees;
using PosBridge.Connector.Reports;
using PosBridge.Connector.Stores;
using PosBridge.Connector.Tests.Hosting;
using PosBridge.Core.Amounts;
using PosBridge.Core.Sales;

namespace PosBridge.Connector.Tests.Reports;

/// <summary>
/// A generated month for three stores in two time zones (Cairo, with its clock change on 29 October, and Riyadh) and
/// two currencies: the report's figures are, to the minor unit, the sum of the tills' Z reports and of the ledger
/// export of the same days, and the currencies are never added together.
/// </summary>
public sealed class ReportMonthTests
{
    private static readonly DateOnly From = new(2026, 10, 1);
    private static readonly DateOnly To = new(2026, 10, 31);

    [Fact]
    public async Task Report_OverAGeneratedMonth_EqualsTheZReportsAndTheLedgerExport()
    {
        var ct = TestContext.Current.CancellationToken;
        var shops = new[]
        {
            new ShopMonth("CAI1", Currency.EGP, "Africa/Cairo", 11),
            new ShopMonth("ALX1", Currency.EGP, "Africa/Cairo", 12),
            new ShopMonth("RUH1", Currency.SAR, "Asia/Riyadh", 13),
        };
        var settings = new Dictionary<string, string?> { ["PosBridge:CloseOfDay:Enabled"] = "false" };
        foreach (var shop in shops)
        {
            shop.Trade(From.AddDays(-3), To.AddDays(3), 24);
            var ledger = "books-" + shop.StoreId;
            settings[$"Accounting:Ledgers:{ledger}:Store"] = shop.StoreId;
            settings[$"Accounting:Ledgers:{ledger}:Dialect"] = "generic";
            settings[$"Accounting:Ledgers:{ledger}:Chart"] = "generic";
            settings[$"Accounting:Ledgers:{ledger}:Mode"] = "PerSale";
            settings[$"Accounting:Ledgers:{ledger}:Taxes:{shop.TaxId}:Rate"] = shop.TaxRate.ToString(CultureInfo.InvariantCulture);
            settings[$"Accounting:Ledgers:{ledger}:Taxes:{shop.TaxId}:Name"] = "VAT";
        }

        await using var host = await ConnectorHost.StartAsync(settings);
        foreach (var shop in shops)
        {
            await ShopMonth.StoreAsync(host.Services, shop.Sales, shop.Closings, ct);
        }

        var fees = shops.Select((s, i) => new FeeToImport(i + 1, new PosBridge.Accounting.Journals.ProviderFee
        {
            StoreId = s.StoreId, MethodId = "card-nbe", Kind = PaymentKind.Card, Reference = "SETTLE-" + i,
            ReportedAtUtc = new DateTimeOffset(2026, 10, 15, 9, 0, 0, TimeSpan.Zero), Amount = 12.34m + i, Currency = s.CurrencyCode,
        })).ToList();
        await host.Services.GetRequiredService<IProviderFeeStore>().ImportAsync(fees, "settlement.csv", host.Clock.GetUtcNow(), ct);

        var byCurrency = new Dictionary<string, Totals>();
        foreach (var shop in shops)
        {
            var report = await RunAsync(host, shop.StoreId);
            var summary = Assert.Single(report.Summary);
            var inPeriod = shop.Closings.Where(z => Day(z.ClosedAtUtc, shop) >= From && Day(z.ClosedAtUtc, shop) <= To).ToList();
            var sales = shop.Sales.Where(s => Day(s.CreatedAtUtc, shop) >= From && Day(s.CreatedAtUtc, shop) <= To).ToList();
            Assert.Equal(62, inPeriod.Count);

            // The Z reports: transactions, the cash the drawers took, and what the counts found over or short.
            Assert.Equal(inPeriod.Sum(z => z.SaleCount), summary.Current.Transactions);
            Assert.Equal(inPeriod.Sum(z => z.ExpectedCash - z.OpeningFloat - z.CashIn - z.CashOut), report.Payments.Where(p => p.Kind == "cash").Sum(p => p.Amount));
            Assert.Equal(inPeriod.Count, report.Shifts.Count);
            Assert.Equal(inPeriod.Sum(z => z.CountedCash - z.ExpectedCash), report.Shifts.Sum(s => s.OverShort));

            // The ledger export of the same business days: tax, revenue before tax, and what the payments brought in.
            var ledger = await LedgerAsync(host, shop.StoreId);
            Assert.Equal(ledger.Tax, summary.Current.Tax);
            Assert.Equal(ledger.Revenue, summary.Current.Untaxed);
            Assert.Equal(ledger.Payments, summary.Current.Net + summary.Current.Rounding);
            Assert.Equal(ledger.Fees, report.Fees.Sum(f => f.Amount));
            Assert.Equal(12.34m + Array.IndexOf(shops, shop), ledger.Fees);

            // And the sales themselves, read another way.
            Assert.Equal(sales.Sum(s => s.Totals.Total), summary.Current.Net);
            Assert.Equal(sales.Where(s => s.IsRefund).Sum(s => s.Totals.Total), summary.Current.Refunds);
            Assert.Equal(sales.Sum(s => s.Totals.Discount), summary.Current.Discounts);
            Assert.Equal(sales.Sum(s => s.Totals.Total), report.Days.Sum(d => d.Net));
            Assert.Equal(sales.Sum(s => s.Totals.Total), report.Hours.Sum(h => h.Net));
            Assert.Equal(sales.Sum(s => s.Totals.Total), report.Tills.Sum(t => t.Net));
            Assert.Equal(sales.Sum(s => s.Totals.AmountDue), report.Payments.Sum(p => p.Amount));
            Assert.Equal(sales.Sum(s => s.Totals.Total), report.Categories.Sum(c => c.Revenue));
            Assert.Equal(31, report.Days.Count);
            Assert.Equal(sales.Sum(s => s.Loyalty?.Earned ?? 0m), Assert.Single(report.Customers).PointsEarned);
            byCurrency[summary.Currency] = byCurrency.TryGetValue(summary.Currency, out var was) ? Add(was, summary.Current) : summary.Current;
        }

        // Every store at once: one summary per currency, never a sum across them.
        var all = await RunAsync(host, null);
        Assert.Equal(["EGP", "SAR"], all.Summary.Select(s => s.Currency));
        foreach (var s in all.Summary)
        {
            Assert.Equal(byCurrency[s.Currency] with { AverageBasket = 0m }, s.Current with { AverageBasket = 0m });
        }
    }

    private static Totals Add(Totals a, Totals b) => new(
        a.SaleCount + b.SaleCount, a.RefundCount + b.RefundCount, a.Transactions + b.Transactions, a.Sales + b.Sales, a.Refunds + b.Refunds,
        a.Discounts + b.Discounts, a.Net + b.Net, a.Untaxed + b.Untaxed, a.Tax + b.Tax, a.Rounding + b.Rounding, 0m);

    private static DateOnly Day(DateTimeOffset at, ShopMonth shop) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, TimeZoneInfo.FindSystemTimeZoneById(shop.StoreId == "RUH1" ? "Asia/Riyadh" : "Africa/Cairo")).DateTime);

    private static Task<Report> RunAsync(ConnectorHost host, string? store)
    {
        var (request, problem) = ReportRequest.Parse(store, "range", "2026-10-01", "2026-10-31", host.Services.GetRequiredService<StoreDirectory>(), host.Clock.GetUtcNow());
        Assert.Null(problem);
        return host.Services.GetRequiredService<IReportQueries>().RunAsync(request!, TestContext.Current.CancellationToken);
    }

    /// <summary>Runs <c>posbridge export</c>'s work for the month and adds up the generic CSV's sale and fee journals.</summary>
    private static async Task<(decimal Tax, decimal Revenue, decimal Payments, decimal Fees)> LedgerAsync(ConnectorHost host, string storeId)
    {
        var output = Path.Combine(host.Directory, "export-" + storeId);
        using var said = new StringWriter();
        var code = await ExportCommand.RunAsync(
            host.Services,
            new Dictionary<string, string> { ["ledger"] = "books-" + storeId, ["from"] = "2026-10-01", ["to"] = "2026-10-31", ["out"] = output },
            said,
            said,
            TestContext.Current.CancellationToken);
        Assert.True(code == CommandLine.Ok, said.ToString());
        decimal tax = 0, revenue = 0, payments = 0, fees = 0;
        foreach (var file in Directory.GetFiles(output, "*.csv"))
        {
            using var csv = CsvReader.FromFile(file, new CsvReaderOptions { HasHeader = true });
            csv.ReadHeader();
            int Column(string name) => csv.TryGetFieldIndex(name, out var i) ? i : throw new InvalidOperationException($"no column {name} in {file}");
            var (journal, saleId, debit, credit, taxCode, taxAmount) = (Column("journal_id"), Column("sale_id"), Column("debit"), Column("credit"), Column("tax_code"), Column("tax_amount"));
            while (csv.Read())
            {
                decimal Amount(int i) => csv.GetString(i) is { Length: > 0 } text ? decimal.Parse(text, CultureInfo.InvariantCulture) : 0m;
                if (csv.GetString(saleId).Length == 0)
                {
                    fees += csv.GetString(journal).Contains("-FEE-", StringComparison.Ordinal) ? Amount(debit) : 0m;
                    continue;
                }

                if (csv.GetString(taxAmount).Length > 0)
                {
                    tax += Amount(taxAmount);
                }
                else if (csv.GetString(taxCode).Length > 0)
                {
                    revenue += Amount(credit) - Amount(debit);
                }
                else
                {
                    payments += Amount(debit) - Amount(credit);
                }
            }
        }

        return (tax, revenue, payments, fees);
    }
}
