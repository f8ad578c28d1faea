using PosBridge.Core.Taxes;

namespace PosBridge.Core.Catalog;

/// <summary>A product as tills and web stores see it, keyed by the system of record's id.</summary>
public sealed record Product
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    /// <summary>Internal reference (Odoo's <c>default_code</c>); the key web stores match on.</summary>
    public string? Sku { get; init; }

    /// <summary>EAN-13, UPC-A or EAN-8, with its check digit.</summary>
    public string? Barcode { get; init; }

    public string? CategoryId { get; init; }

    /// <summary>Unit of measure: "Units", "kg", …</summary>
    public required string Unit { get; init; }

    /// <summary>The list price per unit in <see cref="Currency"/>; tax included or not as its taxes say.</summary>
    public required decimal ListPrice { get; init; }

    public required string Currency { get; init; }

    public required IReadOnlyList<string> TaxIds { get; init; }

    /// <summary>Sold by weight or measure: quantities may be decimal.</summary>
    public bool IsWeighed { get; init; }

    /// <summary>Stock is counted for it (not a service).</summary>
    public bool IsStockTracked { get; init; } = true;

    /// <summary>False once archived: tills stop selling it; it stays for refunds.</summary>
    public bool Active { get; init; } = true;
}

public sealed record Category
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    public string? ParentId { get; init; }
}

/// <summary>
/// One page of catalog changes since a cursor. <see cref="NextCursor"/> is opaque to everyone but the
/// source that made it; pass it back to continue. Removed products are listed by id.
/// </summary>
public sealed record CatalogChanges
{
    public required IReadOnlyList<Product> Products { get; init; }

    public required IReadOnlyList<TaxDefinition> Taxes { get; init; }

    public required IReadOnlyList<Category> Categories { get; init; }

    public IReadOnlyList<string> RemovedProductIds { get; init; } = [];

    public required string NextCursor { get; init; }

    /// <summary>More changes are waiting: ask again with <see cref="NextCursor"/> now.</summary>
    public bool HasMore { get; init; }
}
