using System.Text.Json.Nodes;
using PosBridge.Core.Sales;

namespace PosBridge.Core.Tests.Sales;

public sealed class SaleJsonTests
{
    [Fact]
    public void Serialize_ThenParse_RoundTripsExactly()
    {
        var sale = SampleSales.CafeSale();
        var json = SaleJson.Serialize(sale);

        var parsed = SaleJson.Parse(json);

        Assert.True(parsed.IsValid, parsed.ToString());
        Assert.Equal(json, SaleJson.Serialize(parsed.Sale));
        Assert.Equal(sale.Id, parsed.Sale.Id);
        Assert.Equal(sale.CreatedAtUtc, parsed.Sale.CreatedAtUtc);
        Assert.Equal(TimeSpan.FromHours(2), parsed.Sale.StoreUtcOffset);
    }

    [Fact]
    public void Serialize_WritesTheShapeTheConnectorReads()
    {
        var node = JsonNode.Parse(SaleJson.Serialize(SampleSales.CafeSale()))!;

        Assert.Equal(1, node["schemaVersion"]!.GetValue<int>());
        Assert.Equal("+02:00", node["storeUtcOffset"]!.GetValue<string>());
        Assert.Equal("roundPerLine", node["taxRounding"]!.GetValue<string>());
        Assert.Equal("card", node["payments"]![0]!["kind"]!.GetValue<string>());
        Assert.Equal("4242", node["payments"]![0]!["card"]!["last4"]!.GetValue<string>());
        Assert.Null(node["customer"]);
    }

    [Fact]
    public void Serialize_ArabicNames_StayReadable()
    {
        var json = SaleJson.Serialize(SampleSales.CafeSale());

        Assert.Contains("\"name\":\"قهوة تركي\"", json, StringComparison.Ordinal);
        Assert.Contains("\"storeUtcOffset\":\"+02:00\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Decimals_KeepTheDigitsAsWritten()
    {
        var json = SaleJson.Serialize(SampleSales.CafeSale());
        Assert.Contains("\"unitPrice\":35.50", json, StringComparison.Ordinal);

        // 35.5 and 35.50 are the same price; each is written back as it was given.
        var written = json.Replace("\"unitPrice\":35.50", "\"unitPrice\":35.5", StringComparison.Ordinal);
        var parsed = SaleJson.Parse(written);

        Assert.True(parsed.IsValid, parsed.ToString());
        Assert.Equal(written, SaleJson.Serialize(parsed.Sale));
    }

    [Theory]
    [InlineData("$", "\"cardNumber\":\"4111\",", "cardNumber")]
    [InlineData("lines", "\"colour\":\"red\",", "lines[0].colour")]
    public void Parse_UnknownField_IsRejectedByName(string where, string extra, string field)
    {
        var json = Insert(SaleJson.Serialize(SampleSales.CafeSale()), where, extra);

        var result = SaleJson.Parse(json);

        Assert.False(result.IsValid);
        var error = Assert.Single(result.Errors);
        Assert.Equal(field, error.Field);
        Assert.Contains("not a field", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MissingRequiredField_NamesIt()
    {
        var node = JsonNode.Parse(SaleJson.Serialize(SampleSales.CafeSale()))!.AsObject();
        node.Remove("tillId");

        var error = Assert.Single(SaleJson.Parse(node.ToJsonString()).Errors);

        Assert.Contains("tillId", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NumberAsString_IsRejected()
    {
        var json = SaleJson.Serialize(SampleSales.CafeSale()).Replace("\"unitPrice\":35.50", "\"unitPrice\":\"35.50\"", StringComparison.Ordinal);

        var error = Assert.Single(SaleJson.Parse(json).Errors);

        Assert.Equal("lines[0].unitPrice", error.Field);
    }

    [Fact]
    public void Parse_EnumAsNumber_IsRejected()
    {
        var json = SaleJson.Serialize(SampleSales.CafeSale()).Replace("\"kind\":\"card\"", "\"kind\":1", StringComparison.Ordinal);

        var error = Assert.Single(SaleJson.Parse(json).Errors);

        Assert.Equal("payments[0].kind", error.Field);
    }

    [Fact]
    public void Parse_DuplicateField_IsRejected()
    {
        var json = SaleJson.Serialize(SampleSales.CafeSale()).Replace("\"tillId\":\"T2\"", "\"tillId\":\"T2\",\"tillId\":\"T9\"", StringComparison.Ordinal);

        var result = SaleJson.Parse(json);

        Assert.False(result.IsValid);
        Assert.Contains("twice", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NullWhereAValueIsRequired_IsRejected()
    {
        var json = SaleJson.Serialize(SampleSales.CafeSale()).Replace("\"tillId\":\"T2\"", "\"tillId\":null", StringComparison.Ordinal);

        var error = Assert.Single(SaleJson.Parse(json).Errors);

        Assert.Equal("tillId", error.Field);
    }

    [Fact]
    public void Parse_InconsistentTotals_NamesTheTotal()
    {
        var sale = SampleSales.CafeSale();
        var json = SaleJson.Serialize(sale with { Totals = sale.Totals with { Tax = sale.Totals.Tax + 0.01m } });

        var result = SaleJson.Parse(json);

        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.Field == "totals.tax");
    }

    [Theory]
    [InlineData("{")]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("not json")]
    public void Parse_NotASaleObject_IsRejectedWithoutThrowing(string json)
    {
        var result = SaleJson.Parse(json);

        Assert.False(result.IsValid);
        Assert.NotEmpty(result.Errors);
    }

    [Fact]
    public void Parse_BadUtcOffset_IsRejected()
    {
        var json = SaleJson.Serialize(SampleSales.CafeSale()).Replace("\"+02:00\"", "\"2 hours\"", StringComparison.Ordinal);

        var error = Assert.Single(SaleJson.Parse(json).Errors);

        Assert.Equal("storeUtcOffset", error.Field);
    }

    private static string Insert(string json, string where, string extra) => where == "$"
        ? "{" + extra + json[1..]
        : json.Replace("\"lines\":[{", "\"lines\":[{" + extra, StringComparison.Ordinal);
}
