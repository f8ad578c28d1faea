using System.Net;
using System.Net.Http.Json;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PosBridge.Connector.Catalog;
using PosBridge.Connector.Cli;
using PosBridge.Connector.Hosting;
using PosBridge.Connector.Tests.Hosting;
using PosBridge.Core.Catalog;
using PosBridge.Core.Sales;

namespace PosBridge.Connector.Tests.Catalog;

/// <summary>A shop without Odoo: its catalog is the product file its owner keeps, as CSV or XLSX, one per store.</summary>
public sealed class ProductFileTests
{
    private const string FeedToken = "feed-token-0123456789abcdef";

    /// <summary>A Cairo café (EGP, VAT 14 % and an exempt line, cash and a card terminal) and a Riyadh shop (SAR, VAT 15 %), each with its own file.</summary>
    private static Dictionary<string, string?> Settings() => new()
    {
        ["PosBridge:Stores:CAI1:Currency"] = "EGP",
        ["PosBridge:Stores:CAI1:TimeZone"] = "Africa/Cairo",
        ["PosBridge:Stores:CAI1:Catalog:Source"] = "File",
        ["PosBridge:Stores:CAI1:Catalog:Taxes:0:Id"] = "vat14",
        ["PosBridge:Stores:CAI1:Catalog:Taxes:0:Name"] = "VAT 14%",
        ["PosBridge:Stores:CAI1:Catalog:Taxes:0:Percent"] = "14",
        ["PosBridge:Stores:CAI1:Catalog:PaymentMethods:0:Id"] = "cai1-cash",
        ["PosBridge:Stores:CAI1:Catalog:PaymentMethods:0:Name"] = "نقدي · Cash",
        ["PosBridge:Stores:CAI1:Catalog:PaymentMethods:0:Kind"] = "Cash",
        ["PosBridge:Stores:CAI1:Catalog:PaymentMethods:1:Id"] = "cai1-card-nbe",
        ["PosBridge:Stores:CAI1:Catalog:PaymentMethods:1:Name"] = "Card (NBE)",
        ["PosBridge:Stores:CAI1:Catalog:PaymentMethods:1:Kind"] = "Card",
        ["PosBridge:Stores:RUH1:Currency"] = "SAR",
        ["PosBridge:Stores:RUH1:TimeZone"] = "Asia/Riyadh",
        ["PosBridge:Stores:RUH1:Catalog:Source"] = "File",
        ["PosBridge:Stores:RUH1:Catalog:Taxes:0:Id"] = "vat15",
        ["PosBridge:Stores:RUH1:Catalog:Taxes:0:Percent"] = "15",
        ["Ecommerce:Stores:0:Name"] = "woo-cairo",
        ["Ecommerce:Stores:0:Platform"] = "WooCommerce",
        ["Ecommerce:Stores:0:BaseUrl"] = "https://shop.example.com/",
        ["Ecommerce:Stores:0:ConsumerKey"] = "ck_test",
        ["Ecommerce:Stores:0:ConsumerSecret"] = "cs_test",
        ["Ecommerce:Stores:0:Locations:0"] = "CAI1",
        ["Ecommerce:Stores:0:Feed:Title"] = "Nile Café",
        ["Ecommerce:Stores:0:Feed:Link"] = "https://shop.example.com/",
        ["Ecommerce:Stores:0:Feed:Description"] = "Coffee, beans and cups",
        ["Ecommerce:Stores:0:Feed:ProductLink"] = "https://shop.example.com/products/{sku}",
        ["Ecommerce:Stores:0:Feed:ImageLink"] = "https://shop.example.com/images/{sku}.jpg",
        ["Ecommerce:Stores:0:Feed:Token"] = FeedToken,
    };

    private static readonly string[] CairoRows =
    [
        "name_ar,name_en,sku,barcode,price,tax,category,unit,weighed,stock",
        "قهوة تركي,Turkish coffee,HOT-1,,35.50,vat14,مشروبات ساخنة,,no,",
        "حبوب قهوة ٢٥٠ جم,Coffee beans 250 g,GRO-2,6221000003035,٣١٠٫٥٠,vat14,بقالة,,no,٤٠",
        "جبن رومي,Roumy cheese,CHE-1,,420.00,,بقالة,kg,yes,12.5",
        ",Paper cup,CUP-1,6221000001017,2,vat14,,,,500",
    ];

