using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PosBridge.Connector.Catalog;
using PosBridge.Connector.Tests.Hosting;

namespace PosBridge.Connector.Tests.Dashboard;

/// <summary>The product file uploaded on the dashboard: signed in, anti-forgery token, every problem by row and column, nothing imported on error, bounded.</summary>
public sealed class DashboardProductFileTests
{
    private static Dictionary<string, string?> Settings() => new(DashboardClient.Settings)
    {
        ["PosBridge:Stores:CAI1:Currency"] = "EGP",
        ["PosBridge:Stores:CAI1:TimeZone"] = "Africa/Cairo",
        ["PosBridge:Stores:CAI1:Catalog:Source"] = "File",
        ["PosBridge:Stores:CAI1:Catalog:Taxes:0:Id"] = "vat14",
        ["PosBridge:Stores:CAI1:Catalog:Taxes:0:Name"] = "VAT 14%",
        ["PosBridge:Stores:CAI1:Catalog:Taxes:0:Percent"] = "14",
        ["PosBridge:Stores:RUH1:Currency"] = "SAR",
        ["PosBridge:Stores:RUH1:TimeZone"] = "Asia/Riyadh",
    };

    private const string Good = "name_ar,name_en,sku,barcode,price,tax,category,unit,weighed,stock\r\n"
        + "قهوة تركي,Turkish coffee,HOT-1,,35.50,vat14,مشروبات ساخنة,,no,\r\n"
        + "حبوب قهوة ٢٥٠ جم,Coffee beans 250 g,GRO-2,6221000003035,٣١٠٫٥٠,vat14,بقالة,,no,٤٠\r\n";

    [Fact]
    public async Task Upload_BadRows_NamesEachRowAndColumnAndImportsNothing()
    {
        await using var host = await ConnectorHost.StartAsync(Settings());
        var manager = new DashboardClient(host);
        (await manager.LoginAsync()).EnsureSuccessStatusCode();
        const string bad = "name_ar,name_en,sku,barcode,price,tax,category,unit,weighed,stock\r\n"
            + "قهوة,Coffee,HOT-1,,35.50,vat14,,,no,\r\n"
            + "كوب,Cup,HOT-1,6221000003036,12.345,vat15,,,maybe,-3\r\n";

        var response = await UploadAsync(manager, "CAI1", "products.csv", Encoding.UTF8.GetBytes(bad));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal("urn:posbridge:problem:product-file-invalid", body.GetProperty("type").GetString());
        var problems = body.GetProperty("problems").EnumerateArray().Select(p => $"{p.GetProperty("row").GetInt32()} {p.GetProperty("column").GetString()}").ToList();
        Assert.Contains("3 sku", problems);
        Assert.Contains("3 barcode", problems);
        Assert.Contains("3 price", problems);
        Assert.Contains("3 tax", problems);
        Assert.Contains("3 weighed", problems);
        Assert.Contains("3 stock", problems);
        Assert.Contains("nothing was imported", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(await host.Services.GetRequiredService<ICatalogSnapshot>().ProductsAsync(TestContext.Current.CancellationToken));
        Assert.False(File.Exists(Path.Combine(host.Directory, "catalog", "CAI1.csv")));
    }

    [Fact]
    public async Task Upload_GoodFile_PublishesItAndAudits()
    {
        await using var host = await ConnectorHost.StartAsync(Settings());
        var manager = new DashboardClient(host);
        (await manager.LoginAsync()).EnsureSuccessStatusCode();

        var response = await UploadAsync(manager, "CAI1", "منتجات.csv", Encoding.UTF8.GetBytes(Good));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(2, body.GetProperty("products").GetInt32());
        Assert.Equal(1, body.GetProperty("stockLevels").GetInt32());
        Assert.Equal(2, (await host.Services.GetRequiredService<ICatalogSnapshot>().ProductsAsync(TestContext.Current.CancellationToken)).Count);
        Assert.True(File.Exists(Path.Combine(host.Directory, "catalog", "CAI1.csv")));
        Assert.Contains("dashboard:owner dashboard.catalog.import CAI1", await DashboardClient.AuditAsync(host.Services));
        var overview = await manager.OverviewAsync();
        Assert.Equal(["CAI1"], overview.GetProperty("productFileStores").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public async Task Upload_WithoutTokenOrSession_IsRefusedAndChangesNothing()
    {
        await using var host = await ConnectorHost.StartAsync(Settings());
        var stranger = new DashboardClient(host);
        var manager = new DashboardClient(host);
        (await manager.LoginAsync()).EnsureSuccessStatusCode();
        var forged = new DashboardClient(host) { Cookie = manager.Cookie };

        Assert.Equal(HttpStatusCode.Unauthorized, (await UploadAsync(stranger, "CAI1", "p.csv", Encoding.UTF8.GetBytes(Good))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await UploadAsync(forged, "CAI1", "p.csv", Encoding.UTF8.GetBytes(Good))).StatusCode);
        Assert.Empty(await host.Services.GetRequiredService<ICatalogSnapshot>().ProductsAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("RUH1", "p.csv", HttpStatusCode.NotFound, "dashboard-store-not-file")]
    [InlineData("CAI1", "p.pdf", HttpStatusCode.BadRequest, "invalid-request")]
    [InlineData("CAI1", "", HttpStatusCode.BadRequest, "invalid-request")]
    public async Task Upload_WrongStoreOrName_IsRefusedNamingIt(string store, string name, HttpStatusCode status, string type)
    {
        await using var host = await ConnectorHost.StartAsync(Settings());
        var manager = new DashboardClient(host);
        (await manager.LoginAsync()).EnsureSuccessStatusCode();

        var response = await UploadAsync(manager, store, name, Encoding.UTF8.GetBytes(Good));

        Assert.Equal(status, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal("urn:posbridge:problem:" + type, body.GetProperty("type").GetString());
        Assert.DoesNotContain("Exception", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upload_OverTheLimitChunked_Is413AndChangesNothing()
    {
        await using var host = await ConnectorHost.StartAsync(Settings());
        var manager = new DashboardClient(host);
        (await manager.LoginAsync()).EnsureSuccessStatusCode();
        var huge = new byte[(int)PosBridge.Connector.Dashboard.ProductFileUpload.MaxBytes + 1];

        var response = await manager.SendAsync(HttpMethod.Post, "/dashboard/api/catalog/CAI1/product-file?name=p.csv", null, r =>
        {
            r.Content = new StreamContent(new MemoryStream(huge));
            r.Headers.TransferEncodingChunked = true;
        });

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(await host.Services.GetRequiredService<ICatalogSnapshot>().ProductsAsync(TestContext.Current.CancellationToken));
    }

    private static Task<HttpResponseMessage> UploadAsync(DashboardClient client, string store, string name, byte[] file) =>
        client.SendAsync(HttpMethod.Post, $"/dashboard/api/catalog/{Uri.EscapeDataString(store)}/product-file?name={Uri.EscapeDataString(name)}", null, r =>
        {
            r.Content = new ByteArrayContent(file);
            r.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
        });
}
