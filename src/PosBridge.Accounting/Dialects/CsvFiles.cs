using System.Globalization;
using System.Text;
using CsvHelper;
using PosBridge.Accounting.Journals;

namespace PosBridge.Accounting.Dialects;

/// <summary>
/// A dialect's row: it writes its own fields in column order with the dialect's formats, and reads
/// itself back from a file (the "second map" every dialect's tests read their files with).
/// </summary>
internal interface ICsvRow<TSelf>
    where TSelf : ICsvRow<TSelf>
{
    static abstract IReadOnlyList<string> Header { get; }

    static abstract TSelf Read(CsvReader csv);

    void WriteTo(CsvWriter csv);
}

/// <summary>How the dialects open files and format numbers, so each states only what differs.</summary>
internal static class CsvFiles
{
    private static readonly decimal[] OneWithScale = [1m, 1.0m, 1.00m, 1.000m, 1.0000m];

    /// <summary>UTF-8 with no byte-order mark; throws rather than write a replacement character.</summary>
    public static Encoding Utf8 { get; } = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>'.' decimals and no grouping, whatever the machine's culture.</summary>
    public static CultureInfo Dot { get; } = NumberCulture(".");

    /// <summary>A culture with only what the dialect's numbers need: '.' or ',' decimals, no grouping.</summary>
    public static CultureInfo NumberCulture(string decimalSeparator)
    {
        var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        culture.NumberFormat.NumberDecimalSeparator = decimalSeparator;
        culture.NumberFormat.NumberGroupSeparator = string.Empty;
        return CultureInfo.ReadOnly(culture);
    }

    /// <summary>RFC 4180 with CRLF; quotes only where a field needs them, no formula escaping (it would change amounts).</summary>
    public static CsvWriter OpenWriter(string path, Encoding encoding, char separator = ',', bool sameFieldCount = true)
    {
        var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        var options = new CsvWriterOptions
        {
            Separator = separator,
            NewLine = "\r\n",
            Quoting = CsvQuoting.WhenNeeded,
            Injection = CsvInjection.None,
            ValidateFieldCount = sameFieldCount,
        };
        return CsvWriter.Create(new StreamWriter(stream, encoding, 1 << 16), options, leaveOpen: false);
    }

    /// <summary>Reads strictly: a malformed record or a wrong field count is an exception, not a guess.</summary>
    public static CsvReader OpenReader(string path, Encoding encoding, char separator = ',') =>
        CsvReader.Create(
            new StreamReader(path, encoding, detectEncodingFromByteOrderMarks: false),
            new CsvReaderOptions
            {
                Separator = separator,
                HasHeader = true,
                MalformedData = CsvMalformedDataHandling.Throw,
                FieldCountMismatch = CsvFieldCountHandling.Throw,
                MissingField = CsvMissingFieldHandling.Throw,
            },
            leaveOpen: false);

    /// <summary>Reads every row of a dialect's file, checking the header is the dialect's, column for column.</summary>
    public static IReadOnlyList<TRow> ReadAll<TRow>(string path, Encoding encoding, char separator = ',')
        where TRow : ICsvRow<TRow>
    {
        using var csv = OpenReader(path, encoding, separator);
        var rows = new List<TRow>();
        var checkedHeader = false;
        while (csv.Read())
        {
            if (!checkedHeader)
            {
                if (!csv.Headers.SequenceEqual(TRow.Header))
                {
                    throw new FormatException($"The header is '{string.Join(separator, csv.Headers)}', not '{string.Join(separator, TRow.Header)}'.");
                }

                checkedHeader = true;
            }

            rows.Add(TRow.Read(csv));
        }

        return rows;
    }

    public static void WriteHeader(CsvWriter csv, IReadOnlyList<string> header)
    {
        foreach (var name in header)
        {
            csv.WriteField(name);
        }

        csv.EndRecord();
    }

    /// <summary>The amount with exactly <paramref name="decimals"/> digits, so 12.5 EGP prints "12.50".</summary>
    public static decimal Fixed(decimal amount, int decimals) =>
        amount.Scale == decimals ? amount : decimal.Round(amount * OneWithScale[decimals], decimals, MidpointRounding.AwayFromZero);

    /// <summary>The amount or null for zero, for dialects whose debit or credit cell stays empty.</summary>
    public static decimal? FixedOrNull(decimal amount, int decimals) => amount == 0m ? null : Fixed(amount, decimals);

