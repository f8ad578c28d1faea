using System.Globalization;
using System.Text;
using PosBridge.Core.Adapters;
using PosBridge.Core.Sales;

namespace PosBridge.Connector.Demo;

/// <summary>A product of the demo café's product file.</summary>
internal sealed record DemoProduct(string NameAr, string NameEn, string Sku, string? Barcode, decimal Price, string Tax, string Category, bool Weighed, int Stock);

/// <summary>
/// The demo's shop: a Cairo café (store CAI1, EGP, Africa/Cairo) with no back-office catalog, so its products come from
/// the product file the owner keeps (Arabic and Latin names), and the settings the connector runs the day with: one
/// ledger in every dialect, the café's web-store feeds, and the back offices the user configured besides.
/// </summary>
internal static class DemoShop
{
    public const string Store = "CAI1";
    /// <summary>The café's currency, unless the back office it is delivered to books in another (<see cref="Facts"/>).</summary>
    public const string Currency = "EGP";
    public const string TimeZone = "Africa/Cairo";

    /// <summary>The web store the demo publishes feeds for when the settings have none with a feed.</summary>
    public const string FeedStore = "cairo-cafe-web";

    /// <summary>The ledger dialects, each written by its own ledger named <c>demo-DIALECT</c>.</summary>
    public static readonly IReadOnlyList<string> Dialects = ["generic", "xero-journals", "xero-invoices", "quickbooks", "sage-cloud", "sage50", "datev", "zoho"];

    public static readonly IReadOnlyList<DemoProduct> Products =
    [
        new("قهوة تركي", "Turkish coffee", "CAF-TRK", Ean13("622100000001"), 35.00m, "vat14", "Hot drinks", false, 400),
        new("إسبريسو", "Espresso", "CAF-ESP", Ean13("622100000002"), 45.00m, "vat14", "Hot drinks", false, 400),
        new("لاتيه", "Caffè latte", "CAF-LAT", Ean13("622100000003"), 65.00m, "vat14", "Hot drinks", false, 300),
        new("شاي بالنعناع", "Mint tea", "TEA-MNT", Ean13("622100000004"), 25.00m, "vat14", "Hot drinks", false, 500),
        new("كرواسون", "Croissant", "BAK-CRO", Ean13("622100000005"), 38.50m, "vat14", "Bakery", false, 60),
        new("بسبوسة", "Basbousa", "SWT-BAS", Ean13("622100000006"), 30.00m, "vat14", "Sweets", false, 80),
        new("كنافة", string.Empty, "SWT-KNF", Ean13("622100000007"), 55.00m, "vat14", "Sweets", false, 40),
        new(string.Empty, "Cheesecake", "SWT-CHC", Ean13("622100000008"), 70.00m, "vat14", "Sweets", false, 30),
        new("مياه معدنية ٦٠٠ مل", "Water 600 ml", "DRK-WAT", Ean13("622100000009"), 12.00m, "vat14", "Cold drinks", false, 240),
        new("عيش بلدي", "Baladi bread", "BAK-BLD", Ean13("622100000010"), 2.50m, "exempt", "Bakery", false, 300),
        new("بن محوج ٢٥٠ جم", "Ground coffee 250 g", "GRO-BEN", Ean13("622100000011"), 120.00m, "vat14", "Coffee beans", false, 50),
        new("تمر سيوي", "Siwa dates", "GRO-DAT", null, 180.00m, "vat14", "Groceries", true, 25),
    ];

    public static readonly IReadOnlyList<DemoTaxFacts> Taxes =
    [
        new("vat14", "ضريبة القيمة المضافة 14% · VAT 14%", 14m, PriceIncluded: true),
        new("exempt", "معفى · Exempt", 0m, PriceIncluded: true),
    ];

    public static readonly IReadOnlyList<DemoPaymentMethodFacts> PaymentMethods =
    [
        new("cai1-cash", "نقدي · Cash", PaymentKind.Cash),
        new("cai1-card", "بطاقة · Card", PaymentKind.Card),
        new("cai1-wallet", "محفظة · Wallet", PaymentKind.Wallet),
        new("cai1-instapay", "InstaPay QR", PaymentKind.Qr),
    ];

