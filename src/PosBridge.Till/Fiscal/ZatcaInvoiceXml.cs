using System.Globalization;
using System.Text;
using PosBridge.Core.Amounts;
using PosBridge.Core.Sales;
using PosBridge.Core.Taxes;

namespace PosBridge.Till.Fiscal;

/// <summary>Where a sale sits in this till's ZATCA chain: its counter (ICV) and the previous invoice's hash (PIH).</summary>
public sealed record ZatcaChainLink(long Counter, string PreviousHash)
{
    /// <summary>The PIH of an EGS unit's first invoice: base64 of the hex SHA-256 of "0".</summary>
    public const string FirstPreviousHash = "NWZlY2ViNjZmZmM4NmYzOGQ5NTI3ODZjNmQ2OTZjNzljMmRiYzIzOWRkNGU5MWI0NjcyOWQ3M2EyN2ZiNTdlOQ==";
}

/// <summary>
/// A ZATCA UBL 2.1 invoice written in canonical form (C14N: no self-closed elements, attributes in order, text escaped
/// as canonical XML escapes it), with three empty slots where the signature extension, the QR reference and the
/// cac:Signature go. Because the text is already canonical, the bytes with the slots empty are exactly what ZATCA's
/// pre-hash transform and C14N produce, so the invoice hash is the SHA-256 of <see cref="HashInput"/>.
/// </summary>
public sealed class ZatcaInvoiceXml
{
    private const string ExtensionSlot = "\u0001ext\u0001";
    private const string QrSlot = "\u0001qr\u0001";
    private const string SignatureSlot = "\u0001sig\u0001";

    private readonly string _template;

    private ZatcaInvoiceXml(string template) => _template = template;

    /// <summary>The canonical bytes the invoice hash is taken over (UBLExtensions, QR and cac:Signature left out).</summary>
    public byte[] HashInput => Encoding.UTF8.GetBytes(_template.Replace(ExtensionSlot, string.Empty, StringComparison.Ordinal)
        .Replace(QrSlot, string.Empty, StringComparison.Ordinal).Replace(SignatureSlot, string.Empty, StringComparison.Ordinal));

    /// <summary>The whole document with the stamp, QR reference and signature marker filled in.</summary>
    public string Complete(string ublExtensions, string qrBase64) =>
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + _template
            .Replace(ExtensionSlot, ublExtensions, StringComparison.Ordinal)
            .Replace(QrSlot, QrReference(qrBase64), StringComparison.Ordinal)
            .Replace(SignatureSlot, "<cac:Signature>\n        <cbc:ID>urn:oasis:names:specification:ubl:signature:Invoice</cbc:ID>\n        <cbc:SignatureMethod>urn:oasis:names:specification:ubl:dsig:enveloped:xades</cbc:SignatureMethod>\n    </cac:Signature>", StringComparison.Ordinal);

    /// <summary>
    /// The simplified tax invoice (388, subtype 0200000) of a sale, or the credit note (381) of a refund with the
    /// original's number as its billing reference and the refund's note as the reason.
    /// </summary>
    public static ZatcaInvoiceXml ForSale(Sale sale, ZatcaOptions seller, ZatcaChainLink link) =>
        ForSale(sale, seller, link, null, sale?.Id ?? throw new ArgumentNullException(nameof(sale)));

