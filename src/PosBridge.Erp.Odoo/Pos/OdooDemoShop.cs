using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Newtonsoft.Json.Linq;
using PosBridge.Core.Adapters;
using PosBridge.Core.Sales;
using PosBridge.Erp.Odoo.Rpc;

namespace PosBridge.Erp.Odoo.Pos;

/// <summary>
/// Makes an Odoo ready for <c>posbridge demo</c>'s café, as its owner would in Odoo's screens: the café's products
/// (found by internal reference, then barcode; else made, available in the POS), a sale tax per café tax (an
/// equal one reused), a register (<c>pos.config</c>) per till with its own cash method on its own cash journal, and
/// one card method on the company's bank journal for card, wallet and QR. Everything is named "PosBridge demo …" and
/// found again on the next run. The demo's till and shift numbers start again at each run, and Odoo finds a shift's
/// session by them: so the demo's own registers' sessions of earlier runs are closed (if a run was stopped before its
/// close) and renamed in their opening notes, never touched otherwise. Nothing else in Odoo is changed.
/// </summary>
internal sealed class OdooDemoShop(OdooClient client, ILogger logger)
{
    public const string Prefix = "PosBridge demo";

    public static IReadOnlyDictionary<string, string?> SettingsFromEnvironment(Func<string, string?> variable)
    {
        if (variable("ODOO_URL") is not { Length: > 0 } url)
        {
            return new Dictionary<string, string?>();
        }

        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Odoo:Url"] = url,
            ["Odoo:Database"] = variable("ODOO_DB") ?? "odoo",
            ["Odoo:User"] = variable("ODOO_USER") ?? "admin",
        };
        if (variable("ODOO_API_KEY") is { Length: > 0 } key)
        {
            settings["Odoo:ApiKey"] = key;
        }
        else
        {
            settings["Odoo:Password"] = variable("ODOO_PASSWORD");
        }

