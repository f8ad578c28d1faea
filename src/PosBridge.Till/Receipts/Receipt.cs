using System.Globalization;
using System.Text;
using PosBridge.Core.Amounts;
using PosBridge.Core.Sales;

namespace PosBridge.Till.Receipts;

/// <summary>A line of a receipt: what was sold (or given back), how many, and for how much.</summary>
public sealed record ReceiptLine(string Name, string Quantity, string UnitPrice, string? Discount, string Total, string? Note);

/// <summary>A labelled amount: a total, a tax, or a payment.</summary>
public sealed record ReceiptAmount(string Label, string Amount, string? Detail = null);

/// <summary>
/// What a receipt shows, read from a stored sale and already worded and formatted for the store (labels
/// in its language, numbers in its digits). <see cref="ReceiptRenderer"/> lays it out as text, ESC/POS or HTML.
/// </summary>
public sealed record Receipt
{
    public required string Title { get; init; }

    public required string StoreName { get; init; }

    public required IReadOnlyList<string> StoreLines { get; init; }

    /// <summary>Sale number, date and time in the store's zone, cashier, customer, original sale of a refund.</summary>
    public required IReadOnlyList<ReceiptAmount> Header { get; init; }

    public required IReadOnlyList<ReceiptLine> Lines { get; init; }

    /// <summary>Subtotal, discount, each tax, rounding and the total.</summary>
    public required IReadOnlyList<ReceiptAmount> Totals { get; init; }

    public required IReadOnlyList<ReceiptAmount> Payments { get; init; }

    public required IReadOnlyList<string> FooterLines { get; init; }

    /// <summary>The text of the sale's QR code (<see cref="ReceiptCode"/>), scanned back by the refund flow.</summary>
    public required string SaleCode { get; init; }

    /// <summary>The sale number as printed, under the sale code.</summary>
    public required string SaleNumber { get; init; }

    /// <summary>The ZATCA phase-1 QR text (base64 TLV) when the store is in Saudi Arabia.</summary>
    public string? ZatcaQr { get; init; }

    /// <summary>Arabic receipts read right to left.</summary>
    public required bool RightToLeft { get; init; }

    /// <summary>The language tag for HTML (<c>ar</c>, <c>en</c>).</summary>
    public required string Language { get; init; }

    /// <summary>Builds the receipt of a stored sale or refund.</summary>
    public static Receipt From(Sale sale, ReceiptOptions options) => From(sale, options, null);

    /// <summary>
    /// The receipt of a stored sale; <paramref name="zatcaQr"/> is the phase-2 QR of its signed ZATCA invoice (tags 1–9),
    /// printed instead of the phase-1 QR when the till signs invoices.
    /// </summary>
    public static Receipt From(Sale sale, ReceiptOptions options, string? zatcaQr)
    {
        ArgumentNullException.ThrowIfNull(sale);
        ArgumentNullException.ThrowIfNull(options);
        var currency = Currency.FromCode(sale.Currency);
        var labels = options.IsArabic ? Labels.Arabic : Labels.English;
        var format = new NumberFormat(options.Digits, currency.MinorUnits);
        var taxNames = sale.Taxes.ToDictionary(t => t.Id, t => t.Name, StringComparer.Ordinal);

        var storeLines = new List<string>(options.AddressLines);
        if (options.Phone is { Length: > 0 } phone)
        {
            storeLines.Add(format.Digits(phone));
        }

        if (options.VatNumber is { Length: > 0 } vat)
        {
            storeLines.Add($"{labels.VatNumber}: {format.Digits(vat)}");
        }

        var header = new List<ReceiptAmount>
        {
            new(sale.IsRefund ? labels.RefundNumber : labels.SaleNumber, format.Digits(sale.SaleNumber)),
            new(labels.Date, format.Digits(sale.CreatedAtStoreTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))),
            new(labels.Cashier, sale.Cashier.Name),
        };
        if (sale.RefundOf is { } refundOf)
        {
            header.Add(new(labels.RefundOf, format.Digits(refundOf.SaleNumber)));
        }

        if (sale.Customer is { } customer)
        {
            header.Add(new(labels.Customer, customer.Name ?? format.Digits(customer.Phone ?? customer.Id)));
        }

        var lines = sale.Lines.Select(l => new ReceiptLine(
                l.Name,
                format.Quantity(l.Quantity) + (string.Equals(l.Unit, "Units", StringComparison.Ordinal) ? string.Empty : " " + l.Unit),
                format.Money(l.UnitPrice),
                l.DiscountPercent == 0m ? null : "-" + format.Quantity(l.DiscountPercent) + "%",
                format.Money(l.TotalIncluded),
                l.Note))
            .ToList();

        var totals = new List<ReceiptAmount> { new(labels.Subtotal, format.Money(sale.Totals.Untaxed)) };
        if (sale.Totals.Discount != 0m)
        {
            totals.Add(new(labels.Discount, format.Money(sale.Totals.Discount)));
        }

