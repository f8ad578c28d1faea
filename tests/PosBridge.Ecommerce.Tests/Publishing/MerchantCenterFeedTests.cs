using System.Text;
using System.Xml.Linq;
using PosBridge.Ecommerce.Publishing;

namespace PosBridge.Ecommerce.Tests.Publishing;

public sealed class MerchantCenterFeedTests
{
    private static readonly XNamespace G = "http://base.google.com/ns/1.0";

    [Fact]
    public void Build_ValidListing_PriceWithIsoCurrencyAndAvailabilityFromStock()
    {
        var result = MerchantCenterFeed.Build([Listings.Valid("A", stock: 5), Listings.Valid("B", stock: 0)]);

        Assert.Empty(result.Rejected);
        var a = result.Items[0];
        Assert.Equal("150.00 EGP", a.Price);
        Assert.Equal("in_stock", a.Availability);
        Assert.Equal("6221234567891", a.Gtin);
        Assert.Null(a.IdentifierExists);
        Assert.Equal("out_of_stock", result.Items[1].Availability);
    }

    [Fact]
    public void Build_ThreeDecimalCurrency_PriceHasThreeDecimals()
    {
        var listing = Listings.Valid() with { Product = Listings.Valid().Product with { Currency = "KWD", ListPrice = 1.5m } };

        Assert.Equal("1.500 KWD", Assert.Single(MerchantCenterFeed.Build([listing]).Items).Price);
    }

