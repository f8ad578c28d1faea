using System.Globalization;
using Newtonsoft.Json.Linq;

namespace PosBridge.Erp.Odoo.Emulator;

public sealed partial class OdooEmulator
{
    private static readonly string[] DoneStates = ["paid", "done", "invoiced"];

    // The current order call's context asks for the invoice PDF (Odoo 17+: generate_pdf, default true).
    private bool _generatePdf = true;

    private (bool RecordMethod, string[] Parameters) Signature(string model, string method) => (model, method) switch
    {
        (_, "search_read") => (false, ["domain", "fields", "offset", "limit", "order"]),
        (_, "search") => (false, ["domain", "offset", "limit", "order"]),
        (_, "search_count") => (false, ["domain", "limit"]),
        (_, "read") => (true, ["fields", "load"]),
        (_, "create") => (false, ["vals_list"]),
        (_, "write") => (true, ["vals"]),
        ("pos.order", "create_from_ui") when Version <= 17 => (false, ["orders", "draft"]),
        ("pos.order", "sync_from_ui") when Version >= 18 => (false, ["orders"]),
        ("pos.config", "open_ui") => (true, []),
        (_, "check_access_rights") => (false, ["operation", "raise_exception"]),
        ("pos.session", "set_cashbox_pos") when Version <= 17 => (true, ["cashbox_value", "notes"]),
        ("pos.session", "set_opening_control") when Version >= 18 => (true, ["cashbox_value", "notes"]),
        ("pos.session", "post_closing_cash_details") => (true, ["counted_cash"]),
        ("pos.session", "update_closing_control_state_session") => (true, ["notes"]),
        ("pos.session", "close_session_from_ui") => (true, ["bank_payment_method_diff_pairs"]),
        ("pos.session", "try_cash_in_out") when Version <= 17 => (true, ["_type", "amount", "reason", "extras"]),
        ("pos.session", "try_cash_in_out") when Version >= 18 => (true, ["_type", "amount", "reason", "partner_id", "extras"]),
        ("account.move", "action_post") => (true, []),
        ("account.payment.register", "action_create_payments") => (true, []),
        _ => throw new OdooFault("builtins.AttributeError", $"The method '{method}' does not exist on the model '{model}'"),
    };

