using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace PosBridge.Core.Amounts;

/// <summary>
/// An ISO 4217 currency and the number of minor units it is counted in (EGP 2, KWD 3, JPY 0).
/// Instances are shared: compare with <c>==</c>, look them up with <see cref="FromCode"/>.
/// </summary>
public sealed class Currency : IEquatable<Currency>
{
    private static readonly decimal[] UnitByMinorUnits = [1m, 0.1m, 0.01m, 0.001m, 0.0001m];

    public static readonly Currency EGP = new("EGP", 2, "Egyptian pound");
    public static readonly Currency SAR = new("SAR", 2, "Saudi riyal");
    public static readonly Currency AED = new("AED", 2, "UAE dirham");
    public static readonly Currency QAR = new("QAR", 2, "Qatari riyal");
    public static readonly Currency KWD = new("KWD", 3, "Kuwaiti dinar");
    public static readonly Currency BHD = new("BHD", 3, "Bahraini dinar");
    public static readonly Currency OMR = new("OMR", 3, "Omani rial");
    public static readonly Currency JOD = new("JOD", 3, "Jordanian dinar");
    public static readonly Currency MAD = new("MAD", 2, "Moroccan dirham");
    public static readonly Currency TND = new("TND", 3, "Tunisian dinar");
    public static readonly Currency USD = new("USD", 2, "US dollar");
    public static readonly Currency EUR = new("EUR", 2, "Euro");
    public static readonly Currency GBP = new("GBP", 2, "Pound sterling");
    public static readonly Currency JPY = new("JPY", 0, "Japanese yen");

    private static readonly FrozenDictionary<string, Currency> ByCode = new[]
    {
        EGP, SAR, AED, QAR, KWD, BHD, OMR, JOD, MAD, TND, USD, EUR, GBP, JPY,
    }.ToFrozenDictionary(c => c.Code, StringComparer.Ordinal);

    private Currency(string code, int minorUnits, string name)
    {
        Code = code;
        MinorUnits = minorUnits;
        Name = name;
        Unit = UnitByMinorUnits[minorUnits];
    }

    /// <summary>The ISO 4217 alphabetic code, upper case.</summary>
    public string Code { get; }

    /// <summary>Digits after the decimal point in the smallest coin or unit of account.</summary>
    public int MinorUnits { get; }

    public string Name { get; }

    /// <summary>The smallest amount: 0.01 for EGP, 0.001 for KWD, 1 for JPY.</summary>
    public decimal Unit { get; }

    /// <summary>Every currency PosBridge knows, by code.</summary>
    public static IEnumerable<Currency> All => ByCode.Values;

    public static Currency FromCode(string code) =>
        TryFromCode(code, out var currency)
            ? currency
            : throw new ArgumentException(
                $"'{code}' is not a currency PosBridge knows; use one of {string.Join(", ", ByCode.Keys.Order(StringComparer.Ordinal))}.",
                nameof(code));

    public static bool TryFromCode(string? code, [NotNullWhen(true)] out Currency? currency)
    {
        currency = null;
        return code is not null && ByCode.TryGetValue(code, out currency);
    }

    /// <summary>Rounds half away from zero to this currency's unit, as Odoo's <c>currency.round</c> does.</summary>
    public decimal Round(decimal amount) => decimal.Round(amount, MinorUnits, MidpointRounding.AwayFromZero);

    public decimal Round(decimal amount, RoundingMode mode) => Rounding.ToDecimals(amount, MinorUnits, mode);

    /// <summary>True when <paramref name="amount"/> needs no more digits than the currency has.</summary>
    public bool IsWholeUnits(decimal amount) => decimal.Round(amount, MinorUnits) == amount;

    public bool Equals(Currency? other) => ReferenceEquals(this, other);

    public override bool Equals(object? obj) => ReferenceEquals(this, obj);

    public override int GetHashCode() => Code.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => Code;
}
