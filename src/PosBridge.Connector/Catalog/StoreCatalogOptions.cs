using System.Globalization;
using Microsoft.Extensions.Options;
using PosBridge.Core.Amounts;
using PosBridge.Core.Catalog;
using PosBridge.Core.Sales;
using PosBridge.Core.Taxes;

namespace PosBridge.Connector.Catalog;

/// <summary>Where a store's products come from (<c>PosBridge:Stores:{id}:Catalog:Source</c>).</summary>
internal enum CatalogSourceKind
{
    /// <summary>The back office's catalog (Odoo, when configured): nothing of the store's own.</summary>
    Odoo,

    /// <summary>A product file the owner keeps (CSV or XLSX), read at every pull and by <c>posbridge catalog import</c>.</summary>
    File,

    /// <summary>The products of one of the connector's web stores (<c>…:Catalog:WebStore</c>, WooCommerce), pulled on the catalog schedule.</summary>
    WebStore,
}

/// <summary>A payment method a store without a back office offers (<c>…:Catalog:PaymentMethods:N</c>).</summary>
internal sealed class ConfiguredPaymentMethod
{
    public string Id { get; set; } = string.Empty;

    public string Name { get; set; } = string.Empty;

    public PaymentKind? Kind { get; set; }
}

/// <summary>A tax a store without a back office charges (<c>…:Catalog:Taxes:N</c>); the product file names it by id.</summary>
internal sealed class ConfiguredTax
{
    public string Id { get; set; } = string.Empty;

    public string Name { get; set; } = string.Empty;

    /// <summary>Percent: 14 for 14 %.</summary>
    public decimal? Percent { get; set; }

    /// <summary>Prices in the file include it (the usual in Egypt and Saudi Arabia). Default true.</summary>
    public bool PriceInclude { get; set; } = true;
}

/// <summary>One store's own catalog source: <c>PosBridge:Stores:{id}:Catalog</c>.</summary>
internal sealed class StoreCatalogOptions
{
    public CatalogSourceKind Source { get; set; } = CatalogSourceKind.Odoo;

    /// <summary>
    /// For <see cref="CatalogSourceKind.File"/>: the product file (.csv or .xlsx) the owner edits in place, relative to the
    /// data directory; none: the file last imported (<c>DATA/catalog/STORE.csv|xlsx</c>).
    /// </summary>
    public string? Path { get; set; }

    /// <summary>
    /// For <see cref="CatalogSourceKind.WebStore"/>: the name of the web store (one of <c>Ecommerce:Stores</c>) whose
    /// products are the store's. Its stock count is not pulled: the shop's sales lower it (the store is also a stock
    /// target) and its own web orders lower it, so it stays the one count, and nothing here overwrites it.
    /// </summary>
    public string? WebStore { get; set; }

    /// <summary>
    /// For <see cref="CatalogSourceKind.WebStore"/>: the web store's tax class (<c>standard</c>, <c>reduced-rate</c>,
    /// <c>zero-rate</c>, …) → the id of one of <see cref="Taxes"/>. With a single tax configured, <c>standard</c> needs no entry.
    /// </summary>
    public Dictionary<string, string> TaxClasses { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The platform of <see cref="WebStore"/> as configured under <c>Ecommerce</c>, null when no such store is; set by Bind.</summary>
    internal string? WebStorePlatform { get; set; }

    /// <summary>The store's currency (<c>PosBridge:Stores:{id}:Currency</c>), which every price in its file is in.</summary>
    public string? Currency { get; set; }

    public List<ConfiguredPaymentMethod> PaymentMethods { get; set; } = [];

    public List<ConfiguredTax> Taxes { get; set; } = [];

    /// <summary>The store's taxes as the tax engine and tills take them.</summary>
    public IReadOnlyList<TaxDefinition> TaxDefinitions() =>
        Taxes.Select(t => new TaxDefinition
        {
            Id = t.Id,
            Name = string.IsNullOrWhiteSpace(t.Name) ? $"VAT {t.Percent?.ToString("0.##", CultureInfo.InvariantCulture)}%" : t.Name,
            AmountType = TaxAmountType.Percent,
            Amount = t.Percent ?? 0m,
            PriceInclude = t.PriceInclude,
        }).ToList();

    /// <summary>The store's payment methods, offered at its tills only; cash alone when none is configured.</summary>
    public IReadOnlyList<PaymentMethod> PaymentMethodsOffered(string storeId) =>
        PaymentMethods.Count == 0
            ? [new PaymentMethod { Id = $"cash-{storeId}", Name = "Cash · نقدي", Kind = PaymentKind.Cash, OfferedAt = [storeId] }]
            : PaymentMethods.Select(m => new PaymentMethod { Id = m.Id, Name = m.Name, Kind = m.Kind ?? PaymentKind.Cash, OfferedAt = [storeId] }).ToList();
}

/// <summary>Every store's catalog settings, keyed by store id (the children of <c>PosBridge:Stores</c> that have a <c>Catalog</c>).</summary>
internal sealed class StoreCatalogsOptions
{
    public const string Section = "PosBridge:Stores";