    private JToken? Dispatch(string model, string method, JObject named, JObject context)
    {
        _ = Signature(model, method);
        if (method is "search_read" or "search" or "search_count" or "read" && _denied.Contains((model, "read")))
        {
            // The ORM's check_access_rights('read'), as Odoo answers a user whose groups have no read access.
            throw new OdooFault("odoo.exceptions.AccessError", $"You are not allowed to access '{model}' ({model}) records.");
        }

        var m = Store[model];
        var ids = named["ids"] is JArray idList ? idList.Select(t => t.Value<long>()).ToList() : [];
        var activeTest = context["active_test"] is not { Type: JTokenType.Boolean } flag || flag.Value<bool>();
        switch (method)
        {
            case "search_read":
                {
                    var fields = (named["fields"] as JArray)?.Select(t => t.Value<string>()!).ToList();
                    var rows = Store.Search(m, named["domain"], Text(named["order"]), (int?)Num(named["offset"]) ?? 0, (int?)Num(named["limit"]), activeTest);
                    return new JArray(rows.Select(r => Store.Present(m, r, fields)));
                }

            case "search":
                return new JArray(Store.Search(m, named["domain"], Text(named["order"]), (int?)Num(named["offset"]) ?? 0, (int?)Num(named["limit"]), activeTest).Select(r => r["id"]));
            case "search_count":
                return Store.Search(m, named["domain"], null, 0, null, activeTest).Count;
            case "read":
                {
                    var fields = (named["fields"] as JArray)?.Select(t => t.Value<string>()!).ToList();
                    var load = named["load"] is not { Type: JTokenType.String } l || l.Value<string>() != "_classic_write" && l.Value<string>() != "";
                    return new JArray(ids.Select(id => Store.Present(m, m.Get(id), fields, load)));
                }

            case "create":
                {
                    var values = named["vals_list"] is JArray list ? list.Cast<JObject>().ToList() : [(JObject)named["vals_list"]!];
                    return new JArray(values.Select(v => model switch
                    {
                        "account.move" => CreateMove(v),
                        "account.payment.register" => CreatePaymentWizard(v, context),
                        _ => Store.Create(model, v),
                    }).ToList());
                }

            case "write":
                foreach (var id in ids)
                {
                    Store.Write(model, id, (JObject)named["vals"]!);
                    if (model == "account.move")
                    {
                        RecomputeMove(id);
                    }
                }

                return true;
            case "create_from_ui":
                _generatePdf = context["generate_pdf"] is not { Type: JTokenType.Boolean } pdf || pdf.Value<bool>();
                return CreateFromUi((JArray)named["orders"]!, named["draft"]?.Value<bool>() ?? false);
            case "sync_from_ui":
                _generatePdf = context["generate_pdf"] is not { Type: JTokenType.Boolean } pdf18 || pdf18.Value<bool>();
                return SyncFromUi((JArray)named["orders"]!);
            case "open_ui":
                return OpenUi(ids.Single());
            case "check_access_rights":
                {
                    var operation = Text(named["operation"]) ?? throw OdooFault.User("check_access_rights needs an operation.");
                    var allowed = !_denied.Contains((model, operation));
                    return allowed || named["raise_exception"]?.Value<bool?>() == false
                        ? allowed
                        : throw new OdooFault("odoo.exceptions.AccessError", $"You are not allowed to {(operation == "create" ? "create" : "modify")} '{model}' records.");
                }

            case "set_cashbox_pos":
            case "set_opening_control":
                SetOpening(ids.Single(), Num(named["cashbox_value"]) ?? 0m, Text(named["notes"]));
                return null;
            case "post_closing_cash_details":
                return PostClosingCash(ids.Single(), Num(named["counted_cash"]) ?? 0m);
            case "update_closing_control_state_session":
                {
                    var session = Store["pos.session"].Get(ids.Single());
                    if (Text(session["state"]) == "closed")
                    {
                        throw OdooFault.User("This session is already closed.");
                    }

                    Store.Write("pos.session", ids.Single(), new JObject { ["state"] = "closing_control", ["closing_notes"] = named["notes"], ["stop_at"] = Store.Now() });
                    return null;
                }

            case "close_session_from_ui":
                return CloseSession(ids.Single());
            case "try_cash_in_out":
                CashInOut(ids, Text(named["_type"]), Num(named["amount"]) ?? 0m, Text(named["reason"]) ?? string.Empty, named["extras"] as JObject);
                return null;
            case "action_post":
                foreach (var id in ids)
                {
                    PostMove(id);
                }

                return false;
            case "action_create_payments":
                return CreatePayments(ids.Single());
            default:
                throw new OdooFault("builtins.AttributeError", $"The method '{method}' does not exist on the model '{model}'");
        }
    }

    private JArray CreateFromUi(JArray orders, bool draft)
    {
        var processed = new List<long>();
        foreach (var order in orders)
        {
            var data = Required<JObject>(order, "data");
            var name = Required<JValue>(data, "name").Value<string>()!;
            var existingDraft = Store.Search(Store["pos.order"], new JArray((object)new JArray("pos_reference", "=", name), new JArray("state", "=", "draft")), null, 0, 1).FirstOrDefault();
            if (existingDraft is not null)
            {
                processed.Add(Process17(data, order["to_invoice"]?.Value<bool>() ?? false, draft, existingDraft["id"]!.Value<long>()));
                continue;
            }

            var existing = Store.Search(Store["pos.order"], new JArray((object)new JArray("pos_reference", "=", name)), null, 0, null);
            if (existing.All(e => !SameOrder(data, e)))
            {
                processed.Add(Process17(data, order["to_invoice"]?.Value<bool>() ?? false, draft, null));
            }
        }

        var model = Store["pos.order"];
        return new JArray(processed.Select(id => Store.Present(model, model.Get(id), ["id", "pos_reference", "account_move"], load: false)));
    }

    private bool SameOrder(JObject data, JObject existing)
    {
        var payments = Store["pos.payment"];
        var had = existing["payment_ids"]!.Select(id => payments.Get(id.Value<long>())).ToList();
        return Required<JArray>(data, "statement_ids").All(p =>
        {
            var values = (JObject)p[2]!;
            return had.Any(h => Math.Abs(h["amount"]!.Value<decimal>() - values["amount"]!.Value<decimal>()) < 0.005m && h["payment_method_id"]!.Value<long>() == values["payment_method_id"]!.Value<long>());
        });
    }