        return settings;
    }

    /// <summary>Connects with the section's settings alone (no sinks, no catalog) and makes the shop ready.</summary>
    public static async Task<DemoBackOfficeReady> PrepareAsync(IConfigurationSection section, DemoShopFacts shop, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(shop);
        var settings = section.AsEnumerable().Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.OrdinalIgnoreCase);
        settings[$"{section.Path}:Pos:Enabled"] = "false";
        settings[$"{section.Path}:Invoicing:Enabled"] = "false";
        settings[$"{section.Path}:Loyalty:Enabled"] = "false";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddLogging();
        services.AddHttpClient();
        services.AddOdoo(configuration.GetSection(section.Path));
        await using var provider = services.BuildServiceProvider();
        OdooClient odoo;
        OdooConnectionOptions options;
        try
        {
            options = provider.GetRequiredService<IOptions<OdooConnectionOptions>>().Value;
            odoo = provider.GetRequiredService<OdooClient>();
        }
        catch (OptionsValidationException e)
        {
            throw new DemoBackOfficeException($"the Odoo settings are not usable: {string.Join(" ", e.Failures)}", e);
        }

        try
        {
            var version = await odoo.GetVersionAsync(cancellationToken).ConfigureAwait(false);
            var ready = await new OdooDemoShop(odoo, provider.GetRequiredService<ILoggerFactory>().CreateLogger<OdooDemoShop>()).PrepareAsync(shop, cancellationToken).ConfigureAwait(false);
            return ready with { Done = [$"Odoo {version} at {options.Url}, database {options.Database}, user {options.User}.", .. ready.Done] };
        }
        catch (OdooException e) when (e.Kind == OdooErrorKind.AccessError)
        {
            // The API user of docs/odoo.md delivers sales but may not make taxes, journals or registers: an owner's work.
            throw new DemoBackOfficeException($"Odoo at {options.Url} (database {options.Database}, user {options.User}): {e.Message} The demo makes Odoo ready as its owner would: run it once with an administrator's login (ODOO_USER), after which this user can run it.", e);
        }
        catch (OdooException e)
        {
            throw new DemoBackOfficeException($"Odoo at {options.Url} (database {options.Database}, user {options.User}): {e.Message}", e);
        }
    }

    public async Task<DemoBackOfficeReady> PrepareAsync(DemoShopFacts shop, CancellationToken cancellationToken)
    {
        var done = new List<string>();
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            // The café's products come from its product file: Odoo's products are found by barcode or internal reference.
            ["Odoo:Pos:ProductIdsAreOdooIds"] = "false",
        };

        var currency = await CompanyCurrencyAsync(cancellationToken).ConfigureAwait(false);
        if (!string.Equals(currency, shop.Currency, StringComparison.OrdinalIgnoreCase))
        {
            done.Add($"Odoo's company books in {currency}, not {shop.Currency}: the café sells in {currency} today, with the same prices.");
        }

        long? kilogram = null;
        if (shop.Products.Any(p => p.Weighed))
        {
            kilogram = await WeighedQuantitiesAsync(done, cancellationToken).ConfigureAwait(false);
        }

        var taxes = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var tax in shop.Taxes)
        {
            taxes[tax.Id] = await TaxAsync(tax, done, cancellationToken).ConfigureAwait(false);
            settings[$"Odoo:Pos:Taxes:{tax.Id}"] = taxes[tax.Id].ToString(CultureInfo.InvariantCulture);
        }

        var (made, found) = (0, 0);
        foreach (var product in shop.Products)
        {
            if (await ProductAsync(product, taxes, product.Weighed ? kilogram : null, cancellationToken).ConfigureAwait(false))
            {
                made++;
            }
            else
            {
                found++;
            }
        }

        done.Add($"Products: {made} made and {found} found again in Odoo (by internal reference or barcode), available in the POS.");

        var card = await CardMethodAsync(cancellationToken).ConfigureAwait(false);
        foreach (var method in shop.PaymentMethods.Where(m => m.Kind is PaymentKind.Card or PaymentKind.Wallet or PaymentKind.Qr))
        {
            // Odoo has no wallet, and 17 no QR method: they are booked on the card method's bank journal.
            settings[$"Odoo:Pos:PaymentMethods:{method.Id}"] = card.ToString(CultureInfo.InvariantCulture);
        }

        foreach (var till in shop.Tills)
        {
            var config = await RegisterAsync(shop.Store, till, card, done, cancellationToken).ConfigureAwait(false);
            settings[$"Odoo:Pos:Tills:{shop.Store}/{till.Id}"] = config.ToString(CultureInfo.InvariantCulture);
        }

        return new DemoBackOfficeReady(settings, string.Equals(currency, shop.Currency, StringComparison.OrdinalIgnoreCase) ? null : currency, done);
    }

    /// <summary>
    /// The café weighs dates to its scale's step (0.875 kg), as a shop selling by weight sets Odoo up once: quantities
    /// kept to 3 decimals (Odoo keeps 2 by default and would book 0.88, and the session would not balance) and the
    /// kilogram rounded to the gram (0.01 by default: Odoo would refuse the session's stock moves). Answers the kilogram.
    /// </summary>
    private async Task<long?> WeighedQuantitiesAsync(List<string> done, CancellationToken cancellationToken)
    {
        try
        {
            var rows = await client.SearchReadAsync("decimal.precision", OdooValues.Domain(OdooValues.Leaf("name", "=", "Product Unit of Measure")), ["id", "digits"], limit: 1, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (rows.Count == 1 && rows[0]["digits"]!.Value<int>() < 3)
            {
                await client.WriteAsync("decimal.precision", [rows[0]["id"]!.Value<long>()], new JObject { ["digits"] = 3 }, cancellationToken).ConfigureAwait(false);
                done.Add($"Decimal Accuracy › Product Unit of Measure raised from {rows[0]["digits"]} to 3 decimals, so weighed goods are booked at their weight.");
            }

            var kilograms = await client.SearchReadAsync("uom.uom", OdooValues.Domain(OdooValues.Leaf("name", "=", "kg")), ["id", "rounding"], limit: 1, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (kilograms.Count == 0)
            {
                done.Add("Odoo has no unit \"kg\": weighed goods are kept in Units.");
                return null;
            }

            var kilogram = kilograms[0]["id"]!.Value<long>();
            if ((OdooValues.Number(kilograms[0]["rounding"]) ?? 0m) > 0.001m)
            {
                await client.WriteAsync("uom.uom", [kilogram], new JObject { ["rounding"] = 0.001m }, cancellationToken).ConfigureAwait(false);
                done.Add($"Unit kg rounded to 0.001 (was {OdooValues.Number(kilograms[0]["rounding"])?.ToString(CultureInfo.InvariantCulture)}), so the stock moves of weighed goods are accepted.");
            }

            return kilogram;
        }
        catch (OdooException e) when (e.Kind == OdooErrorKind.AccessError)
        {
            done.Add("This user may not change Odoo's quantity precision or the kilogram's rounding: weighed sales will wait as dead letters until an administrator sets Decimal Accuracy › Product Unit of Measure to 3 and the unit kg's rounding to 0.001.");
            return null;
        }
    }

    private async Task<string> CompanyCurrencyAsync(CancellationToken cancellationToken)
    {
        var user = await client.GetUserIdAsync(cancellationToken).ConfigureAwait(false);
        var users = await client.SearchReadAsync("res.users", OdooValues.Domain(OdooValues.Leaf("id", "=", user)), ["company_id"], limit: 1, cancellationToken: cancellationToken).ConfigureAwait(false);
        var company = OdooValues.Ref(users.Single()["company_id"])?.Id ?? throw new OdooException(OdooErrorKind.UserError, "the API user has no company.");
        var companies = await client.SearchReadAsync("res.company", OdooValues.Domain(OdooValues.Leaf("id", "=", company)), ["currency_id"], limit: 1, cancellationToken: cancellationToken).ConfigureAwait(false);
        return OdooValues.Ref(companies.Single()["currency_id"])?.Name ?? throw new OdooException(OdooErrorKind.UserError, $"company {company} has no currency.");
    }

    /// <summary>A sale tax of the café's rate, in or on top of the price as the café's: an active one of Odoo's own, else one made under the café's name.</summary>
    private async Task<long> TaxAsync(DemoTaxFacts tax, List<string> done, CancellationToken cancellationToken)
    {
        var existing = await client.SearchReadAsync(
            "account.tax",
            OdooValues.Domain(OdooValues.Leaf("type_tax_use", "=", "sale"), OdooValues.Leaf("amount_type", "=", "percent"), OdooValues.Leaf("amount", "=", tax.Percent), OdooValues.Leaf("price_include", "=", tax.PriceIncluded)),
            ["id", "name"],
            limit: 1,
            order: "sequence asc, id asc",
            cancellationToken: cancellationToken).ConfigureAwait(false);
        if (existing.Count == 1)
        {
            done.Add($"Tax {tax.Id} ({tax.Percent.ToString("0.##", CultureInfo.InvariantCulture)} %{(tax.PriceIncluded ? ", included in the price" : string.Empty)}) is Odoo's \"{OdooValues.Text(existing[0]["name"])}\" (account.tax {existing[0]["id"]}).");
            return existing[0]["id"]!.Value<long>();
        }

        var name = $"{Prefix} {tax.Name}";
        var id = (await client.CreateAsync("account.tax", [new JObject { ["name"] = name, ["amount_type"] = "percent", ["amount"] = tax.Percent, ["type_tax_use"] = "sale", ["price_include"] = tax.PriceIncluded }], cancellationToken).ConfigureAwait(false))[0];
        done.Add($"Tax {tax.Id}: made \"{name}\" (account.tax {id}).");
        return id;
    }

    /// <summary>True when the product was made; false when Odoo had it (by internal reference, then barcode).</summary>
    private async Task<bool> ProductAsync(DemoProductFacts product, Dictionary<string, long> taxes, long? unit, CancellationToken cancellationToken)
    {
        var context = new Dictionary<string, JToken?> { ["active_test"] = false };
        var found = await client.SearchReadAsync("product.product", OdooValues.Domain(OdooValues.Leaf("default_code", "=", product.Sku)), ["id"], limit: 1, context: context, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (found.Count == 0 && product.Barcode is { } barcode)
        {
            found = await client.SearchReadAsync("product.product", OdooValues.Domain(OdooValues.Leaf("barcode", "=", barcode)), ["id"], limit: 1, context: context, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        if (found.Count == 1)
        {
            // Found again: it must still be sellable in the POS (an owner may have archived it since).
            await client.WriteAsync("product.product", [found[0]["id"]!.Value<long>()], new JObject { ["active"] = true, ["sale_ok"] = true, ["available_in_pos"] = true }, cancellationToken).ConfigureAwait(false);
            return false;
        }

        var values = new JObject
        {
            ["name"] = product.Name,
            ["default_code"] = product.Sku,
            ["barcode"] = product.Barcode is null ? new JValue(false) : new JValue(product.Barcode),
            ["lst_price"] = product.Price,
            ["taxes_id"] = new JArray((object)new JArray(6, 0, new JArray(taxes[product.TaxId]))),
            ["sale_ok"] = true,
            ["available_in_pos"] = true,
            ["to_weight"] = product.Weighed,
        };
        if (unit is { } kilogram)
        {
            values["uom_id"] = kilogram;
            values["uom_po_id"] = kilogram;
        }

        await client.CreateAsync("product.product", [values], cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>The demo's card method, on the company's first bank journal; made once.</summary>
    private async Task<long> CardMethodAsync(CancellationToken cancellationToken)
    {
        var name = $"{Prefix} card";
        var existing = await client.SearchReadAsync("pos.payment.method", OdooValues.Domain(OdooValues.Leaf("name", "=", name)), ["id"], limit: 1, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (existing.Count == 1)
        {
            return existing[0]["id"]!.Value<long>();
        }

        var banks = await client.SearchReadAsync("account.journal", OdooValues.Domain(OdooValues.Leaf("type", "=", "bank")), ["id"], limit: 1, order: "id asc", cancellationToken: cancellationToken).ConfigureAwait(false);
        if (banks.Count == 0)
        {
            throw new OdooException(OdooErrorKind.UserError, "the company has no bank journal for card payments; install a chart of accounts (Invoicing › Settings) and run the demo again.");
        }

        return (await client.CreateAsync("pos.payment.method", [new JObject { ["name"] = name, ["journal_id"] = banks[0]["id"] }], cancellationToken).ConfigureAwait(false))[0];
    }

    /// <summary>The till's register: its own cash method on its own cash journal (Odoo shares a cash method with no other register) and the card method.</summary>
    private async Task<long> RegisterAsync(string store, DemoTillFacts till, long card, List<string> done, CancellationToken cancellationToken)
    {
        var name = $"{Prefix} {store}/{till.Id}";
        var configs = await client.SearchReadAsync("pos.config", OdooValues.Domain(OdooValues.Leaf("name", "=", name)), ["id"], limit: 1, context: new Dictionary<string, JToken?> { ["active_test"] = false }, cancellationToken: cancellationToken).ConfigureAwait(false);
        long config;
        if (configs.Count == 1)
        {
            config = configs[0]["id"]!.Value<long>();
            await client.WriteAsync("pos.config", [config], new JObject { ["active"] = true }, cancellationToken).ConfigureAwait(false);
            var renamed = await ForgetEarlierRunsAsync(config, till.Id, cancellationToken).ConfigureAwait(false);
            done.Add($"Register \"{name}\" (pos.config {config}) found again for till {till.Id}" + (renamed == 0 ? "." : $"; the {renamed} sessions of earlier runs are kept under their own names."));
            return config;
        }

        var cash = await CashMethodAsync($"{name} cash", cancellationToken).ConfigureAwait(false);
        config = (await client.CreateAsync("pos.config", [new JObject { ["name"] = name, ["payment_method_ids"] = new JArray((object)new JArray(6, 0, new JArray(cash, card))) }], cancellationToken).ConfigureAwait(false))[0];
        done.Add($"Register \"{name}\" (pos.config {config}) made for till {till.Id}, with its own cash method and the card method.");
        return config;
    }

    private async Task<long> CashMethodAsync(string name, CancellationToken cancellationToken)
    {
        var existing = await client.SearchReadAsync("pos.payment.method", OdooValues.Domain(OdooValues.Leaf("name", "=", name)), ["id"], limit: 1, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (existing.Count == 1)
        {
            return existing[0]["id"]!.Value<long>();
        }

        // Journal codes are at most 5 characters and unique per company.
        var codes = (await client.SearchReadAsync("account.journal", OdooValues.Domain(OdooValues.Leaf("code", "=like", "PB%")), ["code"], context: new Dictionary<string, JToken?> { ["active_test"] = false }, cancellationToken: cancellationToken).ConfigureAwait(false))
            .Select(j => OdooValues.Text(j["code"])).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var code = Enumerable.Range(1, 999).Select(n => "PB" + n.ToString(CultureInfo.InvariantCulture)).First(c => !codes.Contains(c));
        var journal = (await client.CreateAsync("account.journal", [new JObject { ["name"] = name, ["type"] = "cash", ["code"] = code }], cancellationToken).ConfigureAwait(false))[0];
        return (await client.CreateAsync("pos.payment.method", [new JObject { ["name"] = name, ["journal_id"] = journal }], cancellationToken).ConfigureAwait(false))[0];
    }

    /// <summary>
    /// The register's sessions of earlier demo runs no longer answer to this run's shift numbers: one a run left
    /// open is closed with the cash Odoo expects, and each is renamed in its opening notes. Answers how many.
    /// </summary>
    private async Task<int> ForgetEarlierRunsAsync(long config, string tillId, CancellationToken cancellationToken)
    {
        var tag = $"posbridge-shift:{tillId}/";
        var sessions = await client.SearchReadAsync("pos.session", OdooValues.Domain(OdooValues.Leaf("config_id", "=", config), OdooValues.Leaf("opening_notes", "=like", tag + "%")), ["id", "state", "opening_notes"], order: "id asc", cancellationToken: cancellationToken).ConfigureAwait(false);
        var sessionsOf = new OdooSessions(client, logger);
        foreach (var session in sessions)
        {
            var id = session["id"]!.Value<long>();
            var notes = OdooValues.Text(session["opening_notes"]) ?? string.Empty;
            if (OdooValues.Text(session["state"]) != "closed")
            {
                await sessionsOf.CloseLeftOpenAsync(id, notes.Split('\n')[0], "Closed by posbridge demo: an earlier run stopped before its shift closed.", cancellationToken).ConfigureAwait(false);
            }

            await client.WriteAsync("pos.session", [id], new JObject { ["opening_notes"] = "posbridge-demo-earlier-run:" + notes["posbridge-shift:".Length..] }, cancellationToken).ConfigureAwait(false);
        }

        return sessions.Count;
    }
}
