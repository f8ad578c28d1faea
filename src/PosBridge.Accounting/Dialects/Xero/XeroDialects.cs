using PosBridge.Accounting.Accounts;

namespace PosBridge.Accounting.Dialects.Xero;

/// <summary>Xero's manual journal import: no currency column, and a tax rate named on every line.</summary>
internal sealed class XeroJournalsDialect : ILedgerDialect
{
    public string Name => "xero-journals";

    public string? NonTaxCodeExample => XeroRates.NonTaxCodeExample;

    public string? NonTaxCode(string? region) => Regions.XeroNonTaxCode(region);

    public LedgerFileWriter CreateWriter(LedgerFileContext context) => new XeroJournalWriter(context);
}

/// <summary>Xero's sales invoice import: one invoice per sale, in the sale's currency.</summary>
internal sealed class XeroInvoicesDialect : ILedgerDialect
{
    public string Name => "xero-invoices";

    public bool CarriesCurrency => true;

    public string? NonTaxCodeExample => XeroRates.NonTaxCodeExample;

    public string? NonTaxCode(string? region) => Regions.XeroNonTaxCode(region);

    public void Validate(string at, Setup.LedgerOptions ledger, string? storeCurrency, string? baseCurrency, AccountMap? map, List<string> errors)
    {
        if (ledger.Mode != Setup.JournalMode.PerSale)
        {
            errors.Add($"{at}:Mode is {ledger.Mode}; Xero sales invoices are one per sale, so use PerSale.");
        }
    }

    public LedgerFileWriter CreateWriter(LedgerFileContext context) => new XeroInvoiceWriter(context);
}

internal static class XeroRates
{
    public const string NonTaxCodeExample = "\"No VAT\" in the UK, \"Tax Exempt\" in the global edition";
}
