using CsvHelper;
using PosBridge.Accounting.Journals;

namespace PosBridge.Accounting.Dialects.Xero;

/// <summary>A row of Xero's manual journal import template; required columns are headed with a <c>*</c>, as in Xero's own template.</summary>
internal sealed record XeroJournalRow : ICsvRow<XeroJournalRow>
{
    private const string DateFormat = "dd/MM/yyyy";

    public static IReadOnlyList<string> Header { get; } =
    [
        "*Narration", "*Date", "Description", "*AccountCode", "*TaxRate", "*Amount",
        "TrackingName1", "TrackingOption1", "TrackingName2", "TrackingOption2",
    ];

    public string Narration { get; init; } = string.Empty;

    public DateOnly Date { get; init; }

    public string Description { get; init; } = string.Empty;

    public string AccountCode { get; init; } = string.Empty;

    public string TaxRate { get; init; } = string.Empty;

    public decimal Amount { get; init; }

    public string TrackingName1 { get; init; } = string.Empty;

    public string TrackingOption1 { get; init; } = string.Empty;

    public string TrackingName2 { get; init; } = string.Empty;

    public string TrackingOption2 { get; init; } = string.Empty;

    public static XeroJournalRow Read(CsvReader csv) => new()
    {
        Narration = csv.GetString(0),
        Date = csv.ReadDate(1, DateFormat),
        Description = csv.GetString(2),
        AccountCode = csv.GetString(3),
        TaxRate = csv.GetString(4),
        Amount = csv.ReadNumber(5, CsvFiles.Dot),
        TrackingName1 = csv.GetString(6),
        TrackingOption1 = csv.GetString(7),
        TrackingName2 = csv.GetString(8),
        TrackingOption2 = csv.GetString(9),
    };

    public void WriteTo(CsvWriter csv)
    {
        csv.WriteField(Narration);
        csv.WriteDate(Date, DateFormat);
        csv.WriteField(Description);
        csv.WriteField(AccountCode);
        csv.WriteField(TaxRate);
        csv.WriteNumber(Amount, CsvFiles.Dot);
        csv.WriteField(TrackingName1);
        csv.WriteField(TrackingOption1);
        csv.WriteField(TrackingName2);
        csv.WriteField(TrackingOption2);
    }
}

/// <summary>
/// Xero manual journals: rows with the same Narration and Date are one journal; Amount is signed (debit
/// positive). Xero takes at most 300 lines a file, so the export is split into numbered files and a
/// journal is never cut across two. The output tax is booked on its own line and every line carries the
/// no-tax rate, because a tax rate on a revenue line would make Xero compute the tax again, per line,
/// and drift from the receipts.
/// </summary>
internal sealed class XeroJournalWriter(LedgerFileContext context) : RowFileWriter<XeroJournalRow>(context, MaxLinesPerFile)
{
    public const int MaxLinesPerFile = 300;

    protected override void AddRows(Journal journal, List<XeroJournalRow> rows)
    {
        var decimals = journal.Currency.MinorUnits;
        foreach (var line in journal.Lines)
        {
            rows.Add(new XeroJournalRow
            {
                Narration = journal.Narration,
                Date = journal.Date,
                Description = line.Description,
                AccountCode = line.Account.Code,
                TaxRate = Context.Map.NonTaxCode,
                Amount = CsvFiles.Fixed(line.Amount, decimals),
                TrackingName1 = Context.Options.XeroTrackingCategory ?? string.Empty,
                TrackingOption1 = Context.Options.XeroTrackingCategory is null ? string.Empty : journal.StoreId,
            });
        }
    }
}
