using System.Globalization;
using System.Text.Json;
using PosBridge.Core.Amounts;
using PosBridge.Core.Sales;
using PosBridge.Core.Taxes;

namespace PosBridge.Core.Tests.Taxes;

/// <summary>
/// Every case's expected numbers are what Odoo 17.0's own code outputs (see OdooOracle/README.md).
/// One failing case names the line, the tax and the field that differ.
/// </summary>
public sealed class OdooOracleTests
{
    private static readonly Lazy<Dictionary<string, JsonElement>> Cases = new(Load);

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var name in Cases.Value.Keys)
        {
            data.Add(name);
        }

        return data;
    }

    [Fact]
    public void Oracle_HasTheCasesTheIssueAsksFor()
    {
        var names = Cases.Value.Keys.ToList();

        Assert.True(names.Count >= 60, $"only {names.Count} cases");
        Assert.Contains(names, n => n.Contains("3 x 1.99 at 14% included", StringComparison.Ordinal));
        Assert.Contains(names, n => n.Contains("3 x 1.99 at 14% excluded", StringComparison.Ordinal));
        Assert.Contains(names, n => n.Contains("0.01 at 15%", StringComparison.Ordinal));
        Assert.Contains(names, n => n.Contains("1000-line", StringComparison.Ordinal) && n.Contains("round_globally", StringComparison.Ordinal));
        Assert.Contains(names, n => n.Contains("1000-line", StringComparison.Ordinal) && n.Contains("round_per_line", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void ComputeLine_AndDocument_MatchOdoo17(string caseName)
    {
        var testCase = Cases.Value[caseName];
        var currency = Currency.FromCode(testCase.GetProperty("currency").GetString()!);
        Assert.Equal(D(testCase.GetProperty("rounding")), currency.Unit);
        var method = testCase.GetProperty("roundingMethod").GetString() == "round_globally"
            ? TaxRoundingMethod.RoundGlobally
            : TaxRoundingMethod.RoundPerLine;
        var definitions = testCase.GetProperty("taxes").EnumerateArray().Select(ReadTax).ToList();
        var engine = new TaxEngine(currency, method);
        var expected = testCase.GetProperty("expected");
        var expectedLines = expected.GetProperty("lines").EnumerateArray().ToList();
        var lines = testCase.GetProperty("lines").EnumerateArray().ToList();

        var results = new List<LineTaxResult>();
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var taxIds = line.GetProperty("taxes").EnumerateArray().Select(t => t.GetString()!).ToList();
            var result = engine.ComputeLine(
                TaxSet.Create(taxIds, definitions),
                D(line.GetProperty("priceUnit")),
                D(line.GetProperty("quantity")),
                D(line.GetProperty("discount")));
            results.Add(result);

            var want = expectedLines[i];
            AssertEqual(want.GetProperty("totalExcluded"), result.TotalExcluded, $"lines[{i}].totalExcluded");
            AssertEqual(want.GetProperty("totalIncluded"), result.TotalIncluded, $"lines[{i}].totalIncluded");
            var wantTaxes = want.GetProperty("taxes").EnumerateArray().ToList();
            Assert.True(wantTaxes.Count == result.Taxes.Count, $"lines[{i}]: Odoo gives {wantTaxes.Count} taxes, we give {result.Taxes.Count}");
            for (var t = 0; t < wantTaxes.Count; t++)
            {
                Assert.Equal(wantTaxes[t].GetProperty("tax").GetString(), result.Taxes[t].Tax.Id);
                AssertEqual(wantTaxes[t].GetProperty("base"), result.Taxes[t].Base, $"lines[{i}].taxes[{t}].base");
                AssertEqual(wantTaxes[t].GetProperty("amount"), result.Taxes[t].Amount, $"lines[{i}].taxes[{t}].amount");
            }
        }

        var document = engine.ComputeDocument(results);
        AssertEqual(expected.GetProperty("untaxed"), document.Untaxed, "untaxed");
        AssertEqual(expected.GetProperty("tax"), document.Tax, "tax");
        AssertEqual(expected.GetProperty("total"), document.Total, "total");
        var perTax = expected.GetProperty("taxPerTax").EnumerateObject().ToDictionary(p => p.Name, p => D(p.Value));
        Assert.Equal(perTax.Count, document.Taxes.Count);
        foreach (var tax in document.Taxes)
        {
            Assert.True(perTax[tax.Tax.Id] == tax.Amount, $"taxPerTax[{tax.Tax.Id}]: Odoo {perTax[tax.Tax.Id]}, we {tax.Amount}");
        }

        // The sale document's calculator is the engine plus document rules: it must give the same totals.
        var inputs = lines.Select(l => new LineInput
        {
            UnitPrice = D(l.GetProperty("priceUnit")),
            Quantity = D(l.GetProperty("quantity")),
            DiscountPercent = D(l.GetProperty("discount")),
            TaxIds = l.GetProperty("taxes").EnumerateArray().Select(t => t.GetString()!).ToList(),
        }).ToList();
        var computed = SaleCalculator.Compute(currency, method, definitions, inputs, 0m, null);
        Assert.Equal(document.Untaxed, computed.Untaxed);
        Assert.Equal(document.Tax, computed.Tax);
        Assert.Equal(document.Total, computed.Total);
    }

    private static void AssertEqual(JsonElement expected, decimal actual, string field) =>
        Assert.True(D(expected) == actual, $"{field}: Odoo 17 gives {expected.GetString()}, PosBridge gives {actual.ToString(CultureInfo.InvariantCulture)}");

    private static TaxDefinition ReadTax(JsonElement tax) => new()
    {
        Id = tax.GetProperty("id").GetString()!,
        Name = tax.GetProperty("id").GetString()!,
        AmountType = Enum.Parse<TaxAmountType>(tax.GetProperty("amountType").GetString()!, ignoreCase: true),
        Amount = D(tax.GetProperty("amount")),
        PriceInclude = tax.GetProperty("priceInclude").GetBoolean(),
        IncludeBaseAmount = tax.GetProperty("includeBaseAmount").GetBoolean(),
        IsBaseAffected = tax.GetProperty("isBaseAffected").GetBoolean(),
        Sequence = tax.GetProperty("sequence").GetInt32(),
        Children = tax.TryGetProperty("children", out var children)
            ? children.EnumerateArray().Select(c => c.GetString()!).ToList()
            : [],
    };

    private static decimal D(JsonElement value) =>
        decimal.Parse(value.GetString()!, NumberStyles.Number, CultureInfo.InvariantCulture);

    private static Dictionary<string, JsonElement> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Taxes", "OdooOracle", "tax_cases.json");
        using var stream = File.OpenRead(path);
        var root = JsonDocument.Parse(stream).RootElement.Clone();
        return root.GetProperty("cases").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c);
    }
}
