using System.Collections.Concurrent;

namespace PosBridge.Ecommerce.Stock;

/// <summary>
/// Where a SKU lives in one web store: WooCommerce's product or variation id (with the parent product for a
/// variation), Shopify's inventory item (with its variant).
/// </summary>
public sealed record SkuMapping(string Sku, string ItemId, string? ParentId = null);

/// <summary>
/// Keeps SKU ↔ web-store id mappings so each SKU is resolved once. The connector implements it over its
/// mapping store; <see cref="InMemorySkuMappingStore"/> serves a single process and tests.
/// </summary>
public interface ISkuMappingStore
{
    /// <summary>The mappings known for <paramref name="skus"/> in <paramref name="store"/>; unknown SKUs are left out.</summary>
    ValueTask<IReadOnlyDictionary<string, SkuMapping>> FindAsync(string store, IReadOnlyCollection<string> skus, CancellationToken cancellationToken = default);

    ValueTask SaveAsync(string store, IReadOnlyCollection<SkuMapping> mappings, CancellationToken cancellationToken = default);

    /// <summary>Forgets a mapping the web store no longer honours, so it is resolved again by SKU.</summary>
    ValueTask RemoveAsync(string store, string sku, CancellationToken cancellationToken = default);
}

public sealed class InMemorySkuMappingStore : ISkuMappingStore
{
    private readonly ConcurrentDictionary<(string Store, string Sku), SkuMapping> _mappings = new();

    public ValueTask<IReadOnlyDictionary<string, SkuMapping>> FindAsync(string store, IReadOnlyCollection<string> skus, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(skus);
        var found = new Dictionary<string, SkuMapping>(skus.Count, StringComparer.Ordinal);
        foreach (var sku in skus)
        {
            if (_mappings.TryGetValue((store, sku), out var mapping))
            {
                found[sku] = mapping;
            }
        }

        return ValueTask.FromResult<IReadOnlyDictionary<string, SkuMapping>>(found);
    }

    public ValueTask SaveAsync(string store, IReadOnlyCollection<SkuMapping> mappings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mappings);
        foreach (var mapping in mappings)
        {
            _mappings[(store, mapping.Sku)] = mapping;
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask RemoveAsync(string store, string sku, CancellationToken cancellationToken = default)
    {
        _mappings.TryRemove((store, sku), out _);
        return ValueTask.CompletedTask;
    }
}
