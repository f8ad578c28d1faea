using System.Globalization;
using PosBridge.Accounting.Journals;
using PosBridge.Core.Amounts;
using PosBridge.Core.Sales;
using PosBridge.Core.Taxes;

namespace PosBridge.Accounting.Tests.GoldenDays;

/// <summary>A store of the golden days: long store and till ids as real shops name them, its standard rate and an exempt rate.</summary>
public sealed record ShopStore(string Id, string TimeZone, TimeSpan UtcOffset, Currency Currency, TaxDefinition Standard, TaxDefinition Exempt, decimal EurRate)
{
    public static readonly ShopStore Cairo = new(
        "CAIRO-ZAMALEK", "Africa/Cairo", TimeSpan.FromHours(2), Currency.EGP,
        Tax("vat14", "ضريبة القيمة المضافة 14%", 14m), Tax("exempt", "معفى من الضريبة", 0m), 55.25m);

    public static readonly ShopStore Riyadh = new(
        "RIYADH-OLAYA", "Asia/Riyadh", TimeSpan.FromHours(3), Currency.SAR,
        Tax("vat15", "VAT 15% ضريبة", 15m), Tax("exempt-sa", "Exempt معفى", 0m), 4.05m);

    public static readonly string[] Tills = ["COUNTER-01", "COUNTER-02"];

    private static TaxDefinition Tax(string id, string name, decimal percent) =>
        new() { Id = id, Name = name, AmountType = TaxAmountType.Percent, Amount = percent, PriceInclude = true };
}

/// <summary>What the till's Z reports of the day add up to, summed from the sale documents themselves.</summary>
public sealed record ZTotals(decimal Gross, decimal Net, decimal Tax, decimal Rounding, int Sales, int Refunds)
{
    public static ZTotals Of(IReadOnlyList<Sale> sales) => new(
        sales.Sum(s => s.Totals.AmountDue),
        sales.Sum(s => s.Lines.Sum(l => l.TotalExcluded)),
        sales.Sum(s => s.Totals.Taxes.Sum(t => t.Amount)),
        sales.Sum(s => s.Totals.Rounding),
        sales.Count(s => !s.IsRefund),
        sales.Count(s => s.IsRefund));
}

/// <summary>
/// A business day of a shop made the way the till makes it: Core's <see cref="SaleBuilder"/> with the till's own
/// numbering (<c>STORE-TILL-NNNN-NNNNNN</c>, shifts <c>STORE-TILL-NNNN</c>), two tills, Arabic and Latin names,
/// the standard and the exempt rate, a weighed product, every payment kind (cash with change, card, wallet, QR,
/// pay later to a named customer, split), loyalty rewards (an order discount and a free item), cash rounding,
/// refunds (two of one original), each till's cash count (one short, one over) and the card and wallet providers'
/// fees. Deterministic: the same size and rounding give the same day.
/// </summary>
public sealed class ShopDay
{
    public static readonly DateOnly Day = new(2026, 12, 1);

    private static readonly (string Id, string Name, decimal Price, bool Exempt, bool Weighed)[] Products =
    [
        ("p-koshari", "كشري كبير", 45.00m, false, false),
        ("p-tea", "شاي بالنعناع", 12.50m, false, false),
        ("p-mint", "Tea & <Mint>, \"fresh\"", 15.75m, false, false),
        ("p-bread", "خبز بلدي", 2.25m, true, false),
        ("p-cafe", "Café crème", 38.90m, false, false),
        ("p-yoghurt", "Zabadi زبادي", 9.99m, true, false),
        ("p-cheese", "جبنة رومي", 240.00m, false, true),
        ("p-basbousa", "بسبوسة بالقشطة والمكسرات الفاخرة من المحل", 27.35m, false, false),
    ];

    private ShopDay(ShopStore store, IReadOnlyList<Sale> sales, LedgerAdjustments adjustments)
    {
        Store = store;
        Sales = sales;
        Adjustments = adjustments;
    }

    public ShopStore Store { get; }

    public IReadOnlyList<Sale> Sales { get; }

    public LedgerAdjustments Adjustments { get; }