    private long Process17(JObject data, bool toInvoice, bool draft, long? existingId)
    {
        string[] required = ["user_id", "pos_session_id", "lines", "name", "sequence_number", "partner_id", Version >= 17 ? "date_order" : "creation_date", "fiscal_position_id", "amount_paid", "amount_total", "amount_tax", "amount_return", "statement_ids"];
        foreach (var key in required)
        {
            _ = Required<JToken>(data, key);
        }

        var sessionId = data["pos_session_id"]!.Value<long>();
        var session = Store["pos.session"].Get(sessionId);
        if (Text(session["state"]) is "closing_control" or "closed")
        {
            sessionId = RescueSession(session);
        }

        var partner = PartnerOrFalse(data["partner_id"], ref toInvoice);
        var values = new JObject
        {
            ["session_id"] = sessionId,
            ["config_id"] = Store["pos.session"].Get(sessionId)["config_id"],
            ["user_id"] = data["user_id"],
            ["pos_reference"] = data["name"],
            ["sequence_number"] = data["sequence_number"],
            ["partner_id"] = partner,
            ["date_order"] = (data[Version >= 17 ? "date_order" : "creation_date"]!.Value<string>() ?? string.Empty).Replace('T', ' ')[..19],
            ["amount_total"] = data["amount_total"],
            ["amount_tax"] = data["amount_tax"],
            ["amount_paid"] = data["amount_paid"],
            ["amount_return"] = data["amount_return"],
            ["to_invoice"] = toInvoice,
            ["company_id"] = 1,
        };

        long orderId;
        if (existingId is { } id)
        {
            foreach (var line in Store["pos.order"].Get(id)["lines"]!.ToList())
            {
                Store["pos.order.line"].Records.Remove(line.Value<long>());
            }

            foreach (var payment in Store["pos.order"].Get(id)["payment_ids"]!.ToList())
            {
                Store["pos.payment"].Records.Remove(payment.Value<long>());
            }

            values["lines"] = false;
            values["payment_ids"] = false;
            Store.Write("pos.order", id, values);
            orderId = id;
        }
        else
        {
            values["state"] = "draft";
            values["name"] = $"Shop/{Store["pos.order"].Records.Count + 1:0000}";
            orderId = Store.Create("pos.order", values);
        }

        // Like Odoo 17's _is_field_accepted: line keys that are not fields are dropped.
        var lineModel = Store["pos.order.line"];
        var lineIds = new JArray();
        foreach (var command in Required<JArray>(data, "lines"))
        {
            var vals = new JObject(((JObject)command[2]!).Properties().Where(p => lineModel.Fields.ContainsKey(p.Name)));
            vals["order_id"] = orderId;
            vals["name"] ??= $"L{lineModel.Records.Count + 1:00000}";
            lineIds.Add(Store.Create("pos.order.line", vals));
        }

        Store.Write("pos.order", orderId, new JObject { ["lines"] = new JArray((object)new JArray(6, 0, lineIds)) });
        foreach (var command in Required<JArray>(data, "statement_ids"))
        {
            var p = (JObject)command[2]!;
            AddPayment(orderId, sessionId, p["payment_method_id"]!.Value<long>(), p["amount"]!.Value<decimal>(), Text(p["name"]), p, isChange: false);
        }

        return FinishOrder(orderId, sessionId, data["amount_return"]!.Value<decimal>(), draft, toInvoice);
    }

    private JObject SyncFromUi(JArray orders)
    {
        var processed = new List<long>();
        foreach (var token in orders)
        {
            var order = (JObject)token;
            var uuid = Text(order["uuid"]);
            var existing = uuid is null ? null : Store.Search(Store["pos.order"], new JArray((object)new JArray("uuid", "=", uuid)), null, 0, 1).FirstOrDefault();
            if (existing is null || Text(existing["state"]) == "draft")
            {
                processed.Add(Process18(order, existing?["id"]!.Value<long>()));
            }
            else
            {
                processed.Add(existing["id"]!.Value<long>());
            }
        }

        var model = Store["pos.order"];
        return new JObject
        {
            ["pos.order"] = new JArray(processed.Select(id => Store.Present(model, model.Get(id), ["id", "uuid", "name", "pos_reference", "state", "amount_total", "amount_paid", "account_move", "session_id"], load: false))),
            ["pos.session"] = new JArray(),
            ["pos.payment"] = new JArray(),
            ["pos.order.line"] = new JArray(),
        };
    }

