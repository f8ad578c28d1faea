using System.Net;

namespace PosBridge.Ecommerce.Stores;

/// <summary>
/// The latest "come back later" a store's server gave (429 or 503 with <c>Retry-After</c>), so a delivery that ends
/// in "retry later" is retried when the store asked, not on the connector's own backoff. One per store.
/// </summary>
internal sealed class RetryAfterHints(TimeProvider timeProvider)
{
    private readonly Lock _lock = new();
    private DateTimeOffset _until = DateTimeOffset.MinValue;
    private DateTimeOffset _seenAt = DateTimeOffset.MinValue;

    public void Observe(TimeSpan retryAfter)
    {
        var now = timeProvider.GetUtcNow();
        lock (_lock)
        {
            _seenAt = now;
            _until = now + retryAfter;
        }
    }

    /// <summary>How long the store still wants to be left alone, if it said so at or after <paramref name="since"/>.</summary>
    public TimeSpan? Remaining(DateTimeOffset since)
    {
        var now = timeProvider.GetUtcNow();
        lock (_lock)
        {
            return _seenAt >= since && _until > now ? _until - now : null;
        }
    }
}

/// <summary>Sits inside the retry pipeline, so it sees every attempt's answer, and notes each Retry-After.</summary>
internal sealed class RetryAfterObserver(RetryAfterHints hints, TimeProvider timeProvider) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable && response.Headers.RetryAfter is { } header)
        {
            var delay = header.Delta ?? (header.Date is { } date ? date - timeProvider.GetUtcNow() : null);
            if (delay is { } wait && wait > TimeSpan.Zero)
            {
                hints.Observe(wait);
            }
        }

        return response;
    }
}
