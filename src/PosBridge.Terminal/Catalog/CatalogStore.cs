using System.Text.Json;
using PosBridge.Core.Catalog;
using PosBridge.Core.Loyalty;
using PosBridge.Core.Sales;
using PosBridge.Core.Taxes;
using PosBridge.Terminal.Storage;
using PosBridge.Till;
using PosBridge.Till.Catalog;

namespace PosBridge.Terminal.Catalog;

/// <summary>The till's own copy of the catalog and taxes, so it sells with no network.</summary>
public sealed class CatalogStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly TillDatabase _database;
    private readonly TillOptions _options;

    public CatalogStore(TillDatabase database, TillOptions options)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(options);
        _database = database;
        _options = options;
    }

    /// <summary>Adds or replaces a product; <paramref name="otherNames"/> are also searchable (e.g. "Qahwa" for "قهوة").</summary>
    public void Upsert(Product product, IEnumerable<string>? otherNames = null)
    {
        ArgumentNullException.ThrowIfNull(product);
        var key = SearchText.Fold(string.Join(' ', new[] { product.Name, product.Sku ?? string.Empty }.Concat(otherNames ?? [])));
        _database.Execute(
            """
            INSERT OR REPLACE INTO Products(Id, Name, SearchKey, Sku, Barcode, Unit, ListPrice, Currency, TaxIds, IsWeighed, Active, CategoryId)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            product.Id, product.Name, key, product.Sku, NormalizeBarcode(product.Barcode), product.Unit, TillDatabase.Text(product.ListPrice),
            product.Currency, JsonSerializer.Serialize(product.TaxIds, Json), product.IsWeighed ? 1 : 0, product.Active ? 1 : 0, product.CategoryId);
    }

    /// <summary>
    /// Takes a product off sale (the back office removed it from the POS). The row stays, inactive, so earlier
    /// sales and refunds still find it by id; scans and searches no longer do.
    /// </summary>
    /// <summary>Whether any product (active or not) is stored: the demo seeds only an empty catalog.</summary>
    public bool HasProducts() => _database.Scalar<int>("SELECT COUNT(*) FROM Products") > 0;

    public void Remove(string productId)
    {
        ArgumentException.ThrowIfNullOrEmpty(productId);
        _database.Execute("UPDATE Products SET Active = 0 WHERE Id = ?", productId);
    }

    public void Upsert(Category category)
    {
        ArgumentNullException.ThrowIfNull(category);
        _database.Execute("INSERT OR REPLACE INTO Categories(Id, Name, ParentId) VALUES (?, ?, ?)", category.Id, category.Name, category.ParentId);
    }

    public IReadOnlyList<Category> Categories() =>
        _database.Query<CategoryRow>("SELECT Id, Name, ParentId FROM Categories ORDER BY Name")
            .ConvertAll(r => new Category { Id = r.Id, Name = r.Name, ParentId = r.ParentId });

    /// <summary>Adds or replaces a payment method the back office offers at this till.</summary>
    public void Upsert(PaymentMethod method)
    {
        ArgumentNullException.ThrowIfNull(method);
        _database.Execute("INSERT OR REPLACE INTO PaymentMethods(Id, Name, Kind) VALUES (?, ?, ?)", method.Id, method.Name, method.Kind.ToString());
    }

    /// <summary>
    /// The name a report shows for a payment method: the back office's name while the method is in the catalog,
    /// else its kind in words (never the back office's bare id, such as Odoo's "9").
    /// </summary>
    public string PaymentMethodName(string methodId, PaymentKind kind) =>
        _database.Query<PaymentMethodRow>("SELECT Id, Name, Kind FROM PaymentMethods WHERE Id = ?", methodId).FirstOrDefault()?.Name
        ?? kind switch
        {
            PaymentKind.Cash => "Cash",
            PaymentKind.Card => "Card",
            PaymentKind.Wallet => "Wallet",
            PaymentKind.Qr => "QR",
            PaymentKind.CustomerAccount => "Customer account",
            _ => kind.ToString(),
        };

    public void RemovePaymentMethod(string id) => _database.Execute("DELETE FROM PaymentMethods WHERE Id = ?", id);

    /// <summary>
    /// The payment methods the back office offers at this till, in the order it sent them. Empty when the
    /// till has never pulled a catalog that carries them: then the checkout takes the method ids it is given.
    /// </summary>
    public IReadOnlyList<PaymentMethod> PaymentMethods() =>
        _database.Query<PaymentMethodRow>("SELECT Id, Name, Kind FROM PaymentMethods ORDER BY rowid")
            .ConvertAll(r => new PaymentMethod { Id = r.Id, Name = r.Name, Kind = Enum.Parse<PaymentKind>(r.Kind) });

    public void Upsert(LoyaltyProgram program)
    {
        ArgumentNullException.ThrowIfNull(program);
        _database.Execute("INSERT OR REPLACE INTO LoyaltyPrograms(Id, Json) VALUES (?, ?)", program.Id, JsonSerializer.Serialize(program, Json));
    }

    public void RemoveLoyaltyProgram(string id) => _database.Execute("DELETE FROM LoyaltyPrograms WHERE Id = ?", id);

    /// <summary>The loyalty programs pulled from the back office, in the order it sent them.</summary>
    public IReadOnlyList<LoyaltyProgram> LoyaltyPrograms() =>
        _database.Query<TaxRow>("SELECT Id, Json FROM LoyaltyPrograms ORDER BY rowid")
            .ConvertAll(r => JsonSerializer.Deserialize<LoyaltyProgram>(r.Json, Json)!);

    public void Upsert(TaxDefinition tax)
    {
        ArgumentNullException.ThrowIfNull(tax);
        _database.Execute("INSERT OR REPLACE INTO Taxes(Id, Json) VALUES (?, ?)", tax.Id, JsonSerializer.Serialize(tax, Json));
    }

    public IReadOnlyDictionary<string, TaxDefinition> Taxes() =>
        _database.Query<TaxRow>("SELECT Id, Json FROM Taxes")
            .ToDictionary(r => r.Id, r => JsonSerializer.Deserialize<TaxDefinition>(r.Json, Json)!, StringComparer.Ordinal);

    /// <summary>
    /// Finds an active product by a scanned code. Weight and price labels (prefix 2x) find the product by their
    /// item code. A code that fails its check digit finds only a product the catalog holds with exactly that
    /// code (back offices such as Odoo accept any text as a barcode); otherwise null, a misread to scan again.
    /// </summary>
    public CatalogMatch? FindByBarcode(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        var scan = Barcode.Read(code, _options.EmbeddedBarcodes, _options.CurrencyInfo.MinorUnits);
        if (scan is null)
        {
            var exact = code.Trim();
            var asPrinted = exact.Length == 0 ? null : One("SELECT * FROM Products WHERE Barcode = ? AND Active = 1", NormalizeBarcode(exact));
            return asPrinted is null ? null : new CatalogMatch(asPrinted, exact);
        }

        if (scan.Weight is null && scan.Price is null)
        {
            var product = One("SELECT * FROM Products WHERE Barcode = ? AND Active = 1", NormalizeBarcode(scan.LookupCode));
            return product is null ? null : new CatalogMatch(product, scan.Code);
        }

        // Catalogs store the item's label code either as the bare prefix + item code or padded with zeros and its own check digit.
        var padded = scan.LookupCode.PadRight(12, '0');
        padded += Barcode.CheckDigit(padded).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var item = One("SELECT * FROM Products WHERE Barcode IN (?, ?) AND Active = 1", scan.LookupCode, padded);
        if (item is null)
        {
            return null;
        }

        if (scan.Weight is { } weight)
        {
            return new CatalogMatch(item, scan.Code, Quantity: weight);
        }

        // A price label: one unit at the label's price (or the weight the price buys, for weighed goods).
        var price = scan.Price!.Value;
        return item.IsWeighed && item.ListPrice > 0m
            ? new CatalogMatch(item, scan.Code, Quantity: decimal.Round(price / item.ListPrice, 3), LinePrice: price)
            : new CatalogMatch(item, scan.Code, Quantity: 1m, LinePrice: price);
    }

    public Product? FindBySku(string sku) => One("SELECT * FROM Products WHERE Sku = ? COLLATE NOCASE AND Active = 1", sku.Trim());

    public Product? FindById(string id) => One("SELECT * FROM Products WHERE Id = ?", id);

    /// <summary>Active products whose name (or other names, or SKU) contains every word typed, folded.</summary>
    public IReadOnlyList<Product> Search(string text, int limit = 20)
    {
        var words = SearchText.Fold(text).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
        {
            return [];
        }

        var sql = "SELECT * FROM Products WHERE Active = 1" + string.Concat(words.Select(_ => " AND instr(SearchKey, ?) > 0")) + " ORDER BY Name LIMIT " + limit;
        return _database.Query<ProductRow>(sql, words.Cast<object?>().ToArray()).ConvertAll(r => r.ToProduct());
    }

    private Product? One(string sql, params object?[] args) => _database.Query<ProductRow>(sql, args).FirstOrDefault()?.ToProduct();

    // A UPC-A is an EAN-13 with a leading zero; keep one form so either scan finds the product.
    private static string? NormalizeBarcode(string? code) => code is { Length: 12 } && code.All(char.IsAsciiDigit) ? "0" + code : code;

    private sealed class TaxRow
    {
        public string Id { get; set; } = string.Empty;

        public string Json { get; set; } = string.Empty;
    }

    private sealed class CategoryRow
    {
        public string Id { get; set; } = string.Empty;

        public string Name { get; set; } = string.Empty;

        public string? ParentId { get; set; }
    }

    private sealed class PaymentMethodRow
    {
        public string Id { get; set; } = string.Empty;

        public string Name { get; set; } = string.Empty;

        public string Kind { get; set; } = string.Empty;
    }

    private sealed class ProductRow
    {
        public string Id { get; set; } = string.Empty;

        public string Name { get; set; } = string.Empty;

        public string? Sku { get; set; }

        public string? Barcode { get; set; }

        public string Unit { get; set; } = string.Empty;

        public string ListPrice { get; set; } = "0";

        public string Currency { get; set; } = string.Empty;

        public string TaxIds { get; set; } = "[]";

        public int IsWeighed { get; set; }

        public int Active { get; set; }

        public string? CategoryId { get; set; }

        public Product ToProduct() => new()
        {
            CategoryId = CategoryId,
            Id = Id,
            Name = Name,
            Sku = Sku,
            Barcode = Barcode,
            Unit = Unit,
            ListPrice = TillDatabase.Decimal(ListPrice),
            Currency = Currency,
            TaxIds = JsonSerializer.Deserialize<string[]>(TaxIds, CatalogStore.Json)!,
            IsWeighed = IsWeighed != 0,
            Active = Active != 0,
        };
    }
}
