using PosBridge.Core.Amounts;
using PosBridge.Core.Sales;
using PosBridge.Core.Taxes;

namespace PosBridge.Core.Tests.Sales;

public sealed class SaleValidatorTests
{
    [Fact]
    public void Validate_SampleSale_IsValid()
    {
        var sale = SampleSales.CafeSale();

        var result = sale.Validate();

        Assert.True(result.IsValid, result.ToString());
        Assert.Equal(sale.Totals.AmountDue, sale.Totals.Paid);
    }

    [Fact]
    public void Validate_TotalsOfSample_AreWhatACashierExpects()
    {
        var sale = SampleSales.CafeSale();

        // 2 × 35.50 + 10 × 1.25 × 0.9 (14 % included) + 3 × 7 (zero-rated) = 71 + 11.25 + 21.
        Assert.Equal(103.25m, sale.Totals.Total);
        Assert.Equal(1.25m, sale.Totals.Discount);
        Assert.Equal(50m, sale.Payments[0].Amount);
        Assert.Equal(53.25m, sale.Payments[1].Amount);
        Assert.Equal(46.75m, sale.Payments[1].Change);
        Assert.Equal(2, sale.Totals.Taxes.Count);
        Assert.Equal(sale.Totals.Total, sale.Totals.Untaxed + sale.Totals.Tax);
    }

