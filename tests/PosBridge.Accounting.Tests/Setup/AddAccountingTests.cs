using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PosBridge.Accounting.Export;
using PosBridge.Accounting.Setup;
using PosBridge.Accounting.Tests.Fixtures;
using PosBridge.Core.Adapters;

namespace PosBridge.Accounting.Tests.Setup;

public sealed class AddAccountingTests
{
    [Fact]
    public void AddAccounting_ValidConfiguration_RegistersEveryLedgerByName()
    {
        using var services = TestLedgers.Services(TestLedgers.Configuration());

        var writer = services.GetRequiredKeyedService<ILedgerWriter>("datev-ber");
        var all = services.GetServices<ILedgerWriter>().Select(w => w.Name).ToList();

        Assert.Equal("datev-ber", writer.Name);
        Assert.IsType<Accounting.Dialects.Datev.DatevDialect>(Assert.IsType<LedgerExport>(writer).Dialect);
        Assert.Contains("xero-cai", all);
        Assert.Equal(all.Count, all.Distinct().Count());
    }

    [Fact]
    public void AddAccounting_UnknownDialectAndMissingMappings_NamesEveryFailureAtStart()
    {
        var configuration = TestLedgers.Configuration();
        configuration["Accounting:Ledgers:bad:Store"] = "CAI1";
        configuration["Accounting:Ledgers:bad:Dialect"] = "lotus-123";
        configuration["Accounting:Ledgers:none:Store"] = "CAI1";
        configuration["Accounting:Ledgers:none:Dialect"] = "quickbooks";
        configuration["Accounting:Ledgers:none:Chart"] = "none";
        configuration["Accounting:Ledgers:none:Taxes:vat14:Rate"] = "14";
        configuration["Accounting:Ledgers:none:Taxes:vat14:Name"] = "VAT 14%";
        configuration["Accounting:Ledgers:none:PaymentKinds:Cash"] = "1000";
        using var services = TestLedgers.Services(configuration);

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<AccountingOptions>>().Value);

