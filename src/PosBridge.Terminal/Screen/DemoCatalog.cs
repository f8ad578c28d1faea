using System.Globalization;
using PosBridge.Core.Catalog;
using PosBridge.Core.Loyalty;
using PosBridge.Core.Sales;
using PosBridge.Core.Taxes;
using PosBridge.Terminal.Catalog;
using PosBridge.Terminal.Customers;
using PosBridge.Terminal.Loyalty;
using PosBridge.Terminal.Storage;
using PosBridge.Till;
using PosBridge.Till.Catalog;

namespace PosBridge.Terminal.Screen;

/// <summary>
/// A Cairo café's catalog (VAT 14 %, Arabic and Latin names, barcoded groceries, cheese by weight) for
/// trying the screen with no back office: <c>dotnet run --project src/PosBridge.Terminal -- demo</c>.
/// A till in Saudi riyals (<c>--Till:Currency SAR</c>) gets a Riyadh café instead, at Saudi VAT: 15 %, included in
/// the shelf price as Saudi retail prices are. Only an empty till is filled.
/// </summary>
internal static class DemoCatalog
{
    public static readonly Dictionary<string, string?> Settings = new(StringComparer.Ordinal)
    {
        ["Till:StoreId"] = "CAI1",
        ["Till:TillId"] = "T1",
        ["Till:Currency"] = "EGP",
        ["Till:TimeZone"] = "Africa/Cairo",
        ["Till:EmbeddedBarcodes:0:Prefix"] = "21",
        ["Till:EmbeddedBarcodes:0:Value"] = "Weight",
        ["Till:Receipt:StoreName"] = "Nile Café",
        ["Till:Receipt:Footer"] = "Thank you · شكرا",
        ["Screen:CashierId"] = "mona",
        ["Screen:CashierName"] = "Mona",
        ["Screen:Managers:0:Id"] = "manager",
        ["Screen:Managers:0:Name"] = "Karim",
        ["Screen:Managers:0:Pin"] = "1234",
    };

    public static readonly TaxDefinition Vat14 = new() { Id = "vat14", Name = "VAT 14%", AmountType = TaxAmountType.Percent, Amount = 14m, PriceInclude = true };

    /// <summary>Saudi VAT, the standard rate since July 2020, included in the price.</summary>
    public static readonly TaxDefinition Vat15 = new() { Id = "vat15", Name = "VAT 15% · ضريبة القيمة المضافة ١٥٪", AmountType = TaxAmountType.Percent, Amount = 15m, PriceInclude = true };

    /// <summary>Barcodes of the demo's packaged goods, for tests and the bench.</summary>
    public static readonly string WaterBarcode = Ean("622100000101");
    public static readonly string MilkBarcode = Ean("622100000202");
    public static readonly string BeansBarcode = Ean("622100000303");
    public static readonly string DatesBarcode = Ean("622100000404");
    public static readonly string ChipsBarcode = Ean("622100000505");

    /// <summary>A 0.450 kg label of Gouda (prefix 21, item 00042, weight 00450).</summary>
    public static readonly string GoudaLabel = Ean("210004200450");

    /// <summary>The demo's loyalty customer: card code <see cref="CardCode"/>, NFC tag <see cref="CardTagUid"/>, 180 points.</summary>
    public static readonly Customer Layla = new() { Id = "cust-layla", Name = "Layla Hassan", Phone = "+20 100 555 0101", Email = "layla@example.com", LoyaltyCardCode = CardCode };

    public const string CardCode = "NILE-1001";

    public const string CardTagUid = "04A2B3C4D5E6F7";

    /// <summary>The back office's balance of the demo card, as of a fixed instant so every sale on the till counts on top.</summary>
    public const decimal StartingPoints = 180m;

    /// <summary>
    /// "Nile Café points": 1 point per EGP 10 spent; EGP 20 off for 100 points, a free croissant for 150, 10 % off
    /// for 300 (more than the demo card holds, so the screen shows it out of reach).
    /// </summary>
    public static readonly LoyaltyProgram Points = new()
    {
        Id = "nile-points",
        Name = "Nile Café points",
        Kind = "loyalty",
        Currency = "EGP",
        Rules = [new LoyaltyRule { Id = "per-10", PointMode = LoyaltyPointMode.PerCurrencyUnit, Points = 0.1m }],
        Rewards =
        [
            new LoyaltyReward { Id = "off-20", Kind = LoyaltyRewardKind.Discount, Description = "EGP 20 off · خصم ٢٠ ج.م", RequiredPoints = 100m, Discount = 20m, DiscountMode = LoyaltyDiscountMode.PerOrder },
            new LoyaltyReward { Id = "free-croissant", Kind = LoyaltyRewardKind.Product, Description = "Free croissant · كرواسون مجانًا", RequiredPoints = 150m, ProductId = "bak-1", ProductQuantity = 1m },
            new LoyaltyReward { Id = "ten-percent", Kind = LoyaltyRewardKind.Discount, Description = "10% off · خصم ١٠٪", RequiredPoints = 300m, Discount = 10m, DiscountMode = LoyaltyDiscountMode.Percent },
        ],
    };

