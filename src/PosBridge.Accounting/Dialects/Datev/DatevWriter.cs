using System.Globalization;
using CsvHelper;
using PosBridge.Accounting.Journals;
using PosBridge.Accounting.Setup;
using PosBridge.Core.Adapters;

namespace PosBridge.Accounting.Dialects.Datev;

/// <summary>One booking of a DATEV Buchungsstapel: an amount on an account against a contra account.</summary>
internal sealed record DatevRow
{
    public decimal Umsatz { get; init; }

    /// <summary>"S" when <see cref="Konto"/> is debited, "H" when it is credited.</summary>
    public string SollHaben { get; init; } = string.Empty;

    public string WkzUmsatz { get; init; } = string.Empty;

    public decimal? Kurs { get; init; }

    public decimal? BasisUmsatz { get; init; }

    public string WkzBasisUmsatz { get; init; } = string.Empty;

    public string Konto { get; init; } = string.Empty;

    public string Gegenkonto { get; init; } = string.Empty;

    public string BuSchluessel { get; init; } = string.Empty;

    public DateOnly Belegdatum { get; init; }

    public string Belegfeld1 { get; init; } = string.Empty;

    public string Belegfeld2 { get; init; } = string.Empty;

    public decimal? Skonto { get; init; }

    public string Buchungstext { get; init; } = string.Empty;

    /// <summary>
    /// The 125 columns of Buchungsstapel version 13 (EXTF format 700), in DATEV's order. DATEV reads bookings by
    /// position, so every column is written, empty where PosBridge has nothing to say.
    /// </summary>
    public static IReadOnlyList<string> ColumnNames { get; } =
    [
        "Umsatz (ohne Soll/Haben-Kz)", "Soll/Haben-Kennzeichen", "WKZ Umsatz", "Kurs", "Basis-Umsatz", "WKZ Basis-Umsatz",
        "Konto", "Gegenkonto (ohne BU-Schlüssel)", "BU-Schlüssel", "Belegdatum", "Belegfeld 1", "Belegfeld 2",
        "Skonto", "Buchungstext", "Postensperre", "Diverse Adressnummer", "Geschäftspartnerbank", "Sachverhalt",
        "Zinssperre", "Beleglink", "Beleginfo - Art 1", "Beleginfo - Inhalt 1", "Beleginfo - Art 2", "Beleginfo - Inhalt 2",
        "Beleginfo - Art 3", "Beleginfo - Inhalt 3", "Beleginfo - Art 4", "Beleginfo - Inhalt 4", "Beleginfo - Art 5",
        "Beleginfo - Inhalt 5", "Beleginfo - Art 6", "Beleginfo - Inhalt 6", "Beleginfo - Art 7", "Beleginfo - Inhalt 7",
        "Beleginfo - Art 8", "Beleginfo - Inhalt 8", "KOST1 - Kostenstelle", "KOST2 - Kostenstelle", "Kost-Menge",
        "EU-Land u. UStID (Bestimmung)", "EU-Steuersatz (Bestimmung)", "Abw. Versteuerungsart", "Sachverhalt L+L",
        "Funktionsergänzung L+L", "BU 49 Hauptfunktionstyp", "BU 49 Hauptfunktionsnummer", "BU 49 Funktionsergänzung",
        "Zusatzinformation - Art 1", "Zusatzinformation- Inhalt 1", "Zusatzinformation - Art 2", "Zusatzinformation- Inhalt 2",
        "Zusatzinformation - Art 3", "Zusatzinformation- Inhalt 3", "Zusatzinformation - Art 4", "Zusatzinformation- Inhalt 4",
        "Zusatzinformation - Art 5", "Zusatzinformation- Inhalt 5", "Zusatzinformation - Art 6", "Zusatzinformation- Inhalt 6",
        "Zusatzinformation - Art 7", "Zusatzinformation- Inhalt 7", "Zusatzinformation - Art 8", "Zusatzinformation- Inhalt 8",
        "Zusatzinformation - Art 9", "Zusatzinformation- Inhalt 9", "Zusatzinformation - Art 10", "Zusatzinformation- Inhalt 10",
        "Zusatzinformation - Art 11", "Zusatzinformation- Inhalt 11", "Zusatzinformation - Art 12", "Zusatzinformation- Inhalt 12",
        "Zusatzinformation - Art 13", "Zusatzinformation- Inhalt 13", "Zusatzinformation - Art 14", "Zusatzinformation- Inhalt 14",
        "Zusatzinformation - Art 15", "Zusatzinformation- Inhalt 15", "Zusatzinformation - Art 16", "Zusatzinformation- Inhalt 16",
        "Zusatzinformation - Art 17", "Zusatzinformation- Inhalt 17", "Zusatzinformation - Art 18", "Zusatzinformation- Inhalt 18",
        "Zusatzinformation - Art 19", "Zusatzinformation- Inhalt 19", "Zusatzinformation - Art 20", "Zusatzinformation- Inhalt 20",
        "Stück", "Gewicht", "Zahlweise", "Forderungsart", "Veranlagungsjahr", "Zugeordnete Fälligkeit", "Skontotyp",
        "Auftragsnummer", "Buchungstyp", "USt-Schlüssel (Anzahlungen)", "EU-Land (Anzahlungen)", "Sachverhalt L+L (Anzahlungen)",
        "EU-Steuersatz (Anzahlungen)", "Erlöskonto (Anzahlungen)", "Herkunft-Kz", "Buchungs GUID", "KOST-Datum",
        "SEPA-Mandatsreferenz", "Skontosperre", "Gesellschaftername", "Beteiligtennummer", "Identifikationsnummer",
        "Zeichnernummer", "Postensperre bis", "Bezeichnung SoBil-Sachverhalt", "Kennzeichen SoBil-Buchung", "Festschreibung",
        "Leistungsdatum", "Datum Zuord. Steuerperiode", "Fälligkeit", "Generalumkehr (GU)", "Steuersatz", "Land",
        "Abrechnungsreferenz", "BVV-Position", "EU-Land u. UStID (Ursprung)", "EU-Steuersatz (Ursprung)", "Abw. Skontokonto",
    ];

