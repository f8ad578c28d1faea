using CsvHelper;
using PosBridge.Accounting.Journals;

namespace PosBridge.Accounting.Dialects.Zoho;

/// <summary>A row of a Zoho Books journal import (Zoho maps columns at import; these are our names).</summary>
internal sealed record ZohoJournalRow : ICsvRow<ZohoJournalRow>
{
    private const string DateFormat = "yyyy-MM-dd";

    public static IReadOnlyList<string> Header { get; } =
    [
        "Journal Date", "Journal Number", "Reference Number", "Notes", "Account", "Description", "Contact Name",
        "Debit", "Credit", "Tax Name", "Currency", "Exchange Rate",
    ];

    public DateOnly JournalDate { get; init; }

    public string JournalNumber { get; init; } = string.Empty;

    public string ReferenceNumber { get; init; } = string.Empty;

    public string Notes { get; init; } = string.Empty;

    public string Account { get; init; } = string.Empty;

    public string Description { get; init; } = string.Empty;

    public string ContactName { get; init; } = string.Empty;

    public decimal? Debit { get; init; }

    public decimal? Credit { get; init; }

    public string TaxName { get; init; } = string.Empty;

    public string Currency { get; init; } = string.Empty;

    public decimal ExchangeRate { get; init; }

    public static ZohoJournalRow Read(CsvReader csv) => new()
    {
        JournalDate = csv.ReadDate(0, DateFormat),
        JournalNumber = csv.GetString(1),
        ReferenceNumber = csv.GetString(2),
        Notes = csv.GetString(3),
        Account = csv.GetString(4),
        Description = csv.GetString(5),
        ContactName = csv.GetString(6),
        Debit = csv.ReadNumberOrNull(7, CsvFiles.Dot),
        Credit = csv.ReadNumberOrNull(8, CsvFiles.Dot),
        TaxName = csv.GetString(9),
        Currency = csv.GetString(10),
        ExchangeRate = csv.ReadNumber(11, CsvFiles.Dot),
    };

    public void WriteTo(CsvWriter csv)
    {
        csv.WriteDate(JournalDate, DateFormat);
        csv.WriteField(JournalNumber);
        csv.WriteField(ReferenceNumber);
        csv.WriteField(Notes);
        csv.WriteField(Account);
        csv.WriteField(Description);
        csv.WriteField(ContactName);
        csv.WriteNumber(Debit, CsvFiles.Dot);
        csv.WriteNumber(Credit, CsvFiles.Dot);
        csv.WriteField(TaxName);
        csv.WriteField(Currency);
        csv.WriteNumber(ExchangeRate, CsvFiles.Dot);
    }
}

/// <summary>
/// Zoho Books journals. Zoho maps columns at import, so the header names are ours and still to be checked
/// against a Zoho sample file; accounts by name, the sale id in Reference Number. Output tax is its own
/// line with no tax name on any line, so Zoho does not compute the tax a second time. Zoho takes files up
/// to 10 MB; a longer period must be exported in parts.
/// </summary>
internal sealed class ZohoJournalWriter(LedgerFileContext context) : RowFileWriter<ZohoJournalRow>(context)
{
    /// <summary>Zoho refuses files over 10 MB.</summary>
    public const long MaxFileBytes = 10L * 1024 * 1024;

    public override IReadOnlyList<string> Complete()
    {
        var files = base.Complete();
        var size = new FileInfo(files[0]).Length;
        return size <= MaxFileBytes
            ? files
            : throw new JournalRefusedException($"The file would be {size / 1024 / 1024} MB, over Zoho's 10 MB import limit; export a shorter period.");
    }

    protected override void AddRows(Journal journal, List<ZohoJournalRow> rows)
    {
        var decimals = journal.Currency.MinorUnits;
        foreach (var line in journal.Lines)
        {
            rows.Add(new ZohoJournalRow
            {
                JournalDate = journal.Date,
                JournalNumber = journal.Reference,
                ReferenceNumber = journal.Id,
                Notes = journal.Narration,
                Account = line.Account.Name,
                Description = line.Description,
                ContactName = line.ContactName ?? string.Empty,
                Debit = CsvFiles.FixedOrNull(line.Debit, decimals),
                Credit = CsvFiles.FixedOrNull(line.Credit, decimals),
                Currency = journal.Currency.Code,
                ExchangeRate = Context.ExchangeRate,
            });
        }
    }
}
