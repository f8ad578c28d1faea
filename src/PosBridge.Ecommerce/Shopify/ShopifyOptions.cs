using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using PosBridge.Ecommerce.Stock;

namespace PosBridge.Ecommerce.Shopify;

/// <summary>A Shopify store (Admin GraphQL API), bound from <see cref="SectionName"/>.</summary>
public sealed class ShopifyOptions
{
    public const string SectionName = "Ecommerce:Shopify";

    /// <summary>Shopify caps array inputs (quantities, changes, ids) at 250 items.</summary>
    public const int MaxItemsPerCall = 250;

    public string Name { get; set; } = "shopify";

    /// <summary>The shop's domain, e.g. <c>cairo-shop.myshopify.com</c> (no scheme).</summary>
    public string ShopDomain { get; set; } = "";

    /// <summary>An Admin API access token (sent as <c>X-Shopify-Access-Token</c>).</summary>
    public string AccessToken { get; set; } = "";

    /// <summary>A version with <c>changeFromQuantity</c> and <c>@idempotent</c> on inventory mutations.</summary>
    public string ApiVersion { get; set; } = "2026-01";

    /// <summary>
    /// Point-of-sale location id → Shopify location, either its id (<c>gid://shopify/Location/…</c>) or its
    /// name (resolved once). A point-of-sale location not listed does not feed the store.
    /// </summary>
    public Dictionary<string, string> Locations { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Quantities per <c>inventorySetQuantities</c>, ids per read, at most <see cref="MaxItemsPerCall"/>.</summary>
    public int BatchSize { get; set; } = MaxItemsPerCall;

    /// <summary>How many times a compare-and-swap mismatch is re-read and retried before giving up for this run.</summary>
    public int MaxCompareAndSwapAttempts { get; set; } = 3;

    public StockPolicyOptions Stock { get; set; } = new();

    public int MaxRetryAttempts { get; set; } = 4;

    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Where the store is configured (<c>Ecommerce:Stores:0</c>, or the single-store section), for messages.</summary>
    internal string Section { get; set; } = SectionName;
}

internal sealed partial class ShopifyOptionsValidator : IValidateOptions<ShopifyOptions>
{
    public ValidateOptionsResult Validate(string? name, ShopifyOptions options)
    {
        var failures = new List<string>();
        var section = options.Section;
        if (string.IsNullOrWhiteSpace(options.ShopDomain) || options.ShopDomain.Contains("://", StringComparison.Ordinal) || options.ShopDomain.Contains('/', StringComparison.Ordinal))
        {
            failures.Add($"{section}:ShopDomain is required, a bare domain such as cairo-shop.myshopify.com; it is '{options.ShopDomain}'.");
        }

        if (string.IsNullOrWhiteSpace(options.AccessToken))
        {
            failures.Add($"{section}:AccessToken is required.");
        }

        if (!ApiVersionPattern().IsMatch(options.ApiVersion ?? ""))
        {
            failures.Add($"{section}:ApiVersion must look like 2026-01; it is '{options.ApiVersion}'.");
        }

        if (string.IsNullOrWhiteSpace(options.Name))
        {
            failures.Add($"{section}:Name is required.");
        }

        if (options.Locations.Count == 0)
        {
            failures.Add($"{section}:Locations must map at least one point-of-sale location to a Shopify location.");
        }

        foreach (var (pos, location) in options.Locations.Where(l => string.IsNullOrWhiteSpace(l.Value)))
        {
            failures.Add($"{section}:Locations:{pos} is empty; give a Shopify location id or name.");
        }

        if (options.BatchSize is < 1 or > ShopifyOptions.MaxItemsPerCall)
        {
            failures.Add($"{section}:BatchSize must be 1 to {ShopifyOptions.MaxItemsPerCall}; it is {options.BatchSize}.");
        }

        if (options.MaxCompareAndSwapAttempts is < 1 or > 10)
        {
            failures.Add($"{section}:MaxCompareAndSwapAttempts must be 1 to 10; it is {options.MaxCompareAndSwapAttempts}.");
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

    [GeneratedRegex(@"^\d{4}-\d{2}$")]
    private static partial Regex ApiVersionPattern();
}