    /// <summary>Field positions (0-based) of the columns written after the first 14.</summary>
    internal const int BeleginfoArt1 = 20;
    internal const int Festschreibung = 113;
    internal const int Leistungsdatum = 114;

    /// <summary>"Beleginfo - Art 1": what <see cref="BeleginfoInhalt1"/> holds.</summary>
    public string BeleginfoArt1Text { get; init; } = string.Empty;

    /// <summary>"Beleginfo - Inhalt 1": the receipt's number.</summary>
    public string BeleginfoInhalt1 { get; init; } = string.Empty;

    /// <summary>"Festschreibung": 0, the booking stays open to correction, as the header says for the batch.</summary>
    public string FestschreibungFlag { get; init; } = string.Empty;

    /// <summary>"Leistungsdatum": the business day the goods or service were supplied (TTMMJJJJ).</summary>
    public DateOnly? Leistung { get; init; }

    /// <summary>DATEV reads quoted fields as text and unquoted ones as numbers, accounts and dates.</summary>
    public void WriteTo(CsvWriter csv)
    {
        csv.WriteNumber(Umsatz, DatevWriter.Culture);
        csv.WriteField(SollHaben, CsvQuoting.Always);
        csv.WriteField(WkzUmsatz, CsvQuoting.Always);
        csv.WriteNumber(Kurs, DatevWriter.Culture);
        csv.WriteNumber(BasisUmsatz, DatevWriter.Culture);
        csv.WriteField(WkzBasisUmsatz, CsvQuoting.Always);
        csv.WriteField(Konto);
        csv.WriteField(Gegenkonto);
        csv.WriteField(BuSchluessel, CsvQuoting.Always);
        csv.WriteField(Belegdatum.ToString("ddMM", CultureInfo.InvariantCulture));
        csv.WriteField(Belegfeld1, CsvQuoting.Always);
        csv.WriteField(Belegfeld2, CsvQuoting.Always);
        csv.WriteNumber(Skonto, DatevWriter.Culture);
        csv.WriteField(Buchungstext, CsvQuoting.Always);
        for (var field = 14; field < ColumnNames.Count; field++)
        {
            switch (field)
            {
                case BeleginfoArt1:
                    csv.WriteField(BeleginfoArt1Text, CsvQuoting.Always);
                    csv.WriteField(BeleginfoInhalt1, CsvQuoting.Always);
                    field++;
                    break;
                case Festschreibung:
                    csv.WriteField(FestschreibungFlag);
                    break;
                case Leistungsdatum:
                    csv.WriteField(Leistung?.ToString("ddMMyyyy", CultureInfo.InvariantCulture) ?? string.Empty);
                    break;
                default:
                    csv.WriteField(string.Empty);
                    break;
            }
        }
    }
}

