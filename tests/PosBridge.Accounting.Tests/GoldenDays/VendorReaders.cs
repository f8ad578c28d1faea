using System.Globalization;
using System.Text;

namespace PosBridge.Accounting.Tests.GoldenDays;

/// <summary>A journal line as the target software would read it: the journal it joins, the account, debit positive.</summary>
public sealed record VendorLine(string Journal, string Account, decimal Amount);

/// <summary>An invoice line as Xero reads it: the invoice, its gross amount and the tax Xero computes on it.</summary>
public sealed record VendorInvoiceLine(string Invoice, string Contact, decimal Gross, decimal Tax);

/// <summary>
/// Readers written from each vendor's published import rules (the sources are listed in
/// src/PosBridge.Accounting/README.md), not from PosBridge's writers: their own CSV parser, their own header, encoding,
/// length and grouping rules. Every rule a file breaks is an exception naming the file, row and rule.
/// </summary>
public static class VendorReaders
{
    public static readonly Encoding Utf8 = new UTF8Encoding(false, true);

    public static readonly Encoding Windows1252 = MakeWindows1252();

    public static IReadOnlyList<VendorLine> Generic(IReadOnlyList<string> files)
    {
        string[] header = ["journal_id", "line_no", "date", "account_code", "account_name", "description", "debit", "credit", "tax_code", "tax_rate", "tax_amount", "currency", "fx_rate", "reference", "sale_id", "store", "terminal"];
        return files.SelectMany(f => Rows(f, Utf8, ',', header)).Select(r =>
        {
            Date(r, 2, "yyyy-MM-dd");
            return new VendorLine(r[0], r[3], DebitXorCredit(r, 6, 7, '.'));
        }).ToList();
    }

    /// <summary>Xero manual journals: the template's starred headings, at most 300 lines a file, signed amounts, dd/MM/yyyy.</summary>
    public static IReadOnlyList<VendorLine> XeroJournals(IReadOnlyList<string> files)
    {
        string[] header = ["*Narration", "*Date", "Description", "*AccountCode", "*TaxRate", "*Amount", "TrackingName1", "TrackingOption1", "TrackingName2", "TrackingOption2"];
        var lines = new List<VendorLine>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var rows = Rows(file, Utf8, ',', header);
            Rule(rows.Count <= 300, file, 0, "Xero imports at most 300 lines a file");
            foreach (var key in rows.Select(r => r[0] + "|" + r[1]).Distinct())
            {
                Rule(seen.Add(key), file, 0, $"journal '{key}' is split across files");
            }

            foreach (var r in rows)
            {
                Rule(r[0].Length > 0 && r[3].Length > 0 && r[4].Length > 0 && r[5].Length > 0, file, 0, "Narration, AccountCode, TaxRate and Amount are required");
                Date(r, 1, "dd/MM/yyyy");
                lines.Add(new VendorLine(r[0] + "|" + r[1], r[3], Number(r[5], '.')));
            }
        }