    private long Process18(JObject order, long? existingId)
    {
        var draft = Text(order["state"]) == "draft";
        var sessionId = Required<JValue>(order, "session_id").Value<long>();
        var session = Store["pos.session"].Get(sessionId);
        if (Text(session["state"]) is "closing_control" or "closed")
        {
            var open = Store.Search(Store["pos.session"], new JArray((object)new JArray("state", "not in", new JArray("closed", "closing_control")), new JArray("config_id", "=", session["config_id"]!)), null, 0, 1).FirstOrDefault()
                ?? throw OdooFault.User("No open session available. Please open a new session to capture the order.");
            sessionId = open["id"]!.Value<long>();
        }

        var toInvoice = order["to_invoice"]?.Value<bool>() ?? false;
        var partner = PartnerOrFalse(order["partner_id"], ref toInvoice);
        var values = new JObject();
        foreach (var (key, value) in order)
        {
            if (key is "name" or "lines" or "payment_ids")
            {
                continue;
            }

            Store["pos.order"].FieldOf(key);
            values[key] = value;
        }

        values["pos_reference"] = order["name"];
        values["session_id"] = sessionId;
        values["config_id"] = Store["pos.session"].Get(sessionId)["config_id"];
        values["partner_id"] = partner;
        values["to_invoice"] = toInvoice;
        values["company_id"] = 1;
        long orderId;
        if (existingId is { } id)
        {
            Store.Write("pos.order", id, values);
            orderId = id;
        }
        else
        {
            values["name"] = $"Shop/{Store["pos.order"].Records.Count + 1:0000}";
            orderId = Store.Create("pos.order", values);
        }

        var lineIds = new JArray();
        foreach (var command in order["lines"] as JArray ?? [])
        {
            var vals = (JObject)((JObject)command[2]!).DeepClone();
            foreach (var property in vals.Properties())
            {
                Store["pos.order.line"].FieldOf(property.Name);
            }

            vals["order_id"] = orderId;
            vals["name"] ??= $"L{Store["pos.order.line"].Records.Count + 1:00000}";
            lineIds.Add(Store.Create("pos.order.line", vals));
        }

        Store.Write("pos.order", orderId, new JObject { ["lines"] = new JArray((object)new JArray(6, 0, lineIds)) });
        foreach (var command in order["payment_ids"] as JArray ?? [])
        {
            var p = (JObject)command[2]!;
            foreach (var property in p.Properties())
            {
                Store["pos.payment"].FieldOf(property.Name);
            }

            AddPayment(orderId, sessionId, p["payment_method_id"]!.Value<long>(), p["amount"]!.Value<decimal>(), Text(p["payment_date"]), p, isChange: false);
        }

        return FinishOrder(orderId, sessionId, Num(order["amount_return"]) ?? 0m, draft, toInvoice);
    }

    private long FinishOrder(long orderId, long sessionId, decimal amountReturn, bool draft, bool toInvoice)
    {
        if (!draft && amountReturn != 0m)
        {
            var config = Store["pos.config"].Get(Store["pos.session"].Get(sessionId)["config_id"]!.Value<long>());
            var cash = config["payment_method_ids"]!.Select(t => Store["pos.payment.method"].Get(t.Value<long>())).FirstOrDefault(pm => pm["is_cash_count"]!.Value<bool>())
                ?? throw OdooFault.User("No cash statement found for this session. Unable to record returned cash.");
            AddPayment(orderId, sessionId, cash["id"]!.Value<long>(), -amountReturn, Store.Now(), null, isChange: true);
        }

        // The server recomputes amount paid (it does not trust the client) but stores the totals as sent.
        var order = Store["pos.order"].Get(orderId);
        var paid = order["payment_ids"]!.Sum(t => Store["pos.payment"].Get(t.Value<long>())["amount"]!.Value<decimal>());
        Store.Write("pos.order", orderId, new JObject { ["amount_paid"] = paid });
        CheckTotals(order);
        if (draft)
        {
            Store.Write("pos.order", orderId, new JObject { ["state"] = "draft" });
            return orderId;
        }

        var total = Math.Round(order["amount_total"]!.Value<decimal>(), 2, MidpointRounding.AwayFromZero);
        if (Math.Abs(total - paid) < 0.005m)
        {
            Store.Write("pos.order", orderId, new JObject { ["state"] = "paid" });
        }
        else if (Version <= 17)
        {
            // The trap: not fully paid, so the order stays a draft, and the RPC answers success.
            Store.Write("pos.order", orderId, new JObject { ["state"] = "draft" });
            return orderId;
        }

        if (toInvoice && Text(order["state"]) == "paid")
        {
            if (Store.IsFalse(order["partner_id"]))
            {
                throw OdooFault.User("Please provide a partner for the sale.");
            }

            if (Version >= 17 && _generatePdf && !HasWkhtmltopdf)
            {
                // _generate_pos_order_invoice's "Send and Print" renders the PDF; the whole call is rolled back.
                throw OdooFault.User("Unable to find Wkhtmltopdf on this system. The PDF can not be created.");
            }

            var moves = Store["account.move"].Records.Values.Count(r => Text(r["move_type"]) == "out_invoice");
            var invoice = Store.Create("account.move", new JObject
            {
                ["name"] = $"INV/{Store.Clock().Year}/{moves + 1:00000}", ["move_type"] = "out_invoice", ["state"] = "posted",
                ["partner_id"] = order["partner_id"], ["amount_total"] = order["amount_total"], ["amount_tax"] = order["amount_tax"], ["ref"] = order["pos_reference"],
            });
            Store.Write("pos.order", orderId, new JObject { ["account_move"] = invoice, ["state"] = "invoiced" });
        }

        return orderId;
    }

