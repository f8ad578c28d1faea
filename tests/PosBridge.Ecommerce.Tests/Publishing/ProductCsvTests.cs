using CsvHelper;
using PosBridge.Ecommerce.Publishing;

namespace PosBridge.Ecommerce.Tests.Publishing;

public sealed class ProductCsvTests
{
    [Fact]
    public async Task ShopifyCsv_VariantsAndASimpleProduct_ReadBackAsShopifyImportsThem()
    {
        var text = await ShopifyAsync([Listings.Variant("SHIRT-S", "S", 3), Listings.Variant("SHIRT-M", "M", 0), Listings.Valid("MUG-1", stock: null) with { SalePrice = 120m }]);

        var rows = Read(text, ShopifyProductCsv.Columns);

        Assert.Equal(3, rows.Count);
        Assert.Equal(rows[0]["Handle"], rows[1]["Handle"]);
        Assert.NotEqual(rows[0]["Handle"], rows[2]["Handle"]);
        Assert.Equal("Linen shirt", rows[0]["Title"]);
        Assert.Equal("", rows[1]["Title"]);
        Assert.Equal(("Size", "S", "M"), (rows[0]["Option1 Name"], rows[0]["Option1 Value"], rows[1]["Option1 Value"]));
        Assert.Equal(("SHIRT-S", "3", "150.00"), (rows[0]["Variant SKU"], rows[0]["Variant Inventory Qty"], rows[0]["Variant Price"]));
        Assert.Equal("0", rows[1]["Variant Inventory Qty"]);
        Assert.Equal(("Title", "Default Title"), (rows[2]["Option1 Name"], rows[2]["Option1 Value"]));
        Assert.Equal(("120.00", "150.00"), (rows[2]["Variant Price"], rows[2]["Variant Compare At Price"]));
        Assert.Equal("", rows[2]["Variant Inventory Qty"]);
        Assert.Equal("6221234567891", rows[2]["Variant Barcode"]);
        Assert.Equal("active", rows[0]["Status"]);
        Assert.Equal(("draft", "FALSE"), (rows[2]["Status"], rows[2]["Published"]));
    }

    [Fact]
    public async Task ShopifyCsv_MoreImagesThanVariants_ExtraImagesOnRowsOfTheirOwn()
    {
        var listing = Listings.Valid() with { AdditionalImageLinks = [new Uri("https://shop.example.com/img/2.jpg")] };

        var rows = Read(await ShopifyAsync([listing]), ShopifyProductCsv.Columns);

        Assert.Equal(2, rows.Count);
        Assert.Equal(("https://shop.example.com/img/2.jpg", "2", ""), (rows[1]["Image Src"], rows[1]["Image Position"], rows[1]["Variant SKU"]));
    }

    [Fact]
    public async Task WooCommerceCsv_VariableProduct_ParentRowThenVariationsPointingAtIt()
    {
        using var writer = new StringWriter();
        await WooCommerceProductCsv.WriteAsync(writer, [Listings.Valid("MUG-1", stock: 4), Listings.Variant("SHIRT-S", "S", 3), Listings.Variant("SHIRT-M", "M", 0)], TestContext.Current.CancellationToken);

        var rows = Read(writer.ToString(), WooCommerceProductCsv.Columns);

        Assert.Equal(["simple", "variable", "variation", "variation"], rows.Select(r => r["Type"]));
        Assert.Equal(("MUG-1", "4", "1", "150.00"), (rows[0]["SKU"], rows[0]["Stock"], rows[0]["In stock?"], rows[0]["Regular price"]));
        Assert.Equal(("SHIRT", "Linen shirt", "Size", "S, M"), (rows[1]["SKU"], rows[1]["Name"], rows[1]["Attribute 1 name"], rows[1]["Attribute 1 value(s)"]));
        Assert.Equal(("SHIRT", "S", "3"), (rows[2]["Parent"], rows[2]["Attribute 1 value(s)"], rows[2]["Stock"]));
        Assert.Equal(("0", "0"), (rows[3]["Stock"], rows[3]["In stock?"]));
    }

    [Fact]
    public async Task WooCommerceCsv_UnknownStock_DraftOutOfStockWithStockLeftEmptyAndNoted()
    {
        using var writer = new StringWriter();
        var notes = await WooCommerceProductCsv.WriteAsync(writer, [Listings.Valid("MUG-1", stock: null)], TestContext.Current.CancellationToken);

        var row = Assert.Single(Read(writer.ToString(), WooCommerceProductCsv.Columns));

        Assert.Equal(("", "0", "-1"), (row["Stock"], row["In stock?"], row["Published"]));
        Assert.Equal("MUG-1", Assert.Single(notes).ItemId);
    }

