using System.Security.Cryptography;
using PosBridge.Core.Catalog;
using PosBridge.Core.Sales;
using PosBridge.Core.Taxes;
using PosBridge.Terminal.Fiscal;
using PosBridge.Terminal.Sales;
using PosBridge.Terminal.Storage;
using PosBridge.Till.Fiscal;

namespace PosBridge.Terminal.Tests.Fiscal;

/// <summary>A Riyadh till (SAR, VAT 15 %) that signs a ZATCA simplified invoice with every sale.</summary>
internal sealed class SaudiTill : IDisposable
{
    public SaudiTill(string? directory = null, bool ownsDirectory = false, bool onboarded = true)
    {
        Till = new TestTill(directory, ownsDirectory);
        Till.Options.StoreId = "RUH-OLAYA-0001";
        Till.Options.TillId = "T01";
        Till.Options.Currency = "SAR";
        Till.Options.TimeZone = "Asia/Riyadh";
        Till.Options.Fiscal.Zatca = Seller();
        if (onboarded && Till.Database.Scalar<int>("SELECT COUNT(*) FROM FiscalKeys") == 0)
        {
            // Stored as earlier builds did (plain PKCS#8); the chain encrypts it as it starts, as on a till's upgrade.
            InstallSdkKey(Till.Database);
        }

        Chain = new FiscalChain(Till.Database, Till.Options, Till.Options.Fiscal, Till.Clock);
        Sales = new SaleStore(Till.Database, Till.Options, Till.Clock, Chain);
        Checkout = new Checkout(Till.Catalog, Sales, Till.Options, Till.Terminal, Till.Network, Till.Clock, Till.Logs.For<Checkout>());
        Till.Catalog.Upsert(Vat15);
        Till.Catalog.Upsert(Dates);
        Till.Catalog.Upsert(Water);
    }

    public static TaxDefinition Vat15 { get; } = new() { Id = "vat15", Name = "ضريبة القيمة المضافة 15%", AmountType = TaxAmountType.Percent, Amount = 15m };

    public static Product Dates { get; } = new()
    {
        Id = "sa-1", Name = "تمر سكري فاخر ١ كغ", Sku = "DAT-1", Barcode = "6281000000011", Unit = "Units", ListPrice = 45m, Currency = "SAR", TaxIds = ["vat15"],
    };

    public static Product Water { get; } = new()
    {
        Id = "sa-2", Name = "Nova water 330ml & <cold>", Sku = "WAT-1", Barcode = "6281000000028", Unit = "Units", ListPrice = 1.5m, Currency = "SAR", TaxIds = ["vat15"],
    };

    public TestTill Till { get; }

    public FiscalChain Chain { get; }

    public SaleStore Sales { get; }

    public Checkout Checkout { get; }

    public static ZatcaOptions Seller() => new()
    {
        SellerName = "مؤسسة التمور الذهبية للتجارة",
        VatNumber = "399999999900003",
        CommercialRegistration = "1010010000",
        StreetName = "طريق العليا",
        BuildingNumber = "2322",
        CitySubdivision = "العليا",
        City = "الرياض",
        PostalZone = "12211",
        BranchName = "فرع العليا",
        Industry = "Retail",
    };

    /// <summary>Installs the ZATCA SDK's sample key and its sandbox certificate as this till's production stamp.</summary>
    public static void InstallSdkKey(TillDatabase database)
    {
        using var key = ECDsa.Create();
        key.ImportECPrivateKey(Convert.FromBase64String(ZatcaVectors.SdkPrivateKey), out _);
        database.Execute(
            "INSERT INTO FiscalKeys(Authority, PrivateKey, Csr, EgsSerial, ProductionCertificate, CertificateExpiresUtc, UpdatedAtUtc) VALUES ('ZATCA', ?, '', '1-TST|2-TST|3-ed22f1d8-e6a2-1118-9b58-d9a8f11e445f', ?, '2029-01-09T09:19:30Z', '2026-11-23T08:00:00Z')",
            Convert.ToBase64String(key.ExportPkcs8PrivateKey()), ZatcaVectors.SdkCertificate);
    }

    /// <summary>Opens a shift if needed, sells dates ×2 and a water, pays cash, commits.</summary>
    public CompletionResult Sell(decimal dates = 2m, Customer? customer = null)
    {
        if (Till.Shifts.Current is null)
        {
            Till.Shifts.Open(TestTill.Cashier, 500m);
        }

        var cart = Checkout.NewCart(TestTill.Cashier);
        cart.Add(Dates, dates);
        cart.Add(Water);
        if (customer is not null)
        {
            cart.Customer = customer;
        }

        Assert.True(Checkout.PayCash(cart, 1000m).IsAccepted);
        return Checkout.Complete(cart);
    }

    public Sale SellOrFail()
    {
        var result = Sell();
        Assert.True(result.IsCommitted, result.Message + result.Validation);
        return result.Sale!;
    }

    public void Dispose() => Till.Dispose();
}
