namespace PosBridge.Ecommerce.Shopify;

/// <summary>The GraphQL documents sent to Shopify, named so a fake (and Shopify's logs) can tell them apart.</summary>
internal static class ShopifyOperations
{
    public const string Locations = "PosBridgeLocations";
    public const string LocationsQuery = """
        query PosBridgeLocations {
          locations(first: 250) { nodes { id name } }
        }
        """;

    public const string VariantsBySku = "PosBridgeVariantsBySku";
    public const string VariantsBySkuQuery = """
        query PosBridgeVariantsBySku($query: String!) {
          productVariants(first: 250, query: $query) { nodes { id sku inventoryItem { id } } }
        }
        """;

    public const string InventoryLevels = "PosBridgeInventoryLevels";
    public const string InventoryLevelsQuery = """
        query PosBridgeInventoryLevels($ids: [ID!]!, $locationId: ID!) {
          nodes(ids: $ids) {
            ... on InventoryItem {
              id
              sku
              inventoryLevel(locationId: $locationId) { quantities(names: ["available"]) { name quantity } }
            }
          }
        }
        """;

    public const string SetQuantities = "PosBridgeSetQuantities";
    public const string SetQuantitiesMutation = """
        mutation PosBridgeSetQuantities($input: InventorySetQuantitiesInput!, $idempotencyKey: String!) {
          inventorySetQuantities(input: $input) @idempotent(key: $idempotencyKey) {
            inventoryAdjustmentGroup { id }
            userErrors { field message code }
          }
        }
        """;

    public const string AdjustQuantities = "PosBridgeAdjustQuantities";
    public const string AdjustQuantitiesMutation = """
        mutation PosBridgeAdjustQuantities($input: InventoryAdjustQuantitiesInput!, $idempotencyKey: String!) {
          inventoryAdjustQuantities(input: $input) @idempotent(key: $idempotencyKey) {
            inventoryAdjustmentGroup { changes { name delta quantityAfterChange item { id } location { id } } }
            userErrors { field message code }
          }
        }
        """;

    public const string Products = "PosBridgeProducts";
    public const string ProductsQuery = """
        query PosBridgeProducts($first: Int!, $after: String, $sortKey: ProductSortKeys!, $query: String) {
          products(first: $first, after: $after, sortKey: $sortKey, query: $query) {
            nodes {
              id title status productType updatedAt hasOnlyDefaultVariant
              variants(first: 10) {
                nodes { id sku barcode price taxable inventoryQuantity selectedOptions { name value } inventoryItem { tracked } }
                pageInfo { hasNextPage endCursor }
              }
            }
            pageInfo { hasNextPage endCursor }
          }
        }
        """;

    public const string ProductVariants = "PosBridgeProductVariants";
    public const string ProductVariantsQuery = """
        query PosBridgeProductVariants($id: ID!, $first: Int!, $after: String) {
          product(id: $id) {
            variants(first: $first, after: $after) {
              nodes { id sku barcode price taxable inventoryQuantity selectedOptions { name value } inventoryItem { tracked } }
              pageInfo { hasNextPage endCursor }
            }
          }
        }
        """;
}
