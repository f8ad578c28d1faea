using System.Globalization;
using Newtonsoft.Json.Linq;
using PosBridge.Core.Sales;
using PosBridge.Erp.Odoo.Rpc;

namespace PosBridge.Erp.Odoo.Pos;

/// <summary>Everything a sale needs from Odoo before it can be sent as a POS order.</summary>
internal sealed record ResolvedSale(
    Sale Sale,
    long SessionId,
    long? PartnerId,
    IReadOnlyDictionary<string, long> Products,
    IReadOnlyList<long>[] LineTaxes,
    IReadOnlyList<long> PaymentMethods,
    IReadOnlyDictionary<int, long> RefundedLines);

/// <summary>
/// A sale as the POS screen of each Odoo version sends it: <c>create_from_ui</c>'s
/// <c>{id, data, to_invoice}</c> up to 17, <c>sync_from_ui</c>'s plain <c>pos.order</c> values from 18.
/// Totals are Core's (Odoo stores what it is sent); change is sent as <c>amount_return</c> and Odoo adds
/// the negative cash payment itself.
/// </summary>
internal static class PosOrderPayload
{
    /// <summary>Our sale id in <c>pos_reference</c>, after the receipt number a cashier reads.</summary>
    public static string Reference(string saleNumber, Guid saleId) => $"Order {saleNumber} {saleId:D}";

    public static JObject Build(ResolvedSale resolved, OdooServerVersion version, long userId)
    {
        var sale = resolved.Sale;
        var lines = new JArray();
        for (var i = 0; i < sale.Lines.Count; i++)
        {
            var line = sale.Lines[i];
            var values = new JObject
            {
                ["product_id"] = resolved.Products[line.ProductId],
                ["qty"] = line.Quantity,
                ["price_unit"] = line.UnitPrice,
                ["discount"] = SaleCalculator.EffectiveDiscountPercent(line.DiscountPercent, sale.OrderDiscountPercent),
                ["tax_ids"] = new JArray((object)new JArray(6, false, new JArray(resolved.LineTaxes[i]))),
                ["price_subtotal"] = line.TotalExcluded,
                ["price_subtotal_incl"] = line.TotalIncluded,
                ["full_product_name"] = line.Name,
            };
            if (line.Note is not null)
            {
                values["customer_note"] = line.Note;
            }

            if (line.RefundOfLine is { } original)
            {
                values["refunded_orderline_id"] = resolved.RefundedLines[original];
            }

            lines.Add(new JArray(0, 0, values));
        }

        var date = OdooValues.FormatInstant(sale.CreatedAtUtc);
        var payments = new JArray();
        var paid = 0m;
        for (var i = 0; i < sale.Payments.Count; i++)
        {
            var payment = sale.Payments[i];

            // Odoo records cash as tendered, then a negative "return" payment of the change.
            var amount = payment.Tendered ?? payment.Amount;
            paid += amount;
            var values = new JObject
            {
                [version.UsesSyncFromUi ? "payment_date" : "name"] = date,
                ["payment_method_id"] = resolved.PaymentMethods[i],
                ["amount"] = amount,
            };
            if (payment.Card is { } card)
            {
                values["card_type"] = card.Scheme;
                values["transaction_id"] = card.ProviderReference;
            }
            else if (payment.Reference is not null)
            {
                values["transaction_id"] = payment.Reference;
            }

            payments.Add(new JArray(0, 0, values));
        }

        var order = new JObject
        {
            ["name"] = Reference(sale.SaleNumber, sale.Id),
            ["user_id"] = userId,
            ["sequence_number"] = SequenceNumber(sale.SaleNumber),
            ["partner_id"] = resolved.PartnerId is { } partner ? partner : false,
            ["fiscal_position_id"] = false,
            ["pricelist_id"] = false,
            ["amount_paid"] = paid,
            ["amount_total"] = sale.Totals.Total,
            ["amount_tax"] = sale.Totals.Tax,
            ["amount_return"] = sale.Totals.Change,
            ["to_invoice"] = sale.InvoiceRequested && resolved.PartnerId is not null,
            ["lines"] = lines,
        };
        if (version.UsesSyncFromUi)
        {
            order["uuid"] = sale.Id.ToString("D");
            order["session_id"] = resolved.SessionId;
            order["state"] = "paid";
            order["date_order"] = date;
            order["payment_ids"] = payments;
            return order;
        }

        order["pos_session_id"] = resolved.SessionId;
        order[version.OrderDateField] = date;
        order["statement_ids"] = payments;
        return new JObject
        {
            ["id"] = sale.Id.ToString("D"),
            ["data"] = order,
            ["to_invoice"] = order["to_invoice"],
        };
    }

    /// <summary>The sale's number within its shift: the digits after the receipt number's last '-'.</summary>
    internal static int SequenceNumber(string saleNumber)
    {
        var dash = saleNumber.LastIndexOf('-');
        return int.TryParse(saleNumber.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) ? sequence : 1;
    }
}
