namespace PosBridge.Core.Sales;

/// <summary>Sale ids: UUID version 7, so they sort by the time the till made them.</summary>
public static class SaleId
{
    public static Guid New(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        return Guid.CreateVersion7(timeProvider.GetUtcNow());
    }

    /// <summary>An id for a sale completed at <paramref name="completedAt"/>.</summary>
    public static Guid At(DateTimeOffset completedAt) => Guid.CreateVersion7(completedAt);
}
