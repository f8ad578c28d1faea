namespace PosBridge.Connector.Tills;

/// <summary>One request's permit: allowed, or refused with how long until the key has allowance again.</summary>
internal readonly record struct RatePermit(bool Allowed, TimeSpan RetryAfter);

/// <summary>
/// Per-till (key <c>till:ID</c>) and, before pairing, per-address (<c>pairing:ADDRESS</c>) request limits, per minute
/// as <c>PosBridge:RequestsPerMinutePerTill</c> and <c>PosBridge:PairingAttemptsPerMinute</c> say.
/// </summary>
internal interface ITillRateLimits
{
    /// <summary>Takes one request of <paramref name="key"/>'s allowance for the current window.</summary>
    ValueTask<RatePermit> TryAcquireAsync(string key, CancellationToken cancellationToken = default);
}
