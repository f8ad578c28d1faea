using PosBridge.Accounting.Accounts;
using PosBridge.Accounting.Setup;

namespace PosBridge.Accounting.Dialects.Sage;

/// <summary>Sage 50's audit trail import: T-codes for tax, a currency column.</summary>
internal sealed class Sage50Dialect : ILedgerDialect
{
    public string Name => "sage50";

    public bool CarriesCurrency => true;

    public string? NonTaxCodeExample => "T9 in the UK";

    public string? NonTaxCode(string? region) => Regions.Sage50NonTaxCode(region);

    public void Validate(string at, LedgerOptions ledger, string? storeCurrency, string? baseCurrency, AccountMap? map, List<string> errors)
    {
        foreach (var (taxId, tax) in ledger.Taxes)
        {
            if (tax.Code is not { Length: 2 or 3 } code || code[0] != 'T' || !code[1..].All(char.IsAsciiDigit))
            {
                errors.Add($"{at}:Taxes:{taxId}:Code '{tax.Code}' is not a Sage 50 tax code (T0 to T99).");
            }
        }
    }

    public LedgerFileWriter CreateWriter(LedgerFileContext context) => new Sage50AuditTrailWriter(context);
}