    /// <summary>
    /// The sale's invoice under <paramref name="uuid"/>: a standard tax invoice (388, or credit note 381, subtype
    /// 0100000) with the buyer's VAT number and national address when <paramref name="buyer"/> is given, to be cleared
    /// by ZATCA before it is given; otherwise the simplified one.
    /// </summary>
    public static ZatcaInvoiceXml ForSale(Sale sale, ZatcaOptions seller, ZatcaChainLink link, ZatcaBuyer? buyer, Guid uuid)
    {
        ArgumentNullException.ThrowIfNull(sale);
        ArgumentNullException.ThrowIfNull(seller);
        ArgumentNullException.ThrowIfNull(link);
        var currency = Currency.FromCode(sale.Currency);
        var local = sale.CreatedAtUtc.ToOffset(sale.StoreUtcOffset);
        var w = new Writer(currency);
        w.Raw("<Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\" xmlns:cac=\"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2\" xmlns:cbc=\"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2\" xmlns:ext=\"urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2\">");
        w.Raw(ExtensionSlot);
        w.Leaf(1, "cbc:ProfileID", "reporting:1.0");
        w.Leaf(1, "cbc:ID", sale.SaleNumber);
        w.Leaf(1, "cbc:UUID", uuid.ToString());
        w.Leaf(1, "cbc:IssueDate", local.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        w.Leaf(1, "cbc:IssueTime", local.ToString("HH:mm:ss", CultureInfo.InvariantCulture));
        w.Leaf(1, "cbc:InvoiceTypeCode", sale.IsRefund ? "381" : "388", ("name", buyer is null ? "0200000" : "0100000"));
        w.Leaf(1, "cbc:DocumentCurrencyCode", sale.Currency);
        w.Leaf(1, "cbc:TaxCurrencyCode", sale.Currency);
        if (sale.RefundOf is { } original)
        {
            w.Open(1, "cac:BillingReference");
            w.Open(2, "cac:InvoiceDocumentReference");
            w.Leaf(3, "cbc:ID", original.SaleNumber);
            w.Close(2, "cac:InvoiceDocumentReference");
            w.Close(1, "cac:BillingReference");
        }

        w.Open(1, "cac:AdditionalDocumentReference");
        w.Leaf(2, "cbc:ID", "ICV");
        w.Leaf(2, "cbc:UUID", link.Counter.ToString(CultureInfo.InvariantCulture));
        w.Close(1, "cac:AdditionalDocumentReference");
        w.Open(1, "cac:AdditionalDocumentReference");
        w.Leaf(2, "cbc:ID", "PIH");
        w.Open(2, "cac:Attachment");
        w.Leaf(3, "cbc:EmbeddedDocumentBinaryObject", link.PreviousHash, ("mimeCode", "text/plain"));
        w.Close(2, "cac:Attachment");
        w.Close(1, "cac:AdditionalDocumentReference");
        w.Indent(1).Raw(QrSlot);
        w.Indent(1).Raw(SignatureSlot);
        Supplier(w, seller);
        w.Open(1, "cac:AccountingCustomerParty");
        if (buyer is not null)
        {
            Buyer(w, buyer);
        }
        else if (sale.Customer is { Name: { Length: > 0 } name })
        {
            w.Open(2, "cac:Party");
            w.Open(3, "cac:PartyLegalEntity");
            w.Leaf(4, "cbc:RegistrationName", name);
            w.Close(3, "cac:PartyLegalEntity");
            w.Close(2, "cac:Party");
        }

        w.Close(1, "cac:AccountingCustomerParty");
        w.Open(1, "cac:Delivery");
        w.Leaf(2, "cbc:ActualDeliveryDate", local.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        w.Close(1, "cac:Delivery");
        w.Open(1, "cac:PaymentMeans");
        w.Leaf(2, "cbc:PaymentMeansCode", PaymentMeansCode(sale));
        if (sale.IsRefund)
        {
            // KSA-10: a credit note states why it was issued.
            w.Leaf(2, "cbc:InstructionNote", string.IsNullOrWhiteSpace(sale.Note) ? "Goods returned by the customer" : sale.Note);
        }

        w.Close(1, "cac:PaymentMeans");
        var categories = sale.Lines.Select(l => (Line: l, Category: Category(sale, l))).ToList();
        var tax = Math.Abs(sale.Totals.Tax);
        w.Open(1, "cac:TaxTotal");
        w.Leaf(2, "cbc:TaxAmount", w.Money(tax), ("currencyID", sale.Currency));
        foreach (var group in categories.GroupBy(c => c.Category))
        {
            var taxable = group.Sum(c => Math.Abs(c.Line.TotalExcluded));
            var amount = currency.Round(group.Sum(c => Math.Abs(c.Line.TaxAmounts.Sum(t => t.Amount))));
            w.Open(2, "cac:TaxSubtotal");
            w.Leaf(3, "cbc:TaxableAmount", w.Money(taxable), ("currencyID", sale.Currency));
            w.Leaf(3, "cbc:TaxAmount", w.Money(amount), ("currencyID", sale.Currency));
            TaxCategory(w, 3, "cac:TaxCategory", group.Key);
            w.Close(2, "cac:TaxSubtotal");
        }

        w.Close(1, "cac:TaxTotal");
        // BR-KSA-EN16931-09: the VAT total again, in the tax currency.
        w.Open(1, "cac:TaxTotal");
        w.Leaf(2, "cbc:TaxAmount", w.Money(tax), ("currencyID", sale.Currency));
        w.Close(1, "cac:TaxTotal");
        w.Open(1, "cac:LegalMonetaryTotal");
        var untaxed = Math.Abs(sale.Totals.Untaxed);
        w.Leaf(2, "cbc:LineExtensionAmount", w.Money(untaxed), ("currencyID", sale.Currency));
        w.Leaf(2, "cbc:TaxExclusiveAmount", w.Money(untaxed), ("currencyID", sale.Currency));
        w.Leaf(2, "cbc:TaxInclusiveAmount", w.Money(Math.Abs(sale.Totals.Total)), ("currencyID", sale.Currency));
        w.Leaf(2, "cbc:AllowanceTotalAmount", w.Money(0m), ("currencyID", sale.Currency));
        w.Leaf(2, "cbc:PrepaidAmount", w.Money(0m), ("currencyID", sale.Currency));
        if (sale.Totals.Rounding != 0m)
        {
            var sign = sale.IsRefund ? -1m : 1m;
            w.Leaf(2, "cbc:PayableRoundingAmount", w.Money(sign * sale.Totals.Rounding), ("currencyID", sale.Currency));
        }

        w.Leaf(2, "cbc:PayableAmount", w.Money(Math.Abs(sale.Totals.AmountDue)), ("currencyID", sale.Currency));
        w.Close(1, "cac:LegalMonetaryTotal");
        foreach (var (line, category) in categories)
        {
            var quantity = Math.Abs(line.Quantity);
            var net = Math.Abs(line.TotalExcluded);
            var lineTax = currency.Round(Math.Abs(line.TaxAmounts.Sum(t => t.Amount)));
            w.Open(1, "cac:InvoiceLine");
            w.Leaf(2, "cbc:ID", line.LineNumber.ToString(CultureInfo.InvariantCulture));
            w.Leaf(2, "cbc:InvoicedQuantity", Number(quantity), ("unitCode", string.Equals(line.Unit, "kg", StringComparison.OrdinalIgnoreCase) ? "KGM" : "PCE"));
            w.Leaf(2, "cbc:LineExtensionAmount", w.Money(net), ("currencyID", sale.Currency));
            w.Open(2, "cac:TaxTotal");
            w.Leaf(3, "cbc:TaxAmount", w.Money(lineTax), ("currencyID", sale.Currency));
            w.Leaf(3, "cbc:RoundingAmount", w.Money(net + lineTax), ("currencyID", sale.Currency));
            w.Close(2, "cac:TaxTotal");
            w.Open(2, "cac:Item");
            w.Leaf(3, "cbc:Name", line.Name);
            TaxCategory(w, 3, "cac:ClassifiedTaxCategory", category with { ExemptionCode = null, ExemptionReason = null });
            w.Close(2, "cac:Item");
            // The item's net price after the line's discount, so quantity × price is the line's amount (BR-KSA-EN16931-11).
            w.Open(2, "cac:Price");
            w.Leaf(3, "cbc:PriceAmount", Number(quantity == 0m ? 0m : Math.Round(net / quantity, 6), minimumDecimals: 2), ("currencyID", sale.Currency));
            w.Close(2, "cac:Price");
            w.Close(1, "cac:InvoiceLine");
        }

        w.Raw("\n</Invoice>");
        return new ZatcaInvoiceXml(w.ToString());
    }

    private static void Buyer(Writer w, ZatcaBuyer buyer)
    {
        w.Open(2, "cac:Party");
        w.Open(3, "cac:PostalAddress");
        w.Leaf(4, "cbc:StreetName", buyer.StreetName);
        w.Leaf(4, "cbc:BuildingNumber", buyer.BuildingNumber);
        w.Leaf(4, "cbc:CitySubdivisionName", buyer.CitySubdivision);
        w.Leaf(4, "cbc:CityName", buyer.City);
        w.Leaf(4, "cbc:PostalZone", buyer.PostalZone);
        w.Open(4, "cac:Country");
        w.Leaf(5, "cbc:IdentificationCode", buyer.Country);
        w.Close(4, "cac:Country");
        w.Close(3, "cac:PostalAddress");
        w.Open(3, "cac:PartyTaxScheme");
        w.Leaf(4, "cbc:CompanyID", buyer.VatNumber);
        w.Open(4, "cac:TaxScheme");
        w.Leaf(5, "cbc:ID", "VAT");
        w.Close(4, "cac:TaxScheme");
        w.Close(3, "cac:PartyTaxScheme");
        w.Open(3, "cac:PartyLegalEntity");
        w.Leaf(4, "cbc:RegistrationName", buyer.Name);
        w.Close(3, "cac:PartyLegalEntity");
        w.Close(2, "cac:Party");
    }

    private static void Supplier(Writer w, ZatcaOptions seller)
    {
        w.Open(1, "cac:AccountingSupplierParty");
        w.Open(2, "cac:Party");
        w.Open(3, "cac:PartyIdentification");
        w.Leaf(4, "cbc:ID", seller.CommercialRegistration, ("schemeID", "CRN"));
        w.Close(3, "cac:PartyIdentification");
        w.Open(3, "cac:PostalAddress");
        w.Leaf(4, "cbc:StreetName", seller.StreetName);
        w.Leaf(4, "cbc:BuildingNumber", seller.BuildingNumber);
        w.Leaf(4, "cbc:CitySubdivisionName", seller.CitySubdivision);
        w.Leaf(4, "cbc:CityName", seller.City);
        w.Leaf(4, "cbc:PostalZone", seller.PostalZone);
        w.Open(4, "cac:Country");
        w.Leaf(5, "cbc:IdentificationCode", "SA");
        w.Close(4, "cac:Country");
        w.Close(3, "cac:PostalAddress");
        w.Open(3, "cac:PartyTaxScheme");
        w.Leaf(4, "cbc:CompanyID", seller.VatNumber);
        w.Open(4, "cac:TaxScheme");
        w.Leaf(5, "cbc:ID", "VAT");
        w.Close(4, "cac:TaxScheme");
        w.Close(3, "cac:PartyTaxScheme");
        w.Open(3, "cac:PartyLegalEntity");
        w.Leaf(4, "cbc:RegistrationName", seller.SellerName);
        w.Close(3, "cac:PartyLegalEntity");
        w.Close(2, "cac:Party");
        w.Close(1, "cac:AccountingSupplierParty");
    }

    private static string QrReference(string qrBase64) =>
        "<cac:AdditionalDocumentReference>\n        <cbc:ID>QR</cbc:ID>\n        <cac:Attachment>\n            <cbc:EmbeddedDocumentBinaryObject mimeCode=\"text/plain\">"
        + qrBase64 + "</cbc:EmbeddedDocumentBinaryObject>\n        </cac:Attachment>\n    </cac:AdditionalDocumentReference>";

    private sealed record VatCategory(string Id, decimal Percent, string? ExemptionCode, string? ExemptionReason);

    /// <summary>Standard rate (S) for a positive VAT; a line without VAT is out of scope (O) with ZATCA's reason code.</summary>
    private static VatCategory Category(Sale sale, SaleLine line)
    {
        var percent = line.TaxIds
            .Select(id => sale.Taxes.FirstOrDefault(t => t.Id == id))
            .Where(t => t is { AmountType: TaxAmountType.Percent })
            .Sum(t => t!.Amount);
        return percent > 0m
            ? new VatCategory("S", percent, null, null)
            : new VatCategory("O", 0m, "VATEX-SA-OOS", "Not subject to VAT");
    }

    private static void TaxCategory(Writer w, int depth, string element, VatCategory category)
    {
        w.Open(depth, element);
        w.Leaf(depth + 1, "cbc:ID", category.Id);
        w.Leaf(depth + 1, "cbc:Percent", Number(category.Percent, minimumDecimals: 2));
        if (category.ExemptionCode is { } code)
        {
            w.Leaf(depth + 1, "cbc:TaxExemptionReasonCode", code);
            w.Leaf(depth + 1, "cbc:TaxExemptionReason", category.ExemptionReason!);
        }

        w.Open(depth + 1, "cac:TaxScheme");
        w.Leaf(depth + 2, "cbc:ID", "VAT");
        w.Close(depth + 1, "cac:TaxScheme");
        w.Close(depth, element);
    }

    /// <summary>UN/ECE 4461: 10 cash, 48 bank card, 68 online payment service, 30 credit transfer, 1 not defined.</summary>
    private static string PaymentMeansCode(Sale sale) =>
        sale.Payments.Count == 0 ? "10"
        : sale.Payments.MaxBy(p => Math.Abs(p.Amount))!.Kind switch
        {
            PaymentKind.Cash => "10",
            PaymentKind.Card => "48",
            PaymentKind.Wallet or PaymentKind.Qr => "68",
            PaymentKind.CustomerAccount => "30",
            _ => "1",
        };

    private static string Number(decimal value, int minimumDecimals = 0)
    {
        var text = value.ToString("0.######", CultureInfo.InvariantCulture);
        var decimals = text.Contains('.', StringComparison.Ordinal) ? text.Length - text.IndexOf('.', StringComparison.Ordinal) - 1 : 0;
        return decimals >= minimumDecimals ? text : value.ToString("F" + minimumDecimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    /// <summary>Writes canonical XML: four spaces per level, start and end tags always, C14N's escapes.</summary>
    private sealed class Writer(Currency currency)
    {
        private readonly StringBuilder _text = new();

        public string Money(decimal value) => currency.Round(value).ToString("F" + currency.MinorUnits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

        public Writer Raw(string text)
        {
            _text.Append(text);
            return this;
        }

        public Writer Indent(int depth) => Raw("\n").Raw(new string(' ', depth * 4));

        public void Open(int depth, string name) => Indent(depth).Raw("<").Raw(name).Raw(">");

        public void Close(int depth, string name) => Indent(depth).Raw("</").Raw(name).Raw(">");

        public void Leaf(int depth, string name, string value, params (string Name, string Value)[] attributes)
        {
            Indent(depth).Raw("<").Raw(name);
            // C14N orders attributes without a namespace by name.
            foreach (var (attribute, text) in attributes.OrderBy(a => a.Name, StringComparer.Ordinal))
            {
                Raw(" ").Raw(attribute).Raw("=\"").Raw(Escape(text, attribute: true)).Raw("\"");
            }

            Raw(">").Raw(Escape(value, attribute: false)).Raw("</").Raw(name).Raw(">");
        }

        public override string ToString() => _text.ToString();

        /// <summary>Canonical XML's escapes; characters XML 1.0 cannot carry are dropped (a name pasted with a control character).</summary>
        private static string Escape(string value, bool attribute)
        {
            var text = new StringBuilder(value.Length);
            foreach (var c in value)
            {
                switch (c)
                {
                    case '&': text.Append("&amp;"); break;
                    case '<': text.Append("&lt;"); break;
                    case '>' when !attribute: text.Append("&gt;"); break;
                    case '"' when attribute: text.Append("&quot;"); break;
                    case '\r': text.Append("&#xD;"); break;
                    case '\t' when attribute: text.Append("&#x9;"); break;
                    case '\n' when attribute: text.Append("&#xA;"); break;
                    case < ' ' and not ('\t' or '\n'): break;
                    case '\uFFFE' or '\uFFFF': break;
                    default: text.Append(c); break;
                }
            }

            return text.ToString();
        }
    }
}
