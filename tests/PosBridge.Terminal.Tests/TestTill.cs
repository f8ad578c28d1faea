using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using PosBridge.Core.Catalog;
using PosBridge.Core.Sales;
using PosBridge.Core.Taxes;
using PosBridge.Terminal.Catalog;
using PosBridge.Terminal.Refunds;
using PosBridge.Terminal.Sales;
using PosBridge.Terminal.Shifts;
using PosBridge.Terminal.Storage;
using PosBridge.Till;
using PosBridge.Till.Catalog;
using PosBridge.Till.Payments;

namespace PosBridge.Terminal.Tests;

/// <summary>A till on a temporary database with a small catalog: VAT 14 %, coffee, milk, cheese by weight.</summary>
internal sealed class TestTill : IDisposable
{
    public static readonly Cashier Cashier = new() { Id = "c1", Name = "Mona" };

    private readonly bool _ownsDirectory;

    public TestTill(string? directory = null, bool ownsDirectory = false)
    {
        _ownsDirectory = directory is null || ownsDirectory;
        Directory = directory ?? System.IO.Directory.CreateTempSubdirectory("posbridge-till-").FullName;
        Options = new TillOptions { StoreId = "CAI1", TillId = "T2", Currency = "EGP", TimeZone = "Africa/Cairo" };
        Options.EmbeddedBarcodes.Add(new EmbeddedBarcodeRule("21", EmbeddedValue.Weight));
        Options.EmbeddedBarcodes.Add(new EmbeddedBarcodeRule("22", EmbeddedValue.Price));
        Database = TillDatabase.Open(DatabasePath);
        Catalog = new CatalogStore(Database, Options);
        Sales = new SaleStore(Database, Options, Clock);
        Shifts = new ShiftStore(Database, Options, Clock);
        Checkout = new Checkout(Catalog, Sales, Options, Terminal, Network, Clock, Logs.For<Checkout>());
        Refunds = new RefundService(Database, Sales, Options, Terminal, Network, Clock, Logs.For<RefundService>());
        Catalog.Upsert(Vat14);
        Catalog.Upsert(Coffee, ["Qahwa", "Coffee"]);
        Catalog.Upsert(Milk);
        Catalog.Upsert(Cheese);
    }

    public static TaxDefinition Vat14 { get; } = new() { Id = "vat14", Name = "VAT 14%", AmountType = TaxAmountType.Percent, Amount = 14m };

    public static Product Coffee { get; } = new()
    {
        Id = "p1", Name = "قهوة تركي", Sku = "COF-1", Barcode = "6221234567891", Unit = "Units", ListPrice = 50m, Currency = "EGP", TaxIds = ["vat14"],
    };

    public static Product Milk { get; } = new()
    {
        Id = "p2", Name = "Lait entier Crème", Sku = "MLK-1", Barcode = "036000291452", Unit = "Units", ListPrice = 20.5m, Currency = "EGP", TaxIds = ["vat14"],
    };

    public static Product Cheese { get; } = new()
    {
        Id = "p3", Name = "Gouda", Sku = "CHS-1", Barcode = "2112345", Unit = "kg", ListPrice = 300m, Currency = "EGP", TaxIds = [], IsWeighed = true,
    };

    public string Directory { get; }

    public string DatabasePath => Path.Combine(Directory, "till.db");

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));

    public TillOptions Options { get; }

    public TillDatabase Database { get; }

    public CatalogStore Catalog { get; }

    public SaleStore Sales { get; }

    public ShiftStore Shifts { get; }

    public Checkout Checkout { get; }

    public RefundService Refunds { get; }

    public SimulatedPaymentTerminal Terminal { get; } = new();

    public ManualNetworkStatus Network { get; } = new();

    public ListLogs Logs { get; } = new();

    /// <summary>Opens a shift, rings up coffee ×2 and milk, pays cash, commits.</summary>
    public Sale SellForCash()
    {
        if (Shifts.Current is null)
        {
            Shifts.Open(Cashier, 500m);
        }

        var cart = Checkout.NewCart(Cashier);
        cart.Add(Coffee, 2);
        cart.Add(Milk);
        Assert.True(Checkout.PayCash(cart, 200m).IsAccepted);
        var result = Checkout.Complete(cart);
        Assert.True(result.IsCommitted, result.Message + result.Validation);
        return result.Sale!;
    }

    public void Dispose()
    {
        Database.Dispose();
        if (_ownsDirectory)
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}

/// <summary>Keeps every formatted log line, so tests can read what the till logged.</summary>
internal sealed class ListLogs
{
    public List<string> Lines { get; } = [];

    public ILogger<T> For<T>() => new Logger<T>(this);

    private sealed class Logger<T>(ListLogs logs) : ILogger<T>
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (logs.Lines)
            {
                logs.Lines.Add(formatter(state, exception) + " " + state);
            }
        }
    }
}
