using System.Globalization;
using System.Text;
using PosBridge.Core.Amounts;
using PosBridge.Core.Sales;
using PosBridge.Core.Taxes;

namespace PosBridge.Connector.Cli;

/// <summary>
/// One business day of a Cairo cafe, end to end as far as PosBridge goes today: sales built on the till
/// with the tax engine, written as sale documents, read back and validated as the connector's ingestion
/// does, and summed into the day's Z summary from what was read back.
/// </summary>
internal static class DemoDay
{
    private static readonly TaxDefinition Vat = new()
    {
        Id = "vat14", Name = "VAT 14%", AmountType = TaxAmountType.Percent, Amount = 14m, PriceInclude = true,
    };

    private static readonly TaxDefinition Exempt = new()
    {
        Id = "exempt", Name = "Exempt", AmountType = TaxAmountType.Percent, Amount = 0m, PriceInclude = true,
    };

    private static readonly (string Id, string Name, decimal Price, string Tax, bool Weighed)[] Menu =
    [
        ("p-turkish", "قهوة تركي", 35.00m, "vat14", false),
        ("p-espresso", "Espresso", 45.00m, "vat14", false),
        ("p-latte", "لاتيه", 65.00m, "vat14", false),
        ("p-tea", "شاي بالنعناع", 25.00m, "vat14", false),
        ("p-croissant", "Croissant", 38.50m, "vat14", false),
        ("p-basbousa", "بسبوسة", 30.00m, "vat14", false),
        ("p-water", "Water 600 ml", 12.00m, "vat14", false),
        ("p-bread", "عيش بلدي", 2.50m, "exempt", false),
        ("p-dates", "Dates (per kg)", 180.00m, "vat14", true),
    ];

    private static readonly decimal[] Banknotes = [5m, 10m, 20m, 50m, 100m, 200m];

