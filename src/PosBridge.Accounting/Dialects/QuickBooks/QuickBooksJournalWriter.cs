using CsvHelper;
using PosBridge.Accounting.Journals;

namespace PosBridge.Accounting.Dialects.QuickBooks;

/// <summary>A row of QuickBooks Online's journal entry import. The date format is the company region's.</summary>
internal sealed record QuickBooksJournalRow : ICsvRow<QuickBooksJournalRow>
{
    public static IReadOnlyList<string> Header { get; } = ["Journal No.", "Journal Date", "Account Name", "Description", "Debits", "Credits", "Name"];

    public string JournalNo { get; init; } = string.Empty;

    /// <summary>Already in the region's format ("MM/dd/yyyy" in the US).</summary>
    public string JournalDate { get; init; } = string.Empty;

    public string AccountName { get; init; } = string.Empty;

    public string Description { get; init; } = string.Empty;

    public decimal? Debits { get; init; }

    public decimal? Credits { get; init; }

    public string Name { get; init; } = string.Empty;

    public static QuickBooksJournalRow Read(CsvReader csv) => new()
    {
        JournalNo = csv.GetString(0),
        JournalDate = csv.GetString(1),
        AccountName = csv.GetString(2),
        Description = csv.GetString(3),
        Debits = csv.ReadNumberOrNull(4, CsvFiles.Dot),
        Credits = csv.ReadNumberOrNull(5, CsvFiles.Dot),
        Name = csv.GetString(6),
    };

    public void WriteTo(CsvWriter csv)
    {
        csv.WriteField(JournalNo);
        csv.WriteField(JournalDate);
        csv.WriteField(AccountName);
        csv.WriteField(Description);
        csv.WriteNumber(Debits, CsvFiles.Dot);
        csv.WriteNumber(Credits, CsvFiles.Dot);
        csv.WriteField(Name);
    }
}

/// <summary>
/// QuickBooks Online journal entries: rows sharing a Journal No. are one entry; accounts by name
/// ("Parent:Sub" for sub-accounts); the date in the company's region format; Name (the customer) on
/// receivable lines. QuickBooks keeps 21 characters of a journal number, and a till's sale number
/// (<c>STORE-TILL-NNNN-NNNNNN</c>) is longer as soon as store and till ids pass 8 characters together, so a
/// longer reference is shortened deterministically (<see cref="ShortReferences"/>); every line's Description,
/// QuickBooks' memo, carries the full sale number and the sale id.
/// </summary>
internal sealed class QuickBooksJournalWriter(LedgerFileContext context) : RowFileWriter<QuickBooksJournalRow>(context)
{
    /// <summary>QuickBooks cuts a journal number at 21 characters; a cut number could join two journals.</summary>
    public const int MaxJournalNumber = 21;

    private readonly string _dateFormat = context.Options.DateFormat ?? "MM/dd/yyyy";
    private readonly Dictionary<string, string> _numbers = new(StringComparer.Ordinal);

    protected override void AddRows(Journal journal, List<QuickBooksJournalRow> rows)
    {
        var number = ShortReferences.Fit(journal.Reference, MaxJournalNumber, _numbers, "journal number");
        var decimals = journal.Currency.MinorUnits;
        var date = journal.Date.ToString(_dateFormat, System.Globalization.CultureInfo.InvariantCulture);
        foreach (var line in journal.Lines)
        {
            rows.Add(new QuickBooksJournalRow
            {
                JournalNo = number,
                JournalDate = date,
                AccountName = line.Account.Name,
                Description = Memo(line, journal),
                Debits = CsvFiles.FixedOrNull(line.Debit, decimals),
                Credits = CsvFiles.FixedOrNull(line.Credit, decimals),
                Name = line.ContactName ?? string.Empty,
            });
        }
    }
}
