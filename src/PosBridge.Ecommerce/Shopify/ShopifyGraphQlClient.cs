using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace PosBridge.Ecommerce.Shopify;

/// <summary>Runs GraphQL operations within Shopify's cost budget, waiting out throttling rather than failing.</summary>
internal sealed class ShopifyGraphQlClient
{
    private const int MaxThrottledAttempts = 10;

    private readonly IShopifyAdminApi _api;
    private readonly ShopifyOptions _options;
    private readonly ShopifyCostThrottle _throttle;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    // The cost an operation asked for last time is the best guess for its next call.
    private readonly ConcurrentDictionary<string, double> _lastCost = new(StringComparer.Ordinal);

    public ShopifyGraphQlClient(IShopifyAdminApi api, ShopifyOptions options, ShopifyCostThrottle throttle, TimeProvider timeProvider, ILogger logger)
    {
        _api = api;
        _options = options;
        _throttle = throttle;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Now, on the injected clock.</summary>
    public DateTimeOffset UtcNow => _timeProvider.GetUtcNow();

    public async Task<JsonElement> ExecuteAsync(string operationName, string query, IReadOnlyDictionary<string, object?> variables, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            var expected = _lastCost.GetValueOrDefault(operationName, 10d);
            var delay = _throttle.DelayFor(expected, out var available);
            if (delay > TimeSpan.Zero)
            {
                Log.ShopifyThrottleWait(_logger, delay, expected, available);
                await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
            }

            var response = await _api.PostAsync(_options.ApiVersion, new GraphQlRequest(query, variables, operationName), cancellationToken).ConfigureAwait(false);
            var cost = response.Extensions?.Cost;
            _throttle.Observe(cost?.ThrottleStatus);
            if (cost is not null)
            {
                _lastCost[operationName] = cost.RequestedQueryCost;
            }

            var errors = response.Errors ?? [];
            if (errors.Any(e => e.Extensions?.Code == "THROTTLED"))
            {
                // Nothing ran; the bucket state just observed says how long to wait before the next try.
                if (attempt >= MaxThrottledAttempts)
                {
                    throw new ShopifyException($"Shopify throttled {operationName} {attempt} times in a row.");
                }

                continue;
            }

            if (errors.Count > 0)
            {
                throw new ShopifyException($"Shopify refused {operationName}: {string.Join("; ", errors.Select(e => e.Message))}");
            }

            return response.Data;
        }
    }

    /// <summary>
    /// A key that is the same for the same content: a request sent again (a retry after a lost answer, or
    /// the same sale's changes delivered twice) is recognised by Shopify and not applied twice.
    /// </summary>
    public static string IdempotencyKey(string operation, string content)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(operation + "\n" + content));
        return new Guid(hash.AsSpan(0, 16)).ToString();
    }
}

/// <summary>Shopify answered something the adapter cannot act on (an unknown error, a broken answer).</summary>
public sealed class ShopifyException : Exception
{
    public ShopifyException()
    {
    }

    public ShopifyException(string message)
        : base(message)
    {
    }

    public ShopifyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