        return lines;
    }

    /// <summary>Xero sales invoices: at most 500 invoices a file; tax computed per line on the tax-inclusive amount, rounded half away from zero.</summary>
    public static IReadOnlyList<VendorInvoiceLine> XeroInvoices(IReadOnlyList<string> files, IReadOnlyDictionary<string, decimal> ratesByTaxType, int decimals)
    {
        var lines = new List<VendorInvoiceLine>();
        foreach (var file in files)
        {
            var rows = Rows(file, Utf8, ',', ["*ContactName", "*InvoiceNumber", "*InvoiceDate", "*DueDate", "*Description", "*Quantity", "*UnitAmount", "*AccountCode", "*TaxType", "Reference", "Currency"]);
            Rule(rows.Select(r => r[1]).Distinct().Count() <= 500, file, 0, "Xero imports at most 500 invoices a file");
            foreach (var r in rows)
            {
                Rule(r[0].Length > 0 && r[1].Length > 0 && r[7].Length > 0, file, 0, "ContactName, InvoiceNumber and AccountCode are required");
                Rule(ratesByTaxType.TryGetValue(r[8], out var rate), file, 0, $"TaxType '{r[8]}' is no tax rate of the organisation");
                Date(r, 2, "dd/MM/yyyy");
                var gross = Number(r[5], '.') * Number(r[6], '.');
                lines.Add(new VendorInvoiceLine(r[1], r[0], gross, Math.Round(gross * rate / (100m + rate), decimals, MidpointRounding.AwayFromZero)));
            }
        }

        return lines;
    }

    /// <summary>QuickBooks Online journal entries: Journal No. at most 21 characters; MM/dd/yyyy (US); Name on receivable lines.</summary>
    public static IReadOnlyList<VendorLine> QuickBooks(IReadOnlyList<string> files, string receivable) =>
        files.SelectMany(f => Rows(f, Utf8, ',', ["Journal No.", "Journal Date", "Account Name", "Description", "Debits", "Credits", "Name"]).Select(r =>
        {
            Rule(r[0].Length is > 0 and <= 21, f, 0, $"Journal No. '{r[0]}' is not 1 to 21 characters");
            Date(r, 1, "MM/dd/yyyy");
            Rule(r[2] != receivable || r[6].Length > 0, f, 0, "a receivable line needs a Name");
            return new VendorLine(r[0], r[2], DebitXorCredit(r, 4, 5, '.'));
        })).ToList();

    /// <summary>Sage Business Cloud journals: a journal is the rows up to where Reference changes; Reference at most 75.</summary>
    public static IReadOnlyList<VendorLine> SageCloud(IReadOnlyList<string> files)
    {
        var lines = new List<VendorLine>();
        foreach (var file in files)
        {
            var journal = 0;
            string? last = null;
            foreach (var r in Rows(file, Utf8, ',', ["Reference", "Date", "Description", "Ledger Account Number", "Details", "Debit", "Credit"]))
            {
                Rule(r[0].Length is > 0 and <= 75, file, 0, "Reference is 1 to 75 characters");
                Date(r, 1, "dd/MM/yyyy");
                journal += r[0] == last ? 0 : 1;
                last = r[0];
                lines.Add(new VendorLine($"{journal}:{r[0]}", r[3], DebitXorCredit(r, 5, 6, '.')));
            }
        }

        return lines;
    }

    /// <summary>Sage 50 audit trail: Windows-1252; JD/JC; Reference at most 30, Details at most 60; tax codes T0–T99; net amounts positive.</summary>
    public static IReadOnlyList<VendorLine> Sage50(IReadOnlyList<string> files) =>
        files.SelectMany(f => Rows(f, Windows1252, ',', ["Type", "Account Ref", "Nominal Code", "Department", "Date", "Reference", "Details", "Net Amount", "Tax Code", "Tax Amount", "Exchange Rate", "Extra Ref", "User Name", "Project Ref", "Cost Code"]).Select(r =>
        {
            Rule(r[0] is "JD" or "JC", f, 0, $"Type '{r[0]}' is not a journal debit or credit");
            Rule(r[5].Length is > 0 and <= 30, f, 0, $"Reference '{r[5]}' is not 1 to 30 characters");
            Rule(r[6].Length <= 60, f, 0, $"Details '{r[6]}' is longer than 60 characters");
            Rule(r[8].Length is 2 or 3 && r[8][0] == 'T' && r[8][1..].All(char.IsAsciiDigit), f, 0, $"Tax Code '{r[8]}' is not T0 to T99");
            Date(r, 4, "dd/MM/yyyy");
            var net = Number(r[7], '.');
            Rule(net > 0m, f, 0, "Net Amount is positive");
            return new VendorLine(r[5], r[2], r[0] == "JD" ? net : -net);
        })).ToList();

    /// <summary>
    /// DATEV EXTF Buchungsstapel: Windows-1252, ';', CRLF, the EXTF header line and the column names, decimal comma,
    /// amounts positive with S/H, Belegfeld 1 at most 36 of its characters, Buchungstext at most 60. A booking moves
    /// its amount onto Konto and the opposite onto Gegenkonto; the journal is Belegfeld 1.
    /// </summary>
    public static IReadOnlyList<VendorLine> Datev(IReadOnlyList<string> files)
    {
        var lines = new List<VendorLine>();
        foreach (var file in files)
        {
            var text = Windows1252.GetString(File.ReadAllBytes(file));
            Rule(text.EndsWith("\r\n", StringComparison.Ordinal) && !text.Replace("\r\n", "", StringComparison.Ordinal).Contains('\n', StringComparison.Ordinal), file, 0, "every line ends with CRLF");
            var records = Parse(text, ';');
            Rule(records[0][0] == "EXTF" && records[0][1] == "700" && records[0][2] == "21" && records[0][4] == "13", file, 1, "line 1 is the EXTF 700 header of a Buchungsstapel, version 13");
            Rule(records[1][0] == "Umsatz (ohne Soll/Haben-Kz)" && records[1][13] == "Buchungstext", file, 2, "line 2 holds DATEV's column names");
            foreach (var r in records.Skip(2))
            {
                Rule(r.Length == records[1].Length, file, 0, "a booking has every column");
                Rule(r[10].Length is > 0 and <= 36 && r[10].All(c => char.IsAsciiLetterOrDigit(c) || "$&%*+-/".Contains(c, StringComparison.Ordinal)), file, 0, $"Belegfeld 1 '{r[10]}' breaks DATEV's rule");
                Rule(r[13].Length <= 60, file, 0, "Buchungstext is at most 60 characters");
                Rule(r[9].Length == 4 && r[9].All(char.IsAsciiDigit), file, 0, "Belegdatum is DDMM");
                var amount = Number(r[0], ',');
                Rule(amount > 0m && r[1] is "S" or "H", file, 0, "Umsatz is positive with S or H");
                var signed = r[1] == "S" ? amount : -amount;
                lines.Add(new VendorLine(r[10], r[6], signed));
                lines.Add(new VendorLine(r[10], r[7], -signed));
            }
        }

        return lines;
    }

    /// <summary>Zoho Books journals: the journal number is prefix and numeric suffix; rows of one journal share its reference.</summary>
    public static IReadOnlyList<VendorLine> Zoho(IReadOnlyList<string> files) =>
        files.SelectMany(f => Rows(f, Utf8, ',', ["Journal Date", "Reference Number", "Journal Number Prefix", "Journal Number Suffix", "Notes", "Journal Type", "Currency", "Account", "Description", "Contact Name", "Debit", "Credit", "Project Name", "Status", "Exchange Rate"]).Select(r =>
        {
            Date(r, 0, "yyyy-MM-dd");
            Rule(r[3].Length > 0 && r[3].All(char.IsAsciiDigit), f, 0, "Journal Number Suffix is a number");
            Rule(r[5] is "both" or "cash", f, 0, "Journal Type is both or cash");
            Rule(r[7].Length > 0, f, 0, "Account is required");
            return new VendorLine(r[2] + r[3], r[7], DebitXorCredit(r, 10, 11, '.'));
        })).ToList();

    /// <summary>RFC 4180 read strictly: quoted fields with doubled quotes, CRLF between records, the same field count everywhere.</summary>
    public static List<string[]> Parse(string text, char separator)
    {
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var i = 0;
        var quoted = false;
        while (i < text.Length)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i += 2;
                    continue;
                }

                if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                if (field.Length > 0)
                {
                    throw new FormatException($"A quote inside an unquoted field at character {i}.");
                }

                quoted = true;
            }
            else if (c == separator)
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                fields.Add(field.ToString());
                field.Clear();
                records.Add([.. fields]);
                fields.Clear();
                i += 2;
                continue;
            }
            else if (c is '\r' or '\n')
            {
                throw new FormatException($"A bare line break outside quotes at character {i}.");
            }
            else
            {
                field.Append(c);
            }

            i++;
        }

        if (quoted)
        {
            throw new FormatException("The file ends inside a quoted field.");
        }

        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            records.Add([.. fields]);
        }

        return records;
    }

    private static List<string[]> Rows(string file, Encoding encoding, char separator, string[] header)
    {
        var bytes = File.ReadAllBytes(file);
        Rule(!(bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF), file, 0, "no byte-order mark");
        var records = Parse(encoding.GetString(bytes), separator);
        Rule(records.Count > 0 && records[0].SequenceEqual(header), file, 1, $"the header is '{string.Join(separator, header)}'");
        for (var i = 1; i < records.Count; i++)
        {
            Rule(records[i].Length == header.Length, file, i + 1, $"{header.Length} fields");
        }

        return records.Skip(1).ToList();
    }

    private static decimal DebitXorCredit(string[] r, int debit, int credit, char point)
    {
        var d = r[debit].Length == 0 ? (decimal?)null : Number(r[debit], point);
        var c = r[credit].Length == 0 ? (decimal?)null : Number(r[credit], point);
        if ((d is null) == (c is null) || d <= 0m || c <= 0m)
        {
            throw new FormatException($"A line has debit '{r[debit]}' and credit '{r[credit]}': one positive amount on one side.");
        }

        return d ?? -c!.Value;
    }

    private static decimal Number(string text, char point)
    {
        var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        culture.NumberFormat.NumberDecimalSeparator = point.ToString();
        return decimal.Parse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, culture);
    }

    private static void Date(string[] r, int index, string format)
    {
        if (!DateOnly.TryParseExact(r[index], format, CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            throw new FormatException($"'{r[index]}' is not a date as {format}.");
        }
    }

    private static void Rule(bool holds, string file, int row, string rule)
    {
        if (!holds)
        {
            throw new FormatException($"{Path.GetFileName(file)}{(row > 0 ? $" row {row}" : string.Empty)} breaks the import rule: {rule}.");
        }
    }

    private static Encoding MakeWindows1252()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(1252, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
    }
}
