using PosBridge.Accounting.Accounts;
using PosBridge.Accounting.Setup;
using PosBridge.Core.Adapters;

namespace PosBridge.Accounting.Dialects;

/// <summary>
/// The ledger software a file is written for: its name in configuration, what its files can hold, the settings it
/// needs and the writer of its files. Everything that differs between dialects lives in its one class, so a new
/// dialect is a class and a line in <see cref="LedgerDialects.All"/>.
/// </summary>
internal interface ILedgerDialect
{
    /// <summary>The name users write in configuration (<c>Dialect: xero-journals</c>) and in file names.</summary>
    string Name { get; }

    /// <summary>
    /// Whether the file has a currency column, so a store selling in another currency than the ledger's can be
    /// written. Without one, converting each line would round it and the journal would no longer balance.
    /// </summary>
    bool CarriesCurrency => false;

    /// <summary>Whether the ledger finds accounts by name (QuickBooks, Zoho), so every account needs one.</summary>
    bool ImportsAccountsByName => false;

    /// <summary>
    /// The name of the ledger's own receivable account when the ledger has a system one named by region and
    /// configuration names none (QuickBooks): the region's name, or null after adding the message that says what to
    /// set. A dialect that finds the account by its code returns null and adds nothing.
    /// </summary>
    string? ReceivableName(string at, string receivableCode, string? region, List<string> errors) => null;

    /// <summary>
    /// An example of the rate name the ledger needs on lines without tax, for the message when none is set; null
    /// when the dialect needs none.
    /// </summary>
    string? NonTaxCodeExample => null;

    /// <summary>The region's no-tax code for the dialect, or null when the dialect has none or the region gives none.</summary>
    string? NonTaxCode(string? region) => null;

    /// <summary>Adds one message per ledger setting the dialect cannot take, each naming its configuration path under <paramref name="at"/>.</summary>
    void Validate(string at, LedgerOptions ledger, string? storeCurrency, string? baseCurrency, AccountMap? map, List<string> errors)
    {
    }

    /// <summary>Why the dialect cannot hold the period in one export, or null when it can.</summary>
    string? CheckPeriod(LedgerPeriod period, LedgerOptions options) => null;

    /// <summary>The file name stem, the same on every re-export of the period.</summary>
    string FileStem(LedgerPeriod period) => $"{Name}_{period.StoreId}_{period.From:yyyyMMdd}_{period.To:yyyyMMdd}";

    /// <summary>A writer of the period's files in this dialect.</summary>
    LedgerFileWriter CreateWriter(LedgerFileContext context);
}

/// <summary>Every dialect PosBridge writes, found by the name configuration gives.</summary>
internal static class LedgerDialects
{
    /// <summary>In the order messages list them.</summary>
    public static IReadOnlyList<ILedgerDialect> All { get; } =
    [
        new Generic.GenericDialect(),
        new Xero.XeroJournalsDialect(),
        new Xero.XeroInvoicesDialect(),
        new QuickBooks.QuickBooksDialect(),
        new Sage.SageCloudDialect(),
        new Sage.Sage50Dialect(),
        new Datev.DatevDialect(),
        new Zoho.ZohoDialect(),
    ];

    /// <summary>The dialect assumed while checking a ledger whose dialect is unknown, so its other failures are still named.</summary>
    public static ILedgerDialect Generic => All[0];

    public static IEnumerable<string> KnownNames => All.Select(d => d.Name);

    public static bool TryParse(string? name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ILedgerDialect? dialect)
    {
        dialect = All.FirstOrDefault(d => string.Equals(d.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase));
        return dialect is not null;
    }

    /// <exception cref="ArgumentException">The name is not a dialect; the message lists the known ones.</exception>
    public static ILedgerDialect Parse(string? name) =>
        TryParse(name, out var dialect)
            ? dialect
            : throw new ArgumentException($"'{name}' is not a ledger dialect; use one of {string.Join(", ", KnownNames)}.", nameof(name));
}