    public ZTotals Z => ZTotals.Of(Sales);

    public static ShopDay Make(ShopStore store, int count, TaxRoundingMethod rounding)
    {
        var random = new Random(count * 31 + (int)rounding + store.Id.Length);
        var sales = new List<Sale>(count);
        var seq = new int[ShopStore.Tills.Length];
        var cash = new decimal[ShopStore.Tills.Length];
        var open = new DateTimeOffset(Day.Year, Day.Month, Day.Day, 8, 0, 0, store.UtcOffset);
        for (var n = 0; n < count; n++)
        {
            var till = n % ShopStore.Tills.Length;
            var at = open.AddSeconds(Math.Floor(n * (14 * 3600.0 / count)) + 1);
            var builder = Builder(store, till, ++seq[till], at, rounding);
            Sale? original = null;
            if (n % 25 == 24 && sales.Count > 0)
            {
                // A refund of an earlier sale's line, and later another of the same original's other line.
                original = sales[(n / 25 % 2 == 0 ? n - 20 : n - 45) < 0 ? 0 : (n / 25 % 2 == 0 ? n - 20 : n - 45)];
                if (original.IsRefund || original.Lines.Count == 0)
                {
                    original = null;
                }
            }

            Sale sale;
            if (original is not null)
            {
                var line = original.Lines[(n / 25) % original.Lines.Count];
                builder.RefundOf = new RefundOf { SaleId = original.Id, SaleNumber = original.SaleNumber };
                builder.Customer = original.Customer;
                var quantity = line.Quantity >= 1m ? -1m : -line.Quantity;
                builder.AddLine(line.ProductId, line.Name, quantity, line.UnitPrice, line.TaxIds, line.DiscountPercent, line.Unit, refundOfLine: line.LineNumber);
                sale = original.Payments[0].Kind == PaymentKind.Cash
                    ? builder.PayCash(0m).Build()
                    : builder.PayRemaining(original.Payments[0].MethodId, original.Payments[0].Kind, original.Payments[0].Card, original.Payments[0].Reference).Build();
            }
            else
            {
                var lines = 1 + random.Next(4);
                for (var i = 0; i < lines; i++)
                {
                    var product = Products[random.Next(Products.Length)];
                    var quantity = product.Weighed ? decimal.Round(0.1m + (decimal)random.NextDouble(), 3) : 1 + random.Next(3);
                    var tax = product.Exempt ? store.Exempt.Id : store.Standard.Id;
                    builder.AddLine(product.Id, product.Name, quantity, product.Price, [tax], unit: product.Weighed ? "kg" : "Units");
                }

                if (n % 9 == 4)
                {
                    // A loyalty reward: 10 % off the order, paid with points.
                    builder.OrderDiscountPercent = 10m;
                    builder.Loyalty = new LoyaltyPoints { ProgramId = "loyal", Spent = 100m };
                    builder.Customer = new Customer { Id = "c-nadia", Name = "نادية حسن" };
                }
                else if (n % 13 == 6)
                {
                    // A free item as a reward.
                    builder.AddLine("p-tea", "شاي بالنعناع (مكافأة)", 1m, 12.50m, [store.Standard.Id], discountPercent: 100m);
                    builder.Loyalty = new LoyaltyPoints { ProgramId = "loyal", Spent = 50m };
                    builder.Customer = new Customer { Id = "c-omar", Name = "Omar O'Neil, Jr." };
                }

                sale = (n % 7) switch
                {
                    0 or 1 => PayCash(builder, store),
                    2 => builder.PayRemaining("card-nbe", PaymentKind.Card, new CardDetails { Scheme = "mada", Last4 = "4242", AuthorizationCode = "A1" + n, ProviderReference = "prv-" + n }).Build(),
                    3 => builder.PayRemaining("wallet-vodafone", PaymentKind.Wallet, reference: "w-" + n).Build(),
                    4 => builder.PayRemaining("instapay", PaymentKind.Qr, reference: "q-" + n).Build(),
                    5 => Account(builder),
                    _ => Split(builder),
                };
            }

            var result = sale.Validate();
            if (!result.IsValid)
            {
                throw new InvalidOperationException($"Golden day sale {sale.SaleNumber} is not valid: {result}");
            }

            cash[till] += sale.Payments.Where(p => p.Kind == PaymentKind.Cash).Sum(p => p.Amount);
            sales.Add(sale);
        }

        var close = new DateTimeOffset(Day.Year, Day.Month, Day.Day, 22, 30, 0, store.UtcOffset);
        var counts = ShopStore.Tills.Select((till, i) => new ShiftCashCount
        {
            StoreId = store.Id,
            TillId = till,
            ShiftId = $"{store.Id}-{till}-0001",
            ClosedAtUtc = close.AddMinutes(i),
            ExpectedCash = 500m + cash[i],
            // The first till is short, the second over.
            CountedCash = 500m + cash[i] + (i == 0 ? -7.50m : 2.00m),
        }).ToList();
        var fees = new List<ProviderFee>
        {
            new() { StoreId = store.Id, MethodId = "card-nbe", Kind = PaymentKind.Card, ReportedAtUtc = close, Reference = "STL-20261201-NBE", Amount = 18.35m },
            new() { StoreId = store.Id, MethodId = "wallet-vodafone", Kind = PaymentKind.Wallet, ReportedAtUtc = close, Reference = "VF-7781", Amount = 4.10m },
        };
        return new ShopDay(store, sales, new LedgerAdjustments { ShiftCounts = counts, ProviderFees = fees });
    }

