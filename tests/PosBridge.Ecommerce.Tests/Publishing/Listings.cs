using PosBridge.Core.Catalog;
using PosBridge.Ecommerce.Publishing;

namespace PosBridge.Ecommerce.Tests.Publishing;

internal static class Listings
{
    public static WebListing Valid(string sku = "MUG-1", int? stock = 5) => new()
    {
        Product = new Product
        {
            Id = "product-" + sku,
            Name = "Blue mug",
            Sku = sku,
            Barcode = "6221234567891",
            Unit = "Units",
            ListPrice = 150m,
            Currency = "EGP",
            TaxIds = ["vat14"],
        },
        Description = "A blue stoneware mug, 350 ml.",
        Link = new Uri($"https://shop.example.com/p/{sku}"),
        ImageLink = new Uri($"https://shop.example.com/img/{sku}.jpg"),
        Brand = "Nile Pottery",
        CategoryName = "Home > Kitchen",
        AvailableToSell = stock,
    };

    public static WebListing Variant(string sku, string size, int stock) => Valid(sku, stock) with
    {
        GroupId = "SHIRT",
        GroupTitle = "Linen shirt",
        Options = [new ListingOption("Size", size)],
        Product = Valid(sku).Product with { Name = $"Linen shirt {size}", Barcode = null },
    };
}
