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

    /// <summary>The date column's text.</summary>
    internal static string DateText(DateOnly date) => date.ToString(DateFormat, CultureInfo.InvariantCulture);

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
    /// The columns in order with their formats, as a row writes them. <see cref="GenericWriter"/> writes the
    /// same texts straight from journal lines (no row in between), reusing the texts lines repeat; the golden
    /// files and the read-back tests hold the two to the same bytes.
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

    // Texts every line of an export repeats, formatted once (the same text the row's own writer makes): an
    // export writes millions of lines over a handful of days, one exchange rate and a few tax rates.
    private readonly string _fxRate;
    private readonly List<(JournalTax Tax, string Rate)> _rates = new(4);
    private DateOnly _day;
    private string _dayText = string.Empty;

    public GenericWriter(LedgerFileContext context)
        : base(context)
    {
        _path = PathFor();
        _csv = CsvFiles.OpenWriter(_path, CsvFiles.Utf8);
        CsvFiles.WriteHeader(_csv, GenericRow.Header);
        _fxRate = context.ExchangeRate.ToString(CsvFiles.Dot);
    }

    public override void Write(Journal journal)
    {
        var decimals = journal.Currency.MinorUnits;
        if (journal.Date != _day || _dayText.Length == 0)
        {
            _day = journal.Date;
            _dayText = GenericRow.DateText(journal.Date);
        }

        var currency = journal.Currency.Code;
        var lines = journal.Lines;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var tax = line.Tax;
            _csv.WriteField(journal.Id);
            _csv.WriteField(line.LineNo, default, CultureInfo.InvariantCulture);
            _csv.WriteField(_dayText);
            _csv.WriteField(line.Account.Code);
            _csv.WriteField(line.Account.Name);
            _csv.WriteField(line.Description);
            _csv.WriteNumber(CsvFiles.FixedOrNull(line.Debit, decimals), CsvFiles.Dot);
            _csv.WriteNumber(CsvFiles.FixedOrNull(line.Credit, decimals), CsvFiles.Dot);
            _csv.WriteField(tax?.Code ?? string.Empty);
            _csv.WriteField(tax is { TaxId.Length: > 0 } ? RateText(tax) : string.Empty);
            _csv.WriteNumber(line.Kind == JournalLineKind.OutputTax ? CsvFiles.Fixed(-line.Amount, decimals) : null, CsvFiles.Dot);
            _csv.WriteField(currency);
            _csv.WriteField(_fxRate);
            _csv.WriteField(journal.Reference);
            _csv.WriteField(SaleIdText(journal, line));
            _csv.WriteField(journal.StoreId);
            _csv.WriteField(line.TillId ?? string.Empty);
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

    private string RateText(JournalTax tax)
    {
        for (var i = 0; i < _rates.Count; i++)
        {
            if (ReferenceEquals(_rates[i].Tax, tax))
            {
                return _rates[i].Rate;
            }
        }

        var text = tax.Rate.ToString(CsvFiles.Dot);
        _rates.Add((tax, text));
        return text;
    }
}
