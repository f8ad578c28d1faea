using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using PosBridge.Connector.Ingestion;
using PosBridge.Core.Amounts;
using PosBridge.Core.Sales;
using PosBridge.Core.Sync;
using PosBridge.Core.Taxes;

namespace PosBridge.Connector.Tests.Reports;

/// <summary>
/// Generated trading for one store (seeded, so every run is the same): two tills, each with one shift a local day
/// and two cashiers, sales of one to three products with line and order discounts, every payment kind, loyalty
/// customers earning and spending points, refunds of earlier sales of the shift, and each shift's Z report as a
/// till computes it from its own sales.
/// </summary>
internal sealed class ShopMonth
{
    private static readonly (string Id, string Name, decimal Price, string Category)[] Products =
    [
        ("p-coffee", "قهوة تركي", 35.50m, "hot"), ("p-tea", "شاي", 18m, "hot"), ("p-latte", "Latte", 55.25m, "hot"),
        ("p-croissant", "كرواسون", 42m, "bakery"), ("p-cake", "Cake slice", 65m, "bakery"), ("p-water", "مياه", 10m, "cold"),
        ("p-juice", "عصير مانجو", 38.75m, "cold"), ("p-beans", "بن 250 جم", 210m, "retail"), ("p-nuts", "مكسرات", 0.42m, "retail"),
    ];

    private readonly Random _random;
    private readonly Currency _currency;
    private readonly TaxDefinition _vat;
    private readonly TimeZoneInfo _zone;

    public ShopMonth(string storeId, Currency currency, string zoneId, int seed)
    {
        StoreId = storeId;
        _currency = currency;
        _zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        _random = new Random(seed);
        var rate = currency == Currency.SAR ? 15m : 14m;
        _vat = new TaxDefinition { Id = "vat" + rate, Name = $"VAT {rate}%", AmountType = TaxAmountType.Percent, Amount = rate, PriceInclude = true };
    }

    public string StoreId { get; }

    public string CurrencyCode => _currency.Code;

    public string TaxId => _vat.Id;

    public decimal TaxRate => _vat.Amount;

    public List<Sale> Sales { get; } = [];

    public List<ShiftClosing> Closings { get; } = [];

    /// <summary>The catalog's categories of the generated products, for the categories table.</summary>
    public static IEnumerable<(string ProductId, string Category)> Categories => Products.Select(p => (p.Id, p.Category));

    /// <summary>Trades every local day from <paramref name="from"/> to <paramref name="to"/>, <paramref name="perTillDay"/> sales a till and day.</summary>
    public ShopMonth Trade(DateOnly from, DateOnly to, int perTillDay)
    {
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            foreach (var till in new[] { "T1", "T2" })
            {
                TradeShift(day, till, perTillDay);
            }
        }