    /// <summary>Cash-only shifts: over or short never moves anything but cash and the over/short account.</summary>
    public decimal OverShort => Adjustments.ShiftCounts.Sum(c => c.CountedCash - c.ExpectedCash);

    public decimal Fees => Adjustments.ProviderFees.Sum(f => f.Amount);

    private static SaleBuilder Builder(ShopStore store, int till, int seq, DateTimeOffset at, TaxRoundingMethod rounding)
    {
        var tillId = ShopStore.Tills[till];
        var builder = new SaleBuilder(store.Currency, rounding)
        {
            // A version-7-like id, as the till makes them: time first, so ids sort by time.
            Id = Guid.Parse(string.Create(CultureInfo.InvariantCulture, $"{at.ToUnixTimeMilliseconds() >> 16:x8}-{at.ToUnixTimeMilliseconds() & 0xFFFF:x4}-7{till:x3}-8{store.Id.Length:x3}-{seq:x12}")),
            StoreId = store.Id,
            TillId = tillId,
            ShiftId = $"{store.Id}-{tillId}-0001",
            SaleNumber = string.Create(CultureInfo.InvariantCulture, $"{store.Id}-{tillId}-{1:D4}-{seq:D6}"),
            CreatedAtUtc = at.ToUniversalTime(),
            StoreUtcOffset = store.UtcOffset,
            Cashier = new Cashier { Id = "c-mona", Name = "منى" },
        };
        builder.AddTax(store.Standard).AddTax(store.Exempt);
        return builder;
    }

    private static Sale PayCash(SaleBuilder builder, ShopStore store)
    {
        if (store.Currency == Currency.EGP)
        {
            builder.CashRounding = new CashRounding { Step = 0.25m, Mode = RoundingMode.HalfUp };
        }

        var due = builder.ComputeTotals().AmountDue;
        return builder.PayCash(Math.Ceiling(due / 50m) * 50m).Build();
    }

    private static Sale Account(SaleBuilder builder)
    {
        builder.Customer ??= new Customer { Id = "c-hotel", Name = "فندق النيل - Nile Hotel" };
        return builder.PayRemaining("account", PaymentKind.CustomerAccount).Build();
    }

    private static Sale Split(SaleBuilder builder)
    {
        var due = builder.ComputeTotals().AmountDue;
        return builder.PayCash(decimal.Floor(due / 2m)).PayRemaining("card-nbe", PaymentKind.Card, new CardDetails { Scheme = "visa", Last4 = "1881", AuthorizationCode = "B7", ProviderReference = "prv-split" }).Build();
    }
}
