namespace PosBridge.Ecommerce.Shopify;

/// <summary>
/// Shopify's leaky bucket as the last answer described it (<c>extensions.cost.throttleStatus</c>): before a
/// call, wait until the bucket has refilled enough for the call's expected cost instead of being throttled.
/// One per shop, shared by every call to it.
/// </summary>
internal sealed class ShopifyCostThrottle
{
    private readonly TimeProvider _timeProvider;
    private readonly Lock _lock = new();
    private ThrottleStatus? _status;
    private long _statusAt;

    public ShopifyCostThrottle(TimeProvider timeProvider) => _timeProvider = timeProvider;

    public void Observe(ThrottleStatus? status)
    {
        if (status is null)
        {
            return;
        }

        lock (_lock)
        {
            _status = status;
            _statusAt = _timeProvider.GetTimestamp();
        }
    }

    /// <summary>How long to wait before a call expected to cost <paramref name="cost"/> points; zero when it can go now.</summary>
    public TimeSpan DelayFor(double cost, out double available)
    {
        lock (_lock)
        {
            if (_status is not { RestoreRate: > 0 } status)
            {
                available = double.NaN;
                return TimeSpan.Zero;
            }

            var elapsed = _timeProvider.GetElapsedTime(_statusAt).TotalSeconds;
            available = Math.Min(status.MaximumAvailable, status.CurrentlyAvailable + (elapsed * status.RestoreRate));
            var needed = Math.Min(cost, status.MaximumAvailable);
            return available >= needed ? TimeSpan.Zero : TimeSpan.FromSeconds((needed - available) / status.RestoreRate);
        }
    }
}
