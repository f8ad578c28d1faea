using System.Globalization;
using CsvHelper;
using PosBridge.Accounting.Export;
using PosBridge.Accounting.Journals;
using PosBridge.Core.Amounts;
using PosBridge.Core.Sales;

namespace PosBridge.Connector.Fees;

/// <summary>What a settlement file is read against: the store, its zone and currency, its methods and ledgers.</summary>
/// <param name="StoreId">The store the fees were charged to.</param>
/// <param name="Zone">The store's time zone: a plain date is its business day.</param>
/// <param name="Currency">The store's currency: amounts are in it and have at most its decimals.</param>
/// <param name="Ledgers">The store's ledgers: each must be able to book every fee.</param>
/// <param name="Methods">The store's payment methods by id with their kind (the catalog's, then those on its sales).</param>
/// <param name="MethodOption">The method of every row, for a file without a method column (<c>--method</c>).</param>
/// <param name="Today">Today in the store's time zone: a provider cannot have reported a fee later.</param>
internal sealed record SettlementContext(
    string StoreId,
    TimeZoneInfo Zone,
    Currency Currency,
    IReadOnlyDictionary<string, PaymentKind> Methods,
    string? MethodOption,
    DateOnly Today,
    IReadOnlyList<LedgerExport> Ledgers);

/// <summary>The fees of a file, or every problem found in it (then no fee).</summary>
internal sealed record SettlementRead(IReadOnlyList<FeeToImport> Fees, IReadOnlyList<string> Problems);

