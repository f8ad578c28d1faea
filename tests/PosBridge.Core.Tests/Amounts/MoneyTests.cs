using PosBridge.Core.Amounts;

namespace PosBridge.Core.Tests.Amounts;

public sealed class MoneyTests
{
    [Theory]
    [InlineData("EGP", 2, "0.01")]
    [InlineData("SAR", 2, "0.01")]
    [InlineData("AED", 2, "0.01")]
    [InlineData("KWD", 3, "0.001")]
    [InlineData("USD", 2, "0.01")]
    [InlineData("EUR", 2, "0.01")]
    [InlineData("JPY", 0, "1")]
    public void FromCode_KnownCurrency_HasItsMinorUnits(string code, int minorUnits, string unit)
    {
        var currency = Currency.FromCode(code);

        Assert.Equal(minorUnits, currency.MinorUnits);
        Assert.Equal(decimal.Parse(unit, System.Globalization.CultureInfo.InvariantCulture), currency.Unit);
    }

    [Fact]
    public void FromCode_UnknownCurrency_SaysWhichAreKnown()
    {
        var error = Assert.Throws<ArgumentException>(() => Currency.FromCode("XYZ"));

        Assert.Contains("'XYZ' is not a currency", error.Message, StringComparison.Ordinal);
        Assert.Contains("EGP", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_DifferentCurrencies_IsRefused()
    {
        var egp = Money.Of(10m, "EGP");
        var sar = Money.Of(10m, "SAR");

        var error = Assert.Throws<CurrencyMismatchException>(() => egp + sar);
        Assert.Contains("SAR and EGP", error.Message, StringComparison.Ordinal);
        Assert.Throws<CurrencyMismatchException>(() => egp - sar);
        Assert.Throws<CurrencyMismatchException>(() => egp < sar);
    }

    [Fact]
    public void Arithmetic_SameCurrency_StaysExact()
    {
        var total = Money.Of(0.1m, "EGP") + Money.Of(0.2m, "EGP");

        Assert.Equal(Money.Of(0.3m, "EGP"), total);
        Assert.Equal(Money.Of(0.9m, "EGP"), total * 3m);
        Assert.Equal(Money.Of(-0.3m, "EGP"), -total);
    }

    [Fact]
    public void Sum_MixedCurrencies_IsRefused()
    {
        var values = new[] { Money.Of(1m, "KWD"), Money.Of(1m, "USD") };

        Assert.Throws<CurrencyMismatchException>(() => Money.Sum(values, Currency.KWD));
    }

    [Fact]
    public void Default_HasNoCurrency_AndCannotBeAdded()
    {
        Assert.Throws<InvalidOperationException>(() => default(Money) + Money.Of(1m, "EGP"));
    }

    [Theory]
    [InlineData("2.675", "EGP", RoundingMode.HalfUp, "2.68")]
    [InlineData("-2.675", "EGP", RoundingMode.HalfUp, "-2.68")]
    [InlineData("2.665", "EGP", RoundingMode.HalfEven, "2.66")]
    [InlineData("2.675", "EGP", RoundingMode.HalfEven, "2.68")]
    [InlineData("2.661", "EGP", RoundingMode.Up, "2.67")]
    [InlineData("-2.661", "EGP", RoundingMode.Up, "-2.67")]
    [InlineData("2.669", "EGP", RoundingMode.Down, "2.66")]
    [InlineData("-2.669", "EGP", RoundingMode.Down, "-2.66")]
    [InlineData("1.0005", "KWD", RoundingMode.HalfUp, "1.001")]
    [InlineData("1.0005", "KWD", RoundingMode.HalfEven, "1.000")]
    [InlineData("1499.5", "JPY", RoundingMode.HalfUp, "1500")]
    [InlineData("1498.5", "JPY", RoundingMode.HalfEven, "1498")]
    [InlineData("1498.01", "JPY", RoundingMode.Up, "1499")]
    public void Round_ToCurrencyUnit_FollowsTheMode(string amount, string currency, RoundingMode mode, string expected)
    {
        var money = Money.Of(D(amount), currency);

        Assert.Equal(D(expected), money.Round(mode).Amount);
    }

    [Theory]
    [InlineData("12.37", "0.05", RoundingMode.HalfUp, "12.35")]
    [InlineData("12.375", "0.05", RoundingMode.HalfUp, "12.40")]
    [InlineData("12.325", "0.05", RoundingMode.HalfEven, "12.30")]
    [InlineData("12.31", "0.05", RoundingMode.Up, "12.35")]
    [InlineData("12.39", "0.05", RoundingMode.Down, "12.35")]
    [InlineData("12.125", "0.25", RoundingMode.HalfUp, "12.25")]
    [InlineData("12.12", "0.25", RoundingMode.HalfUp, "12.00")]
    [InlineData("12.50", "1.00", RoundingMode.HalfUp, "13.00")]
    [InlineData("12.50", "1.00", RoundingMode.HalfEven, "12.00")]
    [InlineData("-12.37", "0.05", RoundingMode.HalfUp, "-12.35")]
    [InlineData("-12.31", "0.05", RoundingMode.Up, "-12.35")]
    public void RoundToStep_CashRounding_LandsOnTheStep(string amount, string step, RoundingMode mode, string expected)
    {
        var rounded = Money.Of(D(amount), "EGP").RoundToStep(D(step), mode);

        Assert.Equal(D(expected), rounded.Amount);
        Assert.Equal(D(expected).ToString(System.Globalization.CultureInfo.InvariantCulture), rounded.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void RoundToStep_ZeroStep_IsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Rounding.ToStep(1m, 0m, RoundingMode.HalfUp));
    }

    [Fact]
    public void ToString_UsesTheCurrencyDigits()
    {
        Assert.Equal("12.500 KWD", Money.Of(12.5m, "KWD").ToString());
        Assert.Equal("1500 JPY", Money.Of(1500m, "JPY").ToString());
    }

    private static decimal D(string value) => decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
}
