namespace PosBridge.Connector.Tills;

/// <summary>The nonces tills signed requests with, kept for the replay window, so a request is taken once.</summary>
internal interface INonceCache
{
    /// <summary>
    /// Records that <paramref name="tillId"/> used <paramref name="nonce"/>, kept until <paramref name="expiresAt"/>;
    /// false when it was used before. Durable before it returns, and atomic across every connector on the database
    /// (a unique key on till and nonce), so a replay is refused after a restart and on another instance alike.
    /// Nonces expired by <paramref name="now"/> are deleted on the way.
    /// </summary>
    Task<bool> UseNonceAsync(string tillId, string nonce, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken = default);
}
