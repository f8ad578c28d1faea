using System.Text.Json;
using System.Text.Json.Serialization;
using PosBridge.Core.Loyalty;
using PosBridge.Core.Sales;
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

    /// <summary>
    /// The stores that sell it, for a catalog kept per store (a product file, a web store); empty: every store. Used
    /// between a source and the connector; a till receives only its store's products, with this list left empty.
    /// </summary>
    public IReadOnlyList<string> Stores { get; init; } = [];

    /// <summary>True when store <paramref name="storeId"/> sells it.</summary>
    public bool IsSoldAt(string storeId) =>
        Stores.Count == 0 || Stores.Any(s => string.Equals(s, storeId, StringComparison.OrdinalIgnoreCase));
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

    /// <summary>
    /// Payment methods the back office offers, changed since the cursor. From a source they may be scoped with
    /// <see cref="PaymentMethod.OfferedAt"/>; the connector hands each till only the ones offered to it. Absent in
    /// older documents: none.
    /// </summary>
    public IReadOnlyList<PaymentMethod> PaymentMethods { get; init; } = [];

    /// <summary>Payment methods no longer offered (archived, or taken off this till's configuration).</summary>
    public IReadOnlyList<string> RemovedPaymentMethodIds { get; init; } = [];

    /// <summary>Loyalty programs (rules and rewards) changed since the cursor. Absent in older documents: none.</summary>
    public IReadOnlyList<LoyaltyProgram> LoyaltyPrograms { get; init; } = [];

    /// <summary>Loyalty programs ended or archived in the back office.</summary>
    public IReadOnlyList<string> RemovedLoyaltyProgramIds { get; init; } = [];

    /// <summary>Customers' loyalty cards (holder, code, points) changed since the cursor. Absent in older documents: none.</summary>
    public IReadOnlyList<LoyaltyCard> LoyaltyCards { get; init; } = [];

    /// <summary>Cards deleted in the back office.</summary>
    public IReadOnlyList<string> RemovedLoyaltyCardIds { get; init; } = [];

    public required string NextCursor { get; init; }

    /// <summary>More changes are waiting: ask again with <see cref="NextCursor"/> now.</summary>
    public bool HasMore { get; init; }

    /// <summary>
    /// Rows still waiting after this page, when the source can count them cheaply, so a till's first pull can say
    /// "page 3 of 12"; null when unknown (a source that cannot count, or an older connector).
    /// </summary>
    public int? RemainingRows { get; init; }
}

/// <summary>
/// A way to pay as the back office defines it for a store or till (Odoo's <c>pos.payment.method</c>): its id goes
/// on each <see cref="Payment.MethodId"/>, its kind decides how the till takes it (cash in the drawer, a card or
/// wallet through the payment terminal, a QR transfer confirmed by reference, "pay later" to a customer account).
/// </summary>
public sealed record PaymentMethod
{
    /// <summary>The id payments carry; the back office maps it back (Odoo: the <c>pos.payment.method</c> id, or our id from <c>Odoo:Pos:PaymentMethods</c>).</summary>
    public required string Id { get; init; }

    public required string Name { get; init; }

    public required PaymentKind Kind { get; init; }

    /// <summary>
    /// Where the method is offered: "STORE/TILL", "STORE", or "*/TILL" entries; empty: every till. Used between a
    /// source and the connector; a till receives only methods offered to it, with this list left empty.
    /// </summary>
    public IReadOnlyList<string> OfferedAt { get; init; } = [];

    /// <summary>True when offered to the till <paramref name="tillId"/> of store <paramref name="storeId"/>.</summary>
    public bool IsOfferedTo(string storeId, string tillId) =>
        OfferedAt.Count == 0
        || OfferedAt.Any(o => string.Equals(o, storeId, StringComparison.OrdinalIgnoreCase)
            || string.Equals(o, storeId + "/" + tillId, StringComparison.OrdinalIgnoreCase)
            || string.Equals(o, "*/" + tillId, StringComparison.OrdinalIgnoreCase));
}

/// <summary>Writes an enum as its camel-case name ("customerAccount"); reads names and, for older documents, numbers.</summary>
public sealed class CamelCaseEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.CamelCase, allowIntegerValues: true)
    where TEnum : struct, Enum;