    public static TheoryData<string, Func<Sale, Sale>, string> BrokenDocuments() => new()
    {
        { "schemaVersion", s => s with { SchemaVersion = 2 }, "schemaVersion" },
        { "empty id", s => s with { Id = Guid.Empty }, "id" },
        { "random (v4) id", s => s with { Id = Guid.Parse("3f2b9c44-5e1a-4b7e-9d2c-1a2b3c4d5e6f") }, "id" },
        { "blank store", s => s with { StoreId = " " }, "storeId" },
        { "blank till", s => s with { TillId = "" }, "tillId" },
        { "blank shift", s => s with { ShiftId = "" }, "shiftId" },
        { "blank sale number", s => s with { SaleNumber = "" }, "saleNumber" },
        { "blank cashier", s => s with { Cashier = new Cashier { Id = "c7", Name = "" } }, "cashier.name" },
        { "local time instead of UTC", s => s with { CreatedAtUtc = s.CreatedAtUtc.ToOffset(TimeSpan.FromHours(2)) }, "createdAtUtc" },
        { "offset beyond 14 h", s => s with { StoreUtcOffset = TimeSpan.FromHours(15) }, "storeUtcOffset" },
        { "unknown currency", s => s with { Currency = "XXX" }, "currency" },
        { "no lines", s => s with { Lines = [] }, "lines" },
        { "duplicate line number", s => s with { Lines = [s.Lines[0], s.Lines[1] with { LineNumber = 1 }, s.Lines[2]] }, "lines[1].lineNumber" },
        { "zero quantity", s => WithLine(s, 0, l => l with { Quantity = 0m }), "lines[0].quantity" },
        { "negative quantity on a sale", s => WithLine(s, 0, l => l with { Quantity = -2m }), "lines[0].quantity" },
        { "negative price", s => WithLine(s, 0, l => l with { UnitPrice = -35.50m }), "lines[0].unitPrice" },
        { "discount above 100", s => WithLine(s, 1, l => l with { DiscountPercent = 110m }), "lines[1].discountPercent" },
        { "unknown tax", s => WithLine(s, 0, l => l with { TaxIds = ["vat99"] }), "lines[0].taxIds" },
        { "blank product", s => WithLine(s, 0, l => l with { ProductId = "" }), "lines[0].productId" },
        { "refund link on a sale", s => WithLine(s, 0, l => l with { RefundOfLine = 1 }), "lines[0].refundOfLine" },
        { "line total off by a cent", s => WithLine(s, 0, l => l with { TotalIncluded = l.TotalIncluded + 0.01m }), "lines[0].totalIncluded" },
        { "line untaxed off by a cent", s => WithLine(s, 0, l => l with { TotalExcluded = l.TotalExcluded - 0.01m }), "lines[0].totalExcluded" },
        { "line tax amount off", s => WithLine(s, 0, l => l with { TaxAmounts = [l.TaxAmounts[0] with { Amount = l.TaxAmounts[0].Amount + 0.01m }] }), "lines[0].taxAmounts[0].amount" },
        { "line tax missing", s => WithLine(s, 0, l => l with { TaxAmounts = [] }), "lines[0].taxAmounts" },
        { "document total off", s => s with { Totals = s.Totals with { Total = s.Totals.Total + 0.01m } }, "totals.total" },
        { "document untaxed off", s => s with { Totals = s.Totals with { Untaxed = s.Totals.Untaxed + 0.01m } }, "totals.untaxed" },
        { "document tax off", s => s with { Totals = s.Totals with { Tax = s.Totals.Tax - 0.01m } }, "totals.tax" },
        { "tax per rate off", s => s with { Totals = s.Totals with { Taxes = [s.Totals.Taxes[0] with { Amount = s.Totals.Taxes[0].Amount + 0.01m }, s.Totals.Taxes[1]] } }, "totals.taxes[0].amount" },
        { "tax per rate missing", s => s with { Totals = s.Totals with { Taxes = [s.Totals.Taxes[0]] } }, "totals.taxes" },
        { "discount total off", s => s with { Totals = s.Totals with { Discount = 0m } }, "totals.discount" },
        { "order discount above 100", s => s with { OrderDiscountPercent = 101m }, "orderDiscountPercent" },
        { "amount due off", s => s with { Totals = s.Totals with { AmountDue = s.Totals.AmountDue + 1m } }, "totals.amountDue" },
        { "underpaid", s => s with { Payments = [s.Payments[0]], Totals = s.Totals with { Paid = s.Payments[0].Amount, Change = 0m } }, "totals.paid" },
        { "overpaid by card", s => s with { Payments = [s.Payments[0] with { Amount = 200m }], Totals = s.Totals with { Paid = 200m, Change = 0m } }, "totals.paid" },
        { "paid total not the payments' sum", s => s with { Totals = s.Totals with { Paid = s.Totals.Paid + 1m } }, "totals.paid" },
        { "change total not the payments' sum", s => s with { Totals = s.Totals with { Change = 0m } }, "totals.change" },
        { "cash amount not tendered minus change", s => WithPayment(s, 1, p => p with { Change = p.Change + 1m }), "payments[1].amount" },
        { "negative change", s => WithPayment(s, 1, p => p with { Change = -1m }), "payments[1].change" },
        { "change on a card", s => WithPayment(s, 0, p => p with { Change = 1m }), "payments[0]" },
        { "card without details", s => WithPayment(s, 0, p => p with { Card = null }), "payments[0].card" },
        { "full card number in last4", s => WithPayment(s, 0, p => p with { Card = p.Card! with { Last4 = "4111111111111111" } }), "payments[0].card.last4" },
        { "card without authorisation code", s => WithPayment(s, 0, p => p with { Card = p.Card! with { AuthorizationCode = "" } }), "payments[0].card.authorizationCode" },
        { "qr without reference", s => WithPayment(s, 0, p => p with { Kind = PaymentKind.Qr, Card = null }), "payments[0].reference" },
        { "pay later without customer", s => WithPayment(s, 0, p => p with { Kind = PaymentKind.CustomerAccount, Card = null }), "payments[0].kind" },
        { "fraction of a piastre", s => WithPayment(s, 0, p => p with { Amount = 50.005m }), "payments[0].amount" },
        { "negative payment on a sale", s => WithPayment(s, 0, p => p with { Amount = -50m }), "payments[0].amount" },
        { "loyalty without customer", s => s with { Loyalty = new LoyaltyPoints { ProgramId = "pts", Earned = 10m } }, "loyalty" },
        { "negative loyalty points", s => s with { Customer = new Customer { Id = "cu1" }, Loyalty = new LoyaltyPoints { ProgramId = "pts", Spent = -5m } }, "loyalty.spent" },
        { "duplicate tax definition", s => s with { Taxes = [.. s.Taxes, s.Taxes[0]] }, "taxes[2].id" },
        { "division tax of 100 %", s => s with { Taxes = [s.Taxes[0] with { AmountType = TaxAmountType.Division, Amount = 100m }, s.Taxes[1]] }, "taxes[0].amount" },
        { "group without children", s => s with { Taxes = [.. s.Taxes, new TaxDefinition { Id = "g", Name = "G", AmountType = TaxAmountType.Group }] }, "taxes[2].children" },
        { "cash rounding finer than the currency", s => s with { CashRounding = new CashRounding { Step = 0.005m, Mode = RoundingMode.HalfUp } }, "cashRounding.step" },
    };

    [Theory]
    [MemberData(nameof(BrokenDocuments))]
    public void Validate_BrokenDocument_NamesTheField(string what, Func<Sale, Sale> breakIt, string field)
    {
        var sale = breakIt(SampleSales.CafeSale());

        var result = sale.Validate();

        Assert.False(result.IsValid, $"{what}: accepted");
        Assert.True(result.Errors.Any(e => e.Field == field), $"{what}: expected an error on {field}, got:{Environment.NewLine}{result}");
    }

