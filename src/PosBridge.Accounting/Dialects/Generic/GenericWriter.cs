using System.Globalization;
using CsvHelper;
using PosBridge.Accounting.Journals;

namespace PosBridge.Accounting.Dialects.Generic;

/// <summary>
/// One line of PosBridge's own double-entry CSV (documented in the project README). A struct: millions are
/// made per export and each lives only until it is written.
/// </summary>
internal readonly record struct GenericRow : ICsvRow<GenericRow>
{
    private const string DateFormat = "yyyy-MM-dd";

    public static IReadOnlyList<string> Header { get; } =
    [
        "journal_id", "line_no", "date", "account_code", "account_name", "description", "debit", "credit", "tax_code",
        "tax_rate", "tax_amount", "currency", "fx_rate", "reference", "sale_id", "store", "terminal",
    ];

    public GenericRow()
    {
    }

    public string JournalId { get; init; } = string.Empty;

    public int LineNo { get; init; }

    public DateOnly Date { get; init; }

    public string AccountCode { get; init; } = string.Empty;

    public string AccountName { get; init; } = string.Empty;

    public string Description { get; init; } = string.Empty;

    public decimal? Debit { get; init; }

    public decimal? Credit { get; init; }

    public string TaxCode { get; init; } = string.Empty;

    public decimal? TaxRate { get; init; }

    public decimal? TaxAmount { get; init; }

    public string Currency { get; init; } = string.Empty;

    public decimal FxRate { get; init; }

    public string Reference { get; init; } = string.Empty;

    public string SaleId { get; init; } = string.Empty;

    public string Store { get; init; } = string.Empty;

    public string Terminal { get; init; } = string.Empty;

    public static GenericRow Read(CsvReader csv) => new()
    {
        JournalId = csv.GetString(0),
        LineNo = int.Parse(csv.GetString(1), CultureInfo.InvariantCulture),
        Date = csv.ReadDate(2, DateFormat),
        AccountCode = csv.GetString(3),
        AccountName = csv.GetString(4),
        Description = csv.GetString(5),
        Debit = csv.ReadNumberOrNull(6, CsvFiles.Dot),
        Credit = csv.ReadNumberOrNull(7, CsvFiles.Dot),
        TaxCode = csv.GetString(8),
        TaxRate = csv.ReadNumberOrNull(9, CsvFiles.Dot),
        TaxAmount = csv.ReadNumberOrNull(10, CsvFiles.Dot),
        Currency = csv.GetString(11),
        FxRate = csv.ReadNumber(12, CsvFiles.Dot),
        Reference = csv.GetString(13),
        SaleId = csv.GetString(14),
        Store = csv.GetString(15),
        Terminal = csv.GetString(16),
    };

    public void WriteTo(CsvWriter csv) => Write(
        csv, JournalId, LineNo, Date, AccountCode, AccountName, Description, Debit, Credit, TaxCode, TaxRate, TaxAmount,
        Currency, FxRate, Reference, SaleId, Store, Terminal);

    /// <summary>
    /// The one place the columns are written, in order and with their formats: by a row, and by the writer
    /// straight from a journal line (an export writes millions, so it makes no row in between).
    /// </summary>
    internal static void Write(
        CsvWriter csv,
        string journalId,
        int lineNo,
        DateOnly date,
        string accountCode,
        string accountName,
        string description,
        decimal? debit,
        decimal? credit,
        string taxCode,
        decimal? taxRate,
        decimal? taxAmount,
        string currency,
        decimal fxRate,
        string reference,
        string saleId,
        string store,
        string terminal)
    {
        csv.WriteField(journalId);
        csv.WriteField(lineNo, default, CultureInfo.InvariantCulture);
        csv.WriteDate(date, DateFormat);
        csv.WriteField(accountCode);
        csv.WriteField(accountName);
        csv.WriteField(description);
        csv.WriteNumber(debit, CsvFiles.Dot);
        csv.WriteNumber(credit, CsvFiles.Dot);
        csv.WriteField(taxCode);
        csv.WriteNumber(taxRate, CsvFiles.Dot);
        csv.WriteNumber(taxAmount, CsvFiles.Dot);
        csv.WriteField(currency);
        csv.WriteNumber(fxRate, CsvFiles.Dot);
        csv.WriteField(reference);
        csv.WriteField(saleId);
        csv.WriteField(store);
        csv.WriteField(terminal);
    }
}

/// <summary>
/// PosBridge's generic CSV: UTF-8, comma, '.' decimals, CRLF, each line debit-only or credit-only. One file
/// with no size limit, so journal lines are written straight to CsvHelper.
/// </summary>
internal sealed class GenericWriter : LedgerFileWriter
{
    private readonly string _path;
    private readonly CsvWriter _csv;

    public GenericWriter(LedgerFileContext context)
        : base(context)
    {
        _path = PathFor();
        _csv = CsvFiles.OpenWriter(_path, CsvFiles.Utf8);
        CsvFiles.WriteHeader(_csv, GenericRow.Header);
    }

    public override void Write(Journal journal)
    {
        var decimals = journal.Currency.MinorUnits;
        var lines = journal.Lines;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            GenericRow.Write(
                _csv,
                journal.Id,
                line.LineNo,
                journal.Date,
                line.Account.Code,
                line.Account.Name,
                line.Description,
                CsvFiles.FixedOrNull(line.Debit, decimals),
                CsvFiles.FixedOrNull(line.Credit, decimals),
                line.Tax?.Code ?? string.Empty,
                line.Tax is { TaxId.Length: > 0 } tax ? tax.Rate : null,
                line.Kind == JournalLineKind.OutputTax ? CsvFiles.Fixed(-line.Amount, decimals) : null,
                journal.Currency.Code,
                Context.ExchangeRate,
                journal.Reference,
                SaleIdText(journal, line),
                journal.StoreId,
                line.TillId ?? string.Empty);
            _csv.EndRecord();
        }
    }

    public override IReadOnlyList<string> Complete()
    {
        _csv.Dispose();
        return [_path];
    }

    protected override void Dispose(bool disposing) => _csv.Dispose();

    /// <summary>A per-sale journal's id is its sale id as text already; reuse it rather than format it per line.</summary>
    private static string SaleIdText(Journal journal, JournalLine line) =>
        line.SaleId is not { } id ? string.Empty
        : journal.Sale?.Id == id ? journal.Id
        : id.ToString("D");
}