    private void AddPayment(long orderId, long sessionId, long methodId, decimal amount, string? date, JObject? extra, bool isChange)
    {
        var session = Store["pos.session"].Get(sessionId);
        var config = Store["pos.config"].Get(session["config_id"]!.Value<long>());
        if (!config["payment_method_ids"]!.Any(t => t.Value<long>() == methodId))
        {
            throw OdooFault.Validation("The payment method selected is not allowed in the config of the POS session.");
        }

        var values = new JObject
        {
            ["pos_order_id"] = orderId, ["session_id"] = sessionId, ["payment_method_id"] = methodId, ["amount"] = amount,
            ["payment_date"] = date ?? Store.Now(), ["is_change"] = isChange, ["name"] = isChange ? "return" : null,
        };
        foreach (var key in new[] { "card_type", "cardholder_name", "transaction_id", "payment_status", "ticket" })
        {
            if (extra?[key] is { } value)
            {
                values[key] = value;
            }
        }

        var payment = Store.Create("pos.payment", values);
        Store.Write("pos.order", orderId, new JObject { ["payment_ids"] = new JArray((object)new JArray(4, payment)) });
        if (Store["pos.payment.method"].Get(methodId)["is_cash_count"]!.Value<bool>())
        {
            // _compute_cash_balance is linear in the cash payments: add this one rather than sum them all again.
            Store.Write("pos.session", sessionId, new JObject
            {
                ["cash_register_balance_end"] = (session["cash_register_balance_end"]?.Value<decimal?>() ?? 0m) + amount,
                ["cash_register_difference"] = (session["cash_register_difference"]?.Value<decimal?>() ?? 0m) - amount,
            });
        }
    }

    /// <summary>What Odoo computes for a line with at most one percent tax, rounded per line, against what was sent.</summary>
    private void CheckTotals(JObject order)
    {
        var sum = 0m;
        foreach (var lineId in order["lines"]!)
        {
            var line = Store["pos.order.line"].Get(lineId.Value<long>());
            var taxes = line["tax_ids"]!.Select(t => Store["account.tax"].Get(t.Value<long>())).ToList();
            if (taxes.Count > 1 || taxes.Any(t => Text(t["amount_type"]) != "percent"))
            {
                return;
            }

            var price = line["price_unit"]!.Value<decimal>() * (1 - (line["discount"]!.Value<decimal>() / 100m));
            var qty = line["qty"]!.Value<decimal>();
            decimal excluded, included;
            if (taxes.Count == 0)
            {
                excluded = included = Round(price * qty);
            }
            else if (taxes[0]["price_include"]!.Value<bool>())
            {
                included = Round(price * qty);
                excluded = included - Round(included - (included / (1 + (taxes[0]["amount"]!.Value<decimal>() / 100m))));
            }
            else
            {
                excluded = Round(price * qty);
                included = excluded + Round(excluded * taxes[0]["amount"]!.Value<decimal>() / 100m);
            }

            sum += included;
            if (excluded != line["price_subtotal"]!.Value<decimal>() || included != line["price_subtotal_incl"]!.Value<decimal>())
            {
                _disagreements.Add($"{order["pos_reference"]}: line {line["full_product_name"]} sent {line["price_subtotal"]}/{line["price_subtotal_incl"]}, Odoo computes {excluded}/{included}");
            }
        }

        if (sum != order["amount_total"]!.Value<decimal>())
        {
            _disagreements.Add($"{order["pos_reference"]}: amount_total sent {order["amount_total"]}, Odoo computes {sum}");
        }

        static decimal Round(decimal value) => Math.Round(value, 2, MidpointRounding.AwayFromZero);
    }

    private JToken PartnerOrFalse(JToken? partner, ref bool toInvoice)
    {
        if (Store.IsFalse(partner))
        {
            return false;
        }

        if (!Store["res.partner"].Records.ContainsKey(partner!.Value<long>()))
        {
            toInvoice = false;
            return false;
        }

        return partner!;
    }

