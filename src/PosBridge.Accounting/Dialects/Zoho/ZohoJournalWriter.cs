using CsvHelper;
using PosBridge.Accounting.Journals;

namespace PosBridge.Accounting.Dialects.Zoho;

/// <summary>
/// A row of a Zoho Books journal import, in the columns of Zoho's own journal import template: header values
/// (date, reference, notes, status) repeat on each line of a journal.
/// </summary>
internal sealed record ZohoJournalRow : ICsvRow<ZohoJournalRow>
{
    private const string DateFormat = "yyyy-MM-dd";

    public static IReadOnlyList<string> Header { get; } =
    [
        "Journal Date", "Reference Number", "Journal Number Prefix", "Journal Number Suffix", "Notes", "Journal Type",
        "Currency", "Account", "Description", "Contact Name", "Debit", "Credit", "Project Name", "Status", "Exchange Rate",
    ];

    public DateOnly JournalDate { get; init; }

    public string ReferenceNumber { get; init; } = string.Empty;

    public string JournalNumberPrefix { get; init; } = string.Empty;

    public string JournalNumberSuffix { get; init; } = string.Empty;

    public string Notes { get; init; } = string.Empty;

    public string JournalType { get; init; } = string.Empty;

    public string Currency { get; init; } = string.Empty;

    public string Account { get; init; } = string.Empty;

    public string Description { get; init; } = string.Empty;

    public string ContactName { get; init; } = string.Empty;

    public decimal? Debit { get; init; }

    public decimal? Credit { get; init; }

    public string ProjectName { get; init; } = string.Empty;

    public string Status { get; init; } = string.Empty;

    public decimal ExchangeRate { get; init; }

    public static ZohoJournalRow Read(CsvReader csv) => new()
    {
        JournalDate = csv.ReadDate(0, DateFormat),
        ReferenceNumber = csv.GetString(1),
        JournalNumberPrefix = csv.GetString(2),
        JournalNumberSuffix = csv.GetString(3),
        Notes = csv.GetString(4),
        JournalType = csv.GetString(5),
        Currency = csv.GetString(6),
        Account = csv.GetString(7),
        Description = csv.GetString(8),
        ContactName = csv.GetString(9),
        Debit = csv.ReadNumberOrNull(10, CsvFiles.Dot),
        Credit = csv.ReadNumberOrNull(11, CsvFiles.Dot),
        ProjectName = csv.GetString(12),
        Status = csv.GetString(13),
        ExchangeRate = csv.ReadNumber(14, CsvFiles.Dot),
    };

    public void WriteTo(CsvWriter csv)
    {
        csv.WriteDate(JournalDate, DateFormat);
        csv.WriteField(ReferenceNumber);
        csv.WriteField(JournalNumberPrefix);
        csv.WriteField(JournalNumberSuffix);
        csv.WriteField(Notes);
        csv.WriteField(JournalType);
        csv.WriteField(Currency);
        csv.WriteField(Account);
        csv.WriteField(Description);
        csv.WriteField(ContactName);
        csv.WriteNumber(Debit, CsvFiles.Dot);
        csv.WriteNumber(Credit, CsvFiles.Dot);
        csv.WriteField(ProjectName);
        csv.WriteField(Status);
        csv.WriteNumber(ExchangeRate, CsvFiles.Dot);
    }
}

/// <summary>
/// Zoho Books journals, in the column names of Zoho's journal import template (as public files written for
/// it repeat them; not checked against a live Zoho organisation): accounts by name, the sale id in Reference
/// Number, the sale number and id in Notes, the journal number as <see cref="JournalNumber"/> says and the
/// type "both" (accrual and cash), Status "Published" so the
/// journals post as imported. Output tax is its own
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

    /// <summary>Zoho's reporting method for a journal: "both" posts it to accrual and cash reports alike.</summary>
    public const string JournalType = "both";

    /// <summary>
    /// Zoho's journal number is a prefix and a numeric suffix: the sale number's last group of digits is the
    /// suffix and the rest (store, till, shift) the prefix, so <c>CAI1-T1-0001-000042</c> stays that number in
    /// Zoho; a reference not ending in digits (a day summary, a fee) keeps it whole as the prefix with suffix 1.
    /// </summary>
    internal static (string Prefix, string Suffix) JournalNumber(string reference)
    {
        var digits = reference.Length;
        while (digits > 0 && char.IsAsciiDigit(reference[digits - 1]))
        {
            digits--;
        }

        return digits < reference.Length && digits > 0
            ? (reference[..digits], reference[digits..])
            : (reference + "-", "1");
    }

    protected override void AddRows(Journal journal, List<ZohoJournalRow> rows)
    {
        var (prefix, suffix) = JournalNumber(journal.Reference);
        var decimals = journal.Currency.MinorUnits;
        foreach (var line in journal.Lines)
        {
            rows.Add(new ZohoJournalRow
            {
                JournalDate = journal.Date,
                ReferenceNumber = journal.Id,
                Notes = journal.Narration,
                JournalNumberPrefix = prefix,
                JournalNumberSuffix = suffix,
                JournalType = JournalType,
                Account = line.Account.Name,
                Description = line.Description,
                ContactName = line.ContactName ?? string.Empty,
                Debit = CsvFiles.FixedOrNull(line.Debit, decimals),
                Credit = CsvFiles.FixedOrNull(line.Credit, decimals),
                Currency = journal.Currency.Code,
                Status = "Published",
                ExchangeRate = Context.ExchangeRate,
            });
        }
    }
}
