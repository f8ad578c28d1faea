using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using PosBridge.Connector.Hosting;
using PosBridge.Connector.Tills;

namespace PosBridge.Connector.Storage.Sqlite;

/// <summary>
/// The request limits in this process's memory, as one connector on one machine keeps them: a fixed window per key
/// (<see cref="PartitionedRateLimiter"/>). Several instances behind one address would each allow the limit.
/// </summary>
internal sealed class InProcessTillRateLimits : ITillRateLimits, IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public InProcessTillRateLimits(IOptions<ConnectorOptions> options)
    {
        var perMinute = options.Value.RequestsPerMinutePerTill;
        var pairingPerMinute = options.Value.PairingAttemptsPerMinute;
        _limiter = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(
            key,
            k => new FixedWindowRateLimiterOptions
            {
                // Pairing attempts are few by nature: a tight limit makes guessing codes pointless.
                PermitLimit = k.StartsWith("pairing:", StringComparison.Ordinal) ? pairingPerMinute : perMinute,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
    }

    public ValueTask<RatePermit> TryAcquireAsync(string key, CancellationToken cancellationToken = default)
    {
        using var lease = _limiter.AttemptAcquire(key);
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(60);
        return ValueTask.FromResult(new RatePermit(lease.IsAcquired, retryAfter));
    }

    public void Dispose() => _limiter.Dispose();
}