    [Fact]
    public async Task Import_CsvWithArabicNamesAndBadRows_NamesEveryRowAndColumnAndImportsNothing()
    {
        await using var host = await ConnectorHost.StartAsync(Settings());
        var file = Write(host, "cairo.csv",
            CairoRows[0],
            CairoRows[1],
            "حبوب قهوة,Coffee beans,GRO-2,6221000003036,310,50,vat14,بقالة,,no,40",
            "كوب,Cup,HOT-1,,12.345,vat15,,,maybe,-3",
            CairoRows[4]);

        var (code, output, error) = await ImportAsync(host, "CAI1", file);

        Assert.Equal(CommandLine.InputProblems, code);
        Assert.Equal(string.Empty, output.Replace("Checking cairo.csv …", string.Empty, StringComparison.Ordinal).Trim());
        Assert.Contains("row 3, barcode: '6221000003036' is not an EAN-13", error, StringComparison.Ordinal);
        Assert.Contains("row 3: 11 values, but the header names 10 columns", error, StringComparison.Ordinal); // the ',' in 310,50 split the row
        Assert.Contains("row 4, sku: 'HOT-1' is also the SKU of row 2.", error, StringComparison.Ordinal);
        Assert.Contains("row 4, price: 12.345 has more decimals than EGP has (2).", error, StringComparison.Ordinal);
        Assert.Contains("row 4, tax: 'vat15' is not a tax of store CAI1; use vat14 or leave it empty.", error, StringComparison.Ordinal);
        Assert.Contains("row 4, weighed: 'maybe' is not yes or no.", error, StringComparison.Ordinal);
        Assert.Contains("row 4, stock: -3 is below zero", error, StringComparison.Ordinal);
        Assert.Contains("nothing was imported", error, StringComparison.Ordinal);
        Assert.Empty(await host.Services.GetRequiredService<ICatalogSnapshot>().ProductsAsync(TestContext.Current.CancellationToken));
        Assert.False(File.Exists(Path.Combine(host.Directory, "catalog", "CAI1.csv")));
    }

