using System.Globalization;
using CsvHelper;

namespace PosBridge.Ecommerce.Publishing;

/// <summary>
/// Shopify's product import CSV: one row per variant sharing a Handle; product-level columns only on the first row;
/// further product images on rows of their own. Handles are lower-case ASCII letters, digits and dashes (Arabic
/// names transliterated, the SKU when the name gives nothing), unique in the file; Body (HTML) is the description
/// HTML-escaped; Type is the catalog category. A product whose stock level is unknown is written as a draft (not
/// published) with tracking on and the quantity left empty, never 0 and never active: it cannot be sold before
/// someone sets its stock, and the writer names it in the notes it returns.
/// </summary>
public static class ShopifyProductCsv
{
    public static IReadOnlyList<string> Columns { get; } =
    [
        "Handle", "Title", "Body (HTML)", "Vendor", "Type", "Tags", "Published",
        "Option1 Name", "Option1 Value", "Option2 Name", "Option2 Value", "Option3 Name", "Option3 Value",
        "Variant SKU", "Variant Inventory Tracker", "Variant Inventory Qty", "Variant Inventory Policy",
        "Variant Price", "Variant Compare At Price", "Variant Barcode", "Image Src", "Image Position", "Status",
    ];

    /// <summary>Writes the listings; returns what was written otherwise than asked (a draft for unknown stock), and why.</summary>
    public static async Task<IReadOnlyList<FeedRejection>> WriteAsync(TextWriter writer, IEnumerable<WebListing> listings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(listings);
        var notes = new List<FeedRejection>();
        var handles = new HashSet<string>(StringComparer.Ordinal);
        var csv = CsvWriter.Create(writer, options: null, leaveOpen: true);
        await using (csv.ConfigureAwait(false))
        {
            await csv.WriteRecordAsync([.. Columns], cancellationToken).ConfigureAwait(false);
            foreach (var group in listings.GroupBy(l => l.GroupId ?? l.Key, StringComparer.Ordinal))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var variants = group.ToList();
                var first = variants[0];
                var handle = ProductCsvText.Handle(group.Key, first.Title);
                for (var n = 2; !handles.Add(handle); n++)
                {
                    handle = ProductCsvText.Handle(group.Key, first.Title) + "-" + n.ToString(CultureInfo.InvariantCulture);
                }

                var unknownStock = variants.Where(v => v.Product.IsStockTracked && v.AvailableToSell is null).Select(v => v.Key).ToList();
                var published = first.Published && unknownStock.Count == 0;
                if (first.Published && first.Product.Active && unknownStock.Count > 0)
                {
                    notes.Add(new FeedRejection(group.Key, $"stock level unknown for {string.Join(", ", unknownStock)}: written as a draft, not for sale until its stock is set."));
                }

                var images = variants.SelectMany(v => v.Images).Select(u => u.AbsoluteUri).Distinct(StringComparer.Ordinal).ToList();
                var optionNames = first.Options.Take(3).Select(o => o.Name).ToList();
                var rows = Math.Max(variants.Count, images.Count);
                for (var row = 0; row < rows; row++)
                {
                    var values = new Dictionary<string, string>(StringComparer.Ordinal) { ["Handle"] = handle };
                    if (row == 0)
                    {
                        values["Title"] = first.Title;
                        values["Body (HTML)"] = ProductCsvText.Html(first.Description);
                        values["Vendor"] = first.Brand ?? "";
                        values["Type"] = first.LeafCategory ?? "";
                        values["Tags"] = string.Join(", ", first.Tags);
                        values["Published"] = published ? "TRUE" : "FALSE";
                        values["Status"] = !first.Product.Active ? "archived" : published ? "active" : "draft";
                        if (optionNames.Count == 0)
                        {
                            // Shopify's own convention for a product without variants.
                            values["Option1 Name"] = "Title";
                        }

                        for (var i = 0; i < optionNames.Count; i++)
                        {
                            values[$"Option{i + 1} Name"] = optionNames[i];
                        }
                    }

                    if (row < variants.Count)
                    {
                        AddVariant(values, variants[row], optionNames.Count);
                    }

                    if (row < images.Count)
                    {
                        values["Image Src"] = images[row];
                        values["Image Position"] = (row + 1).ToString(CultureInfo.InvariantCulture);
                    }

                    await csv.WriteRecordAsync(Columns.Select(c => values.GetValueOrDefault(c, "")).ToArray(), cancellationToken).ConfigureAwait(false);
                }
            }

            await csv.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        return notes;
    }

    private static void AddVariant(Dictionary<string, string> values, WebListing variant, int optionCount)
    {
        if (optionCount == 0)
        {
            values["Option1 Value"] = "Default Title";
        }

        for (var i = 0; i < optionCount && i < variant.Options.Count; i++)
        {
            values[$"Option{i + 1} Value"] = variant.Options[i].Value;
        }

        values["Variant SKU"] = variant.Product.Sku ?? "";
        values["Variant Inventory Tracker"] = variant.Product.IsStockTracked ? "shopify" : "";
        values["Variant Inventory Qty"] = variant.AvailableToSell?.ToString(CultureInfo.InvariantCulture) ?? "";
        values["Variant Inventory Policy"] = variant.AllowBackorders ? "continue" : "deny";
        var price = variant.EffectivePrice;
        if (variant.SalePrice is { } sale && sale < price)
        {
            values["Variant Price"] = Amount(sale);
            values["Variant Compare At Price"] = Amount(price);
        }
        else
        {
            values["Variant Price"] = Amount(price);
        }

        values["Variant Barcode"] = variant.Product.Barcode ?? "";
    }

    private static string Amount(decimal amount) => amount.ToString("0.00##", CultureInfo.InvariantCulture);
}
