using PosBridge.Core.Amounts;
using PosBridge.Core.Taxes;

namespace PosBridge.Core.Tests.Taxes;

public sealed class TaxSetTests
{
    private static readonly TaxDefinition Vat = new() { Id = "vat", Name = "VAT 14%", AmountType = TaxAmountType.Percent, Amount = 14m, Sequence = 2 };
    private static readonly TaxDefinition Excise = new() { Id = "excise", Name = "Excise", AmountType = TaxAmountType.Percent, Amount = 10m, IncludeBaseAmount = true, Sequence = 1 };
    private static readonly TaxDefinition Group = new() { Id = "g", Name = "Excise + VAT", AmountType = TaxAmountType.Group, Children = ["vat", "excise"] };

    [Fact]
    public void Create_Group_IsReplacedByItsChildrenInSequenceOrder()
    {
        var set = TaxSet.Create(["g"], [Vat, Excise, Group]);

        Assert.Equal(["excise", "vat"], set.Taxes.Select(t => t.Id));
    }

    [Fact]
    public void Create_NestedGroup_IsRefused()
    {
        var outer = new TaxDefinition { Id = "outer", Name = "Outer", AmountType = TaxAmountType.Group, Children = ["g"] };

        var error = Assert.Throws<ArgumentException>(() => TaxSet.Create(["outer"], [Vat, Excise, Group, outer]));

        Assert.Contains("cannot be nested", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_UnknownTax_IsRefusedByName()
    {
        var error = Assert.Throws<ArgumentException>(() => TaxSet.Create(["nope"], [Vat]));

        Assert.Contains("'nope'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_SequenceTie_FollowsTheDefinitionsOrder()
    {
        var a = Vat with { Id = "a", Sequence = 1 };
        var b = Excise with { Id = "b", Sequence = 1 };

        Assert.Equal(["a", "b"], TaxSet.Create(["b", "a"], [a, b]).Taxes.Select(t => t.Id));
        Assert.Equal(["b", "a"], TaxSet.Create(["a", "b"], [b, a]).Taxes.Select(t => t.Id));
    }

    [Fact]
    public void ComputeLine_ExciseBeforeVat_TaxesTheExcise()
    {
        var engine = new TaxEngine(Currency.EGP, TaxRoundingMethod.RoundPerLine);

        var line = engine.ComputeLine(TaxSet.Create(["g"], [Vat, Excise, Group]), 100m, 1m);

        // 10 excise, then 14 % of 110.
        Assert.Equal(100m, line.TotalExcluded);
        Assert.Equal(10m, line.Taxes[0].Amount);
        Assert.Equal(15.40m, line.Taxes[1].Amount);
        Assert.Equal(125.40m, line.TotalIncluded);
    }
}
