using System.Globalization;
using System.Text;
using CsvHelper;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using PosBridge.Core.Amounts;
using PosBridge.Core.Catalog;
using PosBridge.Core.Stock;

namespace PosBridge.Connector.Catalog;

/// <summary>One thing wrong in a product file, by its row (1 = the header) and column.</summary>
internal sealed record ProductFileProblem(int Row, string? Column, string Message)
{
    public override string ToString() => Column is null ? $"row {Row}: {Message}" : $"row {Row}, {Column}: {Message}";
}

/// <summary>A product file read and checked: what the store's tills and feeds get, or every problem found.</summary>
internal sealed record ProductFileReading(
    IReadOnlyList<Product> Products,
    IReadOnlyList<Category> Categories,
    IReadOnlyList<StockLevel> Stock,
    IReadOnlyList<ProductFileProblem> Problems)
{
    public bool IsValid => Problems.Count == 0;
}

/// <summary>
/// The product file a shop without a back office keeps: CSV (UTF-8, <c>,</c> or <c>;</c>) or XLSX (the first sheet),
/// first row the column names in any order, case ignored: <c>name_ar</c>, <c>name_en</c> (at least one of them),
/// <c>sku</c>, <c>barcode</c>, <c>price</c>, <c>tax</c> (a tax id of the store's configuration, empty: none),
/// <c>category</c>, <c>unit</c>, <c>weighed</c> (yes/no) and <c>stock</c>. Every row is checked and every problem named
/// by row and column; a file with any problem gives no products at all, so a half-read file never reaches a till.
/// </summary>
internal static class ProductFile
{
    public static readonly string[] Columns = ["name_ar", "name_en", "sku", "barcode", "price", "tax", "category", "unit", "weighed", "stock"];

    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["name"] = "name_en",
        ["name_latin"] = "name_en",
        ["name_arabic"] = "name_ar",
        ["ean"] = "barcode",
        ["qty"] = "stock",
        ["weighted"] = "weighed",
    };

    private const int MaxRows = 100_000;

    private static readonly string[] Required = ["sku", "price"];

    private static readonly char[] Separators = [',', ';', '\t'];

    /// <summary>"csv", "xlsx" or null for another extension.</summary>
    public static string? FormatOf(string path) =>
        System.IO.Path.GetExtension(path).ToUpperInvariant() switch
        {
            ".CSV" => "csv",
            ".XLSX" => "xlsx",
            _ => null,
        };

    /// <summary>Reads and checks the file for store <paramref name="storeId"/> with its settings (currency, taxes).</summary>
    public static async Task<ProductFileReading> ReadAsync(string path, string storeId, StoreCatalogOptions settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        List<(int Row, string[] Cells)> rows;
        try
        {
            rows = FormatOf(path) switch
            {
                "csv" => await ReadCsvAsync(path, cancellationToken).ConfigureAwait(false),
                "xlsx" => ReadXlsx(path),
                _ => throw new InvalidDataException($"'{path}' is neither a .csv nor an .xlsx file."),
            };
        }
        catch (Exception e) when (e is InvalidDataException or DocumentFormat.OpenXml.Packaging.OpenXmlPackageException or FileFormatException)
        {
            return new ProductFileReading([], [], [], [new ProductFileProblem(1, null, $"the file cannot be read as {FormatOf(path)?.ToUpperInvariant() ?? "a product file"}: {e.Message}")]);
        }

        return Check(rows, storeId, settings);
    }

    /// <summary>Checks rows (the first is the header) as <see cref="ReadAsync"/> does.</summary>
    internal static ProductFileReading Check(IReadOnlyList<(int Row, string[] Cells)> rows, string storeId, StoreCatalogOptions settings)
    {
        var problems = new List<ProductFileProblem>();
        if (rows.Count == 0)
        {
            return new ProductFileReading([], [], [], [new ProductFileProblem(1, null, $"the file is empty; its first row names the columns: {string.Join(", ", Columns)}.")]);
        }

        var (headerRow, header) = rows[0];
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Length; i++)
        {
            var name = header[i].Trim().TrimStart('\uFEFF').ToLowerInvariant().Replace(' ', '_');
            name = Aliases.GetValueOrDefault(name, name);
            if (name.Length == 0)
            {
                continue;
            }

            if (!Columns.Contains(name))
            {
                problems.Add(new ProductFileProblem(headerRow, header[i], $"'{header[i]}' is not a column of a product file; use {string.Join(", ", Columns)}."));
            }
            else if (!index.TryAdd(name, i))
            {
                problems.Add(new ProductFileProblem(headerRow, name, "the column is named twice."));
            }
        }

        foreach (var required in Required.Where(c => !index.ContainsKey(c)))
        {
            problems.Add(new ProductFileProblem(headerRow, required, "the column is missing."));
        }

        if (!index.ContainsKey("name_ar") && !index.ContainsKey("name_en"))
        {
            problems.Add(new ProductFileProblem(headerRow, "name_ar", "name the products: a name_ar or name_en column (or both) is missing."));
        }

        if (rows.Count - 1 > MaxRows)
        {
            problems.Add(new ProductFileProblem(rows[MaxRows + 1].Row, null, $"the file has more than {MaxRows} products."));
        }

        if (problems.Count > 0)
        {
            return new ProductFileReading([], [], [], problems);
        }

        var currency = Currency.FromCode(settings.Currency!);
        var taxes = settings.TaxDefinitions().ToDictionary(t => t.Id, StringComparer.OrdinalIgnoreCase);
        var products = new List<Product>();
        var categories = new Dictionary<string, Category>(StringComparer.Ordinal);
        var stock = new List<StockLevel>();
        var skus = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var barcodes = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (row, cells) in rows.Skip(1))
        {
            string Cell(string column) => index.TryGetValue(column, out var i) && i < cells.Length ? cells[i].Trim() : string.Empty;
            void Problem(string column, string message) => problems.Add(new ProductFileProblem(row, column, message));

            var nameAr = Cell("name_ar");
            var nameEn = Cell("name_en");
            var sku = Cell("sku");
            if (nameAr.Length == 0 && nameEn.Length == 0 && sku.Length == 0 && Cell("price").Length == 0)
            {
                continue;
            }

            if (cells.Length > header.Length && cells.Skip(header.Length).Any(c => c.Trim().Length > 0))
            {
                problems.Add(new ProductFileProblem(row, null, $"{cells.Length} values, but the header names {header.Length} columns: put a value holding the separator in double quotes (\"310,50\"), or use '.' before decimals."));
            }

            if (nameAr.Length == 0 && nameEn.Length == 0)
            {
                Problem(index.ContainsKey("name_ar") ? "name_ar" : "name_en", "the product has no name; give name_ar, name_en or both.");
            }

            if (nameAr.Length > 0 && !nameAr.Any(c => c is >= '\u0600' and <= '\u06FF'))
            {
                Problem("name_ar", $"'{nameAr}' has no Arabic letters; put a Latin name in name_en.");
            }

            if (nameAr.Length + nameEn.Length > 200)
            {
                Problem(nameAr.Length > nameEn.Length ? "name_ar" : "name_en", "the name is longer than 200 characters.");
            }

            if (sku.Length == 0)
            {
                Problem("sku", "the SKU is missing; every product needs its own (web stores match on it).");
            }
            else if (sku.Length > 64 || sku.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            {
                Problem("sku", $"'{sku}' is not a SKU: up to 64 characters, no spaces.");
            }
            else if (!skus.TryAdd(sku, row))
            {
                Problem("sku", $"'{sku}' is also the SKU of row {skus[sku]}.");
            }

            var barcode = Digits(Cell("barcode"));
            if (barcode.Length > 0)
            {
                if (barcode.Length is not (8 or 12 or 13 or 14) || !barcode.All(char.IsAsciiDigit) || !HasCheckDigit(barcode))
                {
                    Problem("barcode", $"'{barcode}' is not an EAN-13, UPC-A, EAN-8 or GTIN-14 with its check digit.");
                }
                else if (!barcodes.TryAdd(barcode, row))
                {
                    Problem("barcode", $"'{barcode}' is also the barcode of row {barcodes[barcode]}.");
                }
            }

            var priceText = Digits(Cell("price"));
            decimal price = 0m;
            if (priceText.Length == 0)
            {
                Problem("price", "the price is missing.");
            }
            else if (!decimal.TryParse(priceText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out price))
            {
                Problem("price", $"'{priceText}' is not a price: digits with '.' before the decimals, no currency sign or thousands separator.");
            }
            else if (!currency.IsWholeUnits(price))
            {
                Problem("price", $"{priceText} has more decimals than {currency.Code} has ({currency.MinorUnits}).");
            }

            var taxIds = new List<string>();
            var tax = Cell("tax");
            if (tax.Length > 0)
            {
                if (taxes.TryGetValue(tax, out var found))
                {
                    taxIds.Add(found.Id);
                }
                else
                {
                    Problem("tax", taxes.Count == 0
                        ? $"'{tax}' is not a tax of store {storeId}: it has none configured (PosBridge:Stores:{storeId}:Catalog:Taxes)."
                        : $"'{tax}' is not a tax of store {storeId}; use {string.Join(", ", taxes.Keys)} or leave it empty.");
                }
            }

            var weighedText = Cell("weighed").ToLowerInvariant();
            bool weighed = false;
            switch (weighedText)
            {
                case "" or "no" or "n" or "false" or "0" or "لا":
                    break;
                case "yes" or "y" or "true" or "1" or "نعم":
                    weighed = true;
                    break;
                default:
                    Problem("weighed", $"'{Cell("weighed")}' is not yes or no.");
                    break;
            }

            var unit = Cell("unit");
            if (unit.Length == 0)
            {
                unit = weighed ? "kg" : "Units";
            }
            else if (unit.Length > 32)
            {
                Problem("unit", "the unit is longer than 32 characters.");
            }

            var stockText = Digits(Cell("stock"));
            if (stockText.Length > 0)
            {
                if (!decimal.TryParse(stockText, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var onHand))
                {
                    Problem("stock", $"'{stockText}' is not a quantity.");
                }
                else if (onHand < 0m)
                {
                    Problem("stock", $"{stockText} is below zero; count what is on the shelf.");
                }
                else if (!weighed && onHand != decimal.Truncate(onHand))
                {
                    Problem("stock", $"{stockText} is not a whole number, and the product is not weighed.");
                }
                else if (sku.Length > 0)
                {
                    stock.Add(new StockLevel { Sku = sku, LocationId = storeId, OnHand = onHand });
                }
            }

            var category = Cell("category");
            string? categoryId = null;
            if (category.Length > 0)
            {
                categoryId = $"{storeId}:{category}";
                categories.TryAdd(categoryId, new Category { Id = categoryId, Name = category });
            }

            products.Add(new Product
            {
                Id = $"{storeId}:{sku}",
                Name = nameAr.Length == 0 ? nameEn : nameEn.Length == 0 ? nameAr : $"{nameEn} · {nameAr}",
                Sku = sku,
                Barcode = barcode.Length == 0 ? null : barcode,
                CategoryId = categoryId,
                Unit = unit,
                ListPrice = price,
                Currency = currency.Code,
                TaxIds = taxIds,
                IsWeighed = weighed,
                IsStockTracked = stockText.Length > 0,
                Stores = [storeId],
            });
        }

        if (problems.Count == 0 && products.Count == 0)
        {
            problems.Add(new ProductFileProblem(headerRow + 1, null, "the file has no products under its header."));
        }

        return problems.Count > 0
            ? new ProductFileReading([], [], [], problems)
            : new ProductFileReading(products, [.. categories.Values], stock, []);
    }

    /// <summary>GS1's check digit: weights 3 and 1 from the right, the total a multiple of 10.</summary>
    private static bool HasCheckDigit(string code)
    {
        var sum = 0;
        for (var i = 0; i < code.Length; i++)
        {
            sum += (code[code.Length - 1 - i] - '0') * (i % 2 == 1 ? 3 : 1);
        }

        return sum % 10 == 0;
    }

    /// <summary>Arabic-Indic and Persian digits and the Arabic decimal point as ASCII, so a file typed in Arabic reads the same.</summary>
    private static string Digits(string text)
    {
        if (text.All(c => c < 128))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                >= '\u0660' and <= '\u0669' => (char)('0' + (c - '\u0660')),
                >= '\u06F0' and <= '\u06F9' => (char)('0' + (c - '\u06F0')),
                '\u066B' => '.',
                _ => c,
            });
        }

        return builder.ToString();
    }

    private static async Task<List<(int Row, string[] Cells)>> ReadCsvAsync(string path, CancellationToken cancellationToken)
    {
        // A spreadsheet saved as CSV in an Arabic or European locale separates with ';': the header line tells.
        string first;
        using (var peek = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true))
        {
            first = await peek.ReadLineAsync(cancellationToken).ConfigureAwait(false) ?? string.Empty;
        }

        var separator = Separators.MaxBy(c => first.Count(x => x == c));
        var options = new CsvReaderOptions
        {
            Separator = separator,
            HasHeader = false,
            TrackLineNumbers = true,
            TrimWhitespace = true,
            SkipEmptyLines = true,
            MalformedData = CsvMalformedDataHandling.Throw,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
        };
        var rows = new List<(int, string[])>();
        try
        {
            using var csv = CsvReader.FromFile(path, options);
            while (csv.Read())
            {
                cancellationToken.ThrowIfCancellationRequested();
                var cells = new string[csv.FieldCount];
                for (var i = 0; i < cells.Length; i++)
                {
                    cells[i] = csv.GetString(i);
                }

                rows.Add((checked((int)csv.LineNumber), cells));
            }
        }
        catch (CsvFormatException e)
        {
            throw new InvalidDataException($"line {e.LineNumber} is malformed ({e.Message})", e);
        }

        return rows;
    }

    /// <summary>The first worksheet's rows as text; numbers as Excel stores them, read back to the decimal the owner typed.</summary>
    private static List<(int Row, string[] Cells)> ReadXlsx(string path)
    {
        using var document = SpreadsheetDocument.Open(path, false);
        var workbook = document.WorkbookPart ?? throw new InvalidDataException("it has no workbook.");
        var sheet = workbook.Workbook.Sheets?.Elements<Sheet>().FirstOrDefault() ?? throw new InvalidDataException("it has no worksheet.");
        var part = (WorksheetPart)workbook.GetPartById(sheet.Id!.Value!);
        var shared = workbook.SharedStringTablePart?.SharedStringTable.Elements<SharedStringItem>().Select(s => s.InnerText).ToList() ?? [];
        var rows = new List<(int, string[])>();
        foreach (var row in part.Worksheet.Descendants<Row>())
        {
            var cells = new List<string>();
            foreach (var cell in row.Elements<Cell>())
            {
                var column = ColumnIndex(cell.CellReference?.Value) ?? cells.Count;
                while (cells.Count < column)
                {
                    cells.Add(string.Empty);
                }

                cells.Add(CellText(cell, shared));
            }

            rows.Add(((int)(row.RowIndex?.Value ?? (uint)rows.Count + 1), cells.ToArray()));
        }

        return rows;
    }

    private static string CellText(Cell cell, List<string> shared)
    {
        var raw = cell.CellValue?.Text ?? string.Empty;
        if (cell.DataType is null)
        {
            // A number: Excel keeps a double; the shortest decimal that reads back to it is what was typed.
            return double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                ? ((decimal)number).ToString(CultureInfo.InvariantCulture)
                : raw;
        }

        var type = cell.DataType.Value;
        if (type == CellValues.SharedString)
        {
            return int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < shared.Count ? shared[i] : string.Empty;
        }

        if (type == CellValues.InlineString)
        {
            return cell.InlineString?.InnerText ?? string.Empty;
        }

        if (type == CellValues.Boolean)
        {
            return raw == "1" || raw.Equals("true", StringComparison.OrdinalIgnoreCase) ? "yes" : "no";
        }

        return raw;
    }

    private static int? ColumnIndex(string? reference)
    {
        if (string.IsNullOrEmpty(reference))
        {
            return null;
        }

        var index = 0;
        foreach (var c in reference.TakeWhile(char.IsAsciiLetter))
        {
            index = (index * 26) + (char.ToUpperInvariant(c) - 'A' + 1);
        }

        return index - 1;
    }
}
