using PosBridge.Accounting.Dialects;
using PosBridge.Accounting.Dialects.Xero;
using PosBridge.Accounting.Tests.Fixtures;
using PosBridge.Core.Adapters;
using PosBridge.Core.Amounts;
using PosBridge.Core.Sales;
using PosBridge.Core.Taxes;

namespace PosBridge.Accounting.Tests.Dialects;

public sealed class XeroDialectTests
{
    private static readonly CancellationToken Token = TestContext.Current.CancellationToken;

    [Fact]
    public async Task ManualJournals_FixedSales_MatchGoldenAndReadBackAsTheJournals()
    {
        var run = await DialectRun.ExportAsync("xero-cai", TestStore.Cairo);

        var file = Assert.Single(run.Files);
        Assert.EndsWith("_001.csv", file, StringComparison.Ordinal);
        Golden.AssertMatches(file, $"xero-cai/{Path.GetFileName(file)}");
        var rows = CsvFiles.ReadAll<XeroJournalRow>(file, CsvFiles.Utf8);
        Assert.All(rows, r => Assert.Equal("No VAT", r.TaxRate));
        Assert.All(rows, r => Assert.Contains(run.Journals.Single(j => j.Narration == r.Narration).Id, r.Narration, StringComparison.Ordinal));
        ReadBack.AssertMatches(run.Journals, rows.Select(r => new ReadLine(r.Narration, r.Date, r.AccountCode, r.Amount)), j => j.Narration, a => a.Code);
    }

    [Fact]
    public async Task ManualJournals_WithATrackingCategory_TagEveryLineWithTheStore()
    {
        var run = await DialectRun.ExportAsync("xero-cai", TestStore.Cairo, c => c["Accounting:Ledgers:xero-cai:XeroTrackingCategory"] = "Store");

        var rows = CsvFiles.ReadAll<XeroJournalRow>(run.Files[0], CsvFiles.Utf8);

        Assert.All(rows, r => Assert.Equal(("Store", "CAI1", "", ""), (r.TrackingName1, r.TrackingOption1, r.TrackingName2, r.TrackingOption2)));
    }

    [Fact]
    public async Task ManualJournals_MoreThan300Lines_SplitIntoNumberedFilesWithoutCuttingAJournal()
    {
        var sales = new List<Sale>();
        for (var n = 1; n <= 120; n++)
        {
            // 3 lines each (cash, revenue, tax): 120 sales are 360 lines.
            sales.Add(new SaleBuilder(Currency.EGP, TaxRoundingMethod.RoundPerLine)
            {
                Id = FixedSales.Id(7, n),
                StoreId = "CAI1",
                TillId = "T1",
                ShiftId = "S1",
                SaleNumber = $"CAI1-T1-0007-{n:000000}",
                CreatedAtUtc = new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero).AddSeconds(n),
                StoreUtcOffset = TimeSpan.FromHours(2),
                Cashier = new Cashier { Id = "c1", Name = "Mona" },
            }.AddTax(TestStore.Cairo.RateA).AddLine("p1", "Koshari", 1m, 45m, ["vat14"]).PayCash(50m).Build());
        }

        var directory = TestLedgers.NewDirectory();
        var result = await TestLedgers.Get("xero-cai").WriteAsync(TestLedgers.CairoDay, sales, directory, Token);

        Assert.Equal(LedgerWriteOutcome.Written, result.Outcome);
        Assert.Equal(["_001.csv", "_002.csv"], result.Files.Select(f => f[^8..]));
        var first = CsvFiles.ReadAll<XeroJournalRow>(result.Files[0], CsvFiles.Utf8);
        var second = CsvFiles.ReadAll<XeroJournalRow>(result.Files[1], CsvFiles.Utf8);
        Assert.Equal(300, first.Count);
        Assert.Equal(60, second.Count);
        Assert.Empty(first.Select(r => r.Narration).Intersect(second.Select(r => r.Narration)));
        Assert.All(first.Concat(second).GroupBy(r => r.Narration), g => Assert.Equal(0m, g.Sum(r => r.Amount)));

