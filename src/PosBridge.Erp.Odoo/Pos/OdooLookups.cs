using System.Collections.Concurrent;
using System.Globalization;
using Newtonsoft.Json.Linq;
using PosBridge.Core.Sales;
using PosBridge.Erp.Odoo.Rpc;

namespace PosBridge.Erp.Odoo.Pos;

/// <summary>
/// Finds the Odoo records a sale refers to: products (by id, external id, barcode, then internal reference),
/// customers (by our reference, phone or e-mail, created when missing), payment methods, taxes and the till's
/// <c>pos.config</c>. Found ids are remembered for the life of the process; Odoo stays the place they are kept.
/// </summary>
internal sealed class OdooLookups(OdooClient client, OdooPosOptions options)
{
    private const string PartnerPrefix = "res.partner:";

    private static readonly string[] ProductFields = ["id", "barcode", "default_code"];
    private readonly ConcurrentDictionary<string, long> _products = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _partners = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, ConfigMethods> _configMethods = new();
    private readonly ConcurrentDictionary<long, (string? Name, string? Currency)> _configCurrencies = new();

    private sealed record ConfigMethods(string Config, IReadOnlyList<(long Id, string Name, PaymentKind Kind)> Methods);

    /// <summary>Odoo's product id for each line's product; a line whose product cannot be found is missing from the answer.</summary>
    public async Task<IReadOnlyDictionary<string, long>> ResolveProductsAsync(IEnumerable<SaleLine> lines, CancellationToken cancellationToken)
    {
        var wanted = lines.GroupBy(l => l.ProductId, StringComparer.Ordinal).Select(g => g.First()).Where(l => !_products.ContainsKey(l.ProductId)).ToList();
        if (wanted.Count > 0)
        {
            await FindProductsAsync(wanted, cancellationToken).ConfigureAwait(false);
        }

        return _products;
    }

    /// <summary>Why a product could not be found, in words a manager can act on.</summary>
    public static string MissingProductReason(SaleLine line) =>
        $"Product '{line.Name}' (id {line.ProductId}{(line.Barcode is null ? string.Empty : ", barcode " + line.Barcode)}{(line.Sku is null ? string.Empty : ", internal reference " + line.Sku)}) is not in Odoo: no product.product matches its id, external id, barcode or internal reference.";

    /// <summary>
    /// Why Odoo would book a line's quantity other than the till sold it, or null: Odoo keeps every quantity to its
    /// "Product Unit of Measure" precision (2 decimals by default), so 0.875 kg would be stored as 0.88 and the
    /// session's journal entry (or the invoice of the Invoicing fallback) would no longer match the till. The precision is read again before a sale is refused, so a
    /// replay after the owner raised it goes through.
    /// </summary>
    public async Task<string?> QuantityProblemAsync(Sale sale, CancellationToken cancellationToken)
    {
        var finest = sale.Lines.MaxBy(l => Decimals(l.Quantity));
        if (finest is null || Decimals(finest.Quantity) <= (_quantityDigits ??= await QuantityDigitsAsync(cancellationToken).ConfigureAwait(false)))
        {
            return null;
        }

        _quantityDigits = await QuantityDigitsAsync(cancellationToken).ConfigureAwait(false);
        return Decimals(finest.Quantity) <= _quantityDigits
            ? null
            : $"Sale {sale.SaleNumber} sells {finest.Quantity.ToString(CultureInfo.InvariantCulture)} {finest.Unit} of '{finest.Name}', but Odoo keeps quantities to {_quantityDigits} decimals and would book {Math.Round(finest.Quantity, _quantityDigits.Value, MidpointRounding.AwayFromZero).ToString(CultureInfo.InvariantCulture)}, so Odoo's books would not match the till's. In Odoo (developer mode) set Settings › Technical › Decimal Accuracy › Product Unit of Measure to {Decimals(finest.Quantity)}, then replay the sale.";
    }

