using System.Globalization;
using CsvHelper;

namespace PosBridge.Ecommerce.Publishing;

/// <summary>
/// WooCommerce's core product importer CSV: a simple product per listing without a group; a group becomes a
/// <c>variable</c> parent row (SKU = the group id) followed by its <c>variation</c> rows. A missing stock
/// level is left empty, never 0.
/// </summary>
public static class WooCommerceProductCsv
{
    private const int MaxAttributes = 3;

    public static IReadOnlyList<string> Columns { get; } = BuildColumns();

    public static async Task WriteAsync(TextWriter writer, IEnumerable<WebListing> listings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(listings);
        var csv = CsvWriter.Create(writer, options: null, leaveOpen: true);
        await using (csv.ConfigureAwait(false))
        {
            await csv.WriteRecordAsync([.. Columns], cancellationToken).ConfigureAwait(false);
            foreach (var group in listings.GroupBy(l => l.GroupId, StringComparer.Ordinal))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (group.Key is null)
                {
                    foreach (var listing in group)
                    {
                        await WriteRowAsync(csv, Row(listing, "simple", parent: null, listing.Options.Take(MaxAttributes).Select(o => (o.Name, o.Value))), cancellationToken).ConfigureAwait(false);
                    }

                    continue;
                }

                var variants = group.ToList();
                var first = variants[0];
                var attributes = first.Options.Take(MaxAttributes)
                    .Select((o, i) => (o.Name, string.Join(", ", variants.Where(v => v.Options.Count > i).Select(v => v.Options[i].Value).Distinct(StringComparer.Ordinal))))
                    .ToList();
                var parentRow = Row(first, "variable", parent: null, attributes);
                parentRow["SKU"] = group.Key;
                parentRow["Name"] = first.Title;
                parentRow["Stock"] = "";
                parentRow["In stock?"] = "";
                parentRow["Backorders allowed?"] = "";
                parentRow["Regular price"] = "";
                parentRow["Sale price"] = "";
                parentRow["Images"] = string.Join(", ", variants.SelectMany(v => v.Images).Select(u => u.AbsoluteUri).Distinct(StringComparer.Ordinal));
                await WriteRowAsync(csv, parentRow, cancellationToken).ConfigureAwait(false);
                foreach (var variant in variants)
                {
                    var row = Row(variant, "variation", parent: group.Key, variant.Options.Take(MaxAttributes).Select(o => (o.Name, o.Value)));
                    row["Name"] = variant.Product.Name;
                    await WriteRowAsync(csv, row, cancellationToken).ConfigureAwait(false);
                }
            }

            await csv.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static Dictionary<string, string> Row(WebListing listing, string type, string? parent, IEnumerable<(string Name, string Value)> attributes)
    {
        var price = listing.EffectivePrice;
        var row = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ID"] = "",
            ["Type"] = type,
            ["SKU"] = listing.Product.Sku ?? "",
            ["Name"] = listing.Product.Name,
            ["Published"] = listing.Published && listing.Product.Active ? "1" : "-1",
            ["Short description"] = listing.ShortDescription ?? "",
            ["Description"] = listing.Description ?? "",
            ["Tax status"] = listing.Product.TaxIds.Count > 0 ? "taxable" : "none",
            ["Tax class"] = "",
            ["In stock?"] = listing.AvailableToSell is { } a ? (a > 0 ? "1" : listing.AllowBackorders ? "backorder" : "0") : "",
            ["Stock"] = listing.AvailableToSell?.ToString(CultureInfo.InvariantCulture) ?? "",
            ["Backorders allowed?"] = listing.AllowBackorders ? "1" : "0",
            ["Sale price"] = listing.SalePrice is { } sale && sale < price ? Amount(sale) : "",
            ["Regular price"] = Amount(price),
            ["Categories"] = listing.CategoryName ?? "",
            ["Images"] = string.Join(", ", listing.Images.Select(u => u.AbsoluteUri)),
            ["Parent"] = parent ?? "",
        };
        var n = 1;
        foreach (var (name, value) in attributes)
        {
            row[$"Attribute {n} name"] = name;
            row[$"Attribute {n} value(s)"] = value;
            row[$"Attribute {n} visible"] = "1";
            row[$"Attribute {n} global"] = "0";
            n++;
        }

        return row;
    }

    private static ValueTask WriteRowAsync(CsvWriter csv, Dictionary<string, string> row, CancellationToken cancellationToken) =>
        csv.WriteRecordAsync(Columns.Select(c => row.GetValueOrDefault(c, "")).ToArray(), cancellationToken);

    private static string Amount(decimal amount) => amount.ToString("0.00##", CultureInfo.InvariantCulture);

    private static List<string> BuildColumns()
    {
        var columns = new List<string>
        {
            "ID", "Type", "SKU", "Name", "Published", "Short description", "Description", "Tax status", "Tax class",
            "In stock?", "Stock", "Backorders allowed?", "Sale price", "Regular price", "Categories", "Images", "Parent",
        };
        for (var i = 1; i <= MaxAttributes; i++)
        {
            columns.AddRange([$"Attribute {i} name", $"Attribute {i} value(s)", $"Attribute {i} visible", $"Attribute {i} global"]);
        }

        return columns;
    }
}
