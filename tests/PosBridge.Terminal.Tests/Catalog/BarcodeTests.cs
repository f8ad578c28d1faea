using PosBridge.Till.Catalog;

namespace PosBridge.Terminal.Tests.Catalog;

public sealed class BarcodeTests
{
    [Theory]
    [InlineData("4006381333931", true)] // EAN-13
    [InlineData("4006381333932", false)]
    [InlineData("036000291452", true)] // UPC-A
    [InlineData("036000291453", false)]
    [InlineData("73513537", true)] // EAN-8
    [InlineData("73513538", false)]
    [InlineData("40063813339", false)]
    [InlineData("40063813339a1", false)]
    public void IsValid_Code_ChecksLengthAndCheckDigit(string code, bool valid) => Assert.Equal(valid, Barcode.IsValid(code));

    [Fact]
    public void Read_WeightLabel_GivesItemCodeAndKilograms()
    {
        var scan = Barcode.Read("2112345012506", [new EmbeddedBarcodeRule("21", EmbeddedValue.Weight)], 2);
        Assert.Equal(new ScannedBarcode("2112345012506", "2112345", Weight: 1.250m), scan);
    }

    [Fact]
    public void Read_PriceLabel_GivesItemCodeAndPrice()
    {
        var scan = Barcode.Read("2212345009954", [new EmbeddedBarcodeRule("22", EmbeddedValue.Price)], 2);
        Assert.Equal(new ScannedBarcode("2212345009954", "2212345", Price: 9.95m), scan);
    }

    [Fact]
    public void Read_MisreadCode_IsNull() => Assert.Null(Barcode.Read("2112345012507", [], 2));
}
