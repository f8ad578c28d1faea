namespace PosBridge.Accounting.Journals;

/// <summary>
/// A shift's cash count at close, as the till's Z report gives it. Core has no Z report yet, so the
/// connector builds this from whatever the till reports; amounts are in the store's currency.
/// </summary>
public sealed record ShiftCashCount
{
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