/// <summary>
/// DATEV Buchungsstapel (EXTF 700, category 21, version 13): Windows-1252, ';', CRLF, text in quotes,
/// decimal comma. A journal becomes bookings against one anchor account (its first line): every other
/// line is booked on its account against the anchor, which then nets to its own amount, so each booking
/// and the batch balance. Revenue bookings carry BU-Schlüssel 40 (automatic tax off) because output tax
/// is booked explicitly, exactly as on the receipts.
/// </summary>
internal sealed class DatevWriter : LedgerFileWriter
{
    public const int MaxBelegfeld1 = 36;
    public const int MaxBuchungstext = 60;
    internal static readonly CultureInfo Culture = CsvFiles.NumberCulture(",");
    private readonly string _path;
    private readonly CsvWriter _csv;
    private readonly UnencodableTextHandling _textHandling;
    private readonly Dictionary<string, string> _belegfelder = new(StringComparer.Ordinal);

    public DatevWriter(LedgerFileContext context)
        : base(context)
    {
        _path = PathFor();
        _textHandling = context.Options.Datev.UnencodableText;
        // The EXTF header line has more fields than a booking, so field counts are not checked here.
        _csv = CsvFiles.OpenWriter(_path, Windows1252Text.Windows1252, ';', sameFieldCount: false);
        foreach (var (text, quoted) in HeaderFields(context))
        {
            _csv.WriteField(text, quoted ? CsvQuoting.Always : CsvQuoting.WhenNeeded);
        }

        _csv.EndRecord();
        CsvFiles.WriteHeader(_csv, DatevRow.ColumnNames);
    }

    /// <summary>One file holds one fiscal year: the period must not cross the fiscal year's start.</summary>
    public static string? CheckPeriod(LedgerPeriod period, DatevOptions options)
    {
        var start = FiscalYearStart(period.From, options.FiscalYearStartMonth);
        return FiscalYearStart(period.To, options.FiscalYearStartMonth) == start
            ? null
            : $"DATEV takes one fiscal year per file, and {period.From:yyyy-MM-dd} to {period.To:yyyy-MM-dd} crosses the fiscal year starting {start.AddYears(1):yyyy-MM-dd}; export each fiscal year on its own.";
    }

    public static DateOnly FiscalYearStart(DateOnly date, int startMonth) =>
        new(date.Month >= startMonth ? date.Year : date.Year - 1, startMonth, 1);

