using PosBridge.Till.Receipts;

namespace PosBridge.Terminal.Tests.Receipts;

public sealed class ArabicPrintTextTests
{
    [Fact]
    public void Shape_Word_UsesInitialMedialFinalAndIsolatedForms()
    {
        // ق initial, ه medial, و final (it never joins the next), ة isolated after it.
        Assert.Equal("\uFED7\uFEEC\uFEEE\uFE93", ArabicPrintText.Shape("قهوة"));
    }

    [Fact]
    public void Shape_LamAlef_BecomesOneLigature()
    {
        Assert.Equal("\uFEFB", ArabicPrintText.Shape("لا"));
        Assert.Equal("\uFE91\uFEFC", ArabicPrintText.Shape("بلا")); // after a joining letter: the final ligature
    }

    [Fact]
    public void Shape_Harakat_AreDropped()
    {
        Assert.Equal(ArabicPrintText.Shape("قهوة"), ArabicPrintText.Shape("قَهْوَة"));
    }

    [Fact]
    public void ToVisual_ArabicLineWithNumbers_ReversesArabicKeepsNumbersLeftToRight()
    {
        var visual = ArabicPrintText.ToVisual("قهوة 2 x 50.00");

        Assert.Equal("2 x 50.00 \uFE93\uFEEE\uFEEC\uFED7", visual);
    }

    [Fact]
    public void ToVisual_LatinLine_IsUnchanged()
    {
        Assert.Equal("Total 137.37 EGP", ArabicPrintText.ToVisual("Total 137.37 EGP"));
    }
}