    /// <summary>The demo's promotion code: 10 % off the order from EGP 100 of coffee (hot-1, hot-2, hot-3, gro-2).</summary>
    public const string PromoCode = "COFFEE10";

    /// <summary>
    /// "Coffee lovers code", shaped like Odoo's promotion program with a code (as the Odoo emulator seeds it): the rule
    /// COFFEE10 needs EGP 100 (tax included) of the coffees and one point per order; the reward costs that point.
    /// </summary>
    public static readonly LoyaltyProgram CoffeeLovers = new()
    {
        Id = "coffee-lovers",
        Name = "Coffee lovers code",
        Kind = "promo_code",
        Currency = "EGP",
        NeedsCode = true,
        Rules = [new LoyaltyRule { Id = "coffee-10", PointMode = LoyaltyPointMode.PerOrder, Points = 1m, MinimumAmount = 100m, MinimumQuantity = 1m, ProductIds = ["hot-1", "hot-2", "hot-3", "gro-2"], Code = PromoCode }],
        Rewards = [new LoyaltyReward { Id = "coffee-10-off", Kind = LoyaltyRewardKind.Discount, Description = "10% on your order · خصم ١٠٪ على الطلب", RequiredPoints = 1m, Discount = 10m, DiscountMode = LoyaltyDiscountMode.Percent }],
    };

    /// <summary>A single-use coupon program: its codes are refused at the till (the back office must use them up).</summary>
    public static readonly LoyaltyProgram WelcomeCoupons = new()
    {
        Id = "welcome-coupons",
        Name = "Welcome coupons",
        Kind = "coupons",
        Currency = "EGP",
        NeedsCode = true,
        Rules = [new LoyaltyRule { Id = "welcome", PointMode = LoyaltyPointMode.PerOrder, Points = 1m, Code = "WELCOME-7Q2X" }],
        Rewards = [new LoyaltyReward { Id = "welcome-15", Kind = LoyaltyRewardKind.Discount, Description = "EGP 15 off", RequiredPoints = 1m, Discount = 15m, DiscountMode = LoyaltyDiscountMode.PerOrder }],
    };

    /// <summary>Fills an empty till with the demo café of its <paramref name="currency"/>: Riyadh's for SAR, else Cairo's.</summary>
    public static void SeedIfEmpty(CatalogStore catalog, TileLayout layout, TillDatabase database, string currency)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(database);
        ArgumentException.ThrowIfNullOrEmpty(currency);
        if (catalog.HasProducts())
        {
            return;
        }

        var saudi = string.Equals(currency, "SAR", StringComparison.OrdinalIgnoreCase);
        catalog.Upsert(saudi ? Vat15 : Vat14);
        var tiles = new List<TileCategory>();
        foreach (var (id, name, nameAr, products) in saudi ? SaudiCategories : Categories)
        {
            foreach (var (product, otherNames) in products)
            {
                catalog.Upsert(product, otherNames);
            }

            tiles.Add(new TileCategory(id, name, nameAr, [.. products.Select(p => p.Product.Id)]));
        }