    public override void Write(Journal journal)
    {
        if (!journal.Id.All(IsBelegfeldChar))
        {
            throw new JournalRefusedException($"id '{journal.Id}' cannot be DATEV's Belegfeld 1 (only A-Z a-z 0-9 $ & % * + - /).");
        }

        // A sale's id (36 characters) fits; a longer one (a provider fee's reference) is shortened deterministically.
        var belegfeld1 = ShortReferences.Fit(journal.Id, MaxBelegfeld1, _belegfelder, "Belegfeld 1");

        var anchor = journal.Lines[0].Account;
        var foreign = !string.Equals(journal.Currency.Code, Context.BaseCurrency, StringComparison.Ordinal);
        var debits = new BaseAmounts(Context.ExchangeRate);
        var credits = new BaseAmounts(Context.ExchangeRate);
        foreach (var line in journal.Lines)
        {
            if (line.Account.Code == anchor.Code)
            {
                continue;
            }

            var text = Windows1252Text.Cut(Windows1252Text.Prepare(line.Description, _textHandling), MaxBuchungstext);
            decimal? basis = foreign ? (line.Amount > 0m ? debits : credits).Next(Math.Abs(line.Amount)) : null;
            Row(line, anchor.Code, journal, belegfeld1, text, basis).WriteTo(_csv);
            _csv.EndRecord();
        }
    }

    /// <summary>
    /// Converts one side's amounts of a journal to euros so they add up to the conversion of their sum: each
    /// booking gets the rounded running total less what was given before. Rounding each booking by itself could
    /// leave the journal a cent off its exact euro total.
    /// </summary>
    private sealed class BaseAmounts(decimal rate)
    {
        private decimal _exact;
        private decimal _given;

        public decimal Next(decimal amount)
        {
            _exact += amount;
            var total = decimal.Round(_exact / rate, 2, MidpointRounding.AwayFromZero);
            var next = total - _given;
            _given = total;
            return CsvFiles.Fixed(next, 2);
        }
    }

    public override IReadOnlyList<string> Complete()
    {
        _csv.Dispose();
        return [_path];
    }

    protected override void Dispose(bool disposing) => _csv.Dispose();

    private static bool IsBelegfeldChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '$' or '&' or '%' or '*' or '+' or '-' or '/';

    private DatevRow Row(JournalLine line, string contra, Journal journal, string belegfeld1, string text, decimal? basis)
    {
        var amount = Math.Abs(line.Amount);
        var foreign = basis is not null;
        return new DatevRow
        {
            Umsatz = CsvFiles.Fixed(amount, journal.Currency.MinorUnits),
            SollHaben = line.Amount > 0m ? "S" : "H",
            WkzUmsatz = journal.Currency.Code,
            Kurs = foreign ? Context.ExchangeRate : null,
            BasisUmsatz = basis,
            WkzBasisUmsatz = foreign ? Context.BaseCurrency : string.Empty,
            Konto = line.Account.Code,
            Gegenkonto = contra,
            BuSchluessel = line.Kind == JournalLineKind.Revenue && line.Tax is { TaxId.Length: > 0 } ? "40" : string.Empty,
            Belegdatum = journal.Date,
            Belegfeld1 = belegfeld1,
            Buchungstext = text,
            BeleginfoArt1Text = journal.Sale is null ? string.Empty : "Kassenbeleg",
            BeleginfoInhalt1 = journal.Sale is null ? string.Empty : Windows1252Text.Prepare(journal.Reference, _textHandling),
            FestschreibungFlag = "0",
            Leistung = journal.Date,
        };
    }

