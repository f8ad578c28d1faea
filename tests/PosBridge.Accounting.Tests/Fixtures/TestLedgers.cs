using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PosBridge.Accounting.Export;
using PosBridge.Accounting.Journals;
using PosBridge.Accounting.Setup;
using PosBridge.Core.Adapters;
using PosBridge.Core.Sales;

namespace PosBridge.Accounting.Tests.Fixtures;

/// <summary>The test configuration: three stores and one ledger per dialect, built through AddAccounting.</summary>
public static class TestLedgers
{
    public static readonly LedgerPeriod CairoDay = new("CAI1", FixedSales.Day, FixedSales.Day);

    public static Dictionary<string, string?> Configuration()
    {
        var c = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var store in new[] { TestStore.Cairo, TestStore.Riyadh, TestStore.Berlin })
        {
            c[$"Accounting:Stores:{store.Id}:TimeZone"] = store.TimeZone;
            c[$"Accounting:Stores:{store.Id}:Currency"] = store.Currency.Code;
        }

        Ledger(c, "generic-cai", "generic", TestStore.Cairo);
        Ledger(c, "generic-cai-daily", "generic", TestStore.Cairo);
        c["Accounting:Ledgers:generic-cai-daily:Mode"] = "DailySummary";
        Ledger(c, "generic-ruh", "generic", TestStore.Riyadh);
        c["Accounting:Ledgers:generic-ruh:BaseCurrency"] = "EGP";
        c["Accounting:Ledgers:generic-ruh:ExchangeRate"] = "0.0758";
        Ledger(c, "xero-cai", "xero-journals", TestStore.Cairo);
        c["Accounting:Ledgers:xero-cai:Region"] = "UK";
        Ledger(c, "xero-inv-cai", "xero-invoices", TestStore.Cairo);
        c["Accounting:Ledgers:xero-inv-cai:Region"] = "UK";
        Ledger(c, "qbo-cai", "quickbooks", TestStore.Cairo);
        c["Accounting:Ledgers:qbo-cai:Region"] = "US";
        Ledger(c, "sage-cai", "sage-cloud", TestStore.Cairo);
        Ledger(c, "sage50-cai", "sage50", TestStore.Cairo);
        c["Accounting:Ledgers:sage50-cai:Region"] = "UK";
        c["Accounting:Ledgers:sage50-cai:Taxes:vat14:Code"] = "T1";
        c["Accounting:Ledgers:sage50-cai:Taxes:vat5:Code"] = "T5";
        c["Accounting:Ledgers:sage50-cai:Taxes:vat0:Code"] = "T0";
        Ledger(c, "zoho-cai", "zoho", TestStore.Cairo);
        Ledger(c, "datev-ber", "datev", TestStore.Berlin, "skr03");
        Datev(c, "datev-ber");
        Ledger(c, "datev-cai", "datev", TestStore.Cairo, "skr03");
        Datev(c, "datev-cai");
        c["Accounting:Ledgers:datev-cai:BaseCurrency"] = "EUR";
        c["Accounting:Ledgers:datev-cai:ExchangeRate"] = "55.25";
        c["Accounting:Ledgers:datev-cai:Taxes:vat14:RevenueAccount"] = "8400";
        c["Accounting:Ledgers:datev-cai:Taxes:vat14:TaxAccount"] = "1776";
        c["Accounting:Ledgers:datev-cai:Taxes:vat5:RevenueAccount"] = "8300";
        c["Accounting:Ledgers:datev-cai:Taxes:vat5:TaxAccount"] = "1771";
        return c;
    }

    public static void Ledger(Dictionary<string, string?> c, string name, string dialect, TestStore store, string chart = "generic")
    {
        var at = $"Accounting:Ledgers:{name}";
        c[$"{at}:Store"] = store.Id;
        c[$"{at}:Dialect"] = dialect;
        c[$"{at}:Chart"] = chart;
        foreach (var tax in store.Taxes)
        {
            c[$"{at}:Taxes:{tax.Id}:Rate"] = tax.Amount.ToString(CultureInfo.InvariantCulture);
            c[$"{at}:Taxes:{tax.Id}:Name"] = tax.Name;
        }
    }

    private static void Datev(Dictionary<string, string?> c, string name)
    {
        c[$"Accounting:Ledgers:{name}:Datev:ConsultantNumber"] = "1234567";
        c[$"Accounting:Ledgers:{name}:Datev:ClientNumber"] = "10001";
    }

    public static ServiceProvider Services(Dictionary<string, string?> configuration)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(configuration).Build();
        return new ServiceCollection().AddAccounting(config).BuildServiceProvider();
    }

    public static LedgerExport Get(string name, Action<Dictionary<string, string?>>? change = null)
    {
        var configuration = Configuration();
        change?.Invoke(configuration);
        using var services = Services(configuration);
        return services.GetRequiredService<LedgerExports>().Get(name);
    }

    /// <summary>The journals the export writes, built the same way but not written.</summary>
    public static async Task<IReadOnlyList<Journal>> JournalsAsync(LedgerExport export, LedgerPeriod period, IEnumerable<Sale> sales, LedgerAdjustments? adjustments = null)
    {
        var run = new JournalRun();
        var journals = await export.JournalsAsync(period, FixedSales.Stream(sales.OrderBy(s => s.CreatedAtUtc).ThenBy(s => s.Id)), adjustments ?? LedgerAdjustments.None, run, TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);
        Assert.False(run.HasProblems, string.Join("; ", run.Problems));
        return journals;
    }

    public static string NewDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "posbridge-accounting-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