        return this;
    }

    private void TradeShift(DateOnly day, string till, int count)
    {
        var shift = day.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);
        // Opens at 07:00 local, the last sales just before midnight: the day's cut is the store's, not UTC's.
        var opened = Utc(day, new TimeOnly(7, 0));
        var closed = Utc(day, new TimeOnly(23, 59, 30));
        var shiftSales = new List<Sale>();
        var number = 0;
        for (var i = 0; i < count; i++)
        {
            var at = opened + TimeSpan.FromSeconds((closed - opened).TotalSeconds * (i + 0.5) / count);
            var refundable = shiftSales.Where(s => !s.IsRefund && !Sales.Exists(r => r.RefundOf?.SaleId == s.Id)).ToList();
            var sale = refundable.Count > 0 && _random.Next(12) == 0
                ? Refund(refundable[_random.Next(refundable.Count)], at, till, shift, ++number)
                : Sell(at, till, shift, ++number);
            shiftSales.Add(sale);
            Sales.Add(sale);
        }

        var cash = shiftSales.SelectMany(s => s.Payments).Where(p => p.Kind == PaymentKind.Cash).Sum(p => p.Amount);
        var cashIn = _random.Next(3) == 0 ? 100m : 0m;
        var cashOut = _random.Next(3) == 0 ? -50m : 0m;
        var expected = 500m + cash + cashIn + cashOut;
        Closings.Add(new ShiftClosing
        {
            StoreId = StoreId, TillId = till, ShiftId = shift, Currency = _currency.Code,
            OpenedAtUtc = opened, ClosedAtUtc = closed + TimeSpan.FromSeconds(20),
            OpeningFloat = 500m, CashIn = cashIn, CashOut = cashOut, ExpectedCash = expected,
            CountedCash = expected + (_random.Next(5) == 0 ? -_random.Next(1, 20) : 0m), SaleCount = shiftSales.Count,
        });
    }

    private Sale Sell(DateTimeOffset at, string till, string shift, int number)
    {
        var builder = Builder(at, till, shift, number);
        builder.AddTax(_vat);
        builder.OrderDiscountPercent = _random.Next(8) == 0 ? 10m : 0m;
        var lines = _random.Next(1, 4);
        for (var l = 0; l < lines; l++)
        {
            var p = Products[_random.Next(Products.Length)];
            var quantity = p.Id == "p-nuts" ? _random.Next(100, 900) / 1000m * 250 : _random.Next(1, 4);
            builder.AddLine(p.Id, p.Name, quantity, p.Price, [_vat.Id], discountPercent: _random.Next(6) == 0 ? 5m : 0m, unit: p.Id == "p-nuts" ? "g" : "Units");
        }

        var customer = _random.Next(3) == 0 ? $"cust-{_random.Next(1, 60)}" : null;
        if (customer is not null)
        {
            builder.Customer = new Customer { Id = customer, Name = "عميل " + customer, LoyaltyCardCode = "L" + customer };
            builder.Loyalty = new LoyaltyPoints { ProgramId = "stars", Earned = _random.Next(0, 40), Spent = _random.Next(4) == 0 ? 25m : 0m };
        }

        switch (_random.Next(customer is null ? 4 : 5))
        {
            case 0:
                builder.PayCash(Math.Ceiling(builder.Remaining / 50m) * 50m);
                break;
            case 1:
                builder.PayRemaining("card-nbe", PaymentKind.Card, new CardDetails { Scheme = "visa", Last4 = "4242", AuthorizationCode = "A1" + number, ProviderReference = $"ref-{StoreId}-{till}-{shift}-{number}" });
                break;
            case 2:
                builder.PayRemaining("wallet-vf", PaymentKind.Wallet, reference: $"w-{shift}-{number}");
                break;
            case 3:
                var half = decimal.Round(builder.Remaining / 2m, 2);
                builder.PayCash(half);
                builder.PayRemaining("qr-instapay", PaymentKind.Qr, reference: $"qr-{shift}-{number}");
                break;
            default:
                builder.PayRemaining("on-account", PaymentKind.CustomerAccount);
                break;
        }

        return builder.Build();
    }

    private Sale Refund(Sale original, DateTimeOffset at, string till, string shift, int number)
    {
        var builder = Builder(at, till, shift, number);
        builder.AddTax(_vat);
        builder.RefundOf = new RefundOf { SaleId = original.Id, SaleNumber = original.SaleNumber };
        builder.OrderDiscountPercent = original.OrderDiscountPercent;
        builder.Customer = original.Customer;
        var line = original.Lines[0];
        builder.AddLine(line.ProductId, line.Name, -line.Quantity, line.UnitPrice, line.TaxIds, line.DiscountPercent, line.Unit, refundOfLine: line.LineNumber);
        return builder.PayCash(0m).Build();
    }

    private SaleBuilder Builder(DateTimeOffset at, string till, string shift, int number) => new(_currency, TaxRoundingMethod.RoundPerLine)
    {
        Id = SaleId.At(at),
        StoreId = StoreId,
        TillId = till,
        ShiftId = shift,
        SaleNumber = $"{StoreId}-{till}-{shift}-{number:000000}",
        CreatedAtUtc = at,
        StoreUtcOffset = _zone.GetUtcOffset(at),
        Cashier = number % 2 == 0 ? new Cashier { Id = "c1", Name = "منى" } : new Cashier { Id = "c2", Name = "Karim" },
    };

    private DateTimeOffset Utc(DateOnly day, TimeOnly time)
    {
        var local = day.ToDateTime(time);
        return new DateTimeOffset(local, _zone.GetUtcOffset(local)).ToUniversalTime();
    }

    /// <summary>Stores the sales through the inbox (the ingestion transaction, refunds checked) and the Z reports.</summary>
    public static async Task StoreAsync(IServiceProvider services, IEnumerable<Sale> sales, IEnumerable<ShiftClosing> closings, CancellationToken cancellationToken)
    {
        var inbox = services.GetRequiredService<IInbox>();
        sales = sales.ToList();
        Assert.All(sales, s => Assert.True(s.IsRefund || SaleValidator.Validate(s).IsValid, $"{s.SaleNumber}: {string.Join("; ", SaleValidator.Validate(s).Errors.Select(e => e.Field + " " + e.Message))}"));
        foreach (var batch in sales.GroupBy(s => (s.StoreId, s.TillId, s.ShiftId)).SelectMany(g => g.Chunk(200).Select(c => (g.Key, Sales: c))))
        {
            var incoming = batch.Sales.Select(s =>
            {
                var document = SaleJson.Serialize(s);
                return new IncomingSale(s, document, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(document))));
            }).ToList();
            var results = await inbox.StoreAsync(batch.Key.TillId, batch.Key.StoreId, incoming, (refund, history) => [.. SaleValidator.Validate(refund, history).Errors.Select(e => new UploadError { Field = e.Field, Message = e.Message })], batch.Sales[^1].CreatedAtUtc, cancellationToken);
            Assert.All(results, r => Assert.True(r.Outcome == StoreOutcome.Accepted, $"{r.Outcome}: {string.Join("; ", r.Errors?.Select(e => e.Field + " " + e.Message) ?? [])}"));
        }

        var shifts = services.GetRequiredService<PosBridge.Connector.Shifts.ShiftClosings>();
        foreach (var closing in closings)
        {
            Assert.Equal(PosBridge.Connector.Shifts.ShiftClosingReceipt.Accepted, await shifts.ReceiveAsync(closing, cancellationToken));
        }
    }
}
