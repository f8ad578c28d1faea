namespace PosBridge.Till.Shifts;

/// <summary>A cashier's shift as the till keeps it: opened with a float, closed with the counted cash.</summary>
public sealed record Shift(string Id, int Number, string CashierId, DateTimeOffset OpenedAtUtc, decimal OpeningFloat, DateTimeOffset? ClosedAtUtc, decimal? CountedCash)
{
    public bool IsOpen => ClosedAtUtc is null;
}

/// <summary>Cash put into or taken out of the drawer outside a sale (positive in, negative out).</summary>
public sealed record CashMovement(decimal Amount, string Reason, DateTimeOffset AtUtc);
