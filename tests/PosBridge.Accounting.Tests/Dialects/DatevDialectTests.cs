using System.Text;
using PosBridge.Accounting.Dialects;
using PosBridge.Accounting.Dialects.Datev;
using PosBridge.Accounting.Setup;
using PosBridge.Accounting.Tests.Fixtures;
using PosBridge.Core.Adapters;
using PosBridge.Core.Amounts;

namespace PosBridge.Accounting.Tests.Dialects;

public sealed class DatevDialectTests
{
    private static readonly CancellationToken Token = TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("datev-ber", "BER1")]
    [InlineData("datev-cai", "CAI1")]
    public async Task Buchungsstapel_FixedSales_MatchGoldenAndReadBackAsTheJournals(string ledger, string storeId)
    {
        var store = storeId == "BER1" ? TestStore.Berlin : TestStore.Cairo;
        var run = await DialectRun.ExportAsync(ledger, store);

        var file = Assert.Single(run.Files);
        Assert.StartsWith("EXTF_", Path.GetFileName(file), StringComparison.Ordinal);
        Golden.AssertMatches(file, $"{ledger}/{Path.GetFileName(file)}");
        var datev = DatevReader.Read(file, 2026);
        ReadBack.AssertMatches(run.Journals, Bookings(datev.Rows), j => j.Id, a => a.Code);
        Assert.All(datev.Rows, r => Assert.True(r.Umsatz > 0m));
        Assert.All(datev.Rows, r => Assert.Contains(r.SollHaben, new[] { "S", "H" }));
        Assert.All(datev.Rows, r => Assert.NotEqual(r.Konto, r.Gegenkonto));
        Assert.All(datev.Rows, r => Assert.Matches("^[A-Za-z0-9$&%*+/-]{1,36}$", r.Belegfeld1));
        Assert.All(datev.Rows, r => Assert.InRange(r.Buchungstext.Length, 1, 60));
    }

    [Fact]
    public async Task Buchungsstapel_DailySummary_ReadsBackAsTheDaysJournal()
    {
        void Daily(Dictionary<string, string?> c) => c["Accounting:Ledgers:datev-ber:Mode"] = "DailySummary";
        var run = await DialectRun.ExportAsync("datev-ber", TestStore.Berlin, Daily);

        var datev = DatevReader.Read(run.Files[0], 2026);

        var journal = Assert.Single(run.Journals);
        Assert.All(datev.Rows, r => Assert.Equal("BER1-20261123", r.Belegfeld1));
        ReadBack.AssertMatches(run.Journals, Bookings(datev.Rows), j => j.Id, a => a.Code);
        Assert.Equal(journal.Lines.Count(l => l.Account.Code != journal.Lines[0].Account.Code), datev.Rows.Count);
    }

    [Fact]
    public async Task Buchungsstapel_Header_IsExtfWithThePeriodAndFiscalYear()
    {
        var run = await DialectRun.ExportAsync("datev-ber", TestStore.Berlin);

        var datev = DatevReader.Read(run.Files[0], 2026);

        Assert.Equal(["EXTF", "700", "21", "Buchungsstapel", "13"], datev.Header.Take(5));
        Assert.Equal("RE", datev.Header[7]);
        Assert.Equal("1234567", datev.Header[10]);
        Assert.Equal("10001", datev.Header[11]);
        Assert.Equal("20260101", datev.Header[12]);
        Assert.Equal("4", datev.Header[13]);
        Assert.Equal("20261123", datev.Header[14]);
        Assert.Equal("20261123", datev.Header[15]);
        Assert.Equal("EUR", datev.Header[21]);
        Assert.Equal("03", datev.Header[26]);
        Assert.Equal(DatevRow.ColumnNames, datev.ColumnNames);
    }

    [Fact]
    public async Task Buchungsstapel_Bytes_AreWindows1252SemicolonCrlfDecimalComma()
    {
        var run = await DialectRun.ExportAsync("datev-ber", TestStore.Berlin);

        var bytes = await File.ReadAllBytesAsync(run.Files[0], Token);
        var text = Windows1252Text.Windows1252.GetString(bytes);

        Assert.Contains((byte)0xFC, bytes); // "ü" of "BU-Schlüssel" as one Windows-1252 byte, not UTF-8's two
        Assert.DoesNotContain("\xC3\xBC", Encoding.Latin1.GetString(bytes), StringComparison.Ordinal);
        Assert.StartsWith("\"EXTF\";700;21;\"Buchungsstapel\";13;", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", text.Replace("\r\n", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        // Revenue credited against cash, automatic tax off (BU 40), Belegdatum as DDMM, text quoted, numbers not.
        Assert.Contains("\r\n75,63;\"H\";\"EUR\";;;\"\";8400;1000;\"40\";2311;\"0193a000-0003-7000-8000-000000000001\";\"\";;\"Revenue Umsatzsteuer 19 %\";", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Buchungsstapel_Bookings_HaveAllColumnsOfVersion13WithWhatPosBridgeKnows()
    {
        var run = await DialectRun.ExportAsync("datev-ber", TestStore.Berlin);

        var datev = DatevReader.Read(run.Files[0], 2026);
        var lines = Windows1252Text.Windows1252.GetString(await File.ReadAllBytesAsync(run.Files[0], Token)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(125, datev.ColumnNames.Count);
        Assert.Equal("Umsatz (ohne Soll/Haben-Kz)", datev.ColumnNames[0]);
        Assert.Equal("Abw. Skontokonto", datev.ColumnNames[^1]);
        Assert.Equal(("Festschreibung", "Leistungsdatum"), (datev.ColumnNames[113], datev.ColumnNames[114]));
        Assert.All(lines.Skip(1), l => Assert.Equal(125, DatevReader.Split(l).Count));
        Assert.All(datev.Rows, r =>
        {
            var journal = run.Journals.Single(j => j.Id == r.Belegfeld1);
            Assert.Equal(("Kassenbeleg", journal.Reference), (r.BeleginfoArt1Text, r.BeleginfoInhalt1));
            Assert.Equal("0", r.FestschreibungFlag);
            Assert.Equal(journal.Date, r.Leistung);
        });
    }

    [Fact]
    public async Task Buchungsstapel_PeriodAcrossFiscalYears_IsRefused()
    {
        var period = new LedgerPeriod("BER1", new DateOnly(2026, 12, 15), new DateOnly(2027, 1, 15));

        var result = await TestLedgers.Get("datev-ber").WriteAsync(period, FixedSales.For(TestStore.Berlin), TestLedgers.NewDirectory(), Token);

        Assert.Equal(LedgerWriteOutcome.Failed, result.Outcome);
        Assert.Contains("one fiscal year per file", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Buchungsstapel_FiscalYearFromJuly_AcceptsDecemberToJanuary()
    {
        var period = new LedgerPeriod("BER1", new DateOnly(2026, 11, 1), new DateOnly(2027, 1, 31));

        var result = await TestLedgers.Get("datev-ber", c => c["Accounting:Ledgers:datev-ber:Datev:FiscalYearStartMonth"] = "7")
            .WriteAsync(period, FixedSales.For(TestStore.Berlin), TestLedgers.NewDirectory(), Token);

        Assert.Equal(LedgerWriteOutcome.Written, result.Outcome);
        Assert.Equal("20260701", DatevReader.Read(result.Files[0], 2026).Header[12]);
    }

    [Theory]
    [InlineData("Transliterate", true)]
    [InlineData("Refuse", false)]
    public async Task Buchungsstapel_ArabicText_IsTransliteratedOrRefusedNeverQuestionMarks(string handling, bool written)
    {
        var export = TestLedgers.Get("datev-cai", c =>
        {
            c["Accounting:Ledgers:datev-cai:Taxes:vat14:Name"] = "ضريبة القيمة المضافة";
            c["Accounting:Ledgers:datev-cai:Datev:UnencodableText"] = handling;
        });

        var result = await export.WriteAsync(TestLedgers.CairoDay, FixedSales.For(TestStore.Cairo), TestLedgers.NewDirectory(), Token);

        Assert.Equal(written ? LedgerWriteOutcome.Written : LedgerWriteOutcome.Failed, result.Outcome);
        if (written)
        {
            var text = await File.ReadAllTextAsync(result.Files[0], Windows1252Text.Windows1252, Token);
            Assert.Contains("\"Revenue dryba alqyma almdafa\"", text, StringComparison.Ordinal);
            Assert.DoesNotContain("?", text, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("Windows-1252", result.Reason, StringComparison.Ordinal);
            Assert.NotEmpty(result.SaleIds);
        }
    }

    [Theory]
    [InlineData("Müller & Söhne – Café", "Müller & Söhne – Café")]
    [InlineData("Łódź", "Lódz")]
    [InlineData("محمد", "mhmd")]
    [InlineData("Straße", "Straße")]
    public void Prepare_Text_KeepsWhatWindows1252HoldsAndTransliteratesTheRest(string text, string expected)
    {
        Assert.Equal(expected, Windows1252Text.Prepare(text, UnencodableTextHandling.Transliterate));
    }

    [Fact]
    public void Prepare_CharacterWithNoTransliteration_IsRefusedNotQuestionMarked()
    {
        var error = Assert.Throws<PosBridge.Accounting.Dialects.JournalRefusedException>(() => Windows1252Text.Prepare("中文", UnencodableTextHandling.Transliterate));

        Assert.Contains("中文", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Buchungsstapel_SplitPayment_BooksEveryLineAgainstTheFirstPayment()
    {
        var sale = FixedSales.For(TestStore.Berlin).Single(s => s.Payments.Count == 2);
        var run = await DialectRun.ExportAsync("datev-ber", TestStore.Berlin);

        var rows = DatevReader.Read(run.Files[0], 2026).Rows.Where(r => r.Belegfeld1 == sale.Id.ToString("D")).ToList();

        Assert.All(rows, r => Assert.Equal("1000", r.Gegenkonto));
        Assert.Contains(rows, r => r.Konto == "1360" && r.SollHaben == "S");
        Assert.Equal(Currency.EUR.Round(sale.Totals.Taxes.Single(t => t.Amount != 0m).Amount), rows.Single(r => r.Konto == "1776").Umsatz);
    }

    /// <summary>A booking moves its amount onto Konto (S: debit) and the opposite onto Gegenkonto.</summary>
    private static IEnumerable<ReadLine> Bookings(IEnumerable<DatevRow> rows) => rows.SelectMany(r =>
    {
        var amount = r.SollHaben == "S" ? r.Umsatz : -r.Umsatz;
        return new[] { new ReadLine(r.Belegfeld1, r.Belegdatum, r.Konto, amount), new ReadLine(r.Belegfeld1, r.Belegdatum, r.Gegenkonto, -amount) };
    });
}
