namespace PosBridge.Ecommerce.Shopify;

/// <summary>
/// Configured location (id or name) → Shopify location id, looked up once per process: a name costs a query,
/// and the inventory objects that use it are made per run.
/// </summary>
internal sealed class ShopifyLocationIds
{
    public Dictionary<string, string>? Resolved { get; set; }
}