/// <summary>
/// Reads a provider's settlement report in PosBridge's generic fee format (documented in the README):
/// UTF-8, comma, a header naming the columns <c>date, reference, method, amount</c> and optionally
/// <c>currency</c>, in any order, other columns ignored. Every row is checked, and every problem is named by its
/// line, before a fee is given back: a file imports whole or not at all.
/// </summary>
internal static class SettlementFile
{
    /// <summary>Kinds whose payments go through a provider that can charge a fee.</summary>
    private static readonly PaymentKind[] ProviderKinds = [PaymentKind.Card, PaymentKind.Wallet, PaymentKind.Qr];
    private static readonly string[] InstantFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", "yyyy-MM-dd'T'HH:mm:sszzz", "yyyy-MM-dd'T'HH:mmzzz",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", "yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm'Z'",
    ];

    /// <summary>The longest reference kept: a provider's settlement or transaction id.</summary>
    public const int MaxReference = 64;

    public static SettlementRead Read(string path, SettlementContext context)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(context);
        var name = Path.GetFileName(path);
        var problems = new List<string>();
        var fees = new List<FeeToImport>();
        var options = new CsvReaderOptions
        {
            Separator = ',',
            HasHeader = true,
            TrackLineNumbers = true,
            TrimWhitespace = true,
            SkipEmptyLines = true,
            MalformedData = CsvMalformedDataHandling.Throw,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            // Spreadsheets save UTF-8 with a byte-order mark; it is not part of the first column's name.
            NormalizeHeaderName = header => header.TrimStart('\uFEFF'),
        };
        try
        {
            using var csv = CsvReader.FromFile(path, options);
            var columns = Columns(csv, name, context, problems);
            if (columns is null)
            {
                return new SettlementRead([], problems);
            }

            var seen = new Dictionary<(string Method, string Reference), int>();
            while (csv.Read())
            {
                var line = checked((int)csv.LineNumber);
                if (csv.FieldCount != columns.Count)
                {
                    problems.Add($"{name}:{line}: {csv.FieldCount} fields, but the header has {columns.Count}.");
                    continue;
                }

                var before = problems.Count;
                void Problem(string text) => problems.Add($"{name}:{line}: {text}");
                var reportedAt = Date(csv.GetString(columns.Date), context, Problem);
                var reference = Reference(csv.GetString(columns.Reference), Problem);
                var method = columns.Method is { } m ? csv.GetString(m) : context.MethodOption!;
                var kind = Kind(method, context, Problem);
                var amount = Amount(csv.GetString(columns.Amount), context.Currency, Problem);
                if (columns.Currency is { } c && csv.GetString(c) is { Length: > 0 } currency && !string.Equals(currency, context.Currency.Code, StringComparison.Ordinal))
                {
                    Problem($"currency '{currency}' is not the store's ({context.Currency.Code}); fees are booked in the currency the store sells in.");
                }

                if (reference is not null && method.Length > 0)
                {
                    if (seen.TryGetValue((method, reference), out var first))
                    {
                        Problem($"reference '{reference}' of method '{method}' is also on line {first}; each fee is one row.");
                    }
                    else
                    {
                        seen[(method, reference)] = line;
                    }
                }

                if (problems.Count > before || reportedAt is not { } at || reference is null || kind is not { } k || amount is not { } a)
                {
                    continue;
                }

                var fee = new ProviderFee
                {
                    StoreId = context.StoreId,
                    MethodId = method,
                    Kind = k,
                    ReportedAtUtc = at,
                    Reference = reference,
                    Amount = a,
                    Currency = context.Currency.Code,
                };
                foreach (var ledger in context.Ledgers)
                {
                    if (ledger.CheckFee(fee) is { } refusal)
                    {
                        Problem($"ledger '{ledger.Name}' cannot book it: {refusal}.");
                    }
                }

                if (problems.Count == before)
                {
                    fees.Add(new FeeToImport(line, fee));
                }
            }
        }
        catch (CsvFormatException e)
        {
            problems.Add($"{name}:{e.LineNumber}: the CSV is malformed ({e.Message}); nothing after it was read.");
        }

        if (problems.Count == 0 && fees.Count == 0)
        {
            problems.Add($"{name}: no fee rows under the header.");
        }

        return problems.Count > 0 ? new SettlementRead([], problems) : new SettlementRead(fees, []);
    }

    private sealed record ColumnIndexes(int Count, int Date, int Reference, int? Method, int Amount, int? Currency);

    private static ColumnIndexes? Columns(CsvReader csv, string name, SettlementContext context, List<string> problems)
    {
        csv.ReadHeader();
        if (csv.Headers.Count == 0)
        {
            problems.Add($"{name}: the file is empty; the first line names the columns date, reference, method, amount.");
            return null;
        }

        int? Find(string column) => csv.TryGetFieldIndex(column, out var index) ? index : null;
        var date = Find("date");
        var reference = Find("reference");
        var method = Find("method");
        var amount = Find("amount");
        var missing = new List<string>();
        if (date is null)
        {
            missing.Add("date");
        }

        if (reference is null)
        {
            missing.Add("reference");
        }

        if (method is null && context.MethodOption is null)
        {
            missing.Add("method (or give --method)");
        }

        if (amount is null)
        {
            missing.Add("amount");
        }

        if (missing.Count > 0)
        {
            problems.Add($"{name}:1: no column {string.Join(", ", missing)}; the header has {string.Join(", ", csv.Headers)}.");
            return null;
        }

        if (method is not null && context.MethodOption is not null)
        {
            problems.Add($"{name}:1: the file has a method column, so --method {context.MethodOption} would be ignored; leave it out.");
            return null;
        }

        return new ColumnIndexes(csv.Headers.Count, date!.Value, reference!.Value, method, amount!.Value, Find("currency"));
    }

    /// <summary>
    /// An instant with its offset (<c>2026-11-23T23:30:00+02:00</c>, <c>…Z</c>), or a plain date, which is that
    /// business day in the store's zone and is kept as its local noon (never inside a DST change).
    /// </summary>
    private static DateTimeOffset? Date(string text, SettlementContext context, Action<string> problem)
    {
        DateTimeOffset instant;
        if (text.Length == 0)
        {
            problem("date is empty.");
            return null;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            var noon = day.ToDateTime(new TimeOnly(12, 0));
            instant = new DateTimeOffset(noon, context.Zone.GetUtcOffset(noon)).ToUniversalTime();
        }
        else if (DateTimeOffset.TryParseExact(text, InstantFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out instant))
        {
            instant = instant.ToUniversalTime();
            day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, context.Zone).DateTime);
        }
        else
        {
            problem($"date '{text}' is neither a date like 2026-11-23 (the store's business day) nor a time with its offset like 2026-11-23T23:30:00+02:00.");
            return null;
        }

        if (day > context.Today)
        {
            problem($"date '{text}' is business day {day:yyyy-MM-dd}, after today ({context.Today:yyyy-MM-dd} in {context.Zone.Id}).");
            return null;
        }

        return instant;
    }

    private static string? Reference(string text, Action<string> problem)
    {
        if (text.Length == 0)
        {
            problem("reference is empty; give the provider's settlement or transaction id.");
            return null;
        }

        if (text.Length > MaxReference || !text.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            problem($"reference '{text}' must be at most {MaxReference} letters, digits and '-' (what every ledger format can carry).");
            return null;
        }

        return text;
    }

    private static PaymentKind? Kind(string method, SettlementContext context, Action<string> problem)
    {
        PaymentKind kind;
        if (method.Length == 0)
        {
            problem("method is empty.");
            return null;
        }

        if (context.Methods.TryGetValue(method, out var known))
        {
            kind = known;
        }
        else if (Enum.TryParse(method, ignoreCase: true, out kind) && Enum.IsDefined(kind) && !char.IsAsciiDigit(method[0]))
        {
            // A kind's name ("card") books to the kind's clearing account.
        }
        else
        {
            var methods = context.Methods.Where(m => ProviderKinds.Contains(m.Value)).Select(m => m.Key).Order(StringComparer.Ordinal).ToList();
            problem($"method '{method}' is not a payment method of store {context.StoreId} ({(methods.Count == 0 ? "none known" : string.Join(", ", methods))}), nor a kind (card, wallet, qr).");
            return null;
        }

        if (!ProviderKinds.Contains(kind))
        {
            problem($"method '{method}' is {kind.ToString().ToLowerInvariant()}; providers charge fees on card, wallet and QR payments only.");
            return null;
        }

        return kind;
    }

    private static decimal? Amount(string text, Currency currency, Action<string> problem)
    {
        if (text.Length == 0)
        {
            problem("amount is empty.");
            return null;
        }

        var negative = text[0] == '-';
        var digits = negative ? text[1..] : text;
        var point = digits.IndexOf('.', StringComparison.Ordinal);
        var wellFormed = digits.Length > 0 && point != 0 && point != digits.Length - 1
            && digits.All(c => char.IsAsciiDigit(c) || c == '.') && digits.Count(c => c == '.') <= 1;
        if (!wellFormed || !decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            problem($"amount '{text}' is not a number like 12.50 ('.' before the decimals, no thousands separator, no currency sign).");
            return null;
        }

        if (negative || amount == 0m)
        {
            problem($"amount '{text}' is {(negative ? "negative" : "zero")}; a fee is more than zero (a refunded fee cannot be imported yet).");
            return null;
        }

        if (!currency.IsWholeUnits(amount))
        {
            problem($"amount '{text}' has more decimals than {currency.Code} has ({currency.MinorUnits}).");
            return null;
        }

        return amount;
    }
}