    /// <summary>The café as a back office the demo makes ready needs to know it (<see cref="IDemoBackOffice"/>).</summary>
    public static DemoShopFacts Facts(IReadOnlyList<DemoTillFacts> tills) => new(
        Store,
        Currency,
        tills,
        Products.Select(p => new DemoProductFacts(p.Sku, p.Barcode, string.Join(" · ", new[] { p.NameEn, p.NameAr }.Where(n => n.Length > 0)), p.Price, p.Tax, p.Weighed)).ToList(),
        Taxes,
        PaymentMethods);

    /// <summary>The product file as the owner keeps it: UTF-8 CSV with its header row.</summary>
    public static string ProductFile()
    {
        var text = new StringBuilder("name_ar,name_en,sku,barcode,price,tax,category,unit,weighed,stock\n");
        foreach (var p in Products)
        {
            text.Append(CultureInfo.InvariantCulture, $"{p.NameAr},{p.NameEn},{p.Sku},{p.Barcode},{p.Price:0.00},{p.Tax},{p.Category},{(p.Weighed ? "kg" : "Units")},{(p.Weighed ? "yes" : "no")},{p.Stock}\n");
        }

        return text.ToString();
    }

    /// <summary>
    /// The connector's settings for the demo, over the user's own (appsettings.json beside the binary, --config,
    /// environment): so a web store or an Odoo configured there is delivered to as well.
    /// </summary>
    public static Dictionary<string, string?> Settings(string root, string currency, IReadOnlyDictionary<string, string?> userSettings)
    {
        ArgumentNullException.ThrowIfNull(userSettings);
        var s = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["PosBridge:DataDirectory"] = Path.Combine(root, "connector"),
            ["PosBridge:Stores:CAI1:Name"] = "مقهى النيل · Nile Café",
            ["PosBridge:Stores:CAI1:Currency"] = currency,
            ["PosBridge:Stores:CAI1:TimeZone"] = TimeZone,
            ["PosBridge:Stores:CAI1:Catalog:Source"] = "File",
            // Deliveries are looked for every second, so the day's sales reach the back offices while the demo watches.
            ["PosBridge:Dispatch:Interval"] = "00:00:01",
            ["PosBridge:Dispatch:RetryBaseDelay"] = "00:00:01",
            // The close of day is run by the demo when the day is done, not on the clock.
            ["PosBridge:CloseOfDay:Enabled"] = "false",
            ["PosBridge:CloseOfDay:Directory"] = Path.Combine(root, "ledgers"),
            ["PosBridge:Dashboard:Enabled"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
            ["Accounting:Stores:CAI1:Currency"] = currency,
            ["Accounting:Stores:CAI1:TimeZone"] = TimeZone,
        };
        for (var i = 0; i < Taxes.Count; i++)
        {
            s[$"PosBridge:Stores:CAI1:Catalog:Taxes:{i}:Id"] = Taxes[i].Id;
            s[$"PosBridge:Stores:CAI1:Catalog:Taxes:{i}:Name"] = Taxes[i].Name;
            s[$"PosBridge:Stores:CAI1:Catalog:Taxes:{i}:Percent"] = Taxes[i].Percent.ToString(CultureInfo.InvariantCulture);
            s[$"PosBridge:Stores:CAI1:Catalog:Taxes:{i}:PriceInclude"] = Taxes[i].PriceIncluded ? "true" : "false";
        }

        for (var i = 0; i < PaymentMethods.Count; i++)
        {
            s[$"PosBridge:Stores:CAI1:Catalog:PaymentMethods:{i}:Id"] = PaymentMethods[i].Id;
            s[$"PosBridge:Stores:CAI1:Catalog:PaymentMethods:{i}:Name"] = PaymentMethods[i].Name;
            s[$"PosBridge:Stores:CAI1:Catalog:PaymentMethods:{i}:Kind"] = PaymentMethods[i].Kind.ToString();
        }

        foreach (var dialect in Dialects)
        {
            Ledger(s, dialect, currency);
        }

        // A web store of the user's with a feed publishes it; with none, the café's own feed settings (its stock is not sent
        // anywhere: there is no web store to send it to).
        var userFeeds = userSettings.Keys.Any(k => k.StartsWith("Ecommerce:", StringComparison.OrdinalIgnoreCase) && k.Contains(":Feed:", StringComparison.OrdinalIgnoreCase));
        if (!userFeeds)
        {
            var at = $"Ecommerce:Stores:{UserStoreCount(userSettings)}";
            s[$"{at}:Name"] = FeedStore;
            s[$"{at}:Platform"] = "WooCommerce";
            s[$"{at}:BaseUrl"] = "https://nile-cafe.example/";
            s[$"{at}:ConsumerKey"] = "ck_demo_feed_only";
            s[$"{at}:ConsumerSecret"] = "cs_demo_feed_only";
            s[$"{at}:Locations:0"] = Store;
            s[$"{at}:Feed:Title"] = "مقهى النيل · Nile Café";
            s[$"{at}:Feed:Link"] = "https://nile-cafe.example/";
            s[$"{at}:Feed:Description"] = "Coffee, sweets and groceries from Cairo";
            s[$"{at}:Feed:ProductLink"] = "https://nile-cafe.example/products/{sku}";
            s[$"{at}:Feed:ImageLink"] = "https://nile-cafe.example/images/{sku}.jpg";
            s[$"{at}:Feed:Brand"] = "Nile Café";
            s[$"PosBridge:Dispatch:Adapters:{FeedStore}:Enabled"] = "false";
            s["PosBridge:WebStores:ReconcileInterval"] = "00:00:00";
        }

        return s;
    }