    public static async Task<int> RunAsync(DateOnly businessDay, int count, string file, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        TimeZoneInfo cairo;
        try
        {
            cairo = TimeZoneInfo.FindSystemTimeZoneById("Africa/Cairo");
        }
        catch (TimeZoneNotFoundException)
        {
            await error.WriteLineAsync("posbridge: this machine has no time zone data for Africa/Cairo (install tzdata).").ConfigureAwait(false);
            return CommandLine.InputProblems;
        }

        var sales = MakeDay(businessDay, count, cairo);
        var directory = Path.GetDirectoryName(Path.GetFullPath(file))!;
        Directory.CreateDirectory(directory);
        await File.WriteAllLinesAsync(file, sales.Select(SaleJson.Serialize), new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);

        var read = await ValidateCommand.ReadAsync(file, cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync($"Wrote {sales.Count} sale documents to {file}; read back {read.Accepted.Count} valid, {read.Refused.Count} refused.").ConfigureAwait(false);
        foreach (var (line, errors) in read.Refused)
        {
            await error.WriteLineAsync($"{file}:{line}: {string.Join("; ", errors)}").ConfigureAwait(false);
        }

        await output.WriteAsync(ZSummary(businessDay, read.Accepted)).ConfigureAwait(false);
        return read.Refused.Count == 0 ? CommandLine.Ok : CommandLine.InputProblems;
    }

    private static List<Sale> MakeDay(DateOnly businessDay, int count, TimeZoneInfo zone)
    {
        var random = new Random(businessDay.DayNumber);
        var opening = businessDay.ToDateTime(new TimeOnly(8, 0));
        var dayMinutes = (23 * 60) + 30 - (8 * 60);
        var sales = new List<Sale>(count);
        for (var n = 0; n < count; n++)
        {
            var local = opening.AddMinutes(dayMinutes * (n + random.NextDouble()) / count);
            var offset = zone.GetUtcOffset(local);
            var instant = new DateTimeOffset(local, offset).ToUniversalTime();
            var builder = new SaleBuilder(Currency.EGP, TaxRoundingMethod.RoundPerLine)
            {
                Id = SaleId.At(instant),
                StoreId = "CAI1",
                TillId = "T1",
                ShiftId = businessDay.ToString("yyyyMMdd", CultureInfo.InvariantCulture),
                SaleNumber = string.Create(CultureInfo.InvariantCulture, $"CAI1-T1-{businessDay:yyyyMMdd}-{n + 1:000000}"),
                CreatedAtUtc = instant,
                StoreUtcOffset = offset,
                Cashier = new Cashier { Id = "c1", Name = n % 2 == 0 ? "Mona" : "Karim" },
            };
            builder.AddTax(Vat).AddTax(Exempt);

            var refundable = sales.Where(s => !s.IsRefund && s.Lines[0].Quantity >= 1m).ToList();
            if (n % 40 == 39 && refundable.Count > 0)
            {
                // A customer brings something back: refund one unit of the first line of an earlier sale.
                var original = refundable[random.Next(refundable.Count)];
                var line = original.Lines[0];
                builder.RefundOf = new RefundOf { SaleId = original.Id, SaleNumber = original.SaleNumber };
                builder.AddLine(line.ProductId, line.Name, -1m, line.UnitPrice, line.TaxIds, line.DiscountPercent, line.Unit, refundOfLine: line.LineNumber);
                sales.Add(builder.PayCash(0m).Build());
                continue;
            }

            var lines = random.Next(1, 6);
            for (var l = 0; l < lines; l++)
            {
                var item = Menu[random.Next(Menu.Length)];
                var quantity = item.Weighed ? random.Next(100, 1500) / 1000m : random.Next(1, 4);
                var discount = random.Next(12) == 0 ? 10m : 0m;
                builder.AddLine(item.Id, item.Name, quantity, item.Price, [item.Tax], discount, item.Weighed ? "kg" : "Units");
            }

            Pay(builder, random);
            sales.Add(builder.Build());
        }

        return sales;
    }

    private static void Pay(SaleBuilder builder, Random random)
    {
        var due = builder.ComputeTotals().AmountDue;
        switch (random.Next(10))
        {
            case < 5:
                // Cash, handed over in the next round banknote.
                var note = Banknotes.FirstOrDefault(n => n >= due, Math.Ceiling(due / 100m) * 100m);
                builder.PayCash(Math.Ceiling(due / note) * note);
                break;
            case < 8:
                builder.PayRemaining("card", PaymentKind.Card, new CardDetails
                {
                    Scheme = random.Next(2) == 0 ? "meeza" : "visa",
                    Last4 = random.Next(10_000).ToString("0000", CultureInfo.InvariantCulture),
                    AuthorizationCode = random.Next(100_000, 999_999).ToString(CultureInfo.InvariantCulture),
                    ProviderReference = "geidea-" + random.Next(1_000_000).ToString(CultureInfo.InvariantCulture),
                });
                break;
            default:
                builder.PayRemaining("wallet", PaymentKind.Wallet, reference: "vfcash-" + random.Next(1_000_000).ToString(CultureInfo.InvariantCulture));
                break;
        }
    }

    private static string ZSummary(DateOnly businessDay, IReadOnlyList<Sale> sales)
    {
        var text = new StringBuilder();
        var refunds = sales.Where(s => s.IsRefund).ToList();
        text.AppendLine(CultureInfo.InvariantCulture, $"Z summary, store CAI1, business day {businessDay:yyyy-MM-dd} (Africa/Cairo), EGP");
        text.AppendLine(CultureInfo.InvariantCulture, $"  sales {sales.Count - refunds.Count}, refunds {refunds.Count}, first {sales[0].CreatedAtStoreTime:HH:mm}, last {sales[^1].CreatedAtStoreTime:HH:mm}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  total {Sum(sales, s => s.Totals.Total),12}   untaxed {Sum(sales, s => s.Totals.Untaxed),12}   tax {Sum(sales, s => s.Totals.Tax),10}   discounts {Sum(sales, s => s.Totals.Discount),9}");
        foreach (var tax in sales.SelectMany(s => s.Totals.Taxes).GroupBy(t => t.Name).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {tax.Key,-10} base {tax.Sum(t => t.Base),12}   tax {tax.Sum(t => t.Amount),10}");
        }

        foreach (var method in sales.SelectMany(s => s.Payments).GroupBy(p => p.MethodId).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  paid by {method.Key,-7} {method.Sum(p => p.Amount),12}   ({method.Count()} payments)");
        }

        var cashIn = sales.SelectMany(s => s.Payments).Where(p => p.Kind == PaymentKind.Cash).Sum(p => p.Amount);
        text.AppendLine(CultureInfo.InvariantCulture, $"  cash expected in the drawer (before float and cash in/out) {cashIn}");
        return text.ToString();
    }

    private static decimal Sum(IEnumerable<Sale> sales, Func<Sale, decimal> amount) => sales.Sum(amount);
}