    private long RescueSession(JObject closed)
    {
        var config = closed["config_id"]!;
        var rescue = Store.Search(Store["pos.session"], new JArray((object)new JArray("config_id", "=", config), new JArray("rescue", "=", true), new JArray("state", "not in", new JArray("closed", "closing_control"))), null, 0, 1).FirstOrDefault();
        return rescue?["id"]!.Value<long>() ?? Store.Create("pos.session", new JObject
        {
            ["name"] = $"(RESCUE FOR {Text(closed["name"])})", ["config_id"] = config, ["user_id"] = AdminUid, ["state"] = "opened", ["rescue"] = true, ["start_at"] = Store.Now(),
            ["cash_register_balance_start"] = 0m, ["cash_control"] = closed["cash_control"], ["cash_journal_id"] = closed["cash_journal_id"],
        });
    }

    private JObject OpenUi(long configId)
    {
        var config = Store["pos.config"].Get(configId);

        // pos.config._check_profit_loss_cash_journal, run before a session is created (17.0).
        if (CashMethod(configId) is { } cashMethod && !Store.IsFalse(cashMethod["journal_id"]))
        {
            var journal = Store["account.journal"].Get(cashMethod["journal_id"]!.Value<long>());
            if (Store.IsFalse(journal["loss_account_id"]) || Store.IsFalse(journal["profit_account_id"]))
            {
                throw new OdooFault("odoo.exceptions.ValidationError", "You need a loss and profit account on your cash journal.");
            }
        }

        var current = Store.Search(Store["pos.session"], new JArray((object)new JArray("config_id", "=", configId), new JArray("state", "!=", "closed"), new JArray("rescue", "=", false)), null, 0, 1).FirstOrDefault();
        if (current is null)
        {
            // action_pos_session_open: with cash control (16+: the config has a cash method) the session waits in
            // opening_control starting from the last session's counted cash; without, it opens at once from 0.
            var cash = CashMethod(configId);
            var last = Store.Search(Store["pos.session"], new JArray((object)new JArray("config_id", "=", configId)), "id desc", 0, 1).FirstOrDefault();
            var start = cash is null ? 0m : last?["cash_register_balance_end_real"]?.Value<decimal?>() ?? 0m;
            var id = Store.Create("pos.session", new JObject
            {
                ["name"] = $"POS/{Store["pos.session"].Records.Count + 1:00000}", ["config_id"] = configId, ["user_id"] = AdminUid, ["state"] = cash is null ? "opened" : "opening_control",
                ["cash_register_balance_start"] = start, ["start_at"] = Store.Now(), ["cash_control"] = cash is not null,
                ["cash_journal_id"] = cash?["journal_id"] ?? false,
            });
            Store.Write("pos.config", configId, new JObject { ["current_session_id"] = id });
            RecomputeCash(id);
        }

        return new JObject { ["type"] = "ir.actions.act_url", ["url"] = "/pos/ui?config_id=" + configId.ToString(CultureInfo.InvariantCulture), ["target"] = "self", ["name"] = config["name"] };
    }

    private void SetOpening(long sessionId, decimal cashboxValue, string? notes)
    {
        // set_cashbox_pos / set_opening_control: the counted opening cash replaces the expected start, and the
        // difference is a cash statement line of the session ("... - opening").
        var session = Store["pos.session"].Get(sessionId);
        var difference = cashboxValue - session["cash_register_balance_start"]!.Value<decimal>();
        Store.Write("pos.session", sessionId, new JObject { ["state"] = "opened", ["opening_notes"] = notes, ["cash_register_balance_start"] = cashboxValue });
        PostStatementDifference(sessionId, difference, isOpening: true);
        RecomputeCash(sessionId);
    }

    private void CashInOut(List<long> sessionIds, string? type, decimal amount, string reason, JObject? extras)
    {
        var sessions = sessionIds.Select(id => Store["pos.session"].Get(id)).Where(s => !Store.IsFalse(s["cash_journal_id"])).ToList();
        if (sessions.Count == 0)
        {
            throw OdooFault.User("There is no cash payment method for this PoS Session");
        }

        var translated = extras?["translatedType"]?.Value<string>() ?? throw new OdooFault("builtins.KeyError", "'translatedType'");
        foreach (var session in sessions)
        {
            var id = session["id"]!.Value<long>();
            Store.Create("account.bank.statement.line", new JObject
            {
                ["pos_session_id"] = id, ["journal_id"] = session["cash_journal_id"], ["amount"] = (type == "in" ? 1 : -1) * amount,
                ["date"] = Store.Now()[..10], ["payment_ref"] = string.Join('-', Text(session["name"]), translated, reason),
            });
            RecomputeCash(id);
        }
    }

