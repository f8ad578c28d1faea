using System.Globalization;
using Newtonsoft.Json.Linq;

namespace PosBridge.Erp.Odoo.Emulator;

/// <summary>
/// Invoicing (account.move out_invoice/out_refund, action_post, the account.payment.register wizard) and the
/// chatter as Odoo 17 runs them, for the subset the adapter uses: one percent tax per line, rounded per line.
/// </summary>
public sealed partial class OdooEmulator
{
    private void AfterCreate(string model, long id)
    {
        switch (model)
        {
            case "mail.message":
                {
                    // Odoo stores a message body as sanitized HTML: plain text comes back wrapped in a paragraph.
                    var record = Store["mail.message"].Get(id);
                    if (Text(record["body"]) is { } body && !body.StartsWith('<'))
                    {
                        record["body"] = "<p>" + System.Net.WebUtility.HtmlEncode(body) + "</p>";
                    }

                    break;
                }

            case "pos.order.line":
                {
                    // A float field with digits is rounded to them when written: qty to "Product Unit of Measure".
                    var line = Store["pos.order.line"].Get(id);
                    var digits = Store["decimal.precision"].Records.Values.Where(p => Text(p["name"]) == "Product Unit of Measure").Select(p => p["digits"]!.Value<int>()).DefaultIfEmpty(2).First();
                    line["qty"] = Math.Round(line["qty"]!.Value<decimal>(), digits, MidpointRounding.AwayFromZero);
                    break;
                }

            case "account.journal":
                {
                    // account.journal._fill_missing_values (17.0): a cash or bank journal made without cash difference
                    // accounts takes the company's defaults.
                    var journal = Store["account.journal"].Get(id);
                    if (Text(journal["type"]) is "cash" or "bank")
                    {
                        var company = Store["res.company"].Get(1);
                        if (Store.IsFalse(journal["profit_account_id"]))
                        {
                            journal["profit_account_id"] = company["default_cash_difference_income_account_id"];
                        }

                        if (Store.IsFalse(journal["loss_account_id"]))
                        {
                            journal["loss_account_id"] = company["default_cash_difference_expense_account_id"];
                        }
                    }

                    break;
                }

            case "pos.payment.method":
                {
                    // Odoo computes type from the journal: none is "pay later" (customer account), a cash journal cash, else bank.
                    var method = Store["pos.payment.method"].Get(id);
                    var journal = method["journal_id"] is { Type: JTokenType.Integer } journalId ? Store["account.journal"].Get(journalId.Value<long>()) : null;
                    var type = journal is null ? "pay_later" : Text(journal["type"]) == "cash" ? "cash" : "bank";
                    method["type"] = type;
                    method["is_cash_count"] = type == "cash";
                    if (Store["pos.payment.method"].Fields.ContainsKey("payment_method_type") && method["payment_method_type"] is not { Type: JTokenType.String })
                    {
                        method["payment_method_type"] = "none";
                    }

                    break;
                }

            case "account.move.line":
                {
                    // quantity has digits='Product Unit of Measure', rounded when written as pos.order.line's qty is.
                    var line = Store["account.move.line"].Get(id);
                    if (line["quantity"] is { Type: JTokenType.Float or JTokenType.Integer } quantity)
                    {
                        var digits = Store["decimal.precision"].Records.Values.Where(p => Text(p["name"]) == "Product Unit of Measure").Select(p => p["digits"]!.Value<int>()).DefaultIfEmpty(2).First();
                        line["quantity"] = Math.Round(quantity.Value<decimal>(), digits, MidpointRounding.AwayFromZero);
                    }

                    var (excluded, tax) = LineAmounts(line);
                    line["price_subtotal"] = excluded;
                    line["price_total"] = excluded + tax;
                    break;
                }
        }
    }

    private long CreateMove(JObject values)
    {
        var type = Text(values["move_type"]) ?? "entry";
        var defaults = new JObject { ["state"] = "draft", ["payment_state"] = "not_paid", ["journal_id"] = type is "out_invoice" or "out_refund" ? 1 : 3 };
        foreach (var (key, value) in values)
        {
            defaults[key] = value;
        }

        var id = Store.Create("account.move", defaults);
        RecomputeMove(id);
        return id;
    }

    private void RecomputeMove(long id)
    {
        var move = Store["account.move"].Get(id);
        var lines = move["invoice_line_ids"]!.Select(t => Store["account.move.line"].Get(t.Value<long>())).ToList();
        if (lines.Count == 0)
        {
            return;
        }

        var untaxed = 0m;
        var tax = 0m;
        foreach (var line in lines)
        {
            var (excluded, lineTax) = LineAmounts(line);
            untaxed += excluded;
            tax += lineTax;
        }

        var values = new JObject { ["amount_untaxed"] = untaxed, ["amount_tax"] = tax, ["amount_total"] = untaxed + tax };
        if (Text(move["state"]) == "draft")
        {
            values["amount_residual"] = untaxed + tax;
        }

        Store.Write("account.move", id, values);
    }

