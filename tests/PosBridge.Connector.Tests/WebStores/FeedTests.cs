using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using PosBridge.Connector.Catalog;
using PosBridge.Connector.Cli;
using PosBridge.Connector.Tests.Hosting;
using PosBridge.Core.Catalog;
using PosBridge.Core.Stock;

namespace PosBridge.Connector.Tests.WebStores;

public sealed class FeedTests
{
    private const string Token = "s3cret-feed-token-0123456789";

    private static readonly Dictionary<string, string?> Store = new()
    {
        ["Ecommerce:Stores:0:Name"] = "woo-cairo",
        ["Ecommerce:Stores:0:Platform"] = "WooCommerce",
        ["Ecommerce:Stores:0:BaseUrl"] = "https://shop.example.com/",
        ["Ecommerce:Stores:0:ConsumerKey"] = "ck_test",
        ["Ecommerce:Stores:0:ConsumerSecret"] = "cs_test",
        ["Ecommerce:Stores:0:Locations:0"] = "CAI1",
        ["Ecommerce:Stores:0:Stock:SafetyBuffer:Store"] = "1",
        ["Ecommerce:Stores:0:Feed:Title"] = "Cairo Café",
        ["Ecommerce:Stores:0:Feed:Link"] = "https://shop.example.com/",
        ["Ecommerce:Stores:0:Feed:Description"] = "Coffee and cups",
        ["Ecommerce:Stores:0:Feed:ProductLink"] = "https://shop.example.com/products/{sku}",
        ["Ecommerce:Stores:0:Feed:ImageLink"] = "https://shop.example.com/images/{sku}.jpg",
        ["Ecommerce:Stores:0:Feed:Token"] = Token,
        ["Ecommerce:Stores:1:Name"] = "shopify-eg",
        ["Ecommerce:Stores:1:Platform"] = "Shopify",
        ["Ecommerce:Stores:1:ShopDomain"] = "cairo-shop.myshopify.com",
        ["Ecommerce:Stores:1:AccessToken"] = "shpat_x",
        ["Ecommerce:Stores:1:Locations:CAI1"] = "gid://shopify/Location/1",
    };

    private static Product Product(string sku, string name, decimal price) => new()
    {
        Id = "p-" + sku,
        Name = name,
        Sku = sku,
        Unit = "Units",
        ListPrice = price,
        Currency = "EGP",
        TaxIds = ["vat14"],
    };

    private static async Task<ConnectorHost> StartAsync()
    {
        var host = await ConnectorHost.StartAsync(Store);
        var catalog = host.Services.GetRequiredService<ICatalogSnapshot>();
        await catalog.SaveProductsAsync([Product("MUG-1", "Mug", 120m), Product("BEANS-250", "حبوب قهوة 250 جم", 310.5m), Product("NO-STOCK", "Cup", 20m)], [], TestContext.Current.CancellationToken);
        await catalog.SaveStockAsync(
            [
                new StockLevel { Sku = "MUG-1", LocationId = "CAI1", OnHand = 6m, Reserved = 1m },
                new StockLevel { Sku = "BEANS-250", LocationId = "CAI1", OnHand = 1m },
                new StockLevel { Sku = "MUG-1", LocationId = "ALX", OnHand = 50m },
            ],
            TestContext.Current.CancellationToken);
        return host;
    }

