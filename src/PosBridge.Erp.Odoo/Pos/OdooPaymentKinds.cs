using System.Globalization;
using Newtonsoft.Json.Linq;
using PosBridge.Core.Sales;
using PosBridge.Erp.Odoo.Rpc;

namespace PosBridge.Erp.Odoo.Pos;

/// <summary>The kind a <c>pos.payment.method</c> is taken as at the tills, the same for the catalog and for delivery.</summary>
internal static class OdooPaymentKinds
{
    /// <summary>The fields <see cref="Of"/> reads; <c>payment_method_type</c> came with 18.0 and 17.0 refuses a read that names it.</summary>
    public static string[] Fields(OdooServerVersion version) =>
        ["id", "name", "active", "type", "is_cash_count", "use_payment_terminal", .. version.Major >= 18 ? new[] { "payment_method_type" } : []];

    /// <summary>
    /// Odoo:Pos:PaymentMethodKinds first (by our id or Odoo's), else Odoo's <c>type</c>: cash, pay_later (a customer
    /// account), bank (a card, or from 18.0 a QR code when its <c>payment_method_type</c> says so).
    /// </summary>
    public static PaymentKind Of(JObject row, string id, OdooPosOptions options)
    {
        var odooId = row["id"]!.Value<long>().ToString(CultureInfo.InvariantCulture);
        // Checked at start by OdooPosOptionsValidation, so the parse holds.
        if ((options.PaymentMethodKinds.TryGetValue(id, out var configured) || options.PaymentMethodKinds.TryGetValue(odooId, out configured))
            && Enum.TryParse<PaymentKind>(configured, ignoreCase: true, out var kind))
        {
            return kind;
        }

        return OdooValues.Text(row["type"]) switch
        {
            "cash" => PaymentKind.Cash,
            "pay_later" => PaymentKind.CustomerAccount,
            "bank" when OdooValues.Text(row["payment_method_type"]) == "qr_code" => PaymentKind.Qr,
            "bank" => PaymentKind.Card,
            _ => OdooValues.Bool(row["is_cash_count"]) ? PaymentKind.Cash : PaymentKind.Card,
        };
    }
}
