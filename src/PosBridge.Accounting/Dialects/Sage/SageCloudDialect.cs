namespace PosBridge.Accounting.Dialects.Sage;

/// <summary>Sage Business Cloud Accounting's journal import.</summary>
internal sealed class SageCloudDialect : ILedgerDialect
{
    public string Name => "sage-cloud";

    public LedgerFileWriter CreateWriter(LedgerFileContext context) => new SageCloudJournalWriter(context);
}
