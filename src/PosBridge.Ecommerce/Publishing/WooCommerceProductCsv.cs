using System.Globalization;
using CsvHelper;

namespace PosBridge.Ecommerce.Publishing;

/// <summary>
/// WooCommerce's core product importer CSV: a simple product per listing without a group; a group becomes a
/// <c>variable</c> parent row (SKU = the group id) followed by its <c>variation</c> rows. Descriptions are
/// HTML-escaped; Tax status is <c>none</c> for an exempt or zero-rated product, so the store's standard rate is never
/// charged on it; Categories is the catalog's path ("Drinks &gt; Tea", a comma in a name escaped as <c>\,</c>). A
/// product whose stock level is unknown is written as a draft (Published -1), out of stock, with Stock left empty —
/// never 0 as if counted and never in stock without limit — and named in the notes the writer returns.
/// </summary>
public static class WooCommerceProductCsv
{
    private const int MaxAttributes = 3;

    public static IReadOnlyList<string> Columns { get; } = BuildColumns();

    /// <summary>Writes the listings; returns what was written otherwise than asked (a draft for unknown stock), and why.</summary>
    public static async Task<IReadOnlyList<FeedRejection>> WriteAsync(TextWriter writer, IEnumerable<WebListing> listings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(listings);
        var notes = new List<FeedRejection>();
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
                        await WriteRowAsync(csv, Row(listing, "simple", parent: null, listing.Options.Take(MaxAttributes).Select(o => (o.Name, o.Value)), notes), cancellationToken).ConfigureAwait(false);
                    }

                    continue;
                }

                var variants = group.ToList();
                var first = variants[0];
                var attributes = first.Options.Take(MaxAttributes)
                    .Select((o, i) => (o.Name, string.Join(", ", variants.Where(v => v.Options.Count > i).Select(v => v.Options[i].Value).Distinct(StringComparer.Ordinal))))
                    .ToList();
                var parentRow = Row(first, "variable", parent: null, attributes, notes: null);
                if (variants.Any(v => Unknown(v)))
                {
                    parentRow["Published"] = "-1";
                }

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
                    var row = Row(variant, "variation", parent: group.Key, variant.Options.Take(MaxAttributes).Select(o => (o.Name, o.Value)), notes);
                    row["Name"] = variant.Product.Name;
                    await WriteRowAsync(csv, row, cancellationToken).ConfigureAwait(false);
                }
            }

            await csv.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        return notes;
    }

    private static bool Unknown(WebListing listing) => listing.Product.IsStockTracked && listing.AvailableToSell is null;

    private static Dictionary<string, string> Row(WebListing listing, string type, string? parent, IEnumerable<(string Name, string Value)> attributes, List<FeedRejection>? notes)
    {
        var price = listing.EffectivePrice;
        var unknown = Unknown(listing);
        var published = listing.Published && listing.Product.Active && !unknown;
        if (unknown && notes is not null && listing.Published && listing.Product.Active)
        {
            notes.Add(new FeedRejection(listing.Key, "stock level unknown: written as a draft, out of stock, not for sale until its stock is set."));
        }

        var row = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ID"] = "",
            ["Type"] = type,
            ["SKU"] = listing.Product.Sku ?? "",
            ["Name"] = listing.Product.Name,
            ["Published"] = published ? "1" : "-1",
            ["Short description"] = ProductCsvText.Html(listing.ShortDescription),
            ["Description"] = ProductCsvText.Html(listing.Description),
            ["Tax status"] = listing.IsTaxable ? "taxable" : "none",
            ["Tax class"] = "",
            ["In stock?"] = listing.AvailableToSell is { } a ? (a > 0 ? "1" : listing.AllowBackorders ? "backorder" : "0") : unknown ? "0" : "1",
            ["Stock"] = listing.AvailableToSell?.ToString(CultureInfo.InvariantCulture) ?? "",
            ["Backorders allowed?"] = listing.AllowBackorders ? "1" : "0",
            ["Sale price"] = listing.SalePrice is { } sale && sale < price ? Amount(sale) : "",
            ["Regular price"] = Amount(price),
            ["Categories"] = Categories(listing.CategoryName),
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

    /// <summary>WooCommerce splits Categories on commas and levels on '&gt;': a comma inside a name is escaped.</summary>
    private static string Categories(string? path) =>
        path is null ? "" : string.Join(" > ", path.Split('>').Select(p => p.Trim()).Where(p => p.Length > 0).Select(p => p.Replace(",", "\\,", StringComparison.Ordinal)));

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