    [Fact]
    public async Task Feed_GoogleTsvWithToken_ListsStockFromTheStoresOwnLocationsAndLeavesOutUnknownStock()
    {
        await using var host = await StartAsync();

        var response = await host.Client.GetAsync($"/feeds/woo-cairo/google.tsv?token={Token}", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/tab-separated-values", response.Content.Headers.ContentType!.MediaType);
        Assert.NotNull(response.Headers.ETag);
        Assert.NotNull(response.Content.Headers.LastModified);
        Assert.Equal("1", Assert.Single(response.Headers.GetValues("X-PosBridge-Rejected")));
        var lines = (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).TrimEnd('\n').Split('\n');
        Assert.StartsWith("id\ttitle\tdescription\tlink\timage_link", lines[0], StringComparison.Ordinal);
        Assert.Equal(3, lines.Length);
        var mug = lines.Single(l => l.StartsWith("MUG-1\t", StringComparison.Ordinal)).Split('\t');
        Assert.Equal("https://shop.example.com/products/MUG-1", mug[3]);
        Assert.Equal("in_stock", mug[6]); // 6 − 1 reserved − 1 buffer at CAI1; ALX does not feed this store
        Assert.Equal("120.00 EGP", mug[7]);
        var beans = lines.Single(l => l.StartsWith("BEANS-250\t", StringComparison.Ordinal)).Split('\t');
        Assert.Equal("out_of_stock", beans[6]); // 1 on hand, 1 held back
    }

    [Fact]
    public async Task Feed_SameContentAgain_Answers304ForETagAndForLastModified_ChangedStockGivesANewTag()
    {
        await using var host = await StartAsync();
        var address = $"/feeds/woo-cairo/google.xml?token={Token}";
        var first = await host.Client.GetAsync(address, TestContext.Current.CancellationToken);
        var etag = first.Headers.ETag!;
        var lastModified = first.Content.Headers.LastModified!.Value;
        host.Clock.Advance(TimeSpan.FromMinutes(5));

        using var byTag = new HttpRequestMessage(HttpMethod.Get, address);
        byTag.Headers.IfNoneMatch.Add(etag);
        var notModified = await host.Client.SendAsync(byTag, TestContext.Current.CancellationToken);
        using var byDate = new HttpRequestMessage(HttpMethod.Get, address);
        byDate.Headers.IfModifiedSince = lastModified;
        var notModifiedByDate = await host.Client.SendAsync(byDate, TestContext.Current.CancellationToken);

        await host.Services.GetRequiredService<ICatalogSnapshot>().SaveStockAsync([new StockLevel { Sku = "BEANS-250", LocationId = "CAI1", OnHand = 40m }], TestContext.Current.CancellationToken);
        using var afterChange = new HttpRequestMessage(HttpMethod.Get, address);
        afterChange.Headers.IfNoneMatch.Add(etag);
        var changed = await host.Client.SendAsync(afterChange, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal(HttpStatusCode.NotModified, notModifiedByDate.StatusCode);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, changed.Headers.ETag);
        Assert.True(changed.Content.Headers.LastModified > lastModified);
        var rss = XDocument.Parse(await changed.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        XNamespace g = "http://base.google.com/ns/1.0";
        Assert.Equal("Cairo Café", rss.Root!.Element("channel")!.Element("title")!.Value);
        var beans = rss.Descendants("item").Single(i => i.Element(g + "id")!.Value == "BEANS-250");
        Assert.Equal("in_stock", beans.Element(g + "availability")!.Value);
        Assert.Equal("310.50 EGP", beans.Element(g + "price")!.Value);
    }

    [Fact]
    public async Task Feed_WithoutTheToken_Is401_BasicAuthWithItAsPasswordIsServed()
    {
        await using var host = await StartAsync();

        var none = await host.Client.GetAsync("/feeds/woo-cairo/google.tsv", TestContext.Current.CancellationToken);
        var wrong = await host.Client.GetAsync("/feeds/woo-cairo/google.tsv?token=guess", TestContext.Current.CancellationToken);
        using var basic = new HttpRequestMessage(HttpMethod.Get, "/feeds/woo-cairo/google.tsv");
        basic.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("merchant-center:" + Token)));
        var served = await host.Client.SendAsync(basic, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("Basic", none.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("urn:posbridge:problem:feed-unauthorized", await TestTill.ProblemTypeAsync(none));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }

    [Theory]
    [InlineData("/feeds/nowhere/google.tsv")]
    [InlineData("/feeds/shopify-eg/google.tsv")] // a store without a Feed section publishes nothing
    [InlineData("/feeds/woo-cairo/google.pdf")]
    public async Task Feed_UnknownStoreOrFormat_Is404ProblemNamingTheAddresses(string address)
    {
        await using var host = await StartAsync();

        var response = await host.Client.GetAsync(address, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("urn:posbridge:problem:feed-not-found", await TestTill.ProblemTypeAsync(response));
    }

    [Fact]
    public async Task FeedCommand_WritesTheSameBytesTheConnectorServes_AndListsWhatWasLeftOut()
    {
        await using var host = await StartAsync();
        var file = Path.Combine(host.Directory, "out", "shopify.csv");

        var (code, output, error) = await RunAsync(host, ("store", "woo-cairo"), ("format", "shopify.csv"), ("out", file));
        var served = await host.Client.GetByteArrayAsync($"/feeds/woo-cairo/shopify.csv?token={Token}", TestContext.Current.CancellationToken);
        var (tsvCode, tsvOutput, _) = await RunAsync(host, ("store", "woo-cairo"), ("format", "google.tsv"), ("out", Path.Combine(host.Directory, "google.tsv")));

        Assert.Equal(CommandLine.Ok, code);
        Assert.Equal(string.Empty, error);
        Assert.Contains("3 item(s) written", output, StringComparison.Ordinal);
        Assert.Equal(served, await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken));
        Assert.False(File.Exists(file + ".tmp"));
        Assert.Equal(CommandLine.Ok, tsvCode);
        Assert.Contains("1 item(s) left out:", tsvOutput, StringComparison.Ordinal);
        Assert.Contains("NO-STOCK: availability is unknown", tsvOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FeedCommand_WooCommerceCsv_TakesCategoriesAndExemptTaxFromTheCatalogAndDraftsUnknownStock()
    {
        await using var host = await StartAsync();
        var catalog = host.Services.GetRequiredService<ICatalogSnapshot>();
        await catalog.SaveCategoriesAsync([new Category { Id = "c-drinks", Name = "مشروبات" }, new Category { Id = "c-coffee", Name = "Coffee, beans", ParentId = "c-drinks" }], TestContext.Current.CancellationToken);
        await catalog.SaveTaxesAsync(
            [
                new PosBridge.Core.Taxes.TaxDefinition { Id = "vat14", Name = "VAT 14%", AmountType = PosBridge.Core.Taxes.TaxAmountType.Percent, Amount = 14m, PriceInclude = true },
                new PosBridge.Core.Taxes.TaxDefinition { Id = "exempt", Name = "Exempt", AmountType = PosBridge.Core.Taxes.TaxAmountType.Percent, Amount = 0m, PriceInclude = true },
            ],
            TestContext.Current.CancellationToken);
        await catalog.SaveProductsAsync([Product("BEANS-250", "حبوب قهوة 250 جم", 310.5m) with { CategoryId = "c-coffee", TaxIds = ["exempt"] }], [], TestContext.Current.CancellationToken);
        var file = Path.Combine(host.Directory, "out", "woo.csv");

        var (code, output, _) = await RunAsync(host, ("store", "woo-cairo"), ("format", "woocommerce.csv"), ("out", file));

        Assert.Equal(CommandLine.Ok, code);
        var text = await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken);
        var beans = text.Split("\r\n").Single(l => l.Contains(",BEANS-250,", StringComparison.Ordinal));
        Assert.Contains(",none,", beans, StringComparison.Ordinal);
        Assert.Contains("مشروبات > Coffee\\, beans", beans, StringComparison.Ordinal);
        var mug = text.Split("\r\n").Single(l => l.Contains(",MUG-1,", StringComparison.Ordinal));
        Assert.Contains(",taxable,", mug, StringComparison.Ordinal);
        Assert.Contains("NO-STOCK: stock level unknown: written as a draft", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FeedCommand_UnknownStore_NamesTheStoresWithAFeed()
    {
        await using var host = await StartAsync();

        var (code, _, error) = await RunAsync(host, ("store", "shopify-eg"), ("format", "google.tsv"), ("out", Path.Combine(host.Directory, "x.tsv")));

        Assert.Equal(CommandLine.InputProblems, code);
        Assert.Contains("stores with a feed: woo-cairo", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(host.Directory, "x.tsv")));
    }

    [Theory]
    [InlineData(new[] { "feed", "--store", "s", "--format", "google.pdf", "--out", "f" }, "--format 'google.pdf' is not a feed format")]
    [InlineData(new[] { "feed", "--store", "s", "--format", "google.tsv" }, "needs --out")]
    [InlineData(new[] { "feed", "--store", "s", "--format", "google.tsv", "--out", "f", "--ledger", "x" }, "'feed' takes --store, --format, --out, --data")]
    public async Task FeedCommand_UsedWrongly_IsAUsageError(string[] args, string message)
    {
        var directory = Directory.CreateTempSubdirectory("posbridge-feed-cli-").FullName;
        try
        {
            using var output = new StringWriter();
            using var error = new StringWriter();

            var code = await CommandLine.RunAsync([.. args, "--data", directory], output, error, TimeProvider.System, TestContext.Current.CancellationToken);

            Assert.Equal(CommandLine.Usage, code);
            Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(ConnectorHost host, params (string Key, string Value)[] options)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await FeedCommand.RunAsync(host.Services, options.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal), output, error, TestContext.Current.CancellationToken);
        return (code, output.ToString(), error.ToString());
    }
}
