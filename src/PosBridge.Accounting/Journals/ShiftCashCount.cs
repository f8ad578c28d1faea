namespace PosBridge.Accounting.Journals;

/// <summary>
/// A shift's cash count at close, from the till's Z report (<see cref="Core.Sync.ShiftClosing"/>, through
/// <see cref="From"/>), plus the tips put in the drawer, which the Z report does not carry yet.
/// </summary>
public sealed record ShiftCashCount
{
    /// <summary>The count of a shift close as the connector stores it; tips as given (the Z report has none).</summary>
    public static ShiftCashCount From(Core.Sync.ShiftClosing closing, decimal tips = 0m)
    {
        ArgumentNullException.ThrowIfNull(closing);
        return new ShiftCashCount
        {
            StoreId = closing.StoreId,
            TillId = closing.TillId,
            ShiftId = closing.ShiftId,
            ClosedAtUtc = closing.ClosedAtUtc,
            ExpectedCash = closing.ExpectedCash,
            CountedCash = closing.CountedCash,
            Tips = tips,
            Currency = closing.Currency,
        };
    }

    /// <summary>The ISO 4217 code of the amounts; null means the store's. A count in another currency is refused.</summary>
    public string? Currency { get; init; }

    public required string StoreId { get; init; }

    public required string TillId { get; init; }

    public required string ShiftId { get; init; }

    /// <summary>When the shift was closed, in UTC; its business day is cut in the store's time zone.</summary>
    public required DateTimeOffset ClosedAtUtc { get; init; }

    /// <summary>Cash the drawer should hold by the sales: float plus cash taken minus cash paid out.</summary>
    public required decimal ExpectedCash { get; init; }

    /// <summary>Cash counted in the drawer.</summary>
    public required decimal CountedCash { get; init; }

    /// <summary>Tips put in the drawer that belong to staff (already part of <see cref="CountedCash"/>).</summary>
    public decimal Tips { get; init; }
}

/// <summary>
/// A fee a card or wallet provider reports (on a settlement, usually a day later). Core's sale payments carry
/// no fee and Core has no settlement report yet, so the connector builds this from the provider's report
/// (<c>posbridge fees import</c>).
/// </summary>
public sealed record ProviderFee
{
    /// <summary>The ISO 4217 code of the amount; null means the store's. A fee in another currency is refused.</summary>
    public string? Currency { get; init; }

    public required string StoreId { get; init; }

    /// <summary>The payment method the fee was charged on; its clearing account is credited.</summary>
    public required string MethodId { get; init; }

    public required Core.Sales.PaymentKind Kind { get; init; }

    /// <summary>When the provider reported it; its business day is cut in the store's time zone.</summary>
    public required DateTimeOffset ReportedAtUtc { get; init; }

    /// <summary>The provider's reference for the settlement or fee (letters, digits and '-' travel to every dialect).</summary>
    public required string Reference { get; init; }

    public required decimal Amount { get; init; }
}

/// <summary>
/// What an export books besides sales (shifts' cash counts and providers' fees), and what it needs to know
/// besides them (the catalog's product categories, for a ledger that books revenue by category).
/// </summary>
public sealed record LedgerAdjustments
{
    public static readonly LedgerAdjustments None = new();

    /// <summary>Product id → category id, from the catalog; used only by ledgers with <c>RevenueCategories</c>.</summary>
    public IReadOnlyDictionary<string, string> ProductCategories { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public IReadOnlyList<ShiftCashCount> ShiftCounts { get; init; } = [];

    public IReadOnlyList<ProviderFee> ProviderFees { get; init; } = [];
}
