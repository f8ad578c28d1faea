using Newtonsoft.Json.Linq;

namespace PosBridge.Erp.Odoo.Emulator;

/// <summary>The models the emulator knows, per Odoo version, and a small shop's worth of demo data.</summary>
internal static class Seed
{
    public static void Define(Store store, int version)
    {
        Field F(string name, FieldType type, string? target = null, string? inverse = null) => new(name, type, target, inverse);

        store.Define(new Model("res.company", F("name", FieldType.Char), F("currency_id", FieldType.Many2One, "res.currency"), F("tax_calculation_rounding_method", FieldType.Selection),
            F("default_cash_difference_income_account_id", FieldType.Many2One, "account.account"), F("default_cash_difference_expense_account_id", FieldType.Many2One, "account.account")));
        store.Define(new Model("res.currency", F("name", FieldType.Char), F("rounding", FieldType.Float), F("decimal_places", FieldType.Integer)));
        store.Define(new Model("res.users", F("name", FieldType.Char), F("login", FieldType.Char), F("email", FieldType.Char), F("company_id", FieldType.Many2One, "res.company")));
        store.Define(new Model("res.partner", F("name", FieldType.Char), F("ref", FieldType.Char), F("phone", FieldType.Char), F("mobile", FieldType.Char), F("email", FieldType.Char), F("active", FieldType.Boolean)));
        store.Define(new Model("uom.uom", F("name", FieldType.Char), F("rounding", FieldType.Float)));
        store.Define(new Model("decimal.precision", F("name", FieldType.Char), F("digits", FieldType.Integer)));
        store.Define(new Model("pos.category", F("name", FieldType.Char), F("parent_id", FieldType.Many2One, "pos.category")));
        store.Define(new Model("account.tax", F("name", FieldType.Char), F("amount_type", FieldType.Selection), F("amount", FieldType.Float), F("price_include", FieldType.Boolean), F("include_base_amount", FieldType.Boolean), F("is_base_affected", FieldType.Boolean), F("sequence", FieldType.Integer), F("children_tax_ids", FieldType.X2Many, "account.tax"), F("type_tax_use", FieldType.Selection), F("active", FieldType.Boolean)));

        var product = new Model("product.product",
            F("name", FieldType.Char), F("barcode", FieldType.Char), F("default_code", FieldType.Char), F("lst_price", FieldType.Float),
            F("taxes_id", FieldType.X2Many, "account.tax"), F("available_in_pos", FieldType.Boolean), F("uom_id", FieldType.Many2One, "uom.uom"), F("uom_po_id", FieldType.Many2One, "uom.uom"),
            F("active", FieldType.Boolean), F("qty_available", FieldType.Float), F("free_qty", FieldType.Float), F("type", FieldType.Selection), F("sale_ok", FieldType.Boolean), F("to_weight", FieldType.Boolean));
        if (version >= 17)
        {
            product.Add(F("pos_categ_ids", FieldType.X2Many, "pos.category"));
        }
        else
        {
            product.Add(F("pos_categ_id", FieldType.Many2One, "pos.category"));
        }

        if (version == 17)
        {
            product.Add(F("detailed_type", FieldType.Selection));
        }

        if (version >= 18)
        {
            product.Add(F("is_storable", FieldType.Boolean));
        }

        store.Define(product);
        store.Define(new Model("ir.model.data", F("module", FieldType.Char), F("name", FieldType.Char), F("model", FieldType.Char), F("res_id", FieldType.Integer)));
        store.Define(new Model("stock.location", F("name", FieldType.Char), F("usage", FieldType.Selection)));
        store.Define(new Model("stock.quant", F("product_id", FieldType.Many2One, "product.product"), F("location_id", FieldType.Many2One, "stock.location"), F("quantity", FieldType.Float), F("reserved_quantity", FieldType.Float)));
        store.Define(new Model("stock.picking", F("name", FieldType.Char), F("state", FieldType.Selection), F("pos_session_id", FieldType.Many2One, "pos.session"), F("move_count", FieldType.Integer)));
        store.Define(new Model("account.account", F("name", FieldType.Char), F("code", FieldType.Char)));
        store.Define(new Model("account.journal", F("name", FieldType.Char), F("type", FieldType.Selection), F("code", FieldType.Char),
            F("loss_account_id", FieldType.Many2One, "account.account"), F("profit_account_id", FieldType.Many2One, "account.account")));
        store.Define(new Model("account.move",
            F("name", FieldType.Char), F("move_type", FieldType.Selection), F("state", FieldType.Selection), F("partner_id", FieldType.Many2One, "res.partner"),
            F("amount_total", FieldType.Float), F("amount_tax", FieldType.Float), F("amount_untaxed", FieldType.Float), F("amount_residual", FieldType.Float), F("payment_state", FieldType.Selection),
            F("ref", FieldType.Char), F("narration", FieldType.Text), F("invoice_date", FieldType.Char), F("journal_id", FieldType.Many2One, "account.journal"),
            F("invoice_line_ids", FieldType.X2Many, "account.move.line", "move_id")));
        store.Define(new Model("account.move.line",
            F("move_id", FieldType.Many2One, "account.move"), F("product_id", FieldType.Many2One, "product.product"), F("name", FieldType.Char), F("quantity", FieldType.Float),
            F("price_unit", FieldType.Float), F("discount", FieldType.Float), F("tax_ids", FieldType.X2Many, "account.tax"), F("price_subtotal", FieldType.Float), F("price_total", FieldType.Float)));
        store.Define(new Model("account.payment",
            F("name", FieldType.Char), F("ref", FieldType.Char), F("amount", FieldType.Float), F("journal_id", FieldType.Many2One, "account.journal"), F("partner_id", FieldType.Many2One, "res.partner"),
            F("state", FieldType.Selection), F("payment_type", FieldType.Selection), F("date", FieldType.Char)));

        // The wizard behind "Register Payment"; the invoice it pays comes from the context (active_ids), kept in line_ids.
        store.Define(new Model("account.payment.register",
            F("journal_id", FieldType.Many2One, "account.journal"), F("amount", FieldType.Float), F("payment_date", FieldType.Char), F("communication", FieldType.Char),
            F("line_ids", FieldType.X2Many, "account.move")));
        // type (cash/bank/pay_later) and is_cash_count are computed from the journal as Odoo does (see AfterCreate);
        // use_payment_terminal names a terminal integration (false: none); 18+ adds payment_method_type (none/terminal/qr_code);
        // 17.0 has no such field and refuses a read that names it.
        var paymentMethod = new Model("pos.payment.method",
            F("name", FieldType.Char), F("is_cash_count", FieldType.Boolean), F("active", FieldType.Boolean), F("journal_id", FieldType.Many2One, "account.journal"),
            F("type", FieldType.Selection), F("use_payment_terminal", FieldType.Selection));
        if (version >= 18)
        {
            paymentMethod.Add(F("payment_method_type", FieldType.Selection));
        }

        store.Define(paymentMethod);
        store.Define(new Model("pos.config", F("name", FieldType.Char), F("payment_method_ids", FieldType.X2Many, "pos.payment.method"), F("cash_control", FieldType.Boolean), F("currency_id", FieldType.Many2One, "res.currency"), F("current_session_id", FieldType.Many2One, "pos.session"), F("active", FieldType.Boolean)));
        store.Define(new Model("pos.session",
            F("name", FieldType.Char), F("config_id", FieldType.Many2One, "pos.config"), F("user_id", FieldType.Many2One, "res.users"), F("state", FieldType.Selection),
            F("opening_notes", FieldType.Text), F("closing_notes", FieldType.Text), F("rescue", FieldType.Boolean), F("cash_register_balance_start", FieldType.Float),
            F("cash_register_balance_end", FieldType.Float), F("cash_register_balance_end_real", FieldType.Float), F("move_id", FieldType.Many2One, "account.move"),
            F("picking_ids", FieldType.X2Many, "stock.picking"), F("order_ids", FieldType.X2Many, "pos.order"), F("start_at", FieldType.Datetime), F("stop_at", FieldType.Datetime),
            F("cash_control", FieldType.Boolean), F("cash_journal_id", FieldType.Many2One, "account.journal"), F("cash_register_difference", FieldType.Float),
            F("cash_real_transaction", FieldType.Float)));

        // A session's cash moves (opening difference, cash in/out, closing difference), as Odoo keeps them.
        store.Define(new Model("account.bank.statement.line",
            F("pos_session_id", FieldType.Many2One, "pos.session"), F("journal_id", FieldType.Many2One, "account.journal"), F("amount", FieldType.Float),
            F("payment_ref", FieldType.Char), F("date", FieldType.Char)));

        var order = new Model("pos.order",
            F("name", FieldType.Char), F("pos_reference", FieldType.Char), F("session_id", FieldType.Many2One, "pos.session"), F("config_id", FieldType.Many2One, "pos.config"),
            F("user_id", FieldType.Many2One, "res.users"), F("partner_id", FieldType.Many2One, "res.partner"), F("state", FieldType.Selection), F("sequence_number", FieldType.Integer),
            F("date_order", FieldType.Datetime), F("amount_total", FieldType.Float), F("amount_tax", FieldType.Float), F("amount_paid", FieldType.Float), F("amount_return", FieldType.Float),
            F("lines", FieldType.X2Many, "pos.order.line"), F("payment_ids", FieldType.X2Many, "pos.payment"), F("to_invoice", FieldType.Boolean),
            F("account_move", FieldType.Many2One, "account.move"), F("fiscal_position_id", FieldType.Many2One, "account.fiscal.position"), F("pricelist_id", FieldType.Many2One, "product.pricelist"),
            F("company_id", FieldType.Many2One, "res.company"), F("picking_ids", FieldType.X2Many, "stock.picking"));
        if (version >= 17)
        {
            order.Add(F("uuid", FieldType.Char));
        }

        store.Define(order);
        var line = new Model("pos.order.line",
            F("name", FieldType.Char), F("order_id", FieldType.Many2One, "pos.order"), F("product_id", FieldType.Many2One, "product.product"), F("qty", FieldType.Float),
            F("price_unit", FieldType.Float), F("discount", FieldType.Float), F("tax_ids", FieldType.X2Many, "account.tax"), F("price_subtotal", FieldType.Float),
            F("price_subtotal_incl", FieldType.Float), F("full_product_name", FieldType.Char), F("customer_note", FieldType.Char), F("refunded_orderline_id", FieldType.Many2One, "pos.order.line"));
        if (version >= 17)
        {
            line.Add(F("uuid", FieldType.Char));
        }

        store.Define(line);
        store.Define(new Model("pos.payment",
            F("name", FieldType.Char), F("pos_order_id", FieldType.Many2One, "pos.order"), F("payment_method_id", FieldType.Many2One, "pos.payment.method"), F("amount", FieldType.Float),
            F("payment_date", FieldType.Datetime), F("card_type", FieldType.Char), F("cardholder_name", FieldType.Char), F("transaction_id", FieldType.Char), F("payment_status", FieldType.Char),
            F("ticket", FieldType.Char), F("is_change", FieldType.Boolean), F("session_id", FieldType.Many2One, "pos.session")));
        store.Define(new Model("loyalty.program", F("name", FieldType.Char), F("program_type", FieldType.Selection), F("trigger", FieldType.Selection), F("currency_id", FieldType.Many2One, "res.currency"), F("active", FieldType.Boolean)));
        store.Define(new Model("loyalty.rule",
            F("program_id", FieldType.Many2One, "loyalty.program"), F("reward_point_mode", FieldType.Selection), F("reward_point_amount", FieldType.Float), F("minimum_amount", FieldType.Float),
            F("minimum_qty", FieldType.Integer), F("product_ids", FieldType.X2Many, "product.product"), F("code", FieldType.Char), F("mode", FieldType.Selection), F("active", FieldType.Boolean)));
        store.Define(new Model("loyalty.reward",
            F("program_id", FieldType.Many2One, "loyalty.program"), F("reward_type", FieldType.Selection), F("description", FieldType.Char), F("required_points", FieldType.Float), F("discount", FieldType.Float),
            F("discount_mode", FieldType.Selection), F("discount_applicability", FieldType.Selection), F("discount_max_amount", FieldType.Float), F("reward_product_id", FieldType.Many2One, "product.product"),
            F("reward_product_qty", FieldType.Integer), F("active", FieldType.Boolean)));
        var card = new Model("loyalty.card", F("program_id", FieldType.Many2One, "loyalty.program"), F("partner_id", FieldType.Many2One, "res.partner"), F("code", FieldType.Char), F("points", FieldType.Float), F("expiration_date", FieldType.Char));
        store.Define(new Model("mail.message", F("model", FieldType.Char), F("res_id", FieldType.Integer), F("body", FieldType.Text), F("message_type", FieldType.Selection)));
        if (version >= 18)
        {
            // 18 adds loyalty.history; 17's cards keep only their chatter (mail.thread).
            store.Define(new Model("loyalty.history", F("card_id", FieldType.Many2One, "loyalty.card"), F("description", FieldType.Text), F("issued", FieldType.Float), F("used", FieldType.Float), F("order_model", FieldType.Char), F("order_id", FieldType.Integer)));
            card.Add(F("history_ids", FieldType.X2Many, "loyalty.history", "card_id"));
        }

        card.Add(F("message_ids", FieldType.X2Many, "mail.message", "res_id"));
        store.Define(card);
    }