    public static void WriteNumber(this CsvWriter csv, decimal? value, CultureInfo culture)
    {
        if (value is { } v)
        {
            csv.WriteField(v, default, culture);
        }
        else
        {
            csv.WriteField(string.Empty);
        }
    }

    public static void WriteDate(this CsvWriter csv, DateOnly date, string format) =>
        csv.WriteField(date.ToString(format, CultureInfo.InvariantCulture));

    public static decimal? ReadNumberOrNull(this CsvReader csv, int index, CultureInfo culture) =>
        csv.IsEmpty(index) ? null : decimal.Parse(csv.GetString(index), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, culture);

    public static decimal ReadNumber(this CsvReader csv, int index, CultureInfo culture) =>
        csv.ReadNumberOrNull(index, culture) ?? throw new FormatException($"Field {index + 1} of row {csv.RowNumber} is empty; a number belongs there.");

    public static DateOnly ReadDate(this CsvReader csv, int index, string format) =>
        DateOnly.ParseExact(csv.GetString(index), format, CultureInfo.InvariantCulture);
}

/// <summary>
/// A dialect whose journals are rows of one record type: the rows are made per journal, a journal is never
/// split across files, and files are numbered when the software limits rows or documents per file.
/// </summary>
internal abstract class RowFileWriter<TRow> : LedgerFileWriter
    where TRow : ICsvRow<TRow>
{
    private readonly List<TRow> _rows = new(16);
    private readonly List<string> _files = [];
    private readonly int _maxRowsPerFile;
    private readonly int _maxJournalsPerFile;
    private readonly bool _numbered;
    private readonly Encoding _encoding;
    private CsvWriter? _csv;
    private int _rowsInFile;
    private int _journalsInFile;

    protected RowFileWriter(LedgerFileContext context, int maxRowsPerFile = int.MaxValue, int maxJournalsPerFile = int.MaxValue, Encoding? encoding = null)
        : base(context)
    {
        _encoding = encoding ?? CsvFiles.Utf8;
        _maxRowsPerFile = maxRowsPerFile;
        _maxJournalsPerFile = maxJournalsPerFile;
        _numbered = maxRowsPerFile != int.MaxValue || maxJournalsPerFile != int.MaxValue;
    }

    /// <summary>Adds the journal's rows; throws <see cref="JournalRefusedException"/> when the dialect cannot hold it.</summary>
    protected abstract void AddRows(Journal journal, List<TRow> rows);

    public sealed override void Write(Journal journal)
    {
        _rows.Clear();
        AddRows(journal, _rows);
        if (_rows.Count == 0)
        {
            // A sale's journal always has lines, so a dialect that makes no row of it would leave the sale out
            // of the books without a word; journals that book no sale (a count with nothing over or short) may.
            if (journal.SaleIds.Count > 0)
            {
                throw new JournalRefusedException("makes no row in this dialect, so its sales would be left out.");
            }

            return;
        }

        if (_rows.Count > _maxRowsPerFile)
        {
            throw new JournalRefusedException($"needs {_rows.Count} rows but a file holds at most {_maxRowsPerFile} and a journal cannot be split; use per-sale journals.");
        }

        if (_csv is null || _rowsInFile + _rows.Count > _maxRowsPerFile || _journalsInFile == _maxJournalsPerFile)
        {
            NextFile();
        }

        foreach (var row in _rows)
        {
            row.WriteTo(_csv!);
            _csv!.EndRecord();
        }

        _rowsInFile += _rows.Count;
        _journalsInFile++;
    }

    public override IReadOnlyList<string> Complete()
    {
        if (_csv is null)
        {
            NextFile();
        }

        _csv!.Dispose();
        _csv = null;
        return _files;
    }

    protected override void Dispose(bool disposing) => _csv?.Dispose();

    private void NextFile()
    {
        _csv?.Dispose();
        var path = PathFor(_numbered ? string.Create(CultureInfo.InvariantCulture, $"_{_files.Count + 1:000}") : string.Empty);
        _files.Add(path);
        _csv = CsvFiles.OpenWriter(path, _encoding);
        CsvFiles.WriteHeader(_csv, TRow.Header);
        _rowsInFile = 0;
        _journalsInFile = 0;
    }
}