        totals.AddRange(sale.Totals.Taxes.Select(t => new ReceiptAmount(taxNames.GetValueOrDefault(t.TaxId, t.Name), format.Money(t.Amount))));
        if (sale.Totals.Rounding != 0m)
        {
            totals.Add(new(labels.Rounding, format.Money(sale.Totals.Rounding)));
        }

        totals.Add(new(sale.IsRefund ? labels.Refunded : labels.Total, format.Money(sale.Totals.AmountDue) + " " + sale.Currency));

        var payments = new List<ReceiptAmount>();
        foreach (var p in sale.Payments)
        {
            var label = p.Kind switch
            {
                PaymentKind.Cash => labels.Cash,
                PaymentKind.Card => labels.Card,
                PaymentKind.Wallet => labels.Wallet,
                PaymentKind.Qr => labels.Transfer,
                _ => labels.Account,
            };
            var detail = p.Card is { } card
                ? $"{card.Scheme.ToUpperInvariant()} **** {format.Digits(card.Last4)} {labels.Auth} {card.AuthorizationCode}"
                : p.Reference;
            payments.Add(new(label, format.Money(p.Tendered ?? p.Amount), detail));
            if (p.Change is > 0m)
            {
                payments.Add(new(labels.Change, format.Money(p.Change.Value)));
            }
        }

        if (sale.Loyalty is { } loyalty)
        {
            if (loyalty.Earned != 0m)
            {
                payments.Add(new(labels.PointsEarned, format.Quantity(loyalty.Earned)));
            }

            if (loyalty.Spent != 0m)
            {
                payments.Add(new(labels.PointsSpent, format.Quantity(loyalty.Spent)));
            }
        }

        var footer = new List<string>();
        if (sale.Note is { Length: > 0 } note)
        {
            footer.Add(note);
        }

        if (options.Footer is { Length: > 0 } text)
        {
            footer.Add(text);
        }

        var saudi = options.IsSaudi && !string.IsNullOrEmpty(options.VatNumber);
        return new Receipt
        {
            Title = saudi ? (sale.IsRefund ? labels.CreditNote : labels.SimplifiedTaxInvoice) : (sale.IsRefund ? labels.Refund : labels.Receipt),
            StoreName = options.StoreName,
            StoreLines = storeLines,
            Header = header,
            Lines = lines,
            Totals = totals,
            Payments = payments,
            FooterLines = footer,
            SaleCode = ReceiptCode.For(sale.Id),
            SaleNumber = format.Digits(sale.SaleNumber),
            ZatcaQr = zatcaQr ?? (saudi ? PosBridge.Till.Receipts.ZatcaQr.ForSale(sale, options.StoreName, options.VatNumber!) : null),
            RightToLeft = options.IsArabic,
            Language = options.IsArabic ? "ar" : "en",
        };
    }

    /// <summary>Numbers as the store prints them: the currency's decimals, Latin or Arabic-Indic digits.</summary>
    private readonly struct NumberFormat(ReceiptDigits digits, int minorUnits)
    {
        public string Money(decimal value) => Digits(value.ToString("N" + minorUnits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture), separators: true);

        public string Quantity(decimal value) => Digits(value.ToString("0.###", CultureInfo.InvariantCulture), separators: true);

        public string Digits(string text, bool separators = false)
        {
            if (digits == ReceiptDigits.Latin)
            {
                return text;
            }

            var builder = new StringBuilder(text.Length);
            foreach (var c in text)
            {
                builder.Append(c switch
                {
                    >= '0' and <= '9' => (char)('٠' + (c - '0')),
                    '.' when separators => '٫',
                    ',' when separators => '٬',
                    _ => c,
                });
            }

            return builder.ToString();
        }
    }

    private sealed record Labels(
        string Receipt, string Refund, string SimplifiedTaxInvoice, string CreditNote, string SaleNumber, string RefundNumber, string RefundOf,
        string Date, string Cashier, string Customer, string Subtotal, string Discount, string Rounding, string Total, string Refunded,
        string Cash, string Card, string Wallet, string Transfer, string Account, string Change, string Auth, string VatNumber,
        string PointsEarned, string PointsSpent)
    {
        public static readonly Labels English = new(
            "Receipt", "Refund", "Simplified tax invoice", "Credit note", "Sale", "Refund", "Refund of",
            "Date", "Cashier", "Customer", "Subtotal", "Discount", "Rounding", "Total", "Refunded",
            "Cash", "Card", "Wallet", "Transfer", "On account", "Change", "auth", "VAT no.",
            "Points earned", "Points spent");

        public static readonly Labels Arabic = new(
            "إيصال", "استرجاع", "فاتورة ضريبية مبسطة", "إشعار دائن", "رقم البيع", "رقم الاسترجاع", "استرجاع للبيع",
            "التاريخ", "الكاشير", "العميل", "المجموع قبل الضريبة", "الخصم", "التقريب", "الإجمالي", "المبلغ المسترد",
            "نقدا", "بطاقة", "محفظة", "تحويل", "على الحساب", "الباقي", "تفويض", "الرقم الضريبي",
            "نقاط مكتسبة", "نقاط مستخدمة");
    }
}