    [Fact]
    public async Task WooCommerceCsv_DescriptionWithCommasQuotesAndLineBreaks_ReadsBackAsEscapedHtml()
    {
        const string description = "Stoneware, \"hand-made\" & <glazed>\nin Fayoum";
        using var writer = new StringWriter();
        await WooCommerceProductCsv.WriteAsync(writer, [Listings.Valid() with { Description = description }], TestContext.Current.CancellationToken);

        Assert.Equal("Stoneware, &quot;hand-made&quot; &amp; &lt;glazed&gt;<br>in Fayoum", Assert.Single(Read(writer.ToString(), WooCommerceProductCsv.Columns))["Description"]);
    }

    [Fact]
    public async Task ShopifyCsv_BodyWithMarkupCharacters_IsHtmlEscaped()
    {
        var rows = Read(await ShopifyAsync([Listings.Valid() with { Description = "Tea & <Mint>" }]), ShopifyProductCsv.Columns);

        Assert.Equal("Tea &amp; &lt;Mint&gt;", rows[0]["Body (HTML)"]);
    }

    [Fact]
    public async Task ShopifyCsv_ProductWithoutAStockRow_IsADraftNeverActiveWithAnEmptyQuantity()
    {
        using var writer = new StringWriter();
        var notes = await ShopifyProductCsv.WriteAsync(writer, [Listings.Valid("MUG-1", stock: null)], TestContext.Current.CancellationToken);

        var row = Assert.Single(Read(writer.ToString(), ShopifyProductCsv.Columns));

        Assert.Equal(("draft", "FALSE", "shopify", "", "deny"), (row["Status"], row["Published"], row["Variant Inventory Tracker"], row["Variant Inventory Qty"], row["Variant Inventory Policy"]));
        Assert.Contains("draft", Assert.Single(notes).Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("شاي بالنعناع", "TEA-MINT-1", "shay-balnna-tea-mint-1")]
    [InlineData("茶", "TEA-1", "tea-1")]
    [InlineData("Café crème", "CC-2", "cafe-creme-cc-2")]
    public async Task ShopifyCsv_Handles_AreOnlyLowerCaseAsciiLettersDigitsAndDashes(string name, string sku, string expected)
    {
        var listing = Listings.Valid(sku) with { Product = Listings.Valid(sku).Product with { Name = name } };

        var row = Read(await ShopifyAsync([listing]), ShopifyProductCsv.Columns)[0];

        Assert.Matches("^[a-z0-9]+(-[a-z0-9]+)*$", row["Handle"]);
        Assert.Equal(expected, row["Handle"]);
    }

    [Fact]
    public async Task ShopifyCsv_TwoProductsOfOneHandle_GetDistinctHandles()
    {
        var a = Listings.Valid("A 1");
        var b = Listings.Valid("A-1");

        var rows = Read(await ShopifyAsync([a, b]), ShopifyProductCsv.Columns);

        Assert.Equal(2, rows.Select(r => r["Handle"]).Distinct().Count());
    }

    [Fact]
    public async Task ProductCsvs_CatalogCategory_FillsTypeAndCategories()
    {
        var listing = Listings.Valid() with { CategoryName = "Drinks > Tea, herbal" };
        using var woo = new StringWriter();
        await WooCommerceProductCsv.WriteAsync(woo, [listing], TestContext.Current.CancellationToken);

        var shopify = Read(await ShopifyAsync([listing]), ShopifyProductCsv.Columns)[0];
        var wooRow = Assert.Single(Read(woo.ToString(), WooCommerceProductCsv.Columns));

        Assert.Equal("Tea, herbal", shopify["Type"]);
        Assert.Equal("Drinks > Tea\\, herbal", wooRow["Categories"]);
    }

    [Fact]
    public async Task WooCommerceCsv_ExemptProduct_HasTaxStatusNone()
    {
        using var writer = new StringWriter();
        await WooCommerceProductCsv.WriteAsync(writer, [Listings.Valid("BREAD-1") with { Taxable = false }, Listings.Valid("MUG-1")], TestContext.Current.CancellationToken);

        var rows = Read(writer.ToString(), WooCommerceProductCsv.Columns);

        Assert.Equal(["none", "taxable"], rows.Select(r => r["Tax status"]));
    }

    private static async Task<string> ShopifyAsync(WebListing[] listings)
    {
        using var writer = new StringWriter();
        await ShopifyProductCsv.WriteAsync(writer, listings, TestContext.Current.CancellationToken);
        return writer.ToString();
    }

    private static List<Dictionary<string, string>> Read(string text, IReadOnlyList<string> columns)
    {
        using var reader = CsvReader.Create(new StringReader(text), options: null, leaveOpen: false);
        reader.ReadHeader();
        Assert.Equal(columns, reader.Headers.ToArray());
        var rows = new List<Dictionary<string, string>>();
        while (reader.Read())
        {
            rows.Add(columns.ToDictionary(c => c, c => reader.GetString(c)));
        }

        return rows;
    }
}
