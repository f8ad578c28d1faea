using CsvHelper;
using PosBridge.Accounting.Journals;

namespace PosBridge.Accounting.Dialects.Sage;

/// <summary>A row of Sage Business Cloud Accounting's journal import.</summary>
internal sealed record SageCloudJournalRow : ICsvRow<SageCloudJournalRow>
{
    private const string DateFormat = "dd/MM/yyyy";

    public static IReadOnlyList<string> Header { get; } = ["Reference", "Date", "Description", "Ledger Account Number", "Details", "Debit", "Credit"];

    public string Reference { get; init; } = string.Empty;

    public DateOnly Date { get; init; }

    public string Description { get; init; } = string.Empty;

    public string LedgerAccountNumber { get; init; } = string.Empty;

    public string Details { get; init; } = string.Empty;

    public decimal? Debit { get; init; }

    public decimal? Credit { get; init; }

    public static SageCloudJournalRow Read(CsvReader csv) => new()
    {
        Reference = csv.GetString(0),
        Date = csv.ReadDate(1, DateFormat),
        Description = csv.GetString(2),
        LedgerAccountNumber = csv.GetString(3),
        Details = csv.GetString(4),
        Debit = csv.ReadNumberOrNull(5, CsvFiles.Dot),
        Credit = csv.ReadNumberOrNull(6, CsvFiles.Dot),
    };

    public void WriteTo(CsvWriter csv)
    {
        csv.WriteField(Reference);
        csv.WriteDate(Date, DateFormat);
        csv.WriteField(Description);
        csv.WriteField(LedgerAccountNumber);
        csv.WriteField(Details);
        csv.WriteNumber(Debit, CsvFiles.Dot);
        csv.WriteNumber(Credit, CsvFiles.Dot);
    }
}

/// <summary>
/// Sage Business Cloud journals: a new journal starts where Reference changes, so each journal's rows are
/// written together and references are unique (sale numbers, or store and day; one longer than Sage's 75 characters is
/// shortened as <see cref="ShortReferences"/> says). Details say what the line is, with the sale number and id.
/// </summary>
internal sealed class SageCloudJournalWriter(LedgerFileContext context) : RowFileWriter<SageCloudJournalRow>(context)
{
    public const int MaxReference = 75;

    private readonly Dictionary<string, string> _references = new(StringComparer.Ordinal);

    protected override void AddRows(Journal journal, List<SageCloudJournalRow> rows)
    {
        var reference = ShortReferences.Fit(journal.Reference, MaxReference, _references, "Reference");

        var decimals = journal.Currency.MinorUnits;
        foreach (var line in journal.Lines)
        {
            rows.Add(new SageCloudJournalRow
            {
                Reference = reference,
                Date = journal.Date,
                Description = journal.Narration,
                LedgerAccountNumber = line.Account.Code,
                Details = Memo(line, journal),
                Debit = CsvFiles.FixedOrNull(line.Debit, decimals),
                Credit = CsvFiles.FixedOrNull(line.Credit, decimals),
            });
        }
    }
}