    /// <summary>A line's amount without tax and its tax, each rounded to the cent (round per line), as Odoo computes them.</summary>
    private (decimal Excluded, decimal Tax) LineAmounts(JObject line)
    {
        var gross = (Num(line["quantity"]) ?? 0m) * (Num(line["price_unit"]) ?? 0m) * (1m - ((Num(line["discount"]) ?? 0m) / 100m));
        var excluded = gross;
        var tax = 0m;
        foreach (var taxId in line["tax_ids"]!.Select(t => t.Value<long>()))
        {
            var definition = Store["account.tax"].Get(taxId);
            var rate = definition["amount"]!.Value<decimal>() / 100m;
            if (definition["price_include"]!.Value<bool>())
            {
                excluded = gross / (1m + rate);
                tax = gross - Math.Round(excluded, 2, MidpointRounding.AwayFromZero);
            }
            else
            {
                tax = gross * rate;
            }
        }

        return (Math.Round(excluded, 2, MidpointRounding.AwayFromZero), Math.Round(tax, 2, MidpointRounding.AwayFromZero));
    }

    private void PostMove(long id)
    {
        var move = Store["account.move"].Get(id);
        var type = Text(move["move_type"]);
        if (Text(move["state"]) != "draft")
        {
            throw OdooFault.User("Only draft journal entries can be posted.");
        }

        if (type is "out_invoice" or "out_refund" && Store.IsFalse(move["partner_id"]))
        {
            throw OdooFault.User("The field 'Customer' is required, please complete it to validate the Customer Invoice.");
        }

        if (move["invoice_line_ids"]!.Any() == false)
        {
            throw OdooFault.User("You need to add a line before posting.");
        }

        var prefix = type == "out_refund" ? "RINV" : "INV";
        var number = Store["account.move"].Records.Values.Count(r => Text(r["state"]) == "posted" && Text(r["move_type"]) == type) + 1;
        Store.Write("account.move", id, new JObject
        {
            ["state"] = "posted",
            ["name"] = string.Create(CultureInfo.InvariantCulture, $"{prefix}/{Store.Clock().Year}/{number:00000}"),
            ["amount_residual"] = move["amount_total"],
            ["payment_state"] = "not_paid",
        });
    }

    private long CreatePaymentWizard(JObject values, JObject context)
    {
        if (Text(context["active_model"]) != "account.move" || context["active_ids"] is not JArray { Count: > 0 } active)
        {
            throw OdooFault.User("The register payment wizard should only be called on account.move or account.move.line records.");
        }

        var move = Store["account.move"].Get(active[0].Value<long>());
        if (Text(move["state"]) != "posted")
        {
            throw OdooFault.User("You can only register payment for posted journal entries.");
        }

        var wizard = new JObject { ["line_ids"] = new JArray((object)new JArray(6, 0, new JArray(active[0]))), ["amount"] = move["amount_residual"] };
        foreach (var (key, value) in values)
        {
            wizard[key] = value;
        }

        if (Store.IsFalse(wizard["journal_id"]))
        {
            throw OdooFault.Validation("The operation cannot be completed: Missing required value for the field 'Journal' (journal_id).");
        }

        return Store.Create("account.payment.register", wizard);
    }

    private JObject CreatePayments(long wizardId)
    {
        var wizard = Store["account.payment.register"].Get(wizardId);
        var moveId = wizard["line_ids"]![0]!.Value<long>();
        var move = Store["account.move"].Get(moveId);
        var amount = Num(wizard["amount"]) ?? 0m;
        var residual = Math.Max(0m, (Num(move["amount_residual"]) ?? 0m) - amount);
        var payment = Store.Create("account.payment", new JObject
        {
            ["name"] = string.Create(CultureInfo.InvariantCulture, $"P/{Store["account.payment"].Records.Count + 1:00000}"),
            ["ref"] = wizard["communication"] is { Type: JTokenType.String } memo ? memo : move["name"],
            ["amount"] = amount, ["journal_id"] = wizard["journal_id"], ["partner_id"] = move["partner_id"], ["state"] = "posted",
            ["payment_type"] = Text(move["move_type"]) == "out_refund" ? "outbound" : "inbound", ["date"] = wizard["payment_date"],
        });
        Store.Write("account.move", moveId, new JObject { ["amount_residual"] = residual, ["payment_state"] = residual < 0.005m ? "paid" : "partial" });
        return new JObject { ["name"] = "Payments", ["type"] = "ir.actions.act_window", ["res_model"] = "account.payment", ["context"] = new JObject { ["create"] = false }, ["view_mode"] = "form", ["res_id"] = payment };
    }
}
