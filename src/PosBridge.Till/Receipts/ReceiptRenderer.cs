using System.Globalization;
using System.Net;
using System.Text;

namespace PosBridge.Till.Receipts;

/// <summary>
/// Lays a <see cref="Receipt"/> out as fixed-width text (32 columns for 58 mm, 48 for 80 mm), as ESC/POS
/// bytes for a thermal printer, or as an HTML page (e-mail, SMS link, screen).
/// </summary>
public static class ReceiptRenderer
{
    static ReceiptRenderer() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>
    /// Plain text, one receipt line per line, <paramref name="columns"/> wide. Arabic stays in logical order
    /// (a text viewer lays it out right to left); columns count what a monospace font shows, not harakat.
    /// </summary>
    public static string RenderText(Receipt receipt, int columns = 48)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 24);
        var text = new StringBuilder();
        foreach (var row in Layout(receipt, columns))
        {
            switch (row.Style)
            {
                case RowStyle.SaleQr:
                    foreach (var part in Wrap(row.Text, columns))
                    {
                        text.Append(Center(part, columns)).Append('\n');
                    }

                    break;
                case RowStyle.ZatcaQr:
                    foreach (var part in Wrap("ZATCA QR: " + row.Text, columns))
                    {
                        text.Append(part).Append('\n');
                    }

                    break;
                default:
                    text.Append(row.Centered ? Center(row.Text, columns) : row.Text).Append('\n');
                    break;
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// ESC/POS commands: initialise, select the code page, lines with alignment and bold, the QR codes
    /// (native <c>GS ( k</c> or a raster image), feed and cut. See <see cref="EscPosOptions"/> for Arabic.
    /// </summary>
    public static byte[] RenderEscPos(Receipt receipt, EscPosOptions options)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        ArgumentNullException.ThrowIfNull(options);
        var encoding = Encoding.GetEncoding(options.ArabicCodePage ? 864 : 437, new EncoderReplacementFallback("?"), DecoderFallback.ReplacementFallback);
        using var bytes = new MemoryStream();
        bytes.Write([Esc, (byte)'@']); // initialise
        bytes.Write([Esc, (byte)'t', options.ArabicCodePage ? options.ArabicCodeTable : (byte)0]);
        foreach (var row in Layout(receipt, options.Columns))
        {
            switch (row.Style)
            {
                case RowStyle.SaleQr or RowStyle.ZatcaQr:
                    bytes.Write([Esc, (byte)'a', 1]);
                    if (options.NativeQr)
                    {
                        NativeQr(bytes, row.Text, options.QrModuleSize);
                    }
                    else
                    {
                        RasterQr(bytes, row.Text, options);
                    }

                    bytes.WriteByte(Lf);
                    break;
                default:
                    var line = row.Centered ? row.Text : Pad(row.Text, options.Columns);
                    if (options.ArabicCodePage && ArabicPrintText.HasArabic(line))
                    {
                        line = ArabicPrintText.ToVisual(line);
                    }

                    bytes.Write([Esc, (byte)'a', row.Centered ? (byte)1 : (byte)0]);
                    bytes.Write([Esc, (byte)'E', row.Bold ? (byte)1 : (byte)0]);
                    bytes.Write([Gs, (byte)'!', row.Style == RowStyle.Title ? (byte)0x01 : (byte)0x00]); // title: double height
                    bytes.Write(options.ArabicCodePage ? ArabicPrintText.Encode(line, encoding) : encoding.GetBytes(line));
                    bytes.WriteByte(Lf);
                    break;
            }
        }

        bytes.Write([Esc, (byte)'E', 0, Gs, (byte)'!', 0, Esc, (byte)'a', 0]);
        bytes.Write([Gs, (byte)'V', 66, 3]); // feed 3 lines past the cutter, then cut (partial, leaving a hinge)
        return bytes.ToArray();
    }

    /// <summary>
    /// A self-contained HTML page: <c>lang</c> and <c>dir="rtl"</c> for Arabic, every number isolated
    /// left to right (<c>&lt;bdi dir="ltr"&gt;</c>) so amounts read whole inside Arabic text, and the QR codes
    /// as PNG data URIs (no request leaves the page, so it works offline and in e-mail).
    /// </summary>
    public static string RenderHtml(Receipt receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        var html = new StringBuilder();
        var dir = receipt.RightToLeft ? "rtl" : "ltr";
        html.Append(CultureInfo.InvariantCulture, $"<!DOCTYPE html>\n<html lang=\"{receipt.Language}\" dir=\"{dir}\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        html.Append("<title>").Append(E(receipt.Title)).Append(' ').Append(E(receipt.SaleNumber)).Append("</title>\n");
        html.Append("<style>body{font-family:system-ui,'Noto Naskh Arabic',sans-serif;max-width:26rem;margin:1rem auto;padding:0 1rem}")
            .Append("h1,h2,.store,figure{text-align:center}h1{font-size:1.2rem}h2{font-size:1.05rem;margin:.2rem 0}")
            .Append("table{width:100%;border-collapse:collapse}td{padding:.15rem 0;vertical-align:top}td.n{text-align:end;white-space:nowrap}")
            .Append(".detail{font-size:.85em;color:#555}tr.total td{font-weight:bold;border-top:1px solid #000}")
            .Append("section{border-top:1px dashed #999;margin-top:.5rem;padding-top:.5rem}img{image-rendering:pixelated}</style>\n</head>\n<body>\n<main>\n");
        html.Append("<h1>").Append(E(receipt.Title)).Append("</h1>\n");
        if (receipt.StoreName.Length > 0)
        {
            html.Append("<h2>").Append(E(receipt.StoreName)).Append("</h2>\n");
        }

        foreach (var line in receipt.StoreLines)
        {
            html.Append("<p class=\"store\">").Append(Numbers(line)).Append("</p>\n");
        }

        html.Append("<section><table class=\"header\">\n");
        foreach (var item in receipt.Header)
        {
            html.Append("<tr><td>").Append(E(item.Label)).Append("</td><td class=\"n\">").Append(Numbers(item.Amount)).Append("</td></tr>\n");
        }

        html.Append("</table></section>\n<section><table class=\"lines\">\n");
        foreach (var line in receipt.Lines)
        {
            html.Append("<tr><td>").Append(E(line.Name));
            html.Append("<div class=\"detail\">").Append(Num(line.Quantity)).Append(" × ").Append(Num(line.UnitPrice));
            if (line.Discount is { } discount)
            {
                html.Append(' ').Append(Num(discount));
            }

            if (line.Note is { Length: > 0 } note)
            {
                html.Append(" — ").Append(E(note));
            }

            html.Append("</div></td><td class=\"n\">").Append(Num(line.Total)).Append("</td></tr>\n");
        }

        html.Append("</table></section>\n<section><table class=\"totals\">\n");
        for (var i = 0; i < receipt.Totals.Count; i++)
        {
            var total = receipt.Totals[i];
            html.Append(i == receipt.Totals.Count - 1 ? "<tr class=\"total\"><td>" : "<tr><td>")
                .Append(E(total.Label)).Append("</td><td class=\"n\">").Append(Num(total.Amount)).Append("</td></tr>\n");
        }

        html.Append("</table></section>\n<section><table class=\"payments\">\n");
        foreach (var payment in receipt.Payments)
        {
            html.Append("<tr><td>").Append(E(payment.Label));
            if (payment.Detail is { Length: > 0 } detail)
            {
                html.Append("<div class=\"detail\">").Append(Num(detail)).Append("</div>");
            }

            html.Append("</td><td class=\"n\">").Append(Num(payment.Amount)).Append("</td></tr>\n");
        }

        html.Append("</table></section>\n");
        foreach (var line in receipt.FooterLines)
        {
            html.Append("<p class=\"store\">").Append(E(line)).Append("</p>\n");
        }

        if (receipt.ZatcaQr is { } zatca)
        {
            html.Append("<figure class=\"zatca\">").Append(Image(zatca, "ZATCA QR")).Append("</figure>\n");
        }

        html.Append("<figure class=\"sale-code\">").Append(Image(receipt.SaleCode, receipt.SaleCode))
            .Append("<figcaption>").Append(Num(receipt.SaleNumber)).Append("</figcaption></figure>\n");
        html.Append("</main>\n</body>\n</html>\n");
        return html.ToString();
    }

    private const byte Esc = 0x1B;
    private const byte Gs = 0x1D;
    private const byte Lf = 0x0A;

    private enum RowStyle
    {
        Plain,
        Title,
        SaleQr,
        ZatcaQr,
    }

    private sealed record Row(string Text, RowStyle Style = RowStyle.Plain, bool Centered = false, bool Bold = false);

    /// <summary>The receipt as rows of at most <paramref name="columns"/> columns, shared by the text and printer outputs.</summary>
    private static List<Row> Layout(Receipt receipt, int columns)
    {
        var rows = new List<Row>();
        var rule = new string('-', columns);
        rows.Add(new Row(receipt.Title, RowStyle.Title, Centered: true, Bold: true));
        if (receipt.StoreName.Length > 0)
        {
            rows.AddRange(Wrap(receipt.StoreName, columns).Select(t => new Row(t, Centered: true, Bold: true)));
        }

        rows.AddRange(receipt.StoreLines.SelectMany(l => Wrap(l, columns)).Select(t => new Row(t, Centered: true)));
        rows.Add(new Row(rule));
        rows.AddRange(receipt.Header.SelectMany(h => Pair(h.Label, h.Amount, columns)).Select(t => new Row(t)));
        rows.Add(new Row(rule));
        foreach (var line in receipt.Lines)
        {
            rows.AddRange(Wrap(line.Name, columns).Select(t => new Row(t)));
            var detail = "  " + line.Quantity + " x " + line.UnitPrice + (line.Discount is { } d ? " " + d : string.Empty);
            rows.AddRange(Pair(detail, line.Total, columns).Select(t => new Row(t)));
            if (line.Note is { Length: > 0 } note)
            {
                rows.AddRange(Wrap("  " + note, columns).Select(t => new Row(t)));
            }
        }

        rows.Add(new Row(rule));
        for (var i = 0; i < receipt.Totals.Count; i++)
        {
            var last = i == receipt.Totals.Count - 1;
            rows.AddRange(Pair(receipt.Totals[i].Label, receipt.Totals[i].Amount, columns).Select(t => new Row(t, Bold: last)));
        }

        rows.Add(new Row(rule));
        foreach (var payment in receipt.Payments)
        {
            rows.AddRange(Pair(payment.Label, payment.Amount, columns).Select(t => new Row(t)));
            if (payment.Detail is { Length: > 0 } detail)
            {
                rows.AddRange(Wrap("  " + detail, columns).Select(t => new Row(t)));
            }
        }

        if (receipt.FooterLines.Count > 0)
        {
            rows.Add(new Row(rule));
            rows.AddRange(receipt.FooterLines.SelectMany(l => Wrap(l, columns)).Select(t => new Row(t, Centered: true)));
        }

        if (receipt.ZatcaQr is { } zatca)
        {
            rows.Add(new Row(zatca, RowStyle.ZatcaQr));
        }

        rows.Add(new Row(receipt.SaleCode, RowStyle.SaleQr));
        rows.Add(new Row(receipt.SaleNumber, Centered: true));
        return rows;
    }

    /// <summary>A label and a value on one row, the value at the far end; on two rows when they do not fit.</summary>
    private static IEnumerable<string> Pair(string label, string value, int columns)
    {
        var gap = columns - Width(label) - Width(value);
        if (gap >= 1)
        {
            return [label + new string(' ', gap) + value];
        }

        return [.. Wrap(label, columns), new string(' ', Math.Max(0, columns - Width(value))) + value];
    }

    private static IEnumerable<string> Wrap(string text, int columns)
    {
        var line = new StringBuilder();
        var width = 0;
        foreach (var word in text.Split(' '))
        {
            var w = Width(word);
            if (width > 0 && width + 1 + w > columns)
            {
                yield return line.ToString();
                line.Clear();
                width = 0;
            }

            if (width > 0)
            {
                line.Append(' ');
                width++;
            }

            // A word longer than the line (a long code) is cut where the line ends.
            var rest = word;
            while (Width(rest) > columns - width)
            {
                var cut = CutAt(rest, columns - width);
                line.Append(rest[..cut]);
                yield return line.ToString();
                line.Clear();
                width = 0;
                rest = rest[cut..];
            }

            line.Append(rest);
            width += Width(rest);
        }

        if (line.Length > 0)
        {
            yield return line.ToString();
        }
    }

    private static int CutAt(string text, int columns)
    {
        var width = 0;
        for (var i = 0; i < text.Length; i++)
        {
            width += CharWidth(text[i]);
            if (width > columns)
            {
                return Math.Max(1, i);
            }
        }

        return text.Length;
    }

    private static string Center(string text, int columns) => new string(' ', Math.Max(0, (columns - Width(text)) / 2)) + text;

    private static string Pad(string text, int columns) => text + new string(' ', Math.Max(0, columns - Width(text)));

    /// <summary>Monospace columns: harakat and other combining marks take none.</summary>
    private static int Width(string text) => text.Sum(CharWidth);

    private static int CharWidth(char c) => CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format ? 0 : 1;

    private static void NativeQr(MemoryStream bytes, string text, int moduleSize)
    {
        var data = Encoding.UTF8.GetBytes(text);
        var length = data.Length + 3;
        bytes.Write([Gs, (byte)'(', (byte)'k', 4, 0, 49, 65, 50, 0]); // model 2
        bytes.Write([Gs, (byte)'(', (byte)'k', 3, 0, 49, 67, (byte)Math.Clamp(moduleSize, 1, 16)]); // module size
        bytes.Write([Gs, (byte)'(', (byte)'k', 3, 0, 49, 69, 49]); // error correction M
        bytes.Write([Gs, (byte)'(', (byte)'k', (byte)(length & 0xFF), (byte)(length >> 8), 49, 80, 48]); // store
        bytes.Write(data);
        bytes.Write([Gs, (byte)'(', (byte)'k', 3, 0, 49, 81, 48]); // print
    }

    private static void RasterQr(MemoryStream bytes, string text, EscPosOptions options)
    {
        var modules = ReceiptQr.Modules(text);
        var count = modules.GetLength(0);
        var scale = Math.Max(1, Math.Min(options.QrModuleSize, options.DotsPerLine / count));
        var dots = count * scale;
        var widthBytes = (dots + 7) / 8;
        bytes.Write([Gs, (byte)'v', (byte)'0', 0, (byte)(widthBytes & 0xFF), (byte)(widthBytes >> 8), (byte)(dots & 0xFF), (byte)(dots >> 8)]);
        var row = new byte[widthBytes];
        for (var y = 0; y < dots; y++)
        {
            Array.Clear(row);
            for (var x = 0; x < dots; x++)
            {
                if (modules[y / scale, x / scale])
                {
                    row[x / 8] |= (byte)(0x80 >> (x % 8));
                }
            }

            bytes.Write(row);
        }
    }

    private static string Image(string text, string alt) =>
        $"<img alt=\"{E(alt)}\" src=\"data:image/png;base64,{Convert.ToBase64String(ReceiptQr.Png(text))}\">";

    private static string E(string text) => WebUtility.HtmlEncode(text);

    /// <summary>A value that is a number (or a code): isolated and left to right, so it reads whole in Arabic text.</summary>
    private static string Num(string text) => "<bdi dir=\"ltr\">" + E(text) + "</bdi>";

    /// <summary>Free text with numbers in it (a phone, "VAT no.: 3…"): each digit run isolated left to right.</summary>
    private static string Numbers(string text)
    {
        var html = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            var numeric = char.IsDigit(text[i]) || text[i] == '+';
            while (i < text.Length && (numeric ? char.IsDigit(text[i]) || text[i] is '+' or '-' or '.' or ':' or ' ' or '٫' or '٬' : !(char.IsDigit(text[i]) || text[i] == '+')))
            {
                i++;
            }

            var part = text[start..i];
            html.Append(numeric ? Num(part.TrimEnd()) + (part.EndsWith(' ') ? " " : string.Empty) : E(part));
        }

        return html.ToString();
    }
}