    private static int UserStoreCount(IReadOnlyDictionary<string, string?> userSettings) =>
        userSettings.Keys
            .Select(k => k.Split(':'))
            .Where(p => p.Length > 2 && p[0].Equals("Ecommerce", StringComparison.OrdinalIgnoreCase) && p[1].Equals("Stores", StringComparison.OrdinalIgnoreCase))
            .Select(p => int.TryParse(p[2], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n + 1 : 0)
            .DefaultIfEmpty(0)
            .Max();

    /// <summary>The demo's fixed rates, units of the café's currency per euro (a currency not listed is booked as it is).</summary>
    private static readonly Dictionary<string, string> EuroRates = new(StringComparer.OrdinalIgnoreCase) { ["EGP"] = "52.5", ["SAR"] = "4.05", ["AED"] = "3.97", ["USD"] = "1.08" };

    /// <summary>One ledger of the café in <paramref name="dialect"/>, set up as an Egyptian accountant's would be.</summary>
    private static void Ledger(Dictionary<string, string?> s, string dialect, string currency)
    {
        var at = $"Accounting:Ledgers:demo-{dialect}";
        s[$"{at}:Store"] = Store;
        s[$"{at}:Dialect"] = dialect;
        s[$"{at}:Chart"] = dialect == "datev" ? "skr03" : "generic";
        s[$"{at}:Taxes:vat14:Rate"] = "14";
        s[$"{at}:Taxes:vat14:Name"] = "VAT 14%";
        s[$"{at}:Taxes:exempt:Rate"] = "0";
        s[$"{at}:Taxes:exempt:Name"] = "Exempt";
        switch (dialect)
        {
            case "xero-journals" or "xero-invoices" or "quickbooks" or "zoho":
                s[$"{at}:Region"] = "Global";
                break;
            case "sage50":
                s[$"{at}:Region"] = "UK";
                s[$"{at}:Taxes:vat14:Code"] = "T1";
                s[$"{at}:Taxes:exempt:Code"] = "T0";
                break;
            case "datev":
                // A German accountant's books in EUR: the café's currency at a fixed rate, SKR03's accounts.
                if (EuroRates.TryGetValue(currency, out var rate))
                {
                    s[$"{at}:BaseCurrency"] = "EUR";
                    s[$"{at}:ExchangeRate"] = rate;
                }

                s[$"{at}:Taxes:vat14:RevenueAccount"] = "8400";
                s[$"{at}:Taxes:vat14:TaxAccount"] = "1776";
                s[$"{at}:Taxes:exempt:RevenueAccount"] = "8200";
                s[$"{at}:Taxes:exempt:TaxAccount"] = "1770";
                s[$"{at}:Datev:ConsultantNumber"] = "1234567";
                s[$"{at}:Datev:ClientNumber"] = "10001";
                break;
        }
    }

    /// <summary>A 12-digit GS1 number with its check digit.</summary>
    private static string Ean13(string digits)
    {
        var sum = 0;
        for (var i = 0; i < 12; i++)
        {
            sum += (digits[i] - '0') * (i % 2 == 0 ? 1 : 3);
        }

        return digits + ((10 - (sum % 10)) % 10).ToString(CultureInfo.InvariantCulture);
    }
}