    /// <summary>Odoo's _post_statement_difference: a cash statement line for a counted difference, named by its sign.</summary>
    private void PostStatementDifference(long sessionId, decimal amount, bool isOpening)
    {
        if (amount == 0m)
        {
            return;
        }

        var session = Store["pos.session"].Get(sessionId);
        if (Store.IsFalse(session["cash_journal_id"]))
        {
            // Without cash control Odoo builds no line values and fails on them.
            throw new OdooFault("builtins.UnboundLocalError", "cannot access local variable 'st_line_vals' where it is not associated with a value");
        }

        Store.Create("account.bank.statement.line", new JObject
        {
            ["pos_session_id"] = sessionId, ["journal_id"] = session["cash_journal_id"], ["amount"] = amount, ["date"] = Store.Now()[..10],
            ["payment_ref"] = $"Cash difference observed during the counting ({(amount < 0m ? "Loss" : "Profit")}) - {(isOpening ? "opening" : "closing")}",
        });
    }

    /// <summary>
    /// _compute_cash_balance: the expected cash is the previous session's counted cash plus the session's cash
    /// payments and cash statement lines (frozen at closing); the difference is counted minus expected.
    /// </summary>
    private void RecomputeCash(long sessionId)
    {
        var session = Store["pos.session"].Get(sessionId);
        var configId = session["config_id"]!.Value<long>();
        var cash = CashMethod(configId);
        if (cash is null)
        {
            Store.Write("pos.session", sessionId, new JObject { ["cash_register_balance_end"] = 0m, ["cash_register_difference"] = 0m });
            return;
        }

        var last = Store.Search(Store["pos.session"], new JArray((object)new JArray("config_id", "=", configId), new JArray("id", "<", sessionId)), "id desc", 0, 1).FirstOrDefault();
        var payments = Store.Search(Store["pos.payment"], new JArray((object)new JArray("session_id", "=", sessionId), new JArray("payment_method_id", "=", cash["id"]!)), null, 0, null).Sum(p => p["amount"]!.Value<decimal>());
        var moves = Text(session["state"]) == "closed"
            ? session["cash_real_transaction"]?.Value<decimal?>() ?? 0m
            : StatementLines(sessionId).Sum(l => l["amount"]!.Value<decimal>());
        var end = (last?["cash_register_balance_end_real"]?.Value<decimal?>() ?? 0m) + payments + moves;
        Store.Write("pos.session", sessionId, new JObject
        {
            ["cash_register_balance_end"] = end,
            ["cash_register_difference"] = (session["cash_register_balance_end_real"]?.Value<decimal?>() ?? 0m) - end,
        });
    }

    private List<JObject> StatementLines(long sessionId) =>
        Store.Search(Store["account.bank.statement.line"], new JArray((object)new JArray("pos_session_id", "=", sessionId)), "id asc", 0, null);

    /// <summary>The config's cash method: Odoo 16+ turns cash control on exactly when there is one.</summary>
    private JObject? CashMethod(long configId) =>
        Store["pos.config"].Get(configId)["payment_method_ids"]!.Select(t => Store["pos.payment.method"].Get(t.Value<long>())).FirstOrDefault(pm => pm["is_cash_count"]!.Value<bool>());

    private JObject PostClosingCash(long sessionId, decimal counted)
    {
        var session = Store["pos.session"].Get(sessionId);
        if (Text(session["state"]) == "closed")
        {
            return new JObject { ["successful"] = false, ["message"] = "This session is already closed.", ["redirect"] = true };
        }

        if (DraftOrders(sessionId) > 0)
        {
            return new JObject { ["successful"] = false, ["message"] = "You cannot close the POS when orders are still in draft", ["redirect"] = false };
        }

        if (Store.IsFalse(session["cash_journal_id"]))
        {
            throw OdooFault.User("There is no cash register in this session.");
        }

        Store.Write("pos.session", sessionId, new JObject { ["cash_register_balance_end_real"] = counted });
        RecomputeCash(sessionId);
        return new JObject { ["successful"] = true };
    }

