using PosBridge.Accounting.Accounts;
using PosBridge.Accounting.Setup;

namespace PosBridge.Accounting.Dialects.QuickBooks;

/// <summary>QuickBooks Online's journal entry import: accounts by name, dates in the company's region format.</summary>
internal sealed class QuickBooksDialect : ILedgerDialect
{
    public string Name => "quickbooks";

    public bool ImportsAccountsByName => true;

    public string? ReceivableName(string at, string receivableCode, string? region, List<string> errors)
    {
        var name = Regions.ReceivableName(region);
        if (name is null)
        {
            errors.Add($"{at}:AccountNames:{receivableCode} is not set and Region gives none; QuickBooks names its receivable account by region (\"Accounts Receivable (A/R)\", \"Debtors\" in the UK): set Region or AccountNames:{receivableCode}.");
        }

        return name;
    }

    public void Validate(string at, LedgerOptions ledger, string? storeCurrency, string? baseCurrency, AccountMap? map, List<string> errors)
    {
        if (ledger.DateFormat is not (null or "MM/dd/yyyy" or "dd/MM/yyyy"))
        {
            errors.Add($"{at}:DateFormat '{ledger.DateFormat}' is not a QuickBooks region format; use MM/dd/yyyy (US) or dd/MM/yyyy.");
        }
    }

    public LedgerFileWriter CreateWriter(LedgerFileContext context) => new QuickBooksJournalWriter(context);
}