    public static TheoryData<string, WebListing> Invalid() => new()
    {
        { "id must be 1 to 50", Listings.Valid(new string('X', 51)) },
        { "title must be 1 to 150", Listings.Valid() with { Product = Listings.Valid().Product with { Name = new string('t', 151) } } },
        { "description must be 1 to 5000", Listings.Valid() with { Description = new string('d', 5001) } },
        { "description must be 1 to 5000", Listings.Valid() with { Description = null } },
        { "link must be", Listings.Valid() with { Link = null } },
        { "image_link must be", Listings.Valid() with { ImageLink = new Uri("ftp://shop.example.com/a.jpg") } },
        { "ISO 4217", Listings.Valid() with { Product = Listings.Valid().Product with { Currency = "XYZ" } } },
        { "price must be more than zero", Listings.Valid() with { Price = 0m } },
        { "sale_price must be lower", Listings.Valid() with { SalePrice = 200m } },
        { "availability is unknown", Listings.Valid(stock: null) },
        { "condition must be", Listings.Valid() with { Condition = "mint" } },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Build_ItemBreaksARule_LeftOutWithTheReasonOthersKept(string reason, WebListing invalid)
    {
        var result = MerchantCenterFeed.Build([Listings.Valid("GOOD"), invalid]);

        Assert.Equal("GOOD", Assert.Single(result.Items).Id);
        var rejected = Assert.Single(result.Rejected);
        Assert.Contains(reason, rejected.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_LimitsExactlyReached_Accepted()
    {
        var listing = Listings.Valid(new string('X', 50)) with
        {
            Product = Listings.Valid().Product with { Sku = new string('X', 50), Name = new string('t', 150) },
            Description = new string('d', 5000),
        };

        Assert.Single(MerchantCenterFeed.Build([listing]).Items);
    }

    [Fact]
    public void Build_DuplicateId_SecondLeftOut()
    {
        var result = MerchantCenterFeed.Build([Listings.Valid("A"), Listings.Valid("A")]);

        Assert.Single(result.Items);
        Assert.Contains("unique", Assert.Single(result.Rejected).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_NoGtinNorBrandAndMpn_SaysIdentifierExistsNo()
    {
        var listing = Listings.Valid() with { Product = Listings.Valid().Product with { Barcode = "1234567890123" }, Mpn = null };

        var item = Assert.Single(MerchantCenterFeed.Build([listing]).Items);

        Assert.Null(item.Gtin);
        Assert.Equal("no", item.IdentifierExists);
    }

    [Fact]
    public void Build_VariantsOfOneProduct_ShareItemGroupIdAndCarryTheirOptionInTheTitle()
    {
        var result = MerchantCenterFeed.Build([Listings.Variant("SHIRT-S", "S", 1), Listings.Variant("SHIRT-M", "M", 0)]);

        Assert.All(result.Items, i => Assert.Equal("SHIRT", i.ItemGroupId));
        Assert.Equal(["Linen shirt - S", "Linen shirt - M"], result.Items.Select(i => i.Title));
    }

    [Fact]
    public void Build_InvalidBarcode_IsSentWithoutGtinAndNoted()
    {
        var listing = Listings.Valid() with { Product = Listings.Valid().Product with { Barcode = "6221234567890" }, Mpn = null };

        var result = MerchantCenterFeed.Build([listing]);

        var item = Assert.Single(result.Items);
        Assert.Equal(("no", null), (item.IdentifierExists, item.Gtin));
        var note = Assert.Single(result.Notes);
        Assert.Equal("MUG-1", note.ItemId);
        Assert.Contains("6221234567890", note.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_WeighedProduct_CarriesUnitPricingMeasure()
    {
        var listing = Listings.Valid("CHEESE-1") with { Product = Listings.Valid("CHEESE-1").Product with { IsWeighed = true, Unit = "kg", Barcode = null } };

        var item = Assert.Single(MerchantCenterFeed.Build([listing]).Items);
        using var writer = new StringWriter();
        await MerchantCenterFeed.WriteTsvAsync(writer, [item], TestContext.Current.CancellationToken);

        Assert.Equal(("1kg", "1kg"), (item.UnitPricingMeasure, item.UnitPricingBaseMeasure));
        var lines = writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split('\t');
        Assert.Equal("1kg", lines[1].Split('\t')[Array.IndexOf(header, "unit_pricing_measure")]);
    }

    [Fact]
    public async Task WriteTsv_Items_HeaderOfAttributeNamesAndOneRowEachWithoutStrayTabs()
    {
        var listing = Listings.Valid() with { Description = "Line one\nLine\ttwo" };
        var items = MerchantCenterFeed.Build([listing, Listings.Valid("B")]).Items;
        using var writer = new StringWriter();

        await MerchantCenterFeed.WriteTsvAsync(writer, items, TestContext.Current.CancellationToken);

        var lines = writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        var header = lines[0].Split('\t');
        Assert.Equal(["id", "title", "description", "link", "image_link"], header.Take(5));
        var row = lines[1].Split('\t');
        Assert.Equal(header.Length, row.Length);
        Assert.Equal("Line one Line two", row[Array.IndexOf(header, "description")]);
        Assert.Equal("150.00 EGP", row[Array.IndexOf(header, "price")]);
        Assert.Equal("in_stock", row[Array.IndexOf(header, "availability")]);
    }

    [Fact]
    public async Task WriteRss_Items_Rss20WithGNamespacedAttributes()
    {
        var items = MerchantCenterFeed.Build([Listings.Valid("A"), Listings.Valid("B", stock: 0)]).Items;
        using var stream = new MemoryStream();

        await MerchantCenterFeed.WriteRssAsync(stream, new FeedChannel("Nile Shop", new Uri("https://shop.example.com/"), "Home goods"), items, TestContext.Current.CancellationToken);

        var xml = XDocument.Parse(Encoding.UTF8.GetString(stream.ToArray()));
        Assert.Equal("2.0", xml.Root!.Attribute("version")!.Value);
        var rssItems = xml.Root.Element("channel")!.Elements("item").ToList();
        Assert.Equal(2, rssItems.Count);
        Assert.Equal("A", rssItems[0].Element(G + "id")!.Value);
        Assert.Equal("150.00 EGP", rssItems[0].Element(G + "price")!.Value);
        Assert.Equal("out_of_stock", rssItems[1].Element(G + "availability")!.Value);
        Assert.Null(rssItems[0].Element(G + "sale_price"));
        Assert.Equal("Nile Shop", xml.Root.Element("channel")!.Element("title")!.Value);
    }

    [Theory]
    [InlineData(FeedFormat.Tsv)]
    [InlineData(FeedFormat.Rss)]
    public async Task WriteFile_ExistingFeed_ReplacedWholeAndNoTemporaryLeft(FeedFormat format)
    {
        var directory = Directory.CreateTempSubdirectory("posbridge-feed-");
        try
        {
            var path = Path.Combine(directory.FullName, "feed");
            await File.WriteAllTextAsync(path, "old", TestContext.Current.CancellationToken);
            var items = MerchantCenterFeed.Build([Listings.Valid("A")]).Items;

            await MerchantCenterFeed.WriteFileAsync(path, format, new FeedChannel("Nile Shop", new Uri("https://shop.example.com/"), "Home goods"), items, TestContext.Current.CancellationToken);

            var text = await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken);
            Assert.StartsWith(format == FeedFormat.Tsv ? "id\ttitle" : "<?xml", text, StringComparison.Ordinal);
            Assert.Contains("150.00 EGP", text, StringComparison.Ordinal);
            Assert.Equal([path], Directory.GetFiles(directory.FullName));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("6221234567891", true)]
    [InlineData("6221234567892", false)]
    [InlineData("036000291452", true)]
    [InlineData("2012345678903", false)]
    [InlineData("96385074", true)]
    [InlineData("62212345678X2", false)]
    [InlineData(null, false)]
    public void Gtin_IsValid_ChecksDigitAndRefusesInStoreNumbers(string? code, bool valid) => Assert.Equal(valid, Gtin.IsValid(code));
}