    public Dictionary<string, StoreCatalogOptions> Stores { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Reads the stores' <c>Catalog</c> sections, with each store's currency beside them.</summary>
    public static void Bind(IConfiguration configuration, StoreCatalogsOptions options)
    {
        foreach (var store in configuration.GetSection(Section).GetChildren())
        {
            var catalog = store.GetSection("Catalog");
            if (!catalog.Exists())
            {
                continue;
            }

            var settings = new StoreCatalogOptions();
            catalog.Bind(settings);
            settings.Currency ??= store["Currency"] ?? configuration[$"{PosBridge.Connector.Stores.StoreOptions.AccountingSection}:{store.Key}:Currency"];
            settings.WebStorePlatform = settings.WebStore is { Length: > 0 } web ? WebStorePlatformOf(configuration, web) : null;
            options.Stores[store.Key] = settings;
        }
    }

    /// <summary>The platform of the web store named <paramref name="name"/> in the Ecommerce section (the list or a single-store section).</summary>
    private static string? WebStorePlatformOf(IConfiguration configuration, string name)
    {
        foreach (var store in configuration.GetSection("Ecommerce:Stores").GetChildren())
        {
            if (string.Equals(store["Name"], name, StringComparison.Ordinal))
            {
                return store["Platform"];
            }
        }

        foreach (var (platform, fallback) in new[] { ("WooCommerce", "woocommerce"), ("Shopify", "shopify"), ("Magento", "magento") })
        {
            var single = configuration.GetSection("Ecommerce:" + platform);
            if (single.Exists() && string.Equals(single["Name"] ?? fallback, name, StringComparison.Ordinal))
            {
                return platform;
            }
        }

        return null;
    }

    /// <summary>The stores whose catalog is a web store's products.</summary>
    public IEnumerable<KeyValuePair<string, StoreCatalogOptions>> WebStoreStores =>
        Stores.Where(s => s.Value.Source == CatalogSourceKind.WebStore);

    /// <summary>The stores whose catalog is a product file.</summary>
    public IEnumerable<KeyValuePair<string, StoreCatalogOptions>> FileStores =>
        Stores.Where(s => s.Value.Source == CatalogSourceKind.File);
}

/// <summary>Names every wrong catalog setting of every store at start.</summary>
internal sealed class StoreCatalogsOptionsValidator : IValidateOptions<StoreCatalogsOptions>
{
    public ValidateOptionsResult Validate(string? name, StoreCatalogsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var methodOwners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (store, settings) in options.Stores)
        {
            var at = $"{StoreCatalogsOptions.Section}:{store}";
            if (!Enum.IsDefined(settings.Source))
            {
                failures.Add($"{at}:Catalog:Source is '{settings.Source}'; use File, WebStore or Odoo.");
            }

            if (settings.Source == CatalogSourceKind.WebStore)
            {
                if (string.IsNullOrWhiteSpace(settings.WebStore))
                {
                    failures.Add($"{at}:Catalog:WebStore is required with Source WebStore: the Name of one of Ecommerce:Stores.");
                }
                else if (settings.WebStorePlatform is null)
                {
                    failures.Add($"{at}:Catalog:WebStore is '{settings.WebStore}', which is not the Name of a store under Ecommerce:Stores.");
                }
                else if (!string.Equals(settings.WebStorePlatform, "WooCommerce", StringComparison.OrdinalIgnoreCase) && !string.Equals(settings.WebStorePlatform, "Shopify", StringComparison.OrdinalIgnoreCase))
                {
                    failures.Add($"{at}:Catalog:WebStore '{settings.WebStore}' is on {settings.WebStorePlatform}; products are pulled from WooCommerce and Shopify stores only so far (use a product file exported from it instead).");
                }

                if (!Currency.TryFromCode(settings.Currency, out _))
                {
                    failures.Add($"{at}:Currency is '{settings.Currency}'; a store whose catalog is a web store's needs its ISO 4217 currency (EGP, SAR, …), the one the web store prices in.");
                }

                foreach (var (taxClass, taxId) in settings.TaxClasses.Where(c => !settings.Taxes.Any(t => string.Equals(t.Id, c.Value, StringComparison.Ordinal))))
                {
                    failures.Add($"{at}:Catalog:TaxClasses:{taxClass} is '{taxId}', which is not the Id of one of {at}:Catalog:Taxes.");
                }
            }

            if (settings.Source == CatalogSourceKind.File)
            {
                // No Path: the file 'posbridge catalog import' keeps in DATA/catalog/ is the store's.
                if (!string.IsNullOrWhiteSpace(settings.Path) && ProductFile.FormatOf(settings.Path) is null)
                {
                    failures.Add($"{at}:Catalog:Path '{settings.Path}' is neither a .csv nor an .xlsx file.");
                }

                if (!Currency.TryFromCode(settings.Currency, out _))
                {
                    failures.Add($"{at}:Currency is '{settings.Currency}'; a store with its own product file needs its ISO 4217 currency (EGP, SAR, …).");
                }
            }

            for (var i = 0; i < settings.Taxes.Count; i++)
            {
                var tax = settings.Taxes[i];
                if (string.IsNullOrWhiteSpace(tax.Id))
                {
                    failures.Add($"{at}:Catalog:Taxes:{i}:Id is missing.");
                }

                if (tax.Percent is not (>= 0m and <= 100m))
                {
                    failures.Add($"{at}:Catalog:Taxes:{i}:Percent is '{tax.Percent}'; use 0 to 100 (14 for 14 %).");
                }
            }

            foreach (var dup in settings.Taxes.GroupBy(t => t.Id, StringComparer.Ordinal).Where(g => g.Count() > 1 && g.Key.Length > 0))
            {
                failures.Add($"{at}:Catalog:Taxes has the id '{dup.Key}' twice.");
            }

            for (var i = 0; i < settings.PaymentMethods.Count; i++)
            {
                var method = settings.PaymentMethods[i];
                if (string.IsNullOrWhiteSpace(method.Id) || string.IsNullOrWhiteSpace(method.Name))
                {
                    failures.Add($"{at}:Catalog:PaymentMethods:{i} needs an Id and a Name.");
                }

                if (method.Kind is null || !Enum.IsDefined(method.Kind.Value))
                {
                    failures.Add($"{at}:Catalog:PaymentMethods:{i}:Kind is '{method.Kind}'; use Cash, Card, Wallet, Qr or CustomerAccount.");
                }

                // Sales carry the method id and the back offices book by it: one id is one store's method.
                if (!string.IsNullOrWhiteSpace(method.Id) && !methodOwners.TryAdd(method.Id, store) && !string.Equals(methodOwners[method.Id], store, StringComparison.OrdinalIgnoreCase))
                {
                    failures.Add($"{at}:Catalog:PaymentMethods:{i}:Id '{method.Id}' is also a method of store {methodOwners[method.Id]}; give each store's methods their own ids.");
                }
                else if (!string.IsNullOrWhiteSpace(method.Id) && settings.PaymentMethods.Take(i).Any(m => string.Equals(m.Id, method.Id, StringComparison.Ordinal)))
                {
                    failures.Add($"{at}:Catalog:PaymentMethods has the id '{method.Id}' twice.");
                }
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
