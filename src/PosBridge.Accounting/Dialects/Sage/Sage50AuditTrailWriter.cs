using System.Globalization;
using CsvHelper;
using PosBridge.Accounting.Journals;
using PosBridge.Accounting.Setup;

namespace PosBridge.Accounting.Dialects.Sage;

/// <summary>A row of Sage 50 (UK) audit trail transaction import.</summary>
internal sealed record Sage50Row : ICsvRow<Sage50Row>
{
    private const string DateFormat = "dd/MM/yyyy";

    public static IReadOnlyList<string> Header { get; } =
    [
        "Type", "Account Ref", "Nominal Code", "Department", "Date", "Reference", "Details", "Net Amount", "Tax Code",
        "Tax Amount", "Exchange Rate", "Extra Ref", "User Name", "Project Ref", "Cost Code",
    ];

    public string Type { get; init; } = string.Empty;

    public string AccountRef { get; init; } = string.Empty;

    public string NominalCode { get; init; } = string.Empty;

    public string Department { get; init; } = string.Empty;

    public DateOnly Date { get; init; }

    public string Reference { get; init; } = string.Empty;

    public string Details { get; init; } = string.Empty;

    public decimal NetAmount { get; init; }

    public string TaxCode { get; init; } = string.Empty;

    public decimal TaxAmount { get; init; }

    public decimal ExchangeRate { get; init; }

    public string ExtraRef { get; init; } = string.Empty;

    public string UserName { get; init; } = string.Empty;

    public string ProjectRef { get; init; } = string.Empty;

    public string CostCode { get; init; } = string.Empty;

    public static Sage50Row Read(CsvReader csv) => new()
    {
        Type = csv.GetString(0),
        AccountRef = csv.GetString(1),
        NominalCode = csv.GetString(2),
        Department = csv.GetString(3),
        Date = csv.ReadDate(4, DateFormat),
        Reference = csv.GetString(5),
        Details = csv.GetString(6),
        NetAmount = csv.ReadNumber(7, CsvFiles.Dot),
        TaxCode = csv.GetString(8),
        TaxAmount = csv.ReadNumber(9, CsvFiles.Dot),
        ExchangeRate = csv.ReadNumber(10, CsvFiles.Dot),
        ExtraRef = csv.GetString(11),
        UserName = csv.GetString(12),
        ProjectRef = csv.GetString(13),
        CostCode = csv.GetString(14),
    };

    public void WriteTo(CsvWriter csv)
    {
        csv.WriteField(Type);
        csv.WriteField(AccountRef);
        csv.WriteField(NominalCode);
        csv.WriteField(Department);
        csv.WriteDate(Date, DateFormat);
        csv.WriteField(Reference);
        csv.WriteField(Details);
        csv.WriteNumber(NetAmount, CsvFiles.Dot);
        csv.WriteField(TaxCode);
        csv.WriteNumber(TaxAmount, CsvFiles.Dot);
        csv.WriteNumber(ExchangeRate, CsvFiles.Dot);
        csv.WriteField(ExtraRef);
        csv.WriteField(UserName);
        csv.WriteField(ProjectRef);
        csv.WriteField(CostCode);
    }
}

/// <summary>
/// Sage 50 (UK) audit trail import as journal debits and credits (JD/JC), net amounts positive. Journals
/// in Sage 50 post no VAT by themselves, so output VAT is its own line on the VAT nominal with the
/// non-VAT code, and revenue lines carry their rate's code for reporting. Sage 50 reads the file as
/// Windows-1252 and keeps 30 characters of Reference and 60 of Details: text it cannot hold (Arabic
/// names) is transliterated or refused as <see cref="LedgerOptions.UnencodableText"/> says, a longer
/// reference is shortened (<see cref="ShortReferences"/>), and the sale id (32 hex digits) leads Details,
/// followed by as many whole words of the line's text as fit.
/// </summary>
internal sealed class Sage50AuditTrailWriter(LedgerFileContext context)
    : RowFileWriter<Sage50Row>(context, encoding: Windows1252Text.Windows1252)
{
    public const int MaxReference = 30;
    public const int MaxDetails = 60;

    private readonly Dictionary<string, string> _references = new(StringComparer.Ordinal);
    private readonly UnencodableTextHandling _textHandling = context.Options.UnencodableText;

    protected override void AddRows(Journal journal, List<Sage50Row> rows)
    {
        var reference = ShortReferences.Fit(Windows1252Text.Prepare(journal.Reference, _textHandling), MaxReference, _references, "Reference");
        var decimals = journal.Currency.MinorUnits;
        foreach (var line in journal.Lines)
        {
            var text = Windows1252Text.Prepare(line.Description, _textHandling);
            var details = line.SaleId is { } saleId
                ? Windows1252Text.Cut($"{saleId.ToString("N", CultureInfo.InvariantCulture)} {text}", MaxDetails)
                : Windows1252Text.Cut(text, MaxDetails);
            rows.Add(new Sage50Row
            {
                Type = line.Amount > 0m ? "JD" : "JC",
                AccountRef = line.Account.Code,
                NominalCode = line.Account.Code,
                Department = "0",
                Date = journal.Date,
                Reference = reference,
                Details = details,
                NetAmount = CsvFiles.Fixed(Math.Abs(line.Amount), decimals),
                TaxCode = line.Kind == JournalLineKind.Revenue ? line.Tax!.Code : Context.Map.NonTaxCode,
                TaxAmount = CsvFiles.Fixed(0m, decimals),
                ExchangeRate = Context.ExchangeRate,
            });
        }
    }
}
