using System.Text.Json.Nodes;
using PosBridge.Core.Sales;

namespace PosBridge.Core.Tests.Sales;

/// <summary>The sale document's explicit limits: anything outside them is refused naming the field, never thrown.</summary>
public sealed class SaleLimitsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 8, 15, 0, TimeSpan.Zero);

    public static TheoryData<string, string, string> HostileDocuments() => new()
    {
        { "null tax amount on a line", "lines[0].taxAmounts", "[null]" },
        { "null tax in totals", "totals.taxes", "[null, null]" },
        { "quantity 1e28", "lines[0].quantity", "1e28" },
        { "negative quantity -1e28", "lines[0].quantity", "-1e28" },
        { "price 7.9e28", "lines[0].unitPrice", "79228162514264337593543950335" },
        { "payment 1e28", "payments[0].amount", "1e28" },
        { "total 1e28", "totals.total", "1e28" },
        { "tiny quantity", "lines[0].quantity", "0.0000000000000000000000000001" },
        { "points 1e20", "loyalty", "{\"programId\":\"p1\",\"earned\":1e20}" },
    };

    [Theory]
    [MemberData(nameof(HostileDocuments))]
    public void Parse_HostileValue_IsRefusedNamingTheFieldWithoutThrowing(string why, string path, string json)
    {
        var document = Patch(path, json);

        var result = SaleJson.Parse(document);

        Assert.False(result.IsValid, why);
        var field = path.Split('[')[0].Split('.')[0];
        Assert.Contains(result.Errors, e => e.Field.StartsWith(field, StringComparison.Ordinal));
        Assert.All(result.Errors, e => Assert.DoesNotContain("System.", e.Message, StringComparison.Ordinal));
    }

    public static TheoryData<string, string> BadInstants() => new()
    {
        { "year 9999", "\"9999-12-31T23:59:59Z\"" },
        { "year 0001", "\"0001-01-01T00:00:00Z\"" },
        { "1900", "\"1900-06-01T10:00:00Z\"" },
        { "2099 is in range but far ahead", "\"2099-06-01T10:00:00Z\"" },
        { "bare date", "\"2026-11-23\"" },
        { "no offset", "\"2026-11-23T08:00:00\"" },
        { "a number", "1763885700" },
        { "impossible date", "\"2026-02-30T08:00:00Z\"" },
    };

    [Theory]
    [MemberData(nameof(BadInstants))]
    public void Validate_CreatedAtOutsideTheWindowOrWithoutOffset_IsRefusedNamingCreatedAt(string why, string json)
    {
        var result = SaleJson.Parse(Patch("createdAtUtc", json));
        var sale = result.Sale;
        var errors = sale is null ? result.Errors : SaleValidator.Validate(sale, null, new SaleDateWindow(Now, TimeSpan.FromDays(90), TimeSpan.FromHours(1))).Errors;

        var error = Assert.Single(errors);
        Assert.Equal("createdAtUtc", error.Field);
        Assert.DoesNotContain("System.", error.Message, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(why));
    }

    [Fact]
    public void Validate_SaleWithinTheOfflineAllowance_IsValid()
    {
        var sale = SampleSales.CafeSale();

        var result = SaleValidator.Validate(sale, null, new SaleDateWindow(sale.CreatedAtUtc.AddDays(89), TimeSpan.FromDays(90), TimeSpan.FromHours(1)));

        Assert.True(result.IsValid, result.ToString());
    }

    [Theory]
    [InlineData("lines[0].name", "\"قهوة\\u0000تركي\"")]
    [InlineData("cashier.name", "\"Mona\\u001b[31m\"")]
    [InlineData("lines[0].note", "\"a\\u0007b\"")]
    public void Validate_ControlCharacterInText_IsRefusedNamingTheField(string path, string json)
    {
        var result = SaleJson.Parse(Patch(path, json));

        Assert.Contains(result.Errors, e => e.Field == path && e.Message.Contains("control character", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_NoteWithLineBreaks_IsValid()
    {
        var result = SaleJson.Parse(Patch("note", "\"بدون سكر\\nextra hot\\tplease\""));

        Assert.True(result.IsValid, result.ToString());
    }

    [Fact]
    public void Validate_TooManyLines_IsRefusedNamingLines()
    {
        var sale = SampleSales.CafeSale();
        var many = sale with { Lines = Enumerable.Repeat(sale.Lines[0], SaleLimits.MaxLines + 1).ToList() };

        Assert.Contains(many.Validate().Errors, e => e.Field == "lines" && e.Message.Contains("at most 1000", StringComparison.Ordinal));
    }

    [Fact]
    public void Serialize_InstantsAreWrittenAsBefore()
    {
        var sale = SampleSales.CafeSale();

        var json = SaleJson.Serialize(sale);

        Assert.Contains("\"createdAtUtc\":\"2026-11-23T08:15:00+00:00\"", json, StringComparison.Ordinal);
        Assert.Equal(json, SaleJson.Serialize(SaleJson.Parse(json).Sale!));
    }

    /// <summary>The sample sale's JSON with the value at <paramref name="path"/> (a.b[0].c) replaced by raw JSON.</summary>
    private static string Patch(string path, string json)
    {
        var root = JsonNode.Parse(SaleJson.Serialize(SampleSales.CafeSale()))!;
        var parts = path.Replace("]", string.Empty, StringComparison.Ordinal).Split('.');
        JsonNode node = root;
        for (var i = 0; i < parts.Length; i++)
        {
            var (name, index) = parts[i].Split('[') is [var n, var ix] ? (n, (int?)int.Parse(ix, System.Globalization.CultureInfo.InvariantCulture)) : (parts[i], null);
            var last = i == parts.Length - 1;
            if (index is { } at)
            {
                var array = node[name]!.AsArray();
                if (last)
                {
                    array[at] = JsonNode.Parse(json);
                }
                else
                {
                    node = array[at]!;
                }
            }
            else if (last)
            {
                node[name] = JsonNode.Parse(json);
            }
            else
            {
                node = node[name]!;
            }
        }

        return root.ToJsonString();
    }
}
