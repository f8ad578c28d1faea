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
/// Xero sales invoices, one per sale: a sale without a named customer goes to the ledger's
/// <see cref="Setup.LedgerOptions.DefaultContactName"/> ("Walk-in customer"), so no sale is left out. Every file is
/// tax-inclusive: one line per tax rate (and revenue account) holding the gross amount, quantity 1. Xero computes
/// each line's tax itself, rounded per line (half away from zero, to the currency's decimals), so where that
/// differs from the receipt's tax (a loyalty reward or an order discount spread over lines makes a cent of
/// difference) the line's amount is moved by the fewest minor units that make Xero's tax the receipt's, and a
/// no-tax rounding line on the rounding account carries the difference: the invoice's total and its tax both
/// equal the receipt's. A refund is written with negative amounts, which Xero imports as a credit note. At
/// most 500 invoices a file. Shift counts and provider fees are no invoices: the export names them in its notes.
/// </summary>
internal sealed class XeroInvoiceWriter(LedgerFileContext context) : RowFileWriter<XeroInvoiceRow>(context, maxJournalsPerFile: MaxInvoicesPerFile)
{
    public const int MaxInvoicesPerFile = 500;

    /// <summary>How far a line's amount is searched for Xero's tax to match (in minor units); far beyond any rounding.</summary>
    private const int MaxShift = 10_000;

    private readonly string _defaultContact = context.Options.DefaultContactName;

    protected override void AddRows(Journal journal, List<XeroInvoiceRow> rows)
    {
        if (journal.Sale is not { } sale)
        {
            if (journal.SaleIds.Count == 0)
            {
                Notes.Add($"{journal.Reference} is no sale, so it is no invoice; book it by manual journal");
                return;
            }

            throw new JournalRefusedException("is not a sale's journal; Xero invoices are written per sale (Mode PerSale).");
        }

        var contact = sale.Customer?.Name is { Length: > 0 } name ? name : _defaultContact;
        var currency = journal.Currency;
        var decimals = currency.MinorUnits;
        var revenue = journal.Lines.Where(l => l.Kind == JournalLineKind.Revenue).ToList();
        foreach (var taxLine in journal.Lines.Where(l => l.Kind == JournalLineKind.OutputTax))
        {
            if (!revenue.Any(l => l.Tax!.TaxId == taxLine.Tax!.TaxId))
            {
                throw new JournalRefusedException($"has {taxLine.Tax!.Name} on lines that carry another tax first; a Xero invoice line has one tax rate.");
            }
        }

        foreach (var group in revenue.GroupBy(l => l.Tax!.TaxId, StringComparer.Ordinal))
        {
            var lines = group.ToList();
            var tax = lines[0].Tax!;
            var receiptTax = -journal.Lines.Where(l => l.Kind == JournalLineKind.OutputTax && l.Tax!.TaxId == tax.TaxId).Sum(l => l.Amount);
            var left = receiptTax;
            for (var i = 0; i < lines.Count; i++)
            {
                var net = -lines[i].Amount;
                // Several revenue accounts share one tax (revenue by category): each takes its share, the last the rest.
                var lineTax = i == lines.Count - 1 ? left : currency.Round(net * tax.Rate / 100m);
                left -= lineTax;
                var gross = net + lineTax;
                var taxType = tax.TaxId.Length == 0 ? Context.Map.NonTaxCode : tax.Name;
                var amount = XeroAmount(gross, lineTax, tax.Rate, currency)
                    ?? throw new JournalRefusedException($"has {lineTax} {tax.Name} on a gross line of {gross} that no Xero line amount gives.");
                rows.Add(Row(journal, contact, lines[i].Description, amount, lines[i].Account.Code, taxType, decimals));
                if (amount != gross)
                {
                    rows.Add(Row(journal, contact, $"Rounding to the receipt's {tax.Name}", gross - amount, Context.Map.Rounding.Code, Context.Map.NonTaxCode, decimals));
                }
            }
        }

        foreach (var line in journal.Lines.Where(l => l.Kind == JournalLineKind.CashRounding))
        {
            rows.Add(Row(journal, contact, line.Description, -line.Amount, line.Account.Code, Context.Map.NonTaxCode, decimals));
        }
    }

    /// <summary>The tax Xero computes on a tax-inclusive line: per line, half away from zero.</summary>
    internal static decimal XeroTax(decimal gross, decimal rate, Core.Amounts.Currency currency) =>
        currency.Round(gross * rate / (100m + rate));

    /// <summary>
    /// The line amount nearest <paramref name="gross"/> on which Xero computes exactly <paramref name="tax"/>, or
    /// null when there is none (a zero rate with tax).
    /// </summary>
    internal static decimal? XeroAmount(decimal gross, decimal tax, decimal rate, Core.Amounts.Currency currency)
    {
        for (var step = 0; step <= MaxShift; step++)
        {
            foreach (var candidate in step == 0 ? [gross] : new[] { gross + (step * currency.Unit), gross - (step * currency.Unit) })
            {
                if (XeroTax(candidate, rate, currency) == tax)
                {
                    return candidate;
                }
            }
        }

        return null;
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
