namespace PosBridge.Accounting.Dialects.Generic;

/// <summary>PosBridge's own journal CSV: every column a ledger could want, currency included.</summary>
internal sealed class GenericDialect : ILedgerDialect
{
    public string Name => "generic";

    public bool CarriesCurrency => true;

    public LedgerFileWriter CreateWriter(LedgerFileContext context) => new GenericWriter(context);
}