    private int? _quantityDigits;

    private volatile bool _externalIdsReadable = true;

    private async Task<int> QuantityDigitsAsync(CancellationToken cancellationToken)
    {
        var rows = await client.SearchReadAsync("decimal.precision", OdooValues.Domain(OdooValues.Leaf("name", "=", "Product Unit of Measure")), ["digits"], limit: 1, cancellationToken: cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? 2 : rows[0]["digits"]!.Value<int>();
    }

    private static int Decimals(decimal value) => (decimal.GetBits(value / 1.000000000000000000000000000000000m)[3] >> 16) & 0xFF;

    public long? ConfigFor(string storeId, string tillId) =>
        options.Tills.TryGetValue($"{storeId}/{tillId}", out var id) || options.Tills.TryGetValue(tillId, out id) ? id : null;

    public long? PaymentMethodFor(string methodId) =>
        options.PaymentMethods.TryGetValue(methodId, out var id) ? id : NumericId(methodId);

    /// <summary>
    /// Why the till's <c>pos.config</c> cannot book the sale in its currency (the config's, which is its journal's or
    /// the company's); null when it can. Odoo would otherwise book the sale's amounts as its own currency.
    /// </summary>
    public async Task<string?> CurrencyProblemAsync(long configId, Sale sale, CancellationToken cancellationToken)
    {
        if (!_configCurrencies.TryGetValue(configId, out var known))
        {
            var rows = await client.SearchReadAsync("pos.config", OdooValues.Domain(OdooValues.Leaf("id", "=", configId)), ["id", "name", "currency_id"], limit: 1, context: new Dictionary<string, JToken?> { ["active_test"] = false }, cancellationToken: cancellationToken).ConfigureAwait(false);
            known = rows.Count == 0 ? (null, null) : (OdooValues.Text(rows[0]["name"]), OdooValues.Ref(rows[0]["currency_id"])?.Name);
            _configCurrencies[configId] = known;
        }

        return known.Currency is { } currency && !string.Equals(currency, sale.Currency, StringComparison.OrdinalIgnoreCase)
            ? $"Sale {sale.SaleNumber} is in {sale.Currency}, but till '{sale.StoreId}/{sale.TillId}' is mapped to pos.config {configId} ({known.Name}), which books in {currency}. Set the store's currency (PosBridge:Stores:{sale.StoreId}:Currency) and the till's (--currency) to {currency} if that is the shop's currency, or map the till to a pos.config in {sale.Currency} (Odoo:Pos:Tills); then replay the sale."
            : null;
    }

    /// <summary>
    /// The <c>pos.payment.method</c> of a payment: mapped in Odoo:Pos:PaymentMethods, else Odoo's own id, else the one
    /// method of the payment's kind in the till's <c>pos.config</c>. When there is none, or several, the answer says
    /// exactly what to map.
    /// </summary>
    public async Task<(long? Id, string? Problem)> PaymentMethodForAsync(long configId, Payment payment, CancellationToken cancellationToken)
    {
        if (PaymentMethodFor(payment.MethodId) is { } known)
        {
            return (known, null);
        }

        if (!_configMethods.TryGetValue(configId, out var methods))
        {
            var version = await client.GetVersionAsync(cancellationToken).ConfigureAwait(false);
            var config = await client.SearchReadAsync("pos.config", OdooValues.Domain(OdooValues.Leaf("id", "=", configId)), ["id", "name", "payment_method_ids"], limit: 1, cancellationToken: cancellationToken).ConfigureAwait(false);
            var ids = config.Count == 0 ? [] : OdooValues.Ids(config[0]["payment_method_ids"]);
            var rows = ids.Count == 0 ? [] : await client.SearchReadAsync("pos.payment.method", OdooValues.Domain(OdooValues.Leaf("id", "in", new JArray(ids))), OdooPaymentKinds.Fields(version), order: "id asc", cancellationToken: cancellationToken).ConfigureAwait(false);
            methods = new ConfigMethods(
                config.Count == 0 ? $"pos.config {configId}" : $"pos.config {configId} ({OdooValues.Text(config[0]["name"])})",
                [.. rows.Select(r => (r["id"]!.Value<long>(), OdooValues.Text(r["name"]) ?? string.Empty, OdooPaymentKinds.Of(r, r["id"]!.Value<long>().ToString(CultureInfo.InvariantCulture), options)))]);
            _configMethods[configId] = methods;
        }

        var ofKind = methods.Methods.Where(m => m.Kind == payment.Kind).ToList();
        return ofKind.Count switch
        {
            1 => (ofKind[0].Id, null),
            0 => (null, $"Payment method '{payment.MethodId}' ({payment.Kind}) has no pos.payment.method: {methods.Config} offers no {payment.Kind} method. Add one to the config in Odoo, or map '{payment.MethodId}' in Odoo:Pos:PaymentMethods."),
            _ => (null, $"Payment method '{payment.MethodId}' ({payment.Kind}) could be any of {methods.Config}'s {payment.Kind} methods: {string.Join(", ", ofKind.Select(m => $"{m.Name} ({m.Id})"))}. Map it in Odoo:Pos:PaymentMethods, e.g. \"{payment.MethodId}\": {ofKind[0].Id}."),
        };
    }

    public long? TaxFor(string taxId) =>
        options.Taxes.TryGetValue(taxId, out var id) ? id : NumericId(taxId);

    /// <summary>The id a customer pulled from Odoo (a card holder) has at the tills: <c>res.partner:&lt;id&gt;</c>.</summary>
    public static string PartnerCustomerId(long partnerId) => PartnerPrefix + partnerId.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The customer's <c>res.partner</c>: the partner itself for a customer pulled from Odoo (while it exists), else
    /// ours by reference, else by phone, else by e-mail, else a new one.
    /// </summary>
    public async Task<long> PartnerForAsync(Customer customer, CancellationToken cancellationToken)
    {
        if (_partners.TryGetValue(customer.Id, out var known))
        {
            return known;
        }

        long? found = null;
        if (customer.Id.StartsWith(PartnerPrefix, StringComparison.Ordinal) && NumericId(customer.Id[PartnerPrefix.Length..]) is { } pulled)
        {
            found = await FindPartnerAsync(OdooValues.Domain(OdooValues.Leaf("id", "=", pulled)), cancellationToken).ConfigureAwait(false);
        }

        var reference = "posbridge:" + customer.Id;
        found ??= await FindPartnerAsync(OdooValues.Domain(OdooValues.Leaf("ref", "=", reference)), cancellationToken).ConfigureAwait(false);
        if (found is null && !string.IsNullOrWhiteSpace(customer.Phone))
        {
            found = await FindPartnerAsync(new JArray("|", OdooValues.Leaf("phone", "=", customer.Phone), OdooValues.Leaf("mobile", "=", customer.Phone)), cancellationToken).ConfigureAwait(false);
        }

        if (found is null && !string.IsNullOrWhiteSpace(customer.Email))
        {
            found = await FindPartnerAsync(OdooValues.Domain(OdooValues.Leaf("email", "=ilike", customer.Email)), cancellationToken).ConfigureAwait(false);
        }

        if (found is null)
        {
            var values = new JObject
            {
                ["name"] = customer.Name ?? customer.Phone ?? customer.Email ?? "Customer " + customer.Id,
                ["ref"] = reference,
            };
            if (customer.Phone is not null)
            {
                values["phone"] = customer.Phone;
            }

            if (customer.Email is not null)
            {
                values["email"] = customer.Email;
            }

            found = (await client.CreateAsync("res.partner", [values], cancellationToken).ConfigureAwait(false))[0];
        }

        _partners[customer.Id] = found.Value;
        return found.Value;
    }

    private async Task<long?> FindPartnerAsync(JArray domain, CancellationToken cancellationToken)
    {
        var rows = await client.SearchReadAsync("res.partner", domain, ["id"], limit: 1, order: "id asc", cancellationToken: cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0]["id"]!.Value<long>();
    }

    private async Task FindProductsAsync(List<SaleLine> wanted, CancellationToken cancellationToken)
    {
        var archivedToo = new Dictionary<string, JToken?> { ["active_test"] = false };

        if (options.ProductIdsAreOdooIds)
        {
            var numeric = wanted.Select(l => (Line: l, Id: NumericId(l.ProductId))).Where(x => x.Id is not null).ToList();
            if (numeric.Count > 0)
            {
                var rows = await client.SearchReadAsync("product.product", OdooValues.Domain(OdooValues.Leaf("id", "in", new JArray(numeric.Select(x => x.Id!.Value)))), ["id"], context: archivedToo, cancellationToken: cancellationToken).ConfigureAwait(false);
                var ids = rows.Select(r => r["id"]!.Value<long>()).ToHashSet();
                foreach (var (line, id) in numeric.Where(x => ids.Contains(x.Id!.Value)))
                {
                    _products[line.ProductId] = id!.Value;
                }
            }
        }

        var left = wanted.Where(l => !_products.ContainsKey(l.ProductId)).ToList();
        if (left.Count > 0 && _externalIdsReadable)
        {
            IReadOnlyList<JObject> rows;
            try
            {
                rows = await client.SearchReadAsync(
                    "ir.model.data",
                    OdooValues.Domain(
                        OdooValues.Leaf("module", "=", options.ExternalIdModule),
                        OdooValues.Leaf("model", "=", "product.product"),
                        OdooValues.Leaf("name", "in", new JArray(left.Select(l => ExternalIdName(l.ProductId))))),
                    ["name", "res_id"],
                    cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (OdooException e) when (e.Kind == OdooErrorKind.AccessError)
            {
                // The API user with the documented groups may not read external ids (Settings' group may): products
                // are then found by barcode and internal reference only, for the life of the process.
                _externalIdsReadable = false;
                rows = [];
            }

            var byName = rows.ToDictionary(r => r["name"]!.Value<string>()!, r => r["res_id"]!.Value<long>(), StringComparer.Ordinal);
            foreach (var line in left)
            {
                if (byName.TryGetValue(ExternalIdName(line.ProductId), out var id))
                {
                    _products[line.ProductId] = id;
                }
            }
        }

        await MatchByAsync("barcode", l => l.Barcode, cancellationToken).ConfigureAwait(false);
        await MatchByAsync("default_code", l => l.Sku, cancellationToken).ConfigureAwait(false);

        async Task MatchByAsync(string field, Func<SaleLine, string?> key, CancellationToken ct)
        {
            var pending = wanted.Where(l => !_products.ContainsKey(l.ProductId) && !string.IsNullOrWhiteSpace(key(l))).ToList();
            if (pending.Count == 0)
            {
                return;
            }

            var rows = await client.SearchReadAsync("product.product", OdooValues.Domain(OdooValues.Leaf(field, "in", new JArray(pending.Select(key).Distinct()))), ProductFields, order: "id asc", context: archivedToo, cancellationToken: ct).ConfigureAwait(false);
            var byKey = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var row in rows)
            {
                var value = OdooValues.Text(row[field]);
                if (value is not null)
                {
                    byKey.TryAdd(value, row["id"]!.Value<long>());
                }
            }

            foreach (var line in pending)
            {
                if (byKey.TryGetValue(key(line)!, out var id))
                {
                    _products[line.ProductId] = id;
                }
            }
        }
    }

    /// <summary>External id names allow letters, digits, '_' and '.': anything else becomes '_'.</summary>
    internal static string ExternalIdName(string productId) =>
        "product_" + new string([.. productId.Select(c => char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_')]);

    private static long? NumericId(string id) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : null;
}