    private static IEnumerable<(string Text, bool Quoted)> HeaderFields(LedgerFileContext context)
    {
        var datev = context.Options.Datev;
        var period = context.Period;
        static (string, bool) Text(string value) => (value, true);
        static (string, bool) Number(string value) => (value, false);
        var label = $"POS {period.StoreId} {period.From:yyyyMMdd}-{period.To:yyyyMMdd}";
        return
        [
            Text("EXTF"), Number("700"), Number("21"), Text("Buchungsstapel"), Number("13"),
            // "Erzeugt am": the end of the period rather than the clock, so a re-export is byte-identical.
            Number(period.To.AddDays(1).ToString("yyyyMMdd", CultureInfo.InvariantCulture) + "000000000"),
            Number(string.Empty), Text("RE"), Text(string.Empty), Text(string.Empty),
            Number(datev.ConsultantNumber.ToString(CultureInfo.InvariantCulture)),
            Number(datev.ClientNumber.ToString(CultureInfo.InvariantCulture)),
            Number(FiscalYearStart(period.From, datev.FiscalYearStartMonth).ToString("yyyyMMdd", CultureInfo.InvariantCulture)),
            Number(datev.AccountLength.ToString(CultureInfo.InvariantCulture)),
            Number(period.From.ToString("yyyyMMdd", CultureInfo.InvariantCulture)),
            Number(period.To.ToString("yyyyMMdd", CultureInfo.InvariantCulture)),
            Text(label.Length > 30 ? label[..30] : label), Text(string.Empty),
            Number("1"), Number("0"), Number("0"), Text("EUR"),
            Number(string.Empty), Text(string.Empty), Number(string.Empty), Number(string.Empty),
            Text(string.Equals(context.Options.Chart, "skr03", StringComparison.OrdinalIgnoreCase) ? "03" : string.Empty),
            Number(string.Empty), Number(string.Empty), Text(string.Empty), Text(string.Empty),
        ];
    }
}

/// <summary>The EXTF header fields and the bookings of a DATEV file, read back with a small parser.</summary>
internal sealed record DatevFile(IReadOnlyList<string> Header, IReadOnlyList<string> ColumnNames, IReadOnlyList<DatevRow> Rows);

internal static class DatevReader
{
    public static DatevFile Read(string path, int year)
    {
        var text = File.ReadAllText(path, Windows1252Text.Windows1252);
        if (!text.EndsWith("\r\n", StringComparison.Ordinal) || text.Replace("\r\n", string.Empty, StringComparison.Ordinal).Contains('\n', StringComparison.Ordinal))
        {
            throw new FormatException("A DATEV file ends every line with CRLF and has no bare LF.");
        }

        var lines = text[..^2].Split("\r\n");
        var header = Split(lines[0]);
        var names = Split(lines[1]);
        var rows = new List<DatevRow>();
        foreach (var line in lines.Skip(2))
        {
            var f = Split(line);
            if (f.Count != DatevRow.ColumnNames.Count)
            {
                throw new FormatException($"A booking has {f.Count} fields, not the {DatevRow.ColumnNames.Count} of Buchungsstapel version 13: {line}");
            }

            rows.Add(new DatevRow
            {
                Umsatz = decimal.Parse(f[0], NumberStyles.AllowDecimalPoint, DatevWriter.Culture),
                SollHaben = f[1],
                WkzUmsatz = f[2],
                Kurs = f[3].Length == 0 ? null : decimal.Parse(f[3], NumberStyles.AllowDecimalPoint, DatevWriter.Culture),
                BasisUmsatz = f[4].Length == 0 ? null : decimal.Parse(f[4], NumberStyles.AllowDecimalPoint, DatevWriter.Culture),
                WkzBasisUmsatz = f[5],
                Konto = f[6],
                Gegenkonto = f[7],
                BuSchluessel = f[8],
                Belegdatum = new DateOnly(year, int.Parse(f[9][2..], CultureInfo.InvariantCulture), int.Parse(f[9][..2], CultureInfo.InvariantCulture)),
                Belegfeld1 = f[10],
                Belegfeld2 = f[11],
                Buchungstext = f[13],
                BeleginfoArt1Text = f[DatevRow.BeleginfoArt1],
                BeleginfoInhalt1 = f[DatevRow.BeleginfoArt1 + 1],
                FestschreibungFlag = f[DatevRow.Festschreibung],
                Leistung = f[DatevRow.Leistungsdatum].Length == 0 ? null : DateOnly.ParseExact(f[DatevRow.Leistungsdatum], "ddMMyyyy", CultureInfo.InvariantCulture),
            });
        }

        return new DatevFile(header, names, rows);
    }

    /// <summary>Splits a line on ';' outside quotes, unquoting and un-doubling quotes.</summary>
    public static IReadOnlyList<string> Split(string line)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ';')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString());
        return fields;
    }
}