        // Exporting the period again with fewer sales must not leave the old second file to be imported twice.
        var again = await TestLedgers.Get("xero-cai").WriteAsync(TestLedgers.CairoDay, sales.Take(10).ToList(), directory, Token);
        Assert.Equal(again.Files, Directory.GetFiles(directory).Select(Path.GetFullPath));
        Assert.Single(again.Files);
    }

    [Fact]
    public async Task SalesInvoices_EverySale_MatchGoldenAndCarryTheReceiptsTotals()
    {
        var run = await DialectRun.ExportAsync("xero-inv-cai", TestStore.Cairo);

        var file = Assert.Single(run.Files);
        Golden.AssertMatches(file, $"xero-inv-cai/{Path.GetFileName(file)}");
        var rows = CsvFiles.ReadAll<XeroInvoiceRow>(file, CsvFiles.Utf8);
        var sales = DialectRun.Sales(TestStore.Cairo);
        Assert.Equal(sales.Select(s => s.SaleNumber).Order(StringComparer.Ordinal), rows.Select(r => r.InvoiceNumber).Distinct().Order(StringComparer.Ordinal));
        foreach (var sale in sales)
        {
            var invoice = rows.Where(r => r.InvoiceNumber == sale.SaleNumber).ToList();
            Assert.All(invoice, r => Assert.Equal(sale.Customer?.Name ?? "Walk-in customer", r.ContactName));
            Assert.All(invoice, r => Assert.Equal(sale.Id.ToString("D"), r.Reference));
            Assert.Equal(sale.Totals.AmountDue, invoice.Sum(r => r.Quantity * r.UnitAmount));
        }
    }

    [Fact]
    public async Task SalesInvoices_WalkInSales_GoToTheConfiguredContact()
    {
        var run = await DialectRun.ExportAsync("xero-inv-cai", TestStore.Cairo, c => c["Accounting:Ledgers:xero-inv-cai:DefaultContactName"] = "Counter sales");

        var rows = CsvFiles.ReadAll<XeroInvoiceRow>(run.Files[0], CsvFiles.Utf8);

        Assert.Equal(["Counter sales", "Nadia Hassan"], rows.Select(r => r.ContactName).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task SalesInvoices_WhereXeroWouldComputeAnotherTax_AddARoundingLineSoTaxAndTotalAreTheReceipts()
    {
        // Rounded per line, three 0.03 lines at 15 % carry no tax on the receipt; Xero, taxing the 0.09 gross line, finds 0.01.
        var builder = new SaleBuilder(Currency.EGP, TaxRoundingMethod.RoundPerLine)
        {
            Id = FixedSales.Id(8, 1),
            StoreId = "CAI1",
            TillId = "T1",
            ShiftId = "S1",
            SaleNumber = "CAI1-T1-0008-000001",
            CreatedAtUtc = new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero),
            StoreUtcOffset = TimeSpan.FromHours(2),
            Cashier = new Cashier { Id = "c1", Name = "Mona" },
            Customer = new Customer { Id = "cust-1", Name = "Omar" },
        }.AddTax(TestStore.Tax("vat14", "VAT 14%", 15m, priceIncluded: false));
        for (var i = 0; i < 3; i++)
        {
            builder.AddLine($"p{i}", "Mint", 1m, 0.03m, ["vat14"]);
        }

        var sale = builder.PayRemaining("account", PaymentKind.CustomerAccount).Build();
        Assert.True(sale.Validate().IsValid, sale.Validate().ToString());

        Assert.Equal(0m, sale.Totals.Tax);
        var result = await TestLedgers.Get("xero-inv-cai", c => c["Accounting:Ledgers:xero-inv-cai:Taxes:vat14:Rate"] = "15").WriteAsync(TestLedgers.CairoDay, [sale], TestLedgers.NewDirectory(), Token);

        Assert.True(result.Outcome == LedgerWriteOutcome.Written, result.Reason);
        var rows = CsvFiles.ReadAll<XeroInvoiceRow>(result.Files[0], CsvFiles.Utf8);
        Assert.Equal(sale.Totals.AmountDue, rows.Sum(r => r.UnitAmount));
        // Xero's own rule: tax per line on the tax-inclusive amount, half away from zero.
        Assert.Equal(sale.Totals.Tax, rows.Where(r => r.TaxType == "VAT 14%").Sum(r => Math.Round(r.UnitAmount * 15m / 115m, 2, MidpointRounding.AwayFromZero)));
        var rounding = Assert.Single(rows, r => r.AccountCode == "4910");
        Assert.Equal("No VAT", rounding.TaxType);
        Assert.Equal(0.06m, rounding.UnitAmount);
    }
}
