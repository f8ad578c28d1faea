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

    public void WriteTo(CsvWriter csv)
    {
        csv.WriteField(JournalId);
        csv.WriteField(LineNo, default, CultureInfo.InvariantCulture);
        csv.WriteDate(Date, DateFormat);
        csv.WriteField(AccountCode);
        csv.WriteField(AccountName);
        csv.WriteField(Description);
        csv.WriteNumber(Debit, CsvFiles.Dot);
        csv.WriteNumber(Credit, CsvFiles.Dot);
        csv.WriteField(TaxCode);
        csv.WriteNumber(TaxRate, CsvFiles.Dot);
        csv.WriteNumber(TaxAmount, CsvFiles.Dot);
        csv.WriteField(Currency);
        csv.WriteNumber(FxRate, CsvFiles.Dot);
        csv.WriteField(Reference);
        csv.WriteField(SaleId);
        csv.WriteField(Store);
        csv.WriteField(Terminal);
    }
}

/// <summary>
/// PosBridge's generic CSV: UTF-8, comma, '.' decimals, CRLF, each line debit-only or credit-only. One file
/// with no size limit, so each line's row is written as soon as it is made, never gathered in a list.
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
        var lines = journal.Lines;
        for (var i = 0; i < lines.Count; i++)
        {
            RowOf(journal, lines[i], Context.ExchangeRate).WriteTo(_csv);
            _csv.EndRecord();
        }
    }

    public override IReadOnlyList<string> Complete()
    {
        _csv.Dispose();
        return [_path];
    }

    protected override void Dispose(bool disposing) => _csv.Dispose();

    /// <summary>The rows a journal is written as (the benchmark prepares them to time CsvHelper alone).</summary>
    internal static void AddRows(Journal journal, decimal exchangeRate, List<GenericRow> rows)
    {
        foreach (var line in journal.Lines)
        {
            rows.Add(RowOf(journal, line, exchangeRate));
        }
    }

    private static GenericRow RowOf(Journal journal, JournalLine line, decimal exchangeRate)
    {
        var decimals = journal.Currency.MinorUnits;
        return new GenericRow
        {
            JournalId = journal.Id,
            LineNo = line.LineNo,
            Date = journal.Date,
            AccountCode = line.Account.Code,
            AccountName = line.Account.Name,
            Description = line.Description,
            Debit = CsvFiles.FixedOrNull(line.Debit, decimals),
            Credit = CsvFiles.FixedOrNull(line.Credit, decimals),
            TaxCode = line.Tax?.Code ?? string.Empty,
            TaxRate = line.Tax is { TaxId.Length: > 0 } tax ? tax.Rate : null,
            TaxAmount = line.Kind == JournalLineKind.OutputTax ? CsvFiles.Fixed(-line.Amount, decimals) : null,
            Currency = journal.Currency.Code,
            FxRate = exchangeRate,
            Reference = journal.Reference,
            SaleId = SaleIdText(journal, line),
            Store = journal.StoreId,
            Terminal = line.TillId ?? string.Empty,
        };
    }

    /// <summary>A per-sale journal's id is its sale id as text already; reuse it rather than format it per line.</summary>
    private static string SaleIdText(Journal journal, JournalLine line) =>
        line.SaleId is not { } id ? string.Empty
        : journal.Sale?.Id == id ? journal.Id
        : id.ToString("D");
}
