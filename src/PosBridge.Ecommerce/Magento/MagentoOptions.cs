using Microsoft.Extensions.Options;
using PosBridge.Ecommerce.Stock;

namespace PosBridge.Ecommerce.Magento;

/// <summary>A Magento 2 / Adobe Commerce store with Multi-Source Inventory, bound from <see cref="SectionName"/>.</summary>
public sealed class MagentoOptions
{
    public const string SectionName = "Ecommerce:Magento";

    public string Name { get; set; } = "magento";

    /// <summary>The store's root, e.g. <c>https://shop.example.com/</c>; HTTPS only.</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>An integration access token (sent as a Bearer token).</summary>
    public string AccessToken { get; set; } = "";

    /// <summary>Point-of-sale location id → MSI source code. A location not listed does not feed the store.</summary>
    public Dictionary<string, string> Sources { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Source items per request (Magento documents no cap; large bodies time out).</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>
    /// Off by default: Magento's salable quantity is the source quantity minus its own reservations, so pushing
    /// on hand minus reserved would count web orders twice. Turn on only when the system of record's reservations
    /// are ones Magento does not know about.
    /// </summary>
    public bool SubtractReserved { get; set; }

    public StockPolicyOptions Stock { get; set; } = new();

    public int MaxRetryAttempts { get; set; } = 4;

    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Where the store is configured (<c>Ecommerce:Stores:0</c>, or the single-store section), for messages.</summary>
    internal string Section { get; set; } = SectionName;
}

internal sealed class MagentoOptionsValidator : IValidateOptions<MagentoOptions>
{
    public ValidateOptionsResult Validate(string? name, MagentoOptions options)
    {
        var failures = new List<string>();
        var section = options.Section;
        if (options.BaseUrl is null || !options.BaseUrl.IsAbsoluteUri)
        {
            failures.Add($"{section}:BaseUrl is required: the store's absolute address, e.g. https://shop.example.com/.");
        }
        else if (options.BaseUrl.Scheme != Uri.UriSchemeHttps)
        {
            failures.Add($"{section}:BaseUrl must use https (the access token travels with every call); it is '{options.BaseUrl}'.");
        }

        if (string.IsNullOrWhiteSpace(options.AccessToken))
        {
            failures.Add($"{section}:AccessToken is required.");
        }

        if (string.IsNullOrWhiteSpace(options.Name))
        {
            failures.Add($"{section}:Name is required.");
        }

        if (options.Sources.Count == 0)
        {
            failures.Add($"{section}:Sources must map at least one point-of-sale location to an MSI source code.");
        }

        foreach (var (pos, _) in options.Sources.Where(s => string.IsNullOrWhiteSpace(s.Value)))
        {
            failures.Add($"{section}:Sources:{pos} is empty; give the MSI source code.");
        }

        if (options.BatchSize is < 1 or > 1000)
        {
            failures.Add($"{section}:BatchSize must be 1 to 1000; it is {options.BatchSize}.");
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
