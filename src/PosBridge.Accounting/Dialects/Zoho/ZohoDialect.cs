namespace PosBridge.Accounting.Dialects.Zoho;

/// <summary>Zoho Books' journal import: accounts by name, a currency column.</summary>
internal sealed class ZohoDialect : ILedgerDialect
{
    public string Name => "zoho";

    public bool CarriesCurrency => true;

    public bool ImportsAccountsByName => true;

    public LedgerFileWriter CreateWriter(LedgerFileContext context) => new ZohoJournalWriter(context);
}
