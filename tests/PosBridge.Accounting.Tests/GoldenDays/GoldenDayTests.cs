using System.Globalization;
using System.Text;
using PosBridge.Accounting.Tests.Fixtures;
using PosBridge.Core.Adapters;
using PosBridge.Core.Taxes;

namespace PosBridge.Accounting.Tests.GoldenDays;

/// <summary>
/// A real shop's day (<see cref="ShopDay"/>) exported in every dialect, under both of Odoo's tax rounding modes, and read
/// back by readers written from each vendor's rules (<see cref="VendorReaders"/>): headers, encodings, lengths,
/// escaping, every journal balanced, and the files' VAT, revenue and payments equal to the day's Z report.
/// </summary>
public sealed class GoldenDayTests
{
    public static readonly string[] Dialects = ["generic", "xero-journals", "xero-invoices", "quickbooks", "sage-cloud", "sage50", "datev", "zoho"];

    private static readonly CancellationToken Token = TestContext.Current.CancellationToken;

    public static TheoryData<string, string, TaxRoundingMethod> Cases()
    {
        var data = new TheoryData<string, string, TaxRoundingMethod>();
        foreach (var dialect in Dialects)
        {
            foreach (var store in new[] { "cairo", "riyadh" })
            {
                foreach (var rounding in new[] { TaxRoundingMethod.RoundPerLine, TaxRoundingMethod.RoundGlobally })
                {
                    data.Add(dialect, store, rounding);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Export_ShopDay_ReadsBackByTheVendorsRulesAndAddsUpToTheZReport(string dialect, string store, TaxRoundingMethod rounding)
    {
        var day = ShopDay.Make(store == "cairo" ? ShopStore.Cairo : ShopStore.Riyadh, 300, rounding);

        await ExportAndCheckAsync(dialect, day);
    }

    [Theory]
    [MemberData(nameof(DialectNames))]
    public async Task Export_DayOf5000Sales_ReadsBackAndAddsUpToTheZReport(string dialect)
    {
        var day = ShopDay.Make(ShopStore.Cairo, 5000, TaxRoundingMethod.RoundPerLine);

        var files = await ExportAndCheckAsync(dialect, day);

        if (dialect == "xero-journals")
        {
            Assert.True(files.Count > 1, "a day of 5,000 sales needs several Xero files of at most 300 lines");
        }
    }

    [Theory]
    [MemberData(nameof(DialectNames))]
    public async Task Export_SmallShopDay_MatchesItsGoldenFile(string dialect)
    {
        var day = ShopDay.Make(ShopStore.Cairo, 60, TaxRoundingMethod.RoundPerLine);

        var result = await ExportAsync(dialect, day);

        foreach (var file in result.Files)
        {
            Golden.AssertMatches(file, $"shop-day/{Path.GetFileName(file)}");
        }
    }

    public static TheoryData<string> DialectNames() => [.. Dialects];

    private static async Task<IReadOnlyList<string>> ExportAndCheckAsync(string dialect, ShopDay day)
    {
        var result = await ExportAsync(dialect, day);
        var z = day.Z;
        var store = day.Store;
        var decimals = store.Currency.MinorUnits;

        if (dialect == "xero-invoices")
        {
            var rates = new Dictionary<string, decimal>(StringComparer.Ordinal) { [store.Standard.Name] = store.Standard.Amount, [store.Exempt.Name] = 0m, ["Tax Exempt"] = 0m };
            var invoices = VendorReaders.XeroInvoices(result.Files, rates, decimals);
            Assert.Equal(day.Sales.Count - ZeroSales(day), invoices.Select(i => i.Invoice).Distinct().Count());
            Assert.Equal(z.Gross, invoices.Sum(i => i.Gross));
            Assert.Equal(z.Tax, invoices.Sum(i => i.Tax));
            foreach (var sale in day.Sales)
            {
                var invoice = invoices.Where(i => i.Invoice == sale.SaleNumber).ToList();
                Assert.Equal(sale.Totals.AmountDue == 0m, invoice.Count == 0);
                Assert.Equal(sale.Totals.AmountDue, invoice.Sum(i => i.Gross));
                Assert.Equal(sale.Totals.Tax, invoice.Sum(i => i.Tax));
                Assert.All(invoice, i => Assert.Equal(sale.Customer?.Name ?? "Walk-in customer", i.Contact));
            }

            // Shift counts and fees are no invoices, a sale of free items moves no money: the export says so.
            Assert.Equal(day.Adjustments.ShiftCounts.Count + day.Adjustments.ProviderFees.Count + ZeroSales(day), result.Notes.Count);
            return result.Files;
        }

        var lines = dialect switch
        {
            "generic" => VendorReaders.Generic(result.Files),
            "xero-journals" => VendorReaders.XeroJournals(result.Files),
            "quickbooks" => VendorReaders.QuickBooks(result.Files, "Accounts Receivable (A/R)"),
            "sage-cloud" => VendorReaders.SageCloud(result.Files),
            "sage50" => VendorReaders.Sage50(result.Files),
            "datev" => VendorReaders.Datev(result.Files),
            "zoho" => VendorReaders.Zoho(result.Files),
            _ => throw new ArgumentOutOfRangeException(nameof(dialect)),
        };
        if (dialect is "sage50" or "datev")
        {
            Assert.All(result.Files, f => Assert.False(IsUtf8WithNonAscii(File.ReadAllBytes(f)), $"{f} is UTF-8, not Windows-1252"));
        }

        Assert.Equal(ZeroSales(day), result.Notes.Count);
        Assert.All(result.Notes, n => Assert.Contains("nothing to book", n, StringComparison.Ordinal));
        Assert.All(lines.GroupBy(l => l.Journal), j => Assert.True(j.Sum(l => l.Amount) == 0m, $"journal {j.Key} does not balance in the file"));
        var (tax, revenue, payments) = Accounts(dialect);
        Assert.Equal(-z.Tax, lines.Where(l => tax.Contains(l.Account)).Sum(l => l.Amount));
        Assert.Equal(-z.Net, lines.Where(l => revenue.Contains(l.Account)).Sum(l => l.Amount));
        // Payments: what the receipts took, the drawers' over and short, less the providers' fees.
        Assert.Equal(z.Gross + day.OverShort - day.Fees, lines.Where(l => payments.Contains(l.Account)).Sum(l => l.Amount));
        Assert.Equal(day.Sales.Count - ZeroSales(day) + day.Adjustments.ShiftCounts.Count + day.Adjustments.ProviderFees.Count, lines.Select(l => l.Journal).Distinct().Count());
        return result.Files;
    }

    /// <summary>The output-tax, revenue and payment accounts as each dialect names them (code, or name where imported by name).</summary>
    private static (string[] Tax, string[] Revenue, string[] Payments) Accounts(string dialect) => dialect switch
    {
        "quickbooks" or "zoho" => (["Output VAT"], ["Sales"], ["Cash on hand", "Card clearing", "Wallet clearing", "Instant transfer clearing", dialect == "zoho" ? "Accounts receivable" : "Accounts Receivable (A/R)"]),
        "datev" => (["1776"], ["8400", "8200"], ["1000", "1360", "1400"]),
        _ => (["2200"], ["4000"], ["1000", "1100", "1110", "1120", "1200"]),
    };

    private static async Task<LedgerWriteResult> ExportAsync(string dialect, ShopDay day)
    {
        var configuration = TestLedgers.Configuration();
        var name = Configure(configuration, dialect, day.Store);
        var export = TestLedgers.Get(name, c =>
        {
            foreach (var (key, value) in configuration)
            {
                c[key] = value;
            }
        });
        var period = new LedgerPeriod(day.Store.Id, ShopDay.Day, ShopDay.Day);
        var ordered = day.Sales.OrderBy(s => s.CreatedAtUtc).ThenBy(s => s.Id);
        var result = await export.WriteAsync(period, FixedSales.Stream(ordered), day.Adjustments, TestLedgers.NewDirectory(), Token);
        Assert.True(result.Outcome == LedgerWriteOutcome.Written, result.Reason);
        return result;
    }

    /// <summary>The golden day's ledger of a dialect, set up as an accountant in the store's region would.</summary>
    private static string Configure(Dictionary<string, string?> c, string dialect, ShopStore store)
    {
        c[$"Accounting:Stores:{store.Id}:TimeZone"] = store.TimeZone;
        c[$"Accounting:Stores:{store.Id}:Currency"] = store.Currency.Code;
        var name = $"{dialect}-{store.Id}";
        var at = $"Accounting:Ledgers:{name}";
        c[$"{at}:Store"] = store.Id;
        c[$"{at}:Dialect"] = dialect;
        c[$"{at}:Chart"] = dialect == "datev" ? "skr03" : "generic";
        foreach (var tax in new[] { store.Standard, store.Exempt })
        {
            c[$"{at}:Taxes:{tax.Id}:Rate"] = tax.Amount.ToString(CultureInfo.InvariantCulture);
            c[$"{at}:Taxes:{tax.Id}:Name"] = tax.Name;
        }

        switch (dialect)
        {
            case "xero-journals" or "xero-invoices" or "quickbooks":
                c[$"{at}:Region"] = "Global";
                break;
            case "sage50":
                c[$"{at}:Region"] = "UK";
                c[$"{at}:Taxes:{store.Standard.Id}:Code"] = "T1";
                c[$"{at}:Taxes:{store.Exempt.Id}:Code"] = "T2";
                break;
            case "datev":
                c[$"{at}:BaseCurrency"] = "EUR";
                c[$"{at}:ExchangeRate"] = store.EurRate.ToString(CultureInfo.InvariantCulture);
                c[$"{at}:Taxes:{store.Standard.Id}:RevenueAccount"] = "8400";
                c[$"{at}:Taxes:{store.Standard.Id}:TaxAccount"] = "1776";
                c[$"{at}:Datev:ConsultantNumber"] = "1234567";
                c[$"{at}:Datev:ClientNumber"] = "10001";
                break;
        }

        return name;
    }

    private static int ZeroSales(ShopDay day) => day.Sales.Count(s => s.Totals.AmountDue == 0m && s.Payments.All(p => p.Amount == 0m));

    private static bool IsUtf8WithNonAscii(byte[] bytes)
    {
        try
        {
            var text = new UTF8Encoding(false, true).GetString(bytes);
            return text.Any(c => c >= 0x80);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