    public static void Populate(Store store, int version)
    {
        store.Transaction(() =>
        {
            var currency = store.Create("res.currency", new JObject { ["name"] = "EGP", ["rounding"] = 0.01m, ["decimal_places"] = 2 });
            store.Create("res.company", new JObject { ["name"] = "Cairo Corner Café", ["currency_id"] = currency, ["tax_calculation_rounding_method"] = "round_per_line" });
            store.Create("res.users", new JObject { ["id"] = 2, ["name"] = "Mitchell Admin", ["login"] = "admin", ["email"] = "admin@yourcompany.example.com", ["company_id"] = 1 });
            store.Create("res.partner", new JObject { ["name"] = "Mitchell Admin", ["active"] = true });
            store.Create("res.partner", new JObject { ["name"] = "Nour Hassan", ["phone"] = "+201001234567", ["email"] = "nour@example.com", ["active"] = true });
            // Odoo's defaults (product's decimal_precision_data): quantities, weighed ones too, are kept to 2 decimals.
            store.Create("decimal.precision", new JObject { ["name"] = "Product Price", ["digits"] = 2 });
            store.Create("decimal.precision", new JObject { ["name"] = "Product Unit of Measure", ["digits"] = 2 });
            store.Create("uom.uom", new JObject { ["name"] = "Units", ["rounding"] = 0.01m });
            store.Create("uom.uom", new JObject { ["name"] = "kg", ["rounding"] = 0.01m });
            store.Create("pos.category", new JObject { ["name"] = "Drinks" });
            store.Create("pos.category", new JObject { ["name"] = "Bakery" });

            // VAT 14% (Egypt) on top of the price, and VAT 15% (Saudi) included in it.
            store.Create("account.tax", new JObject { ["name"] = "VAT 14%", ["amount_type"] = "percent", ["amount"] = 14m, ["price_include"] = false, ["is_base_affected"] = true, ["sequence"] = 1, ["type_tax_use"] = "sale", ["active"] = true });
            store.Create("account.tax", new JObject { ["name"] = "VAT 15% incl.", ["amount_type"] = "percent", ["amount"] = 15m, ["price_include"] = true, ["is_base_affected"] = true, ["sequence"] = 1, ["type_tax_use"] = "sale", ["active"] = true });

            store.Create("account.tax", new JObject { ["name"] = "VAT 14% incl.", ["amount_type"] = "percent", ["amount"] = 14m, ["price_include"] = true, ["is_base_affected"] = true, ["sequence"] = 1, ["type_tax_use"] = "sale", ["active"] = true });

            var stock = store.Create("stock.location", new JObject { ["name"] = "WH/Stock", ["usage"] = "internal" });
            (string Name, string? Barcode, string? Code, decimal Price, long Tax, long Category, decimal Qty)[] products =
            [
                ("Turkish Coffee", "6221234567892", "COF-TR", 35m, 1, 1, 500m),
                ("Espresso", "6221234567885", "COF-ES", 40m, 1, 1, 500m),
                ("Croissant", "6221234567878", "BAK-CR", 25m, 1, 2, 120m),
                ("Mineral Water 600ml", "6221234567861", "WAT-06", 10m, 2, 1, 240m),
                ("Dates 1kg", null, "DAT-1K", 95m, 2, 2, 40m),
            ];
            foreach (var p in products)
            {
                var values = new JObject
                {
                    ["name"] = p.Name, ["barcode"] = p.Barcode is null ? new JValue(false) : new JValue(p.Barcode), ["default_code"] = p.Code, ["lst_price"] = p.Price,
                    ["taxes_id"] = new JArray((object)new JArray(6, 0, new JArray(p.Tax))), ["available_in_pos"] = true, ["uom_id"] = p.Name.Contains("1kg", StringComparison.Ordinal) ? 2 : 1,
                    ["active"] = true, ["sale_ok"] = true, ["qty_available"] = p.Qty, ["free_qty"] = p.Qty, ["to_weight"] = p.Name.Contains("1kg", StringComparison.Ordinal),
                };
                if (version >= 17)
                {
                    values["pos_categ_ids"] = new JArray((object)new JArray(6, 0, new JArray(p.Category)));
                }
                else
                {
                    values["pos_categ_id"] = p.Category;
                }

                if (version == 17)
                {
                    values["detailed_type"] = "product";
                    values["type"] = "product";
                }
                else if (version >= 18)
                {
                    values["type"] = "consu";
                    values["is_storable"] = true;
                }
                else
                {
                    values["type"] = "product";
                }

                var id = store.Create("product.product", values);
                store.Create("stock.quant", new JObject { ["product_id"] = id, ["location_id"] = stock, ["quantity"] = p.Qty, ["reserved_quantity"] = 0m });
            }

            store.Create("account.journal", new JObject { ["name"] = "Customer Invoices", ["type"] = "sale", ["code"] = "INV" });
            var loss = store.Create("account.account", new JObject { ["name"] = "Cash Difference Loss", ["code"] = "999002" });
            var profit = store.Create("account.account", new JObject { ["name"] = "Cash Difference Gain", ["code"] = "999001" });
            store.Write("res.company", 1, new JObject { ["default_cash_difference_income_account_id"] = profit, ["default_cash_difference_expense_account_id"] = loss });
            store.Create("account.journal", new JObject { ["name"] = "Cash", ["type"] = "cash", ["code"] = "CSH1", ["loss_account_id"] = loss, ["profit_account_id"] = profit });
            store.Create("account.journal", new JObject { ["name"] = "Bank", ["type"] = "bank", ["code"] = "BNK1" });
            store.Create("pos.payment.method", new JObject { ["name"] = "Cash", ["journal_id"] = 2, ["active"] = true });
            store.Create("pos.payment.method", new JObject { ["name"] = "Card", ["journal_id"] = 3, ["use_payment_terminal"] = false, ["active"] = true });
            store.Create("pos.payment.method", new JObject { ["name"] = "Customer Account", ["active"] = true });
            for (var i = 1; i <= 5; i++)
            {
                store.Create("pos.config", new JObject { ["name"] = $"PosBridge Till {i}", ["payment_method_ids"] = new JArray(1, 2, 3), ["cash_control"] = true, ["currency_id"] = currency, ["active"] = true });
            }

            // Café points: 1 point per EGP spent; 100 points buy 10 EGP off (0.1 per point). A promo code for 10% off.
            store.Create("loyalty.program", new JObject { ["name"] = "Café points", ["program_type"] = "loyalty", ["trigger"] = "auto", ["currency_id"] = currency, ["active"] = true });
            store.Create("loyalty.rule", new JObject { ["program_id"] = 1, ["reward_point_mode"] = "money", ["reward_point_amount"] = 1m, ["minimum_amount"] = 0m, ["minimum_qty"] = 1, ["mode"] = "auto", ["active"] = true });
            store.Create("loyalty.reward", new JObject { ["program_id"] = 1, ["reward_type"] = "discount", ["description"] = "0.10 EGP per point", ["required_points"] = 100m, ["discount"] = 0.1m, ["discount_mode"] = "per_point", ["discount_applicability"] = "order", ["discount_max_amount"] = 0m, ["reward_product_qty"] = 1, ["active"] = true });
            store.Create("loyalty.program", new JObject { ["name"] = "Coffee lovers code", ["program_type"] = "promo_code", ["trigger"] = "with_code", ["currency_id"] = currency, ["active"] = true });
            store.Create("loyalty.rule", new JObject { ["program_id"] = 2, ["reward_point_mode"] = "order", ["reward_point_amount"] = 1m, ["minimum_amount"] = 50m, ["minimum_qty"] = 1, ["product_ids"] = new JArray(1, 2), ["code"] = "COFFEE10", ["mode"] = "with_code", ["active"] = true });
            store.Create("loyalty.reward", new JObject { ["program_id"] = 2, ["reward_type"] = "discount", ["description"] = "10% on your order", ["required_points"] = 1m, ["discount"] = 10m, ["discount_mode"] = "percent", ["discount_applicability"] = "order", ["discount_max_amount"] = 0m, ["reward_product_qty"] = 1, ["active"] = true });
            store.Create("loyalty.card", new JObject { ["program_id"] = 1, ["partner_id"] = 2, ["code"] = "044e-cd63-495c", ["points"] = 250m });
            return 0;
        });
    }
}
