namespace PosBridge.Core.Stock;

/// <summary>How much of a SKU is at a location. <see cref="Reserved"/> is already promised to orders.</summary>
public sealed record StockLevel
{
    public required string Sku { get; init; }

    public required string LocationId { get; init; }

    public required decimal OnHand { get; init; }

    public decimal Reserved { get; init; }
}

/// <summary>
/// A change of stock (negative for a sale). <see cref="IdempotencyKey"/> (e.g. the sale id and line)
/// lets a target refuse to apply the same change twice.
/// </summary>
public sealed record StockDelta
{
    public required string Sku { get; init; }

    public required string LocationId { get; init; }

    public required decimal Change { get; init; }

    public required string IdempotencyKey { get; init; }
}

public enum StockPushOutcome
{
    /// <summary>The target now holds the level or has applied the change.</summary>
    Applied,

    /// <summary>The target already held that level, or had already applied that change.</summary>
    Unchanged,

    /// <summary>The target refused it (unknown SKU, validation); retrying will not help until fixed.</summary>
    Rejected,

    /// <summary>A passing failure; try again later.</summary>
    RetryLater,
}

/// <summary>The target's answer for one SKU, with the level before and after when the target tells.</summary>
public sealed record StockPushResult
{
    public required string Sku { get; init; }

    public required StockPushOutcome Outcome { get; init; }

    public decimal? Before { get; init; }

    public decimal? After { get; init; }

    public string? Reason { get; init; }
}
