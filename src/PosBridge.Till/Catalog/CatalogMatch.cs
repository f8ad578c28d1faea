using PosBridge.Core.Catalog;

namespace PosBridge.Till.Catalog;

/// <summary>A product found by a scan, with what its label carried.</summary>
public sealed record CatalogMatch(Product Product, string ScannedCode, decimal? Quantity = null, decimal? LinePrice = null);
