using System.Globalization;
using Newtonsoft.Json.Linq;
using PosBridge.Core.Adapters;
using PosBridge.Core.Catalog;
using PosBridge.Core.Stock;
using PosBridge.Core.Taxes;
using PosBridge.Erp.Odoo.Pos;
using PosBridge.Erp.Odoo.Rpc;

namespace PosBridge.Erp.Odoo.Catalog;

/// <summary>
/// Products, prices, taxes and POS categories from Odoo, incrementally by <c>write_date</c> with the id as
/// tie-break (a stable cursor: <c>"&lt;write_date&gt;|&lt;id&gt;"</c>, the last <see cref="OdooPosOptions.ChangeWindow"/>
/// read again by each pull: see <see cref="Rpc.WriteDatePager"/>), archived products included so tills stop
/// selling them, products taken out of the POS listed as removed. Field names follow the server's version.
/// The last page of each pull also carries the payment methods of the tills' <c>pos.config</c>s
/// (<c>Odoo:Pos:Tills</c>), each with the tills it is offered at; archived methods and methods no mapped
/// config offers come as removed.
/// </summary>
public sealed class OdooCatalogSource(OdooClient client, OdooPosOptions options, TimeProvider timeProvider) : ICatalogSource, IStockSource
{
    private readonly TimeProvider _time = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));

    private static readonly Dictionary<string, JToken?> ArchivedToo = new() { ["active_test"] = false };

    public string Name => options.AdapterName;

    public async Task<CatalogChanges> GetChangesAsync(string? cursor, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var version = await client.GetVersionAsync(cancellationToken).ConfigureAwait(false);
        string[] fields = ["id", "name", "barcode", "default_code", "lst_price", "taxes_id", "uom_id", "active", "available_in_pos", "write_date", "to_weight", version.PosCategoryField, version.ProductTypeField, .. version.Major >= 18 ? new[] { "is_storable" } : []];

        var page = await WriteDatePager.NextAsync(
            (domain, order, limit) => client.SearchReadAsync("product.product", domain, fields, limit: limit, order: order, context: ArchivedToo, cancellationToken: cancellationToken),
            [],
            cursor,
            pageSize,
            _time.GetUtcNow(),
            options.ChangeWindow).ConfigureAwait(false);
        return await BuildAsync(version, page.Rows, page.NextCursor, page.HasMore, cancellationToken).ConfigureAwait(false);
    }

    private async Task<CatalogChanges> BuildAsync(OdooServerVersion version, IReadOnlyList<JObject> rows, string nextCursor, bool hasMore, CancellationToken cancellationToken)
    {
        var currency = await CurrencyAsync(cancellationToken).ConfigureAwait(false);
        var products = new List<Product>();
        var removed = new List<string>();
        var taxIds = new HashSet<long>();
        var categoryIds = new HashSet<long>();
        foreach (var row in rows)
        {
            var id = row["id"]!.Value<long>().ToString(CultureInfo.InvariantCulture);
            if (!OdooValues.Bool(row["available_in_pos"]))
            {
                removed.Add(id);
                continue;
            }

            var taxes = OdooValues.Ids(row["taxes_id"]);
            taxIds.UnionWith(taxes);
            var categories = version.Major >= 17 ? OdooValues.Ids(row["pos_categ_ids"]) : OdooValues.Id(row["pos_categ_id"]) is { } single ? [single] : [];
            categoryIds.UnionWith(categories);
            products.Add(new Product
            {
                Id = id,
                Name = OdooValues.Text(row["name"]) ?? id,
                Sku = OdooValues.Text(row["default_code"]),
                Barcode = OdooValues.Text(row["barcode"]),
                CategoryId = categories.Count == 0 ? null : categories[0].ToString(CultureInfo.InvariantCulture),
                Unit = OdooValues.Ref(row["uom_id"])?.Name ?? "Units",
                ListPrice = Math.Round(OdooValues.Number(row["lst_price"]) ?? 0m, 6),
                Currency = currency,
                TaxIds = [.. taxes.Select(t => t.ToString(CultureInfo.InvariantCulture))],
                IsWeighed = OdooValues.Bool(row["to_weight"]),
                IsStockTracked = version.Major switch
                {
                    >= 18 => OdooValues.Bool(row["is_storable"]),
                    17 => OdooValues.Text(row["detailed_type"]) == "product",
                    _ => OdooValues.Text(row["type"]) == "product",
                },
                Active = OdooValues.Bool(row["active"]),
            });
        }

        var (methods, removedMethods) = hasMore ? ([], []) : await PaymentMethodsAsync(version, cancellationToken).ConfigureAwait(false);
        return new CatalogChanges
        {
            Products = products,
            PaymentMethods = methods,
            RemovedPaymentMethodIds = removedMethods,
            RemovedProductIds = removed,
            Taxes = await TaxesAsync(taxIds, cancellationToken).ConfigureAwait(false),
            Categories = await CategoriesAsync(categoryIds, cancellationToken).ConfigureAwait(false),
            NextCursor = nextCursor,
            HasMore = hasMore,
        };
    }

    private async Task<(IReadOnlyList<PaymentMethod> Offered, IReadOnlyList<string> Removed)> PaymentMethodsAsync(OdooServerVersion version, CancellationToken cancellationToken)
    {
        // Which tills offer which method: a method is in the pos.config of each till mapped to it.
        var tillsOf = new Dictionary<long, List<string>>();
        if (options.Tills.Count > 0)
        {
            var configs = await client.SearchReadAsync("pos.config", OdooValues.Domain(OdooValues.Leaf("id", "in", new JArray(options.Tills.Values.Distinct()))), ["id", "payment_method_ids"], context: ArchivedToo, cancellationToken: cancellationToken).ConfigureAwait(false);
            var methodsOf = configs.ToDictionary(c => c["id"]!.Value<long>(), c => OdooValues.Ids(c["payment_method_ids"]));
            foreach (var (till, config) in options.Tills)
            {
                foreach (var method in methodsOf.GetValueOrDefault(config) ?? [])
                {
                    // "CAI1/T2" names a store's till; a bare "T2" is that till in any store.
                    (tillsOf.TryGetValue(method, out var list) ? list : tillsOf[method] = []).Add(till.Contains('/', StringComparison.Ordinal) ? till : "*/" + till);
                }
            }
        }

        var rows = await client.SearchReadAsync("pos.payment.method", [], OdooPaymentKinds.Fields(version), order: "id asc", context: ArchivedToo, cancellationToken: cancellationToken).ConfigureAwait(false);
        var ourIdOf = options.PaymentMethods.GroupBy(p => p.Value).ToDictionary(g => g.Key, g => g.OrderBy(p => p.Key, StringComparer.Ordinal).First().Key);
        var offered = new List<PaymentMethod>();
        var removed = new List<string>();
        foreach (var row in rows)
        {
            var odooId = row["id"]!.Value<long>();
            var id = ourIdOf.TryGetValue(odooId, out var ours) ? ours : odooId.ToString(CultureInfo.InvariantCulture);
            if (ours is not null)
            {
                // Mapped under our id: tills that pulled it under Odoo's id before the mapping drop that one.
                removed.Add(odooId.ToString(CultureInfo.InvariantCulture));
            }

            if (!OdooValues.Bool(row["active"]) || !tillsOf.TryGetValue(odooId, out var tills))
            {
                removed.Add(id);
                continue;
            }

            offered.Add(new PaymentMethod
            {
                Id = id,
                Name = OdooValues.Text(row["name"]) ?? id,
                Kind = OdooPaymentKinds.Of(row, id, options),
                OfferedAt = [.. tills.Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal)],
            });
        }

        return (offered, removed);
    }

    /// <summary>Available to sell per SKU and internal location: on hand minus reserved, from <c>stock.quant</c>.</summary>
    public async Task<IReadOnlyList<StockLevel>> GetLevelsAsync(IReadOnlyCollection<string>? skus, CancellationToken cancellationToken = default)
    {
        var productDomain = skus is null
            ? OdooValues.Domain(OdooValues.Leaf("default_code", "!=", false))
            : OdooValues.Domain(OdooValues.Leaf("default_code", "in", new JArray(skus)));
        var products = await client.SearchReadAsync("product.product", productDomain, ["id", "default_code"], cancellationToken: cancellationToken).ConfigureAwait(false);
        var skuById = products.ToDictionary(p => p["id"]!.Value<long>(), p => OdooValues.Text(p["default_code"])!);
        if (skuById.Count == 0)
        {
            return [];
        }

        var locations = await client.SearchReadAsync("stock.location", OdooValues.Domain(OdooValues.Leaf("usage", "=", "internal")), ["id", "name"], cancellationToken: cancellationToken).ConfigureAwait(false);
        var quants = await client.SearchReadAsync(
            "stock.quant",
            OdooValues.Domain(OdooValues.Leaf("product_id", "in", new JArray(skuById.Keys)), OdooValues.Leaf("location_id", "in", new JArray(locations.Select(l => l["id"]!.Value<long>())))),
            ["product_id", "location_id", "quantity", "reserved_quantity"],
            cancellationToken: cancellationToken).ConfigureAwait(false);
        return [.. quants
            .GroupBy(q => (Product: OdooValues.Ref(q["product_id"])!.Id, Location: OdooValues.Ref(q["location_id"])!.Id))
            .Select(g => new StockLevel
            {
                Sku = skuById[g.Key.Product],
                LocationId = g.Key.Location.ToString(CultureInfo.InvariantCulture),
                OnHand = g.Sum(q => OdooValues.Number(q["quantity"]) ?? 0m),
                Reserved = g.Sum(q => OdooValues.Number(q["reserved_quantity"]) ?? 0m),
            })
            .OrderBy(l => l.Sku, StringComparer.Ordinal)
            .ThenBy(l => l.LocationId, StringComparer.Ordinal)];
    }

    private async Task<string> CurrencyAsync(CancellationToken cancellationToken)
    {
        var company = await client.SearchReadAsync("res.company", [], ["currency_id"], limit: 1, order: "id asc", cancellationToken: cancellationToken).ConfigureAwait(false);
        return company.Count == 0 ? "XXX" : OdooValues.Ref(company[0]["currency_id"])?.Name ?? "XXX";
    }

    private async Task<IReadOnlyList<TaxDefinition>> TaxesAsync(HashSet<long> ids, CancellationToken cancellationToken)
    {
        var result = new List<TaxDefinition>();
        var wanted = new HashSet<long>(ids);
        var seen = new HashSet<long>();
        while (wanted.Count > 0)
        {
            var rows = await client.SearchReadAsync("account.tax", OdooValues.Domain(OdooValues.Leaf("id", "in", new JArray(wanted))), ["id", "name", "amount_type", "amount", "price_include", "include_base_amount", "is_base_affected", "sequence", "children_tax_ids"], context: ArchivedToo, cancellationToken: cancellationToken).ConfigureAwait(false);
            seen.UnionWith(wanted);
            wanted.Clear();
            foreach (var row in rows)
            {
                var children = OdooValues.Ids(row["children_tax_ids"]);
                wanted.UnionWith(children.Where(c => !seen.Contains(c)));
                result.Add(new TaxDefinition
                {
                    Id = row["id"]!.Value<long>().ToString(CultureInfo.InvariantCulture),
                    Name = OdooValues.Text(row["name"]) ?? "Tax",
                    AmountType = OdooValues.Text(row["amount_type"]) switch
                    {
                        "fixed" => TaxAmountType.Fixed,
                        "division" => TaxAmountType.Division,
                        "group" => TaxAmountType.Group,
                        _ => TaxAmountType.Percent,
                    },
                    Amount = OdooValues.Number(row["amount"]) ?? 0m,
                    PriceInclude = OdooValues.Bool(row["price_include"]),
                    IncludeBaseAmount = OdooValues.Bool(row["include_base_amount"]),
                    IsBaseAffected = OdooValues.Bool(row["is_base_affected"]),
                    Sequence = (int)(OdooValues.Number(row["sequence"]) ?? 1m),
                    Children = [.. children.Select(c => c.ToString(CultureInfo.InvariantCulture))],
                });
            }
        }

        return result;
    }

    private async Task<IReadOnlyList<Category>> CategoriesAsync(HashSet<long> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        var rows = await client.SearchReadAsync("pos.category", OdooValues.Domain(OdooValues.Leaf("id", "in", new JArray(ids))), ["id", "name", "parent_id"], cancellationToken: cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(r => new Category
        {
            Id = r["id"]!.Value<long>().ToString(CultureInfo.InvariantCulture),
            Name = OdooValues.Text(r["name"]) ?? "Category",
            ParentId = OdooValues.Id(r["parent_id"])?.ToString(CultureInfo.InvariantCulture),
        })];
    }
}