    [Fact]
    public void Validate_FullCardNumber_IsNeverEchoedInTheMessage()
    {
        var sale = WithPayment(SampleSales.CafeSale(), 0, p => p with { Card = p.Card! with { Last4 = "4111111111111111" } });

        var result = sale.Validate();

        Assert.DoesNotContain("4111", result.ToString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// A card number typed or pasted where free text goes (a note, a provider's reference, a token field filled by a
    /// badly written terminal driver) would be kept for years in every database and back office it reaches.
    /// </summary>
    public static TheoryData<string, Func<Sale, Sale>, string> CardNumbersInText => new()
    {
        { "sale note", s => s with { Note = "customer card 4111 1111 1111 1111 declined twice" }, "note" },
        { "line note", s => WithLine(s, 0, l => l with { Note = "paid with 5555-5555-5555-4444" }), "lines[0].note" },
        { "payment reference", s => WithPayment(s, 0, p => p with { Reference = "4000056655665556" }), "payments[0].reference" },
        { "provider reference", s => WithPayment(s, 0, p => p with { Card = p.Card! with { ProviderReference = "ref=4111111111111111;ok" } }), "payments[0].card.providerReference" },
        { "authorisation code", s => WithPayment(s, 0, p => p with { Card = p.Card! with { AuthorizationCode = "378282246310005" } }), "payments[0].card.authorizationCode" },
        { "token", s => WithPayment(s, 0, p => p with { Card = p.Card! with { Token = "6011111111111117" } }), "payments[0].card.token" },
    };

    [Theory]
    [MemberData(nameof(CardNumbersInText))]
    public void Validate_ACardNumberInAnyTextField_IsRefused_AndNeverEchoed(string what, Func<Sale, Sale> breakIt, string field)
    {
        var result = breakIt(SampleSales.CafeSale()).Validate();

        Assert.False(result.IsValid, $"{what}: accepted");
        var error = Assert.Single(result.Errors, e => e.Field == field);
        Assert.Contains("card number", error.Message, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\d{4}[ -]?\d{4}", result.ToString());
    }

    [Theory]
    [InlineData("TXN-20261205-000123")]
    [InlineData("4111111111111112")]
    [InlineData("6221234567892")]
    [InlineData("order 1234567890123456789012")]
    [InlineData("+201001234567")]
    public void Validate_LongNumbersThatAreNotCardNumbers_AreKept(string reference)
    {
        // A provider's transaction id, a number failing the card check digit, an EAN-13 barcode, a run longer than
        // any card number, a phone number.
        var sale = WithPayment(SampleSales.CafeSale(), 0, p => p with { Reference = reference }) with { Note = reference };

        Assert.True(sale.Validate().IsValid, sale.Validate().ToString());
    }

    [Fact]
    public void Validate_ManyProblems_ReportsEveryOne()
    {
        var sale = SampleSales.CafeSale() with { StoreId = "", TillId = "", Currency = "XXX" };

        var result = sale.Validate();

        Assert.Contains(result.Errors, e => e.Field == "storeId");
        Assert.Contains(result.Errors, e => e.Field == "tillId");
        Assert.Contains(result.Errors, e => e.Field == "currency");
    }

    [Fact]
    public void Validate_Underpaid_SaysByHowMuch()
    {
        var sale = SampleSales.CafeSale();
        sale = sale with { Payments = [sale.Payments[0]], Totals = sale.Totals with { Paid = 50m, Change = 0m } };

        var error = Assert.Single(sale.Validate().Errors);

        Assert.Equal("totals.paid", error.Field);
        Assert.Contains("underpaid by 53.25 EGP", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TotalsOffByACent_SaysWhatTheLinesGive()
    {
        var sale = SampleSales.CafeSale();
        sale = sale with { Totals = sale.Totals with { Total = 103.26m } };

        var error = Assert.Single(sale.Validate().Errors, e => e.Field == "totals.total");

        Assert.Equal("is 103.26 but the lines add up to 103.25.", error.Message);
    }

    [Fact]
    public void Validate_Refund_WithinWhatWasSold_IsValid()
    {
        var clock = SampleSales.Clock();
        var original = SampleSales.CafeSale(clock);
        clock.Advance(TimeSpan.FromMinutes(5));
        var refund = SampleSales.RefundOneCoffee(original, clock);

        var result = refund.Validate(new RefundHistory(original, []));

        Assert.True(result.IsValid, result.ToString());
        Assert.Equal(-35.50m, refund.Totals.Total);
        Assert.Equal(-35.50m, refund.Totals.Paid);
    }

    [Fact]
    public void Validate_Refund_MoreThanWasSold_IsRejected()
    {
        var clock = SampleSales.Clock();
        var original = SampleSales.CafeSale(clock);
        clock.Advance(TimeSpan.FromMinutes(5));
        var refund = SampleSales.RefundOneCoffee(original, clock, quantity: -3m);

        var error = Assert.Single(refund.Validate(new RefundHistory(original, [])).Errors);

        Assert.Equal("lines[0].quantity", error.Field);
        Assert.Contains("only 2 of the 2 sold", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Refund_CountsEarlierRefunds()
    {
        var clock = SampleSales.Clock();
        var original = SampleSales.CafeSale(clock);
        clock.Advance(TimeSpan.FromMinutes(5));
        var first = SampleSales.RefundOneCoffee(original, clock);
        clock.Advance(TimeSpan.FromMinutes(5));
        var second = SampleSales.RefundOneCoffee(original, clock);
        clock.Advance(TimeSpan.FromMinutes(5));
        var third = SampleSales.RefundOneCoffee(original, clock);

        Assert.True(second.Validate(new RefundHistory(original, [first])).IsValid);
        var error = Assert.Single(third.Validate(new RefundHistory(original, [first, second])).Errors);
        Assert.Contains("only 0 of the 2 sold", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Refund_OfAnotherCurrency_IsRejected()
    {
        var clock = SampleSales.Clock();
        var original = SampleSales.CafeSale(clock);
        var refund = SampleSales.RefundOneCoffee(original, clock);

        var result = refund.Validate(new RefundHistory(original with { Currency = "SAR" }, []));

        Assert.Contains(result.Errors, e => e.Field == "currency");
    }

    [Fact]
    public void Validate_Refund_OfALineTheSaleDoesNotHave_IsRejected()
    {
        var clock = SampleSales.Clock();
        var original = SampleSales.CafeSale(clock);
        var refund = SampleSales.RefundOneCoffee(original, clock);
        refund = WithLine(refund, 0, l => l with { RefundOfLine = 9 });

        var result = refund.Validate(new RefundHistory(original, []));

        Assert.Contains(result.Errors, e => e.Field == "lines[0].refundOfLine" && e.Message.Contains("has no line 9", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_Refund_WithPositiveQuantity_IsRejected()
    {
        var clock = SampleSales.Clock();
        var refund = SampleSales.RefundOneCoffee(SampleSales.CafeSale(clock), clock);
        refund = WithLine(refund, 0, l => l with { Quantity = 1m });

        Assert.Contains(refund.Validate().Errors, e => e.Field == "lines[0].quantity");
    }

    [Fact]
    public void Validate_Refund_PayingOutMoney_IsPositiveOnlyOnSales()
    {
        var clock = SampleSales.Clock();
        var refund = SampleSales.RefundOneCoffee(SampleSales.CafeSale(clock), clock);
        refund = WithPayment(refund, 0, p => p with { Amount = 35.50m });

        Assert.Contains(refund.Validate().Errors, e => e.Field == "payments[0].amount");
    }

    [Fact]
    public void Validate_OrderDiscount_AppliesToEveryLineBeforeTax()
    {
        var builder = SampleSales.Builder();
        builder.OrderDiscountPercent = 5m;
        var sale = builder
            .AddTax(SampleSales.Vat14Excluded)
            .AddLine("p1", "Tea", 4m, 10m, ["vat14e"], discountPercent: 10m)
            .PayCash(50m)
            .Build();

        Assert.True(sale.Validate().IsValid, sale.Validate().ToString());
        // 40 × 0.9 × 0.95 = 34.20 untaxed, 4.79 tax (14 % of 34.20 = 4.788).
        Assert.Equal(34.20m, sale.Totals.Untaxed);
        Assert.Equal(4.79m, sale.Totals.Tax);
        Assert.Equal(38.99m, sale.Totals.Total);
    }

    [Fact]
    public void Validate_CashRounding_RoundsTheAmountDueToTheStep()
    {
        var builder = SampleSales.Builder(currency: Currency.SAR);
        builder.CashRounding = new CashRounding { Step = 0.05m, Mode = RoundingMode.HalfUp };
        var sale = builder
            .AddTax(SampleSales.Vat14Included with { Amount = 15m, Name = "VAT 15%" })
            .AddLine("p1", "Dates 250 g", 1m, 12.37m, ["vat14i"])
            .PayCash(20m)
            .Build();

        Assert.True(sale.Validate().IsValid, sale.Validate().ToString());
        Assert.Equal(12.35m, sale.Totals.AmountDue);
        Assert.Equal(-0.02m, sale.Totals.Rounding);
        Assert.Equal(7.65m, sale.Payments[0].Change);
    }

    private static Sale WithLine(Sale sale, int index, Func<SaleLine, SaleLine> change) =>
        sale with { Lines = sale.Lines.Select((l, i) => i == index ? change(l) : l).ToArray() };

    private static Sale WithPayment(Sale sale, int index, Func<Payment, Payment> change) =>
        sale with { Payments = sale.Payments.Select((p, i) => i == index ? change(p) : p).ToArray() };
}
