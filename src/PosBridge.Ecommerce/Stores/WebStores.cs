using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using PosBridge.Ecommerce.Magento;
using PosBridge.Ecommerce.Shopify;
using PosBridge.Ecommerce.WooCommerce;

namespace PosBridge.Ecommerce.Stores;

/// <summary>The platforms a web store can be on.</summary>
public static class WebStorePlatforms
{
    public const string WooCommerce = "WooCommerce";
    public const string Shopify = "Shopify";
    public const string Magento = "Magento";

    public static IReadOnlyList<string> All { get; } = [WooCommerce, Shopify, Magento];
}

/// <summary>
/// One configured web store: its name (the connector's adapter name, keying its cursors, mappings, dead letters
/// and feed address), its platform, the configuration section it comes from, and whether it publishes a feed.
/// </summary>
public sealed record WebStore(string Name, string Platform, string Section, bool HasFeed);

/// <summary>
/// Every web store configured: the list <c>Ecommerce:Stores:[{Name, Platform, …}]</c>, and the single-store sections
/// <c>Ecommerce:WooCommerce</c>, <c>Ecommerce:Shopify</c>, <c>Ecommerce:Magento</c> kept from before the list
/// (each one store, named by its <c>Name</c> or the platform's default name).
/// </summary>
public sealed partial class WebStores
{
    public const string ListSection = "Ecommerce:Stores";

    internal WebStores(IReadOnlyList<WebStore> stores, IReadOnlyList<string> problems)
    {
        All = stores;
        Problems = problems;
    }

    /// <summary>The stores that are well formed enough to register, in configuration order.</summary>
    public IReadOnlyList<WebStore> All { get; }

    /// <summary>What is wrong with the list itself (names, platforms); reported at start with every other problem.</summary>
    internal IReadOnlyList<string> Problems { get; }

    public WebStore? Find(string name) => All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.Ordinal));

    /// <summary>Reads the stores from the <c>Ecommerce</c> section.</summary>
    internal static WebStores Read(IConfigurationSection ecommerce)
    {
        var found = new List<(IConfigurationSection Section, string? Platform, string? Name)>();
        foreach (var (path, platform, defaultName) in new[]
        {
            (WooCommerceOptions.SectionName, WebStorePlatforms.WooCommerce, new WooCommerceOptions().Name),
            (ShopifyOptions.SectionName, WebStorePlatforms.Shopify, new ShopifyOptions().Name),
            (MagentoOptions.SectionName, WebStorePlatforms.Magento, new MagentoOptions().Name),
        })
        {
            var section = At(ecommerce, path);
            if (section.Exists())
            {
                found.Add((section, platform, section["Name"] ?? defaultName));
            }
        }

        foreach (var section in At(ecommerce, ListSection).GetChildren())
        {
            found.Add((section, section["Platform"], section["Name"]));
        }

        var stores = new List<WebStore>();
        var problems = new List<string>();
        var byName = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (section, platformText, name) in found)
        {
            var platform = WebStorePlatforms.All.FirstOrDefault(p => string.Equals(p, platformText, StringComparison.OrdinalIgnoreCase));
            var ok = true;
            if (string.IsNullOrWhiteSpace(platformText))
            {
                problems.Add($"{section.Path}:Platform is required: one of {string.Join(", ", WebStorePlatforms.All)}.");
                ok = false;
            }
            else if (platform is null)
            {
                problems.Add($"{section.Path}:Platform is '{platformText}'; use one of {string.Join(", ", WebStorePlatforms.All)}.");
                ok = false;
            }

            if (string.IsNullOrWhiteSpace(name))
            {
                problems.Add($"{section.Path}:Name is required: the store's name in the connector (letters, digits, '-' and '_'), e.g. woo-cairo.");
                ok = false;
            }
            else if (!NamePattern().IsMatch(name))
            {
                problems.Add($"{section.Path}:Name '{name}' may only hold letters, digits, '-' and '_' (at most 64): it names the store's feed address and its adapter.");
                ok = false;
            }
            else if (byName.TryGetValue(name, out var first))
            {
                problems.Add($"{section.Path}:Name '{name}' is already the name of the store at {first}; each store needs its own name.");
                ok = false;
            }
            else
            {
                byName[name] = section.Path;
            }

            if (ok)
            {
                stores.Add(new WebStore(name!, platform!, section.Path, section.GetSection("Feed").Exists()));
            }
        }

        return new WebStores(stores, problems);
    }

    /// <summary>The section at a full path (<c>Ecommerce:Stores:0</c>) given the <c>Ecommerce</c> section it lies in.</summary>
    internal static IConfigurationSection At(IConfigurationSection ecommerce, string path) =>
        path.StartsWith(ecommerce.Path + ":", StringComparison.OrdinalIgnoreCase)
            ? ecommerce.GetSection(path[(ecommerce.Path.Length + 1)..])
            : throw new ArgumentException($"{path} is not under {ecommerce.Path}.", nameof(path));

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex NamePattern();
}

/// <summary>Reports the list's own problems at start, with the platforms' and feeds' problems.</summary>
internal sealed class WebStoresCheck
{
    public WebStores? Stores { get; set; }
}

internal sealed class WebStoresCheckValidator : IValidateOptions<WebStoresCheck>
{
    public ValidateOptionsResult Validate(string? name, WebStoresCheck options) =>
        options.Stores is { Problems.Count: > 0 } stores ? ValidateOptionsResult.Fail(stores.Problems) : ValidateOptionsResult.Success;
}