        var message = string.Join("\n", error.Failures);
        Assert.Contains("Accounting:Ledgers:bad:Dialect 'lotus-123' is not a ledger dialect; use one of generic, xero-journals", message, StringComparison.Ordinal);
        Assert.Contains("Accounting:Ledgers:none: no account for Card payments (PaymentKinds:Card)", message, StringComparison.Ordinal);
        Assert.Contains("no account for Wallet payments", message, StringComparison.Ordinal);
        Assert.Contains("no account for revenue of tax 'vat14' (Taxes:vat14)", message, StringComparison.Ordinal);
        Assert.Contains("no account for output tax of tax 'vat14'", message, StringComparison.Ordinal);
        Assert.Contains("no account for cash rounding (RoundingAccount)", message, StringComparison.Ordinal);
        Assert.Contains("account '1000' (Cash payments (PaymentKinds:Cash)) has no name, and quickbooks imports accounts by name", message, StringComparison.Ordinal);
        Assert.True(error.Failures.Count() >= 8, message);
    }

    [Fact]
    public void AddAccounting_RegionDependentNamesNeitherSetNorGivenByARegion_AreNamedAtStart()
    {
        var configuration = TestLedgers.Configuration();
        TestLedgers.Ledger(configuration, "xero-new", "xero-journals", TestStore.Cairo);
        TestLedgers.Ledger(configuration, "sage50-new", "sage50", TestStore.Cairo);
        configuration["Accounting:Ledgers:sage50-new:Taxes:vat14:Code"] = "T1";
        configuration["Accounting:Ledgers:sage50-new:Taxes:vat5:Code"] = "T5";
        configuration["Accounting:Ledgers:sage50-new:Taxes:vat0:Code"] = "T0";
        configuration["Accounting:Ledgers:sage50-new:Region"] = "AU";
        TestLedgers.Ledger(configuration, "qbo-new", "quickbooks", TestStore.Cairo);
        TestLedgers.Ledger(configuration, "xero-mars", "xero-invoices", TestStore.Cairo);
        configuration["Accounting:Ledgers:xero-mars:Region"] = "Mars";
        using var services = TestLedgers.Services(configuration);

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<AccountingOptions>>().Value);

        var message = string.Join("\n", error.Failures);
        Assert.Contains("Accounting:Ledgers:xero-new:NonTaxCode is not set and Region gives none", message, StringComparison.Ordinal);
        Assert.Contains("Accounting:Ledgers:sage50-new:NonTaxCode is not set and Region gives none", message, StringComparison.Ordinal);
        Assert.Contains("Accounting:Ledgers:qbo-new:AccountNames:1200 is not set and Region gives none", message, StringComparison.Ordinal);
        Assert.Contains("Accounting:Ledgers:xero-mars:Region 'Mars' is not a region", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Global", "Tax Exempt")]
    [InlineData("UK", "No VAT")]
    [InlineData("AU", "BAS Excluded")]
    public async Task AddAccounting_XeroRegion_GivesItsNoTaxRateName(string region, string expected)
    {
        var run = await DialectRun.ExportAsync("xero-cai", TestStore.Cairo, c => c["Accounting:Ledgers:xero-cai:Region"] = region);

        var rows = Accounting.Dialects.CsvFiles.ReadAll<Accounting.Dialects.Xero.XeroJournalRow>(run.Files[0], Accounting.Dialects.CsvFiles.Utf8);

        Assert.All(rows, r => Assert.Equal(expected, r.TaxRate));
    }

    [Fact]
    public void AddAccounting_ForeignCurrencyStoreInADialectWithoutCurrency_IsRefusedAtStart()
    {
        var configuration = TestLedgers.Configuration();
        TestLedgers.Ledger(configuration, "xero-ruh", "xero-journals", TestStore.Riyadh);
        configuration["Accounting:Ledgers:xero-ruh:BaseCurrency"] = "EGP";
        using var services = TestLedgers.Services(configuration);

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<LedgerExports>());

        Assert.Contains(error.Failures, f => f.Contains("store RUH1 sells in SAR but the ledger keeps EGP, and xero-journals files have no currency column", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Accounting:Ledgers:xero-ruh:ExchangeRate is missing", StringComparison.Ordinal));
    }

    [Fact]
    public void AddAccounting_BadStoreAndDatevSettings_AreNamed()
    {
        var configuration = TestLedgers.Configuration();
        configuration["Accounting:Stores:XXX:TimeZone"] = "Mars/Olympus";
        configuration["Accounting:Stores:XXX:Currency"] = "ZZZ";
        configuration["Accounting:Ledgers:datev-ber:Datev:ConsultantNumber"] = "12";
        configuration["Accounting:Ledgers:datev-ber:PaymentKinds:Card"] = "13600";
        configuration["Accounting:Ledgers:datev-ber:AccountNames:13600"] = "Too long";
        configuration["Accounting:Ledgers:datev-ber:RoundingAccount"] = "27A0";
        using var services = TestLedgers.Services(configuration);

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<AccountingOptions>>().Value);

        Assert.Contains(error.Failures, f => f.Contains("Accounting:Stores:XXX:TimeZone 'Mars/Olympus'", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Accounting:Stores:XXX:Currency 'ZZZ'", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Datev:ConsultantNumber 12 is not a Beraternummer", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("account '27A0' is not a DATEV account", StringComparison.Ordinal));
        Assert.DoesNotContain(error.Failures, f => f.Contains("'13600'", StringComparison.Ordinal)); // a 5-digit personal account is allowed
    }

    [Fact]
    public void AddAccounting_DialectRulesOnMappings_AreCheckedAtStart()
    {
        var configuration = TestLedgers.Configuration();
        configuration["Accounting:Ledgers:xero-inv-cai:Mode"] = "DailySummary";
        configuration["Accounting:Ledgers:sage50-cai:Taxes:vat5:Code"] = "VAT5";
        configuration["Accounting:Ledgers:qbo-cai:DateFormat"] = "yyyy.MM.dd";
        configuration["Accounting:Stores:KWI1:TimeZone"] = "Asia/Kuwait";
        configuration["Accounting:Stores:KWI1:Currency"] = "KWD";
        TestLedgers.Ledger(configuration, "datev-kwi", "datev", TestStore.Berlin, "skr03");
        configuration["Accounting:Ledgers:datev-kwi:Store"] = "KWI1";
        configuration["Accounting:Ledgers:datev-kwi:BaseCurrency"] = "EUR";
        configuration["Accounting:Ledgers:datev-kwi:ExchangeRate"] = "0.33";
        configuration["Accounting:Ledgers:datev-kwi:Datev:ConsultantNumber"] = "1234567";
        configuration["Accounting:Ledgers:datev-kwi:Datev:ClientNumber"] = "10001";
        using var services = TestLedgers.Services(configuration);

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<AccountingOptions>>().Value);

        Assert.Contains(error.Failures, f => f.Contains("xero-inv-cai:Mode is DailySummary; Xero sales invoices are one per sale", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("sage50-cai:Taxes:vat5:Code 'VAT5' is not a Sage 50 tax code", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("qbo-cai:DateFormat 'yyyy.MM.dd' is not a QuickBooks region format", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("datev-kwi: store KWI1 sells in KWD with 3 decimals; DATEV amounts have two.", StringComparison.Ordinal));
        Assert.Equal(4, error.Failures.Count());
    }

    [Fact]
    public void Get_UnknownLedger_ListsTheConfiguredOnes()
    {
        using var services = TestLedgers.Services(TestLedgers.Configuration());

        var error = Assert.Throws<ArgumentException>(() => services.GetRequiredService<LedgerExports>().Get("xero"));

        Assert.Contains("No ledger is named 'xero'", error.Message, StringComparison.Ordinal);
        Assert.Contains("xero-cai", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("CAI1", "lotus", "'lotus' is not a ledger dialect; use one of generic, xero-journals, xero-invoices, quickbooks, sage-cloud, sage50, datev, zoho.")]
    [InlineData("BER1", "xero-journals", "Store BER1 has no xero-journals ledger; its ledgers: datev-ber (datev).")]
    [InlineData("CAI1", "generic", "Store CAI1 has several generic ledgers (generic-cai, generic-cai-daily); name one.")]
    public void Find_StoreAndDialectFromACommandLine_SaysWhatIsWrong(string store, string dialect, string message)
    {
        using var services = TestLedgers.Services(TestLedgers.Configuration());

        var error = Assert.Throws<ArgumentException>(() => services.GetRequiredService<LedgerExports>().Find(store, dialect));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Find_StoreAndDialect_GivesItsLedger()
    {
        using var services = TestLedgers.Services(TestLedgers.Configuration());

        Assert.Equal("xero-cai", services.GetRequiredService<LedgerExports>().Find("CAI1", "Xero-Journals").Name);
    }
}
