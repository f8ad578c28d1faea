using CsvHelper;
using PosBridge.Accounting.Journals;

namespace PosBridge.Accounting.Dialects.Xero;

/// <summary>A row of Xero's sales invoice import template (one per invoice line; the invoice number repeats).</summary>
internal sealed record XeroInvoiceRow : ICsvRow<XeroInvoiceRow>
{
    private const string DateFormat = "dd/MM/yyyy";

    public static IReadOnlyList<string> Header { get; } =
    [
        "*ContactName", "*InvoiceNumber", "*InvoiceDate", "*DueDate", "*Description", "*Quantity", "*UnitAmount",
        "*AccountCode", "*TaxType", "Reference", "Currency",
    ];

    public string ContactName { get; init; } = string.Empty;

    public string InvoiceNumber { get; init; } = string.Empty;

    public DateOnly InvoiceDate { get; init; }

    public DateOnly DueDate { get; init; }

    public string Description { get; init; } = string.Empty;

    public decimal Quantity { get; init; }

    public decimal UnitAmount { get; init; }

    public string AccountCode { get; init; } = string.Empty;

    public string TaxType { get; init; } = string.Empty;

    public string Reference { get; init; } = string.Empty;

    public string Currency { get; init; } = string.Empty;

    public static XeroInvoiceRow Read(CsvReader csv) => new()
    {
        ContactName = csv.GetString(0),
        InvoiceNumber = csv.GetString(1),
        InvoiceDate = csv.ReadDate(2, DateFormat),
        DueDate = csv.ReadDate(3, DateFormat),
        Description = csv.GetString(4),
        Quantity = csv.ReadNumber(5, CsvFiles.Dot),
        UnitAmount = csv.ReadNumber(6, CsvFiles.Dot),
        AccountCode = csv.GetString(7),
        TaxType = csv.GetString(8),
        Reference = csv.GetString(9),
        Currency = csv.GetString(10),
    };

    public void WriteTo(CsvWriter csv)
    {
        csv.WriteField(ContactName);
        csv.WriteField(InvoiceNumber);
        csv.WriteDate(InvoiceDate, DateFormat);
        csv.WriteDate(DueDate, DateFormat);
        csv.WriteField(Description);
        csv.WriteNumber(Quantity, CsvFiles.Dot);
        csv.WriteNumber(UnitAmount, CsvFiles.Dot);
        csv.WriteField(AccountCode);
        csv.WriteField(TaxType);
        csv.WriteField(Reference);
        csv.WriteField(Currency);
    }
}

/// <summary>
/// Xero sales invoices for sales to named customers (other sales are not invoices and are left out).
/// Every file is tax-inclusive: one line per tax rate holding the gross amount, quantity 1. Xero
/// computes each line's tax itself, rounded per line, so a sale whose receipt tax differs from that
/// is refused rather than imported with another tax. A refund is written with negative amounts, which
/// Xero imports as a credit note. At most 500 invoices a file.
/// </summary>
internal sealed class XeroInvoiceWriter(LedgerFileContext context) : RowFileWriter<XeroInvoiceRow>(context, maxJournalsPerFile: MaxInvoicesPerFile)
{
    public const int MaxInvoicesPerFile = 500;

    protected override void AddRows(Journal journal, List<XeroInvoiceRow> rows)
    {
        if (journal.Sale is not { } sale)
        {
            if (journal.SaleIds.Count == 0)
            {
                return; // a shift's cash count is no invoice
            }

            throw new JournalRefusedException("is not a sale's journal; Xero invoices are written per sale (Mode PerSale).");
        }

        if (sale.Customer?.Name is not { Length: > 0 } contact)
        {
            return;
        }

        var decimals = journal.Currency.MinorUnits;
        foreach (var line in journal.Lines)
        {
            if (line.Kind == JournalLineKind.Revenue)
            {
                var tax = line.Tax!;
                var taxAmount = -journal.Lines.Where(l => l.Kind == JournalLineKind.OutputTax && l.Tax!.TaxId == tax.TaxId).Sum(l => l.Amount);
                var gross = -line.Amount + taxAmount;
                var xeroTax = journal.Currency.Round(gross * tax.Rate / (100m + tax.Rate));
                if (xeroTax != taxAmount)
                {
                    throw new JournalRefusedException($"has {taxAmount} {tax.Name} on the receipt but Xero would compute {xeroTax} on a gross line of {gross}; book it with manual journals.");
                }

                rows.Add(Row(journal, contact, line.Description, gross, line.Account.Code, tax.TaxId.Length == 0 ? Context.Map.NonTaxCode : tax.Name, decimals));
            }
            else if (line.Kind == JournalLineKind.OutputTax && !journal.Lines.Any(l => l.Kind == JournalLineKind.Revenue && l.Tax!.TaxId == line.Tax!.TaxId))
            {
                throw new JournalRefusedException($"has {line.Tax!.Name} on lines that carry another tax first; a Xero invoice line has one tax rate.");
            }
            else if (line.Kind == JournalLineKind.CashRounding)
            {
                rows.Add(Row(journal, contact, line.Description, -line.Amount, line.Account.Code, Context.Map.NonTaxCode, decimals));
            }
        }
    }

    private static XeroInvoiceRow Row(Journal journal, string contact, string description, decimal amount, string account, string taxType, int decimals) => new()
    {
        ContactName = contact,
        InvoiceNumber = journal.Reference,
        InvoiceDate = journal.Date,
        DueDate = journal.Date,
        Description = description,
        Quantity = 1m,
        UnitAmount = CsvFiles.Fixed(amount, decimals),
        AccountCode = account,
        TaxType = taxType,
        Reference = journal.Id,
        Currency = journal.Currency.Code,
    };
}