        layout.Save(tiles);
        // The same programs, counted in the till's currency (a point per 10 riyals or pounds).
        catalog.Upsert(saudi ? Points with { Currency = "SAR" } : Points);
        catalog.Upsert(saudi ? CoffeeLovers with { Currency = "SAR" } : CoffeeLovers);
        catalog.Upsert(saudi ? WelcomeCoupons with { Currency = "SAR" } : WelcomeCoupons);
        new CustomerStore(database).Save(Layla, CardTagUid);
        new LoyaltyService(database, new TillOptions()).SetBackOfficeBalance(Layla.Id, Points.Id, StartingPoints, new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));
    }

    private static (string Id, string Name, string NameAr, (Product Product, string[] OtherNames)[] Products)[] Categories =>
    [
        ("hot", "Hot drinks", "مشروبات ساخنة",
        [
            (Item("hot-1", "قهوة تركي", 45m), ["Qahwa turki", "Turkish coffee"]),
            (Item("hot-2", "Espresso", 40m), ["اسبريسو"]),
            (Item("hot-3", "Cappuccino", 60m), ["كابتشينو"]),
            (Item("hot-4", "شاي بالنعناع", 25m), ["Shai bil naanaa", "Mint tea"]),
            (Item("hot-5", "Hot chocolate", 55m), ["هوت شوكليت"]),
            (Item("hot-6", "سحلب", 50m), ["Sahlab"]),
        ]),
        ("cold", "Cold drinks", "مشروبات باردة",
        [
            (Item("cold-1", "Iced latte", 70m), ["لاتيه مثلج"]),
            (Item("cold-2", "ليمون بالنعناع", 45m), ["Lemon mint", "Lamoon"]),
            (Item("cold-3", "عصير مانجو", 50m), ["Mango juice"]),
            (Item("cold-4", "Water 0.5 L", 10m, WaterBarcode), ["مياه"]),
        ]),
        ("bakery", "Bakery", "مخبوزات",
        [
            (Item("bak-1", "Croissant", 35m), ["كرواسون"]),
            (Item("bak-2", "كرواسون زعتر", 40m), ["Croissant zaatar"]),
            (Item("bak-3", "بسبوسة", 30m), ["Basbousa"]),
            (Item("bak-4", "فطير بالجبنة", 65m), ["Feteer cheese"]),
        ]),
        ("grocery", "Grocery", "بقالة",
        [
            (Item("gro-1", "Milk 1 L", 38.5m, MilkBarcode), ["لبن"]),
            (Item("gro-2", "بن محوج 250 جم", 120m, BeansBarcode), ["Coffee beans"]),
            (Item("gro-3", "تمر سيوي", 85m, DatesBarcode), ["Dates"]),
            (Item("gro-4", "Chipsy", 15m, ChipsBarcode), ["شيبسي"]),
            (Item("gro-5", "Gouda", 320m, Ean("210004200000"), weighed: true), ["جبنة جودة"]),
        ]),
    ];

    /// <summary>
    /// A Riyadh café: the same ids, tiles and barcodes as Cairo's (so scripts and tests sell the same items), SAR prices
    /// with 15 % VAT included; dates and cheese weighed and, as fresh food is not zero-rated in Saudi Arabia, taxed too.
    /// </summary>
    private static (string Id, string Name, string NameAr, (Product Product, string[] OtherNames)[] Products)[] SaudiCategories =>
    [
        ("hot", "Hot drinks", "مشروبات ساخنة",
        [
            (Riyal("hot-1", "قهوة سعودية", 12m), ["Saudi coffee", "Gahwa"]),
            (Riyal("hot-2", "Espresso", 11.5m), ["اسبريسو"]),
            (Riyal("hot-3", "Cappuccino", 17.25m), ["كابتشينو"]),
            (Riyal("hot-4", "شاي بالنعناع", 8m), ["Mint tea"]),
            (Riyal("hot-5", "Hot chocolate", 16m), ["هوت شوكليت"]),
            (Riyal("hot-6", "حليب بالزنجبيل", 14m), ["Ginger milk"]),
        ]),
        ("cold", "Cold drinks", "مشروبات باردة",
        [
            (Riyal("cold-1", "Iced latte", 19m), ["لاتيه مثلج"]),
            (Riyal("cold-2", "ليمون بالنعناع", 13m), ["Lemon mint"]),
            (Riyal("cold-3", "عصير مانجو", 15m), ["Mango juice"]),
            (Riyal("cold-4", "Water 0.5 L", 2m, WaterBarcode), ["مياه"]),
        ]),
        ("bakery", "Bakery", "مخبوزات",
        [
            (Riyal("bak-1", "Croissant", 9.5m), ["كرواسون"]),
            (Riyal("bak-2", "كرواسون زعتر", 10.5m), ["Croissant zaatar"]),
            (Riyal("bak-3", "معمول", 7m), ["Maamoul"]),
            (Riyal("bak-4", "فطيرة جبن", 14.5m), ["Cheese fatayer"]),
        ]),
        ("grocery", "Grocery", "بقالة",
        [
            (Riyal("gro-1", "Milk 1 L", 6.5m, MilkBarcode), ["حليب"]),
            (Riyal("gro-2", "بن عربي ٢٥٠ جم", 35m, BeansBarcode), ["Arabic coffee beans"]),
            (Riyal("gro-3", "تمر سكري", 45m, DatesBarcode), ["Sukkari dates"]),
            (Riyal("gro-4", "Chips", 3m, ChipsBarcode), ["شيبس"]),
            (Riyal("gro-5", "Gouda", 89m, Ean("210004200000"), weighed: true), ["جبنة جودة"]),
        ]),
    ];

    private static Product Item(string id, string name, decimal price, string? barcode = null, bool weighed = false) => new()
    {
        Id = id,
        Name = name,
        Sku = id.ToUpperInvariant(),
        Barcode = barcode,
        Unit = weighed ? "kg" : "Units",
        ListPrice = price,
        Currency = "EGP",
        TaxIds = weighed ? [] : ["vat14"],
        IsWeighed = weighed,
    };

    private static Product Riyal(string id, string name, decimal price, string? barcode = null, bool weighed = false) =>
        Item(id, name, price, barcode, weighed) with { Currency = "SAR", TaxIds = ["vat15"] };

    private static string Ean(string body) => body + Barcode.CheckDigit(body).ToString(CultureInfo.InvariantCulture);
}
