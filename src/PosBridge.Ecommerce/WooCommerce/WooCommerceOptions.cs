using Microsoft.Extensions.Options;
using PosBridge.Ecommerce.Stock;

namespace PosBridge.Ecommerce.WooCommerce;

/// <summary>A WooCommerce store (REST API v3), bound from <see cref="SectionName"/>.</summary>
public sealed class WooCommerceOptions
{
    public const string SectionName = "Ecommerce:WooCommerce";

    /// <summary>WooCommerce refuses a batch of more than 100 items (<c>woocommerce_rest_request_entity_too_large</c>).</summary>
    public const int MaxBatchSize = 100;

    /// <summary>The adapter's name in the connector (cursors, dead letters and mappings are keyed by it).</summary>
    public string Name { get; set; } = "woocommerce";

    /// <summary>The site's root, e.g. <c>https://shop.example.com/</c>; HTTPS only (the key travels in Basic auth).</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary><c>ck_…</c></summary>
    public string ConsumerKey { get; set; } = "";

    /// <summary><c>cs_…</c></summary>
    public string ConsumerSecret { get; set; } = "";

    /// <summary>Point-of-sale locations whose stock the store sells; empty: all of them.</summary>
    public List<string> Locations { get; set; } = [];

    /// <summary>Items per batch request, at most <see cref="MaxBatchSize"/>.</summary>
    public int BatchSize { get; set; } = MaxBatchSize;

    public StockPolicyOptions Stock { get; set; } = new();

    /// <summary>Retries of a call that failed in passing (429, 5xx, timeout); a 429's Retry-After is obeyed.</summary>
    public int MaxRetryAttempts { get; set; } = 4;

    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Where the store is configured (<c>Ecommerce:Stores:0</c>, or the single-store section), for messages.</summary>
    internal string Section { get; set; } = SectionName;
}

internal sealed class WooCommerceOptionsValidator : IValidateOptions<WooCommerceOptions>
{
    public ValidateOptionsResult Validate(string? name, WooCommerceOptions options)
    {
        var failures = new List<string>();
        var section = options.Section;
        if (options.BaseUrl is null || !options.BaseUrl.IsAbsoluteUri)
        {
            failures.Add($"{section}:BaseUrl is required: the store's absolute address, e.g. https://shop.example.com/.");
        }
        else if (options.BaseUrl.Scheme != Uri.UriSchemeHttps)
        {
            failures.Add($"{section}:BaseUrl must use https (the consumer key and secret travel in Basic auth); it is '{options.BaseUrl}'.");
        }

        if (!options.ConsumerKey.StartsWith("ck_", StringComparison.Ordinal))
        {
            failures.Add($"{section}:ConsumerKey is required and starts with 'ck_'.");
        }

        if (!options.ConsumerSecret.StartsWith("cs_", StringComparison.Ordinal))
        {
            failures.Add($"{section}:ConsumerSecret is required and starts with 'cs_'.");
        }

        if (string.IsNullOrWhiteSpace(options.Name))
        {
            failures.Add($"{section}:Name is required.");
        }

        if (options.BatchSize is < 1 or > WooCommerceOptions.MaxBatchSize)
        {
            failures.Add($"{section}:BatchSize must be 1 to {WooCommerceOptions.MaxBatchSize}; it is {options.BatchSize}.");
        }

        if (options.MaxRetryAttempts is < 0 or > 10)
        {
            failures.Add($"{section}:MaxRetryAttempts must be 0 to 10; it is {options.MaxRetryAttempts}.");
        }

        if (options.AttemptTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{section}:AttemptTimeout must be positive.");
        }

        StockPolicyValidation.Check($"{section}:Stock", options.Stock, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
