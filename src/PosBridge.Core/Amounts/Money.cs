using System.Globalization;

namespace PosBridge.Core.Amounts;

/// <summary>
/// An amount in one currency. Arithmetic refuses to mix currencies; rounding is always explicit.
/// </summary>
public readonly record struct Money : IComparable<Money>
{
    public Money(decimal amount, Currency currency)
    {
        ArgumentNullException.ThrowIfNull(currency);
        Amount = amount;
        Currency = currency;
    }

    public decimal Amount { get; }

    public Currency Currency { get; }

    public bool IsZero => Amount == 0m;

    public bool IsNegative => Amount < 0m;

    public static Money Zero(Currency currency) => new(0m, currency);

    public static Money Of(decimal amount, string currencyCode) => new(amount, Currency.FromCode(currencyCode));

    /// <summary>Rounds to the currency's unit (0.01, 0.001, 1).</summary>
    public Money Round(RoundingMode mode = RoundingMode.HalfUp) => new(Currency.Round(Amount, mode), Currency);

    /// <summary>Rounds to a cash step (0.05, 0.25, 1.00), e.g. for cash payments.</summary>
    public Money RoundToStep(decimal step, RoundingMode mode) => new(Rounding.ToStep(Amount, step, mode), Currency);

    public static Money operator +(Money left, Money right) =>
        new(left.Amount + right.Amount, SameCurrency(left, right, "add"));

    public static Money operator -(Money left, Money right) =>
        new(left.Amount - right.Amount, SameCurrency(left, right, "subtract"));

    public static Money operator -(Money value) => new(-value.Amount, value.Currency);

    public static Money operator *(Money left, decimal factor) => new(left.Amount * factor, left.Currency);

    public static Money operator *(decimal factor, Money right) => right * factor;

    public static bool operator <(Money left, Money right) => left.CompareTo(right) < 0;

    public static bool operator >(Money left, Money right) => left.CompareTo(right) > 0;

    public static bool operator <=(Money left, Money right) => left.CompareTo(right) <= 0;

    public static bool operator >=(Money left, Money right) => left.CompareTo(right) >= 0;

    public Money Add(Money other) => this + other;

    public Money Subtract(Money other) => this - other;

    public Money Negate() => -this;

    public Money Multiply(decimal factor) => this * factor;

    public int CompareTo(Money other)
    {
        SameCurrency(this, other, "compare");
        return Amount.CompareTo(other.Amount);
    }

    public static Money Sum(IEnumerable<Money> values, Currency currency)
    {
        ArgumentNullException.ThrowIfNull(values);
        var total = Zero(currency);
        foreach (var value in values)
        {
            total += value;
        }

        return total;
    }

    /// <summary>"12.50 EGP": the amount with the currency's digits, invariant culture.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Amount.ToString("F" + Currency.MinorUnits, CultureInfo.InvariantCulture)} {Currency.Code}");

    private static Currency SameCurrency(Money left, Money right, string operation)
    {
        if (left.Currency is null || right.Currency is null)
        {
            throw new InvalidOperationException("A Money value has no currency: use new Money(amount, currency), not default.");
        }

        return left.Currency == right.Currency
            ? left.Currency
            : throw new CurrencyMismatchException(
                $"Cannot {operation} {right.Currency.Code} and {left.Currency.Code}: convert one of them first.");
    }
}

/// <summary>Two amounts in different currencies were combined.</summary>
public sealed class CurrencyMismatchException : InvalidOperationException
{
    public CurrencyMismatchException()
    {
    }

    public CurrencyMismatchException(string message)
        : base(message)
    {
    }

    public CurrencyMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
