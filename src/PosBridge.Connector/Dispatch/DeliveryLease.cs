namespace PosBridge.Connector.Dispatch;

/// <summary>
/// The right of this connector instance to deliver to one adapter: one run per adapter across every process on the
/// database (the service, a manager's <c>sync now</c>, and later several instances), because two runs would read the
/// same due sales and hand them over twice. Held until a time, renewed before each batch.
/// </summary>
internal interface IDeliveryLease
{
    /// <summary>
    /// Takes (or renews) the lease on <paramref name="adapter"/> for this instance until <paramref name="until"/>:
    /// granted when nobody holds it, this instance already does, the lease ran out by <paramref name="now"/>, or the
    /// backend knows its holder is gone. False while another live instance holds it. Atomic: of two instances asking
    /// at once, at most one is granted.
    /// </summary>
    Task<bool> TryAcquireAsync(string adapter, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken = default);

    /// <summary>Gives the lease up if this instance holds it; another instance's lease is left alone.</summary>
    Task ReleaseAsync(string adapter, CancellationToken cancellationToken = default);
}
