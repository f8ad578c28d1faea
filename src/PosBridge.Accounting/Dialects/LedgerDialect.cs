namespace PosBridge.Accounting.Dialects;

/// <summary>The ledger software a file is written for.</summary>
public enum LedgerDialect
{
    Generic,
    XeroJournals,
    XeroInvoices,
    QuickBooks,
    SageCloud,
    Sage50,
    Datev,
    Zoho,
}

/// <summary>Names used in configuration, and what each dialect can hold.</summary>
public static class LedgerDialects
{
    private static readonly (string Name, LedgerDialect Dialect)[] Names =
    [
        ("generic", LedgerDialect.Generic),
        ("xero-journals", LedgerDialect.XeroJournals),
        ("xero-invoices", LedgerDialect.XeroInvoices),
        ("quickbooks", LedgerDialect.QuickBooks),
        ("sage-cloud", LedgerDialect.SageCloud),
        ("sage50", LedgerDialect.Sage50),
        ("datev", LedgerDialect.Datev),
        ("zoho", LedgerDialect.Zoho),
    ];

    public static IEnumerable<string> KnownNames => Names.Select(n => n.Name);

    public static bool TryParse(string? name, out LedgerDialect dialect)
    {
        foreach (var (known, value) in Names)
        {
            if (string.Equals(known, name?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                dialect = value;
                return true;
            }
        }

        dialect = default;
        return false;
    }

    /// <exception cref="ArgumentException">The name is not a dialect; the message lists the known ones.</exception>
    public static LedgerDialect Parse(string? name) =>
        TryParse(name, out var dialect)
            ? dialect
            : throw new ArgumentException($"'{name}' is not a ledger dialect; use one of {string.Join(", ", KnownNames)}.", nameof(name));

    public static string NameOf(LedgerDialect dialect) => Names.First(n => n.Dialect == dialect).Name;

    /// <summary>
    /// Whether the file has a currency column, so a store selling in another currency than the ledger's can be
    /// written. Without one, converting each line would round it and the journal would no longer balance.
    /// </summary>
    public static bool CarriesCurrency(LedgerDialect dialect) =>
        dialect is LedgerDialect.Generic or LedgerDialect.XeroInvoices or LedgerDialect.Sage50 or LedgerDialect.Datev or LedgerDialect.Zoho;

    /// <summary>QuickBooks and Zoho find accounts by name, so every account needs one.</summary>
    internal static bool ImportsAccountsByName(LedgerDialect dialect) =>
        dialect is LedgerDialect.QuickBooks or LedgerDialect.Zoho;
}
