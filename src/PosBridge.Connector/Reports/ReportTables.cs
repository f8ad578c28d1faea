using System.Globalization;
using System.Text;
using CsvHelper;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace PosBridge.Connector.Reports;

/// <summary>One table of a report as it is downloaded: named columns and rows of text, whole numbers and amounts.</summary>
internal sealed record ReportTable(string Name, IReadOnlyList<string> Columns, IReadOnlyList<object[]> Rows);

/// <summary>
/// The report's tables (the same figures the page shows) and their CSV and XLSX files. The XLSX is written with
/// DocumentFormat.OpenXml, the package the product files are read with; amounts are numbers in both files.
/// </summary>
internal static class ReportTables
{
    public static readonly IReadOnlyList<string> Names = ["summary", "hours", "days", "products", "categories", "payments", "fees", "tills", "shifts", "customers", "undelivered"];

    public static ReportTable? Find(Report report, string name)
    {
        ArgumentNullException.ThrowIfNull(report);
        return name switch
        {
            "summary" => new(name, ["period", "currency", "sales_count", "refund_count", "transactions", "sales", "refunds", "discounts", "net", "untaxed", "tax", "rounding", "average_basket"],
                [.. report.Summary.SelectMany(s => new[] { Row("current", s.Currency, s.Current), Row("week_earlier", s.Currency, s.WeekEarlier) })]),
            "hours" => new(name, ["currency", "hour", "transactions", "net"], [.. report.Hours.Select(h => new object[] { h.Currency, h.Hour, h.Transactions, h.Net })]),
            "days" => new(name, ["currency", "day", "transactions", "net"], [.. report.Days.Select(d => new object[] { d.Currency, d.Day, d.Transactions, d.Net })]),
            "products" => new(name, ["list", "currency", "product_id", "name", "quantity", "revenue", "untaxed"],
                [.. Products("top_by_quantity", report.Products.TopByQuantity), .. Products("bottom_by_quantity", report.Products.BottomByQuantity),
                 .. Products("top_by_revenue", report.Products.TopByRevenue), .. Products("bottom_by_revenue", report.Products.BottomByRevenue)]),
            "categories" => new(name, ["currency", "category_id", "name", "quantity", "revenue"], [.. report.Categories.Select(c => new object[] { c.Currency, c.CategoryId, c.Name, c.Quantity, c.Revenue })]),
            "payments" => new(name, ["currency", "kind", "method_id", "count", "amount"], [.. report.Payments.Select(p => new object[] { p.Currency, p.Kind, p.MethodId, p.Count, p.Amount })]),
            "fees" => new(name, ["store_id", "currency", "method_id", "count", "amount"], [.. report.Fees.Select(f => new object[] { f.StoreId, f.Currency, f.MethodId, f.Count, f.Amount })]),
            "tills" => new(name, ["store_id", "currency", "till_id", "cashier_id", "cashier_name", "sale_count", "refund_count", "sales", "refunds", "discounts", "net"],
                [.. report.Tills.Select(t => new object[] { t.StoreId, t.Currency, t.TillId, t.CashierId, t.CashierName, t.SaleCount, t.RefundCount, t.Sales, t.Refunds, t.Discounts, t.Net })]),
            "shifts" => new(name, ["store_id", "till_id", "shift_id", "closed_at", "currency", "sale_count", "cash_taken", "expected_cash", "counted_cash", "over_short"],
                [.. report.Shifts.Select(s => new object[] { s.StoreId, s.TillId, s.ShiftId, s.ClosedAt, s.Currency, s.SaleCount, s.CashTaken, s.ExpectedCash, s.CountedCash, s.OverShort })]),
            "customers" => new(name, ["currency", "new_customers", "returning_customers", "sales", "net", "points_earned", "points_spent"],
                [.. report.Customers.Select(c => new object[] { c.Currency, c.NewCustomers, (object?)c.ReturningCustomers ?? string.Empty, c.Sales, c.Net, c.PointsEarned, c.PointsSpent })]),
            "undelivered" => new(name, ["adapter", "store_id", "currency", "count", "amount", "dead_letters"],
                [.. report.Undelivered.Select(u => new object[] { u.Adapter, u.StoreId, u.Currency, u.Count, u.Amount, u.DeadLetters })]),
            _ => null,
        };

        static object[] Row(string period, string currency, Totals t) =>
            [period, currency, t.SaleCount, t.RefundCount, t.Transactions, t.Sales, t.Refunds, t.Discounts, t.Net, t.Untaxed, t.Tax, t.Rounding, t.AverageBasket];

        static IEnumerable<object[]> Products(string list, IReadOnlyList<ProductView> products) =>
            products.Select(p => new object[] { list, p.Currency, p.ProductId, p.Name, p.Quantity, p.Revenue, p.Untaxed });
    }

    /// <summary>UTF-8 with a byte order mark (so spreadsheet programs read Arabic names right), comma, CRLF.</summary>
    public static byte[] Csv(ReportTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        using var buffer = new MemoryStream();
        using (var writer = new StreamWriter(buffer, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), leaveOpen: true) { NewLine = "\r\n" })
        // Formula escaping is done here for text cells only: CsvHelper's would also change negative amounts.
        using (var csv = CsvWriter.Create(writer, new CsvWriterOptions { NewLine = "\r\n", Quoting = CsvQuoting.WhenNeeded, Injection = CsvInjection.None }, leaveOpen: true))
        {
            foreach (var column in table.Columns)
            {
                csv.WriteField(column);
            }

            csv.EndRecord();
            foreach (var row in table.Rows)
            {
                foreach (var value in row)
                {
                    csv.WriteField(Text(value));
                }

                csv.EndRecord();
            }
        }

        return buffer.ToArray();
    }

    public static byte[] Xlsx(ReportTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        using var buffer = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(buffer, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new Workbook();
            var sheetPart = workbook.AddNewPart<WorksheetPart>();
            var data = new SheetData();
            data.Append(new Row(table.Columns.Select(c => (OpenXmlElement)TextCell(c))));
            foreach (var row in table.Rows)
            {
                data.Append(new Row(row.Select(Cell)));
            }

            sheetPart.Worksheet = new Worksheet(data);
            var sheets = workbook.Workbook.AppendChild(new Sheets());
            sheets.Append(new Sheet { Id = workbook.GetIdOfPart(sheetPart), SheetId = 1, Name = table.Name });
            workbook.Workbook.Save();
        }

        return buffer.ToArray();
    }

    private static OpenXmlElement Cell(object value) => value switch
    {
        decimal d => new Cell { DataType = CellValues.Number, CellValue = new CellValue(d.ToString(CultureInfo.InvariantCulture)) },
        long l => new Cell { DataType = CellValues.Number, CellValue = new CellValue(l.ToString(CultureInfo.InvariantCulture)) },
        int i => new Cell { DataType = CellValues.Number, CellValue = new CellValue(i.ToString(CultureInfo.InvariantCulture)) },
        _ => TextCell(Text(value)),
    };

    private static Cell TextCell(string text) => new() { DataType = CellValues.InlineString, InlineString = new InlineString(new Text(text)) };

    /// <summary>
    /// A cell's text. Text that a spreadsheet would run as a formula (a product named "=HYPERLINK(…)") starts with
    /// an apostrophe; numbers are written as numbers.
    /// </summary>
    private static string Text(object value) => value switch
    {
        string s when s.Length > 0 && s[0] is '=' or '+' or '-' or '@' or '\t' or '\r' => "'" + s,
        string s => s,
        decimal d => d.ToString(CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        DateTimeOffset t => t.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
    };
}
