using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection;
using PosBridge.Accounting.Dialects;
using PosBridge.Accounting.Dialects.Generic;
using PosBridge.Accounting.Journals;
using PosBridge.Accounting.Setup;
using PosBridge.Accounting.Tests.Fixtures;
using PosBridge.Core.Amounts;

namespace PosBridge.Accounting.Tests.Journals;

public sealed class RevenueByCategoryTests
{
    private static readonly Dictionary<string, string> Categories = new(StringComparer.Ordinal)
    {
        ["p1"] = "food", ["p9"] = "food", ["p2"] = "drinks", ["p5"] = "drinks", ["p3"] = "unmapped-category",
        // p4 (a catering tray) is in no category the catalog knows.
    };

    private static void ByCategory(Dictionary<string, string?> c)
    {
        foreach (var (tax, food, drinks) in new[] { ("vat14", "4010", "4020"), ("vat5", "4011", "4021"), ("vat0", "4012", "4022") })
        {
            c[$"Accounting:Ledgers:generic-cai:RevenueCategories:food:{tax}"] = food;
            c[$"Accounting:Ledgers:generic-cai:RevenueCategories:drinks:{tax}"] = drinks;
        }
    }

    [Fact]
    public async Task Journals_RevenueByCategory_SplitRevenuePerCategoryAccountAndTaxAndStillBalance()
    {
        var sales = FixedSales.For(TestStore.Cairo);
        var export = TestLedgers.Get("generic-cai", ByCategory);
        var plain = await TestLedgers.JournalsAsync(TestLedgers.Get("generic-cai"), TestLedgers.CairoDay, sales);

        var journals = await TestLedgers.JournalsAsync(export, TestLedgers.CairoDay, sales, new LedgerAdjustments { ProductCategories = Categories });

        Assert.True(export.BooksRevenueByCategory);
        Assert.All(journals, j => Assert.Equal(0L, JournalBalance.Imbalance(j.Lines, Currency.EGP)));
        foreach (var sale in sales)
        {
            var journal = Assert.Single(journals, j => j.SaleIds.Contains(sale.Id));
            var revenue = journal.Lines.Where(l => l.Kind == JournalLineKind.Revenue).ToList();
            var expected = sale.Lines
                .GroupBy(l => (Account: Expected(l.ProductId, l.TaxIds[0], plain, sale.Id), Tax: l.TaxIds[0]))
                .Where(g => g.Sum(l => l.TotalExcluded) != 0m)
                .ToDictionary(g => g.Key, g => -g.Sum(l => l.TotalExcluded));
            Assert.Equal(expected, revenue.ToDictionary(l => (l.Account.Code, l.Tax!.TaxId), l => l.Amount));
            // Payments and output tax are as without categories.
            var before = Assert.Single(plain, j => j.SaleIds.Contains(sale.Id));
            Assert.Equal(
                before.Lines.Where(l => l.Kind != JournalLineKind.Revenue).Select(l => (l.Account.Code, l.Amount)),
                journal.Lines.Where(l => l.Kind != JournalLineKind.Revenue).Select(l => (l.Account.Code, l.Amount)));
        }

        // Koshari and bread (food, 14 % and 0 %) and tea (drinks, 5 %) land on three accounts in one sale.
        Assert.Contains(journals, j => j.Lines.Where(l => l.Kind == JournalLineKind.Revenue).Select(l => l.Account.Code).Order().SequenceEqual(["4010", "4012"]));
        Assert.Contains(journals, j => j.Lines.Any(l => l.Account.Code == "4021"));
    }

    [Fact]
    public async Task Export_RevenueByCategory_WritesEachCategoryLineAndReadsBack()
    {
        var sales = FixedSales.For(TestStore.Cairo);
        var export = TestLedgers.Get("generic-cai", ByCategory);
        var directory = TestLedgers.NewDirectory();

        var result = await export.WriteAsync(TestLedgers.CairoDay, FixedSales.Stream(sales.OrderBy(s => s.CreatedAtUtc).ThenBy(s => s.Id)), new LedgerAdjustments { ProductCategories = Categories }, directory, TestContext.Current.CancellationToken);

        var rows = CsvFiles.ReadAll<GenericRow>(Assert.Single(result.Files), CsvFiles.Utf8);
        Assert.Contains(rows, r => r.AccountCode == "4010" && r.Description == "Revenue 4010, VAT 14%" && r.TaxCode == "VAT 14%");
        Assert.Equal(rows.Sum(r => r.Debit ?? 0m), rows.Sum(r => r.Credit ?? 0m));
    }

    [Fact]
    public void AddAccounting_RevenueCategoryMissingATaxOrNamingAnUnknownOne_IsNamedAtStart()
    {
        var configuration = TestLedgers.Configuration();
        configuration["Accounting:Ledgers:generic-cai:RevenueCategories:food:vat14"] = "4010";
        configuration["Accounting:Ledgers:generic-cai:RevenueCategories:food:vat99"] = "4019";
        configuration["Accounting:Ledgers:generic-cai:RevenueCategories:drinks:untaxed"] = "4029";
        using var services = TestLedgers.Services(configuration);

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<AccountingOptions>>().Value);

        Assert.Contains(error.Failures, f => f.Contains("RevenueCategories:food has no revenue account for tax 'vat0', 'vat5'", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("RevenueCategories:drinks has no revenue account for tax 'vat0', 'vat14', 'vat5'", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("RevenueCategories:food:vat99 is not a tax of this ledger", StringComparison.Ordinal));
    }

    /// <summary>The account a line's revenue should book to: its category's for the tax, else the tax's own (from the plain journals).</summary>
    private static string Expected(string productId, string taxId, IReadOnlyList<Journal> plain, Guid saleId)
    {
        var accounts = new Dictionary<(string, string), string>
        {
            [("food", "vat14")] = "4010", [("food", "vat5")] = "4011", [("food", "vat0")] = "4012",
            [("drinks", "vat14")] = "4020", [("drinks", "vat5")] = "4021", [("drinks", "vat0")] = "4022",
        };
        if (Categories.TryGetValue(productId, out var category) && accounts.TryGetValue((category, taxId), out var code))
        {
            return code;
        }

        return plain.Single(j => j.SaleIds.Contains(saleId)).Lines.First(l => l.Kind == JournalLineKind.Revenue && l.Tax!.TaxId == taxId).Account.Code;
    }
}