    private JObject CloseSession(long sessionId)
    {
        var session = Store["pos.session"].Get(sessionId);
        if (Text(session["state"]) == "closed")
        {
            return new JObject { ["successful"] = false, ["message"] = "This session is already closed.", ["redirect"] = true };
        }

        if (DraftOrders(sessionId) > 0)
        {
            throw OdooFault.User("You cannot close the POS when orders are still in draft");
        }

        // action_pos_session_closing_control: a rescue session under cash control counts what its orders took in cash.
        if (session["rescue"]?.Value<bool?>() == true && !Store.IsFalse(session["cash_journal_id"]))
        {
            var cash = CashMethod(session["config_id"]!.Value<long>())!;
            var taken = Store.Search(Store["pos.payment"], new JArray((object)new JArray("session_id", "=", sessionId), new JArray("payment_method_id", "=", cash["id"]!)), null, 0, null).Sum(p => p["amount"]!.Value<decimal>());
            Store.Write("pos.session", sessionId, new JObject { ["cash_register_balance_end_real"] = taken + (session["cash_register_balance_start"]?.Value<decimal?>() ?? 0m) });
        }

        // _validate_session: the cash moves are frozen, and the counted difference becomes a statement line.
        RecomputeCash(sessionId);
        session = Store["pos.session"].Get(sessionId);
        var differenceBeforeStatements = session["cash_register_difference"]!.Value<decimal>();
        Store.Write("pos.session", sessionId, new JObject { ["cash_real_transaction"] = StatementLines(sessionId).Sum(l => l["amount"]!.Value<decimal>()) });
        PostStatementDifference(sessionId, differenceBeforeStatements, isOpening: false);

        var orders = Store.Search(Store["pos.order"], new JArray((object)new JArray("session_id", "=", sessionId)), null, 0, null);
        var total = orders.Sum(o => o["amount_total"]!.Value<decimal>());
        var tax = orders.Sum(o => o["amount_tax"]!.Value<decimal>());
        var move = Store.Create("account.move", new JObject
        {
            ["name"] = $"POSS/{Store["account.move"].Records.Count + 1:00000}", ["move_type"] = "entry", ["state"] = "posted", ["amount_total"] = total, ["amount_tax"] = tax, ["ref"] = session["name"],
        });

        // Stock updates at closing: one picking for the session's goods.
        var moves = 0;
        foreach (var order in orders)
        {
            foreach (var lineId in order["lines"]!)
            {
                var line = Store["pos.order.line"].Get(lineId.Value<long>());
                var productId = line["product_id"]!.Value<long>();
                var product = Store["product.product"].Get(productId);
                var qty = line["qty"]!.Value<decimal>();
                Store.Write("product.product", productId, new JObject { ["qty_available"] = product["qty_available"]!.Value<decimal>() - qty, ["free_qty"] = product["free_qty"]!.Value<decimal>() - qty });
                var quant = Store.Search(Store["stock.quant"], new JArray((object)new JArray("product_id", "=", productId)), null, 0, 1).FirstOrDefault();
                if (quant is not null)
                {
                    Store.Write("stock.quant", quant["id"]!.Value<long>(), new JObject { ["quantity"] = quant["quantity"]!.Value<decimal>() - qty });
                }

                moves++;
            }
        }

        var pickings = new JArray();
        if (moves > 0)
        {
            pickings.Add(Store.Create("stock.picking", new JObject { ["name"] = $"WH/POS/{Store["stock.picking"].Records.Count + 1:00000}", ["state"] = "done", ["pos_session_id"] = sessionId, ["move_count"] = moves }));
        }

        foreach (var order in orders.Where(o => Text(o["state"]) == "paid"))
        {
            Store.Write("pos.order", order["id"]!.Value<long>(), new JObject { ["state"] = "done" });
        }

        Store.Write("pos.session", sessionId, new JObject { ["state"] = "closed", ["move_id"] = move, ["picking_ids"] = new JArray((object)new JArray(6, 0, pickings)), ["stop_at"] = Store.Now() });
        RecomputeCash(sessionId);
        Store.Write("pos.config", session["config_id"]!.Value<long>(), new JObject { ["current_session_id"] = false });
        return new JObject { ["successful"] = true };
    }

    private int DraftOrders(long sessionId) =>
        Store.Search(Store["pos.order"], new JArray((object)new JArray("session_id", "=", sessionId), new JArray("state", "=", "draft")), null, 0, null).Count;

    private static T Required<T>(JToken container, string key)
        where T : JToken =>
        container[key] as T ?? throw new OdooFault("builtins.KeyError", $"'{key}'");

    private static string? Text(JToken? token) => Store.IsFalse(token) ? null : token!.Value<string>();

    private static decimal? Num(JToken? token) => Store.IsFalse(token) && token?.Type != JTokenType.Integer ? null : token!.Value<decimal>();
}
