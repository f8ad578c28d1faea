using System.Globalization;
using PosBridge.Accounting.Dialects;
using PosBridge.Accounting.Dialects.QuickBooks;
using PosBridge.Accounting.Dialects.Sage;
using PosBridge.Accounting.Dialects.Xero;
using PosBridge.Accounting.Dialects.Zoho;
using PosBridge.Accounting.Journals;
using PosBridge.Accounting.Tests.Fixtures;
using PosBridge.Core.Adapters;
using PosBridge.Core.Amounts;
using PosBridge.Core.Sales;
using PosBridge.Core.Taxes;

namespace PosBridge.Accounting.Tests.Dialects;

/// <summary>The defects a new user met exporting a real shop's day (issue 17), one test each.</summary>
public sealed class RealShopDefectsTests
{
    private static readonly CancellationToken Token = TestContext.Current.CancellationToken;

    /// <summary>A till with long ids, as the till numbers its sales: STORE-TILL-NNNN-NNNNNN.</summary>
    private static Sale LongNumberSale(int n, string name = "Koshari", Customer? customer = null, string store = "CAI1", string till = "DOWNTOWN-TILL-07")
    {
        var builder = new SaleBuilder(Currency.EGP, TaxRoundingMethod.RoundPerLine)
        {
            Id = FixedSales.Id(9, n),
            StoreId = store,
            TillId = till,
            ShiftId = $"{store}-{till}-0001",
            SaleNumber = string.Create(CultureInfo.InvariantCulture, $"{store}-{till}-0001-{n:000000}"),
            CreatedAtUtc = new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero).AddMinutes(n),
            StoreUtcOffset = TimeSpan.FromHours(2),
            Cashier = new Cashier { Id = "c1", Name = "Mona" },
            Customer = customer,
        };
        return builder.AddTax(TestStore.Cairo.RateA).AddLine("p1", name, 1m, 45m, ["vat14"]).PayCash(50m).Build();
    }

    [Fact]
    public async Task QuickBooks_RealTillNumbersLongerThan21_WritesShortJournalNumbersWithTheFullNumberInTheMemo()
    {
        var sales = Enumerable.Range(1, 3).Select(n => LongNumberSale(n)).ToList();

        var result = await TestLedgers.Get("qbo-cai").WriteAsync(TestLedgers.CairoDay, sales, TestLedgers.NewDirectory(), Token);

        Assert.True(result.Outcome == LedgerWriteOutcome.Written, result.Reason);
        var rows = CsvFiles.ReadAll<QuickBooksJournalRow>(result.Files[0], CsvFiles.Utf8);
        Assert.All(rows, r => Assert.InRange(r.JournalNo.Length, 1, 21));
        Assert.Equal(3, rows.Select(r => r.JournalNo).Distinct().Count());
        foreach (var sale in sales)
        {
            var entry = rows.Where(r => r.Description.Contains(sale.SaleNumber, StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(entry);
            Assert.Single(entry.Select(r => r.JournalNo).Distinct());
            Assert.EndsWith(sale.SaleNumber[^11..], entry[0].JournalNo, StringComparison.Ordinal);
            Assert.All(entry, r => Assert.Contains(sale.Id.ToString("D"), r.Description, StringComparison.Ordinal));
        }

        // Deterministic: the same sale gets the same journal number in any export.
        var again = await TestLedgers.Get("qbo-cai").WriteAsync(TestLedgers.CairoDay, sales.Take(1).ToList(), TestLedgers.NewDirectory(), Token);
        Assert.Equal(rows[0].JournalNo, CsvFiles.ReadAll<QuickBooksJournalRow>(again.Files[0], CsvFiles.Utf8)[0].JournalNo);
    }

    [Fact]
    public void ShortReferences_TwoTillsOfOneStore_GetDifferentNumbers()
    {
        var a = ShortReferences.Fit("CAI1-DOWNTOWN-TILL-07-0001-000001", 21);
        var b = ShortReferences.Fit("CAI1-DOWNTOWN-TILL-08-0001-000001", 21);

        Assert.NotEqual(a, b);
        Assert.Equal(21, Math.Max(a.Length, b.Length) + (21 - Math.Max(a.Length, b.Length)));
        Assert.Equal("CAI1-T1-0001-000001", ShortReferences.Fit("CAI1-T1-0001-000001", 21));
    }

    [Fact]
    public async Task XeroInvoices_SalesWithoutACustomer_AreInvoicedNotSkipped()
    {
        var sales = Enumerable.Range(1, 5).Select(n => LongNumberSale(n, store: "CAI1", till: "T1")).ToList();

        var result = await TestLedgers.Get("xero-inv-cai").WriteAsync(TestLedgers.CairoDay, sales, TestLedgers.NewDirectory(), Token);

        Assert.True(result.Outcome == LedgerWriteOutcome.Written, result.Reason);
        var rows = CsvFiles.ReadAll<XeroInvoiceRow>(result.Files[0], CsvFiles.Utf8);
        Assert.Equal(5, rows.Select(r => r.InvoiceNumber).Distinct().Count());
        Assert.All(rows, r => Assert.Equal("Walk-in customer", r.ContactName));
        Assert.Equal(5, result.JournalCount);
    }

    [Fact]
    public async Task XeroInvoices_LoyaltyRewardMakesACentOfDifference_RoundingLineKeepsTheReceiptsVat()
    {
        // A 10 % reward spread over the lines: the receipt rounds tax per line, Xero on the one 14 % line's gross. The
        // first cart of this fixed series where the two differ by a cent is the one a shop meets sooner or later.
        Sale? found = null;
        for (var k = 0; k < 500 && found is null; k++)
        {
            var builder = new SaleBuilder(Currency.EGP, TaxRoundingMethod.RoundPerLine)
            {
                Id = FixedSales.Id(9, 50),
                StoreId = "CAI1",
                TillId = "T1",
                ShiftId = "CAI1-T1-0001",
                SaleNumber = "CAI1-T1-0001-000050",
                CreatedAtUtc = new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero),
                StoreUtcOffset = TimeSpan.FromHours(2),
                Cashier = new Cashier { Id = "c1", Name = "Mona" },
                OrderDiscountPercent = 10m,
            }.AddTax(TestStore.Cairo.RateA);
            for (var i = 0; i < 4; i++)
            {
                builder.AddLine($"p{i}", $"Item {i}", 1m, 1.05m + (0.37m * ((k * 4) + i)), ["vat14"]);
            }

            var candidate = builder.PayRemaining("card", PaymentKind.Card, FixedSales.Visa).Build();
            if (candidate.Totals.Tax != XeroInvoiceWriter.XeroTax(candidate.Totals.AmountDue, 14m, Currency.EGP))
            {
                found = candidate;
            }
        }

        var sale = Assert.IsType<Sale>(found);
        var gross = sale.Totals.AmountDue;

        var result = await TestLedgers.Get("xero-inv-cai").WriteAsync(TestLedgers.CairoDay, [sale], TestLedgers.NewDirectory(), Token);

        Assert.True(result.Outcome == LedgerWriteOutcome.Written, result.Reason);
        var rows = CsvFiles.ReadAll<XeroInvoiceRow>(result.Files[0], CsvFiles.Utf8);
        Assert.Equal(gross, rows.Sum(r => r.UnitAmount));
        Assert.Equal(sale.Totals.Tax, rows.Where(r => r.TaxType == "VAT 14%").Sum(r => Math.Round(r.UnitAmount * 14m / 114m, 2, MidpointRounding.AwayFromZero)));
        Assert.Contains(rows, r => r.TaxType == "No VAT" && r.AccountCode == "4910");
    }

    [Fact]
    public async Task XeroJournals_Header_HasTheStarsOfXerosTemplate()
    {
        var run = await DialectRun.ExportAsync("xero-cai", TestStore.Cairo);

        var header = (await File.ReadAllLinesAsync(run.Files[0], Token))[0];

        Assert.Equal("*Narration,*Date,Description,*AccountCode,*TaxRate,*Amount,TrackingName1,TrackingOption1,TrackingName2,TrackingOption2", header);
    }

    [Fact]
    public async Task Sage50_ArabicNames_AreWindows1252TransliteratedAndCutOnWords()
    {
        var sale = new SaleBuilder(Currency.EGP, TaxRoundingMethod.RoundPerLine)
        {
            Id = FixedSales.Id(9, 60),
            StoreId = "CAI1",
            TillId = "T1",
            ShiftId = "CAI1-T1-0001",
            SaleNumber = "CAI1-T1-0001-000060",
            CreatedAtUtc = new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero),
            StoreUtcOffset = TimeSpan.FromHours(2),
            Cashier = new Cashier { Id = "c1", Name = "Mona" },
        }.AddTax(TestStore.Cairo.RateA).AddLine("p1", "كشري", 1m, 45m, ["vat14"]).PayCash(50m).Build();

        var run = await TestLedgers.Get("sage50-cai", c => c["Accounting:Ledgers:sage50-cai:Taxes:vat14:Name"] = "Taxe café ضريبة القيمة المضافة على المبيعات")
            .WriteAsync(TestLedgers.CairoDay, [sale], TestLedgers.NewDirectory(), Token);

        Assert.True(run.Outcome == LedgerWriteOutcome.Written, run.Reason);
        var bytes = await File.ReadAllBytesAsync(run.Files[0], Token);
        // Windows-1252: "é" is the one byte E9 (UTF-8 would write C3 A9), and no byte is a UTF-8 lead of Arabic.
        Assert.Contains((byte)0xE9, bytes);
        Assert.DoesNotContain((byte)0xC3, bytes);
        Assert.DoesNotContain((byte)0xD8, bytes);
        var rows = CsvFiles.ReadAll<Sage50Row>(run.Files[0], Windows1252Text.Windows1252);
        Assert.All(rows, r => Assert.InRange(r.Details.Length, 1, Sage50AuditTrailWriter.MaxDetails));
        Assert.All(rows, r => Assert.True(r.Details.All(c => c < 0x0600), r.Details));
        var revenue = Assert.Single(rows, r => r.NominalCode == "4000");
        Assert.StartsWith(sale.Id.ToString("N"), revenue.Details, StringComparison.Ordinal);
        // "Revenue Taxe café dryba …" transliterated, and cut after a whole word.
        var words = revenue.Details.Split(' ');
        Assert.Equal(["Revenue", "Taxe", "café"], words[1..4]);
        Assert.Contains(Windows1252Text.Transliterate("ضريبة القيمة المضافة على المبيعات").Split(' '), w => w == words[^1]);
    }

    [Fact]
    public async Task Sage50_RefuseSetting_RefusesArabicNamingIt()
    {
        var result = await TestLedgers.Get("sage50-cai", c =>
        {
            c["Accounting:Ledgers:sage50-cai:Taxes:vat14:Name"] = "ضريبة";
            c["Accounting:Ledgers:sage50-cai:UnencodableText"] = "Refuse";
        }).WriteAsync(TestLedgers.CairoDay, [LongNumberSale(1, till: "T1")], TestLedgers.NewDirectory(), Token);

        Assert.Equal(LedgerWriteOutcome.Failed, result.Outcome);
        Assert.Contains("Windows-1252", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SageCloud_Details_SayWhatTheLineIsOnce()
    {
        var run = await DialectRun.ExportAsync("sage-cai", TestStore.Cairo);

        var rows = CsvFiles.ReadAll<SageCloudJournalRow>(run.Files[0], CsvFiles.Utf8);

        Assert.DoesNotContain(rows, r => r.Details.Contains("sale sale", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Details.StartsWith("Cash sale CAI1-T1-0001-000001 (id ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ShiftCount_TillShiftId_IsNotRepeatedInTheJournalId()
    {
        var count = new ShiftCashCount
        {
            StoreId = "CAI1",
            TillId = "T2",
            ShiftId = "CAI1-T2-0001",
            ClosedAtUtc = new DateTimeOffset(2026, 11, 23, 18, 0, 0, TimeSpan.Zero),
            ExpectedCash = 500m,
            CountedCash = 480m,
        };
        var export = TestLedgers.Get("generic-cai");

        var journals = await TestLedgers.JournalsAsync(export, TestLedgers.CairoDay, [], new LedgerAdjustments { ShiftCounts = [count] });

        Assert.Equal("CAI1-T2-0001", Assert.Single(journals).Id);
    }

    [Fact]
    public async Task Zoho_JournalNumberAndType_AreFilled()
    {
        var run = await DialectRun.ExportAsync("zoho-cai", TestStore.Cairo);

        var rows = CsvFiles.ReadAll<ZohoJournalRow>(run.Files[0], CsvFiles.Utf8);

        Assert.All(rows, r => Assert.NotEmpty(r.JournalNumberPrefix + r.JournalNumberSuffix));
        Assert.All(rows, r => Assert.Equal("both", r.JournalType));
        Assert.Equal(("CAI1-T1-0001-", "000001"), ZohoJournalWriter.JournalNumber("CAI1-T1-0001-000001"));
    }

    [Fact]
    public async Task Datev_StoreInAnotherCurrency_EuroAmountsOfEachSideAddUpToTheExactTotal()
    {
        var run = await DialectRun.ExportAsync("datev-cai", TestStore.Cairo);

        var rows = PosBridge.Accounting.Dialects.Datev.DatevReader.Read(run.Files[0], 2026).Rows;
        foreach (var journal in rows.GroupBy(r => r.Belegfeld1))
        {
            foreach (var side in journal.GroupBy(r => r.SollHaben))
            {
                var exact = Math.Round(side.Sum(r => r.Umsatz) / 55.25m, 2, MidpointRounding.AwayFromZero);
                Assert.Equal(exact, side.Sum(r => r.BasisUmsatz!.Value));
            }
        }
    }
}