    [Fact]
    public async Task Import_GoodCsv_TheStoresTillGetsItsProductsTaxesAndMethods_TheOtherStoresTillNone_TheFeedHasItems()
    {
        await using var host = await ConnectorHost.StartAsync(Settings());
        var cairoTill = await host.PairTillAsync("CAI1", "CAI1-T1");
        var riyadhTill = await host.PairTillAsync("RUH1", "RUH1-T1");

        var (code, output, error) = await ImportAsync(host, "CAI1", Write(host, "cairo.csv", CairoRows));
        var cairo = await PageAsync(cairoTill);
        var riyadh = await PageAsync(riyadhTill);
        var feed = await host.Client.GetAsync($"/feeds/woo-cairo/google.tsv?token={FeedToken}", TestContext.Current.CancellationToken);

        Assert.True(code == CommandLine.Ok, error);
        Assert.Equal(string.Empty, error);
        Assert.Contains("Store CAI1: 4 products, 2 categories, 1 taxes, 2 payment methods and 3 stock levels published", output, StringComparison.Ordinal);
        Assert.Equal(["CAI1:CHE-1", "CAI1:CUP-1", "CAI1:GRO-2", "CAI1:HOT-1"], cairo.Products.Select(p => p.Id).Order(StringComparer.Ordinal));
        var beans = cairo.Products.Single(p => p.Sku == "GRO-2");
        Assert.Equal(("Coffee beans 250 g · حبوب قهوة ٢٥٠ جم", 310.50m, "EGP", "6221000003035"), (beans.Name, beans.ListPrice, beans.Currency, beans.Barcode));
        Assert.Equal(["vat14"], beans.TaxIds);
        Assert.Empty(beans.Stores); // a till gets its store's products without the scope
        var cheese = cairo.Products.Single(p => p.Sku == "CHE-1");
        Assert.True(cheese.IsWeighed);
        Assert.Equal("kg", cheese.Unit);
        Assert.Empty(cheese.TaxIds);
        Assert.Equal("Paper cup", cairo.Products.Single(p => p.Sku == "CUP-1").Name);
        Assert.Equal(14m, Assert.Single(cairo.Taxes).Amount);
        Assert.Equal([("cai1-card-nbe", PaymentKind.Card), ("cai1-cash", PaymentKind.Cash)], cairo.PaymentMethods.Select(m => (m.Id, m.Kind)).Order());
        Assert.Empty(riyadh.Products);
        Assert.Equal(["CAI1:CHE-1", "CAI1:CUP-1", "CAI1:GRO-2", "CAI1:HOT-1"], riyadh.RemovedProductIds.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(riyadh.PaymentMethods, m => m.Id.StartsWith("cai1", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, feed.StatusCode);
        var items = int.Parse(Assert.Single(feed.Headers.GetValues("X-PosBridge-Items")), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(items >= 2, await feed.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Contains("GRO-2\t", await feed.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_XlsxForTheSecondStore_ItsTillGetsSarProductsWithArabicNames()
    {
        await using var host = await ConnectorHost.StartAsync(Settings());
        var till = await host.PairTillAsync("RUH1", "RUH1-T1");
        var file = Path.Combine(host.Directory, "riyadh.xlsx");
        WriteXlsx(
            file,
            ["Name_AR", "Name_EN", "SKU", "Barcode", "Price", "Tax", "Category", "Unit", "Weighed", "Stock"],
            ["تمر سكري", "Sukkari dates", "DAT-1", "6281000000113", 45.5, "vat15", "تمور", "kg", true, 30],
            ["ماء ٣٣٠ مل", "Water 330 ml", "WAT-1", "", 1.5, "vat15", "مشروبات", "", false, 240]);

        var (code, output, error) = await ImportAsync(host, "RUH1", file);
        var page = await PageAsync(till);

        Assert.Equal(CommandLine.Ok, code);
        Assert.Equal(string.Empty, error);
        Assert.Contains("Store RUH1: 2 products", output, StringComparison.Ordinal);
        var dates = page.Products.Single(p => p.Sku == "DAT-1");
        Assert.Equal(("Sukkari dates · تمر سكري", 45.5m, "SAR", true), (dates.Name, dates.ListPrice, dates.Currency, dates.IsWeighed));
        Assert.Equal(1.5m, page.Products.Single(p => p.Sku == "WAT-1").ListPrice);
        Assert.Equal("cash-RUH1", Assert.Single(page.PaymentMethods).Id); // no methods configured: cash only
        Assert.Equal(15m, Assert.Single(page.Taxes, t => t.Id == "vat15").Amount);
        Assert.True(File.Exists(Path.Combine(host.Directory, "catalog", "RUH1.xlsx")));
    }

    [Fact]
    public async Task Pull_FileChangedOnDisk_RemovesProductsNoLongerListed_ABrokenFileChangesNothing()
    {
        await using var host = await ConnectorHost.StartAsync(Settings());
        var till = await host.PairTillAsync("CAI1", "CAI1-T1");
        await ImportAsync(host, "CAI1", Write(host, "cairo.csv", CairoRows));
        var first = await PageAsync(till);
        var kept = Path.Combine(host.Directory, "catalog", "CAI1.csv");
        var puller = host.Services.GetRequiredService<CatalogPuller>();

        await File.WriteAllLinesAsync(kept, CairoRows.Take(3), TestContext.Current.CancellationToken);
        await puller.PullAsync(TestContext.Current.CancellationToken);
        var changes = await PageAsync(till, first.NextCursor);
        await File.WriteAllTextAsync(kept, "name_en,sku,price\nCup,CUP-9,abc\n", TestContext.Current.CancellationToken);
        await puller.PullAsync(TestContext.Current.CancellationToken);
        var none = await PageAsync(till, changes.NextCursor);

        Assert.Equal(["CAI1:CHE-1", "CAI1:CUP-1"], changes.RemovedProductIds.Order(StringComparer.Ordinal));
        Assert.Empty(none.Products);
        Assert.Empty(none.RemovedProductIds);
        Assert.Equal(2, (await host.Services.GetRequiredService<ICatalogSnapshot>().ProductsAsync(TestContext.Current.CancellationToken)).Count);
    }

    [Fact]
    public void Options_FileStoreWithoutCurrencyOrWithBadSettings_NamesEverySetting()
    {
        var options = new StoreCatalogsOptions();
        StoreCatalogsOptions.Bind(
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["PosBridge:Stores:ALX1:Catalog:Source"] = "File",
                ["PosBridge:Stores:ALX1:Catalog:Path"] = "products.ods",
                ["PosBridge:Stores:ALX1:Catalog:Taxes:0:Id"] = "vat",
                ["PosBridge:Stores:ALX1:Catalog:Taxes:0:Percent"] = "140",
                ["PosBridge:Stores:ALX1:Catalog:PaymentMethods:0:Id"] = "cash",
                ["PosBridge:Stores:ALX1:Catalog:PaymentMethods:0:Name"] = "Cash",
                ["PosBridge:Stores:ALX1:Catalog:PaymentMethods:0:Kind"] = "Cash",
                ["PosBridge:Stores:CAI1:Catalog:PaymentMethods:0:Id"] = "cash",
                ["PosBridge:Stores:CAI1:Catalog:PaymentMethods:0:Name"] = "Cash",
            }).Build(),
            options);

        var result = new StoreCatalogsOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("PosBridge:Stores:ALX1:Catalog:Path 'products.ods' is neither a .csv nor an .xlsx file.", result.Failures);
        Assert.Contains(result.Failures, f => f.StartsWith("PosBridge:Stores:ALX1:Currency is ''", StringComparison.Ordinal));
        Assert.Contains("PosBridge:Stores:ALX1:Catalog:Taxes:0:Percent is '140'; use 0 to 100 (14 for 14 %).", result.Failures);
        Assert.Contains(result.Failures, f => f.StartsWith("PosBridge:Stores:CAI1:Catalog:PaymentMethods:0:Kind is ''", StringComparison.Ordinal));
        Assert.Contains("PosBridge:Stores:CAI1:Catalog:PaymentMethods:0:Id 'cash' is also a method of store ALX1; give each store's methods their own ids.", result.Failures);
    }

    [Fact]
    public async Task Import_StoreWithoutAProductFile_SaysHowToSetOne()
    {
        await using var host = await ConnectorHost.StartAsync(Settings());

        var (code, _, error) = await ImportAsync(host, "ALX1", Write(host, "alex.csv", CairoRows));

        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains("store 'ALX1' does not keep a product file; the stores that do: CAI1, RUH1.", error, StringComparison.Ordinal);
    }

    private static string Write(ConnectorHost host, string name, params string[] lines)
    {
        var path = Path.Combine(host.Directory, name);
        File.WriteAllText(path, string.Join("\r\n", lines) + "\r\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        return path;
    }

    private static async Task<(int Code, string Output, string Error)> ImportAsync(ConnectorHost host, string store, string file)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CatalogImportCommand.RunAsync(host.Services, store, file, output, error, TestContext.Current.CancellationToken);
        return (code, output.ToString(), error.ToString());
    }

    private static async Task<CatalogChanges> PageAsync(TestTill till, string? cursor = null)
    {
        var response = await till.SendAsync(HttpMethod.Get, "/api/v1/catalog" + (cursor is null ? string.Empty : "?cursor=" + cursor), []);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return (await response.Content.ReadFromJsonAsync<CatalogChanges>(TerminalApi.Json, TestContext.Current.CancellationToken))!;
    }

    /// <summary>An XLSX as a spreadsheet program saves it: shared strings for text, numbers and booleans as typed cells.</summary>
    private static void WriteXlsx(string path, params object[][] rows)
    {
        using var document = SpreadsheetDocument.Create(path, SpreadsheetDocumentType.Workbook);
        var workbook = document.AddWorkbookPart();
        workbook.Workbook = new Workbook();
        var sheetPart = workbook.AddNewPart<WorksheetPart>();
        var strings = workbook.AddNewPart<SharedStringTablePart>();
        strings.SharedStringTable = new SharedStringTable();
        var data = new SheetData();
        uint rowIndex = 0;
        foreach (var values in rows)
        {
            var row = new Row { RowIndex = ++rowIndex };
            var column = 0;
            foreach (var value in values)
            {
                var reference = $"{(char)('A' + column++)}{rowIndex}";
                switch (value)
                {
                    case string text when text.Length == 0:
                        break;
                    case string text:
                        strings.SharedStringTable.AppendChild(new SharedStringItem(new Text(text)));
                        row.AppendChild(new Cell { CellReference = reference, DataType = CellValues.SharedString, CellValue = new CellValue(strings.SharedStringTable.Count() - 1) });
                        break;
                    case bool flag:
                        row.AppendChild(new Cell { CellReference = reference, DataType = CellValues.Boolean, CellValue = new CellValue(flag) });
                        break;
                    case double number:
                        row.AppendChild(new Cell { CellReference = reference, CellValue = new CellValue(number) });
                        break;
                    case int number:
                        row.AppendChild(new Cell { CellReference = reference, CellValue = new CellValue(number) });
                        break;
                }
            }

            data.AppendChild(row);
        }

        sheetPart.Worksheet = new Worksheet(data);
        var sheets = workbook.Workbook.AppendChild(new Sheets());
        sheets.AppendChild(new Sheet { Id = workbook.GetIdOfPart(sheetPart), SheetId = 1, Name = "Products" });
        workbook.Workbook.Save();
    }
}
