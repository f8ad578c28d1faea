using System.Text;
using PosBridge.Accounting.Dialects;
using PosBridge.Accounting.Dialects.Generic;
using PosBridge.Accounting.Tests.Fixtures;

namespace PosBridge.Accounting.Tests.Dialects;

public sealed class GenericDialectTests
{
    [Theory]
    [InlineData("generic-cai")]
    [InlineData("generic-cai-daily")]
    public async Task Write_FixedSales_MatchesGoldenAndReadsBackAsTheJournals(string ledger)
    {
        var run = await DialectRun.ExportAsync(ledger, TestStore.Cairo);

        var file = Assert.Single(run.Files);
        Golden.AssertMatches(file, $"{ledger}/{Path.GetFileName(file)}");
        var rows = CsvFiles.ReadAll<GenericRow>(file, CsvFiles.Utf8);
        Assert.All(rows, r => Assert.True(r.Debit is null != r.Credit is null, $"line {r.JournalId}/{r.LineNo} must be debit-only or credit-only"));
        ReadBack.AssertMatches(run.Journals, rows.Select(r => new ReadLine(r.JournalId, r.Date, r.AccountCode, (r.Debit ?? 0m) - (r.Credit ?? 0m))), j => j.Id, a => a.Code);
    }

    [Fact]
    public async Task Write_PerSale_EveryLineCarriesItsSaleIdAndTill()
    {
        var run = await DialectRun.ExportAsync("generic-cai", TestStore.Cairo);

        var rows = CsvFiles.ReadAll<GenericRow>(run.Files[0], CsvFiles.Utf8);

        Assert.All(rows, r => Assert.Equal(r.JournalId, r.SaleId));
        Assert.All(rows, r => Assert.Equal("T1", r.Terminal));
        Assert.All(rows, r => Assert.Equal("CAI1", r.Store));
    }

    [Fact]
    public async Task Write_File_IsUtf8WithoutBomCrlfAndInvariantDecimals()
    {
        var run = await DialectRun.ExportAsync("generic-cai", TestStore.Cairo);

        var bytes = await File.ReadAllBytesAsync(run.Files[0], TestContext.Current.CancellationToken);
        var text = Encoding.UTF8.GetString(bytes);

        Assert.NotEqual(0xEF, bytes[0]);
        Assert.StartsWith("journal_id,line_no,date,account_code,account_name,description,debit,credit,tax_code,tax_rate,tax_amount,currency,fx_rate,reference,sale_id,store,terminal\r\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", text.Replace("\r\n", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains(",90.00,", text, StringComparison.Ordinal); // cash line of 2 × 45.00, two decimals
        Assert.Contains(",2026-11-23,", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_ForeignCurrencyStore_CarriesItsCurrencyAndRate()
    {
        var run = await DialectRun.ExportAsync("generic-ruh", TestStore.Riyadh);

        var rows = CsvFiles.ReadAll<GenericRow>(run.Files[0], CsvFiles.Utf8);

        Golden.AssertMatches(run.Files[0], $"generic-ruh/{Path.GetFileName(run.Files[0])}");
        Assert.All(rows, r => Assert.Equal("SAR", r.Currency));
        Assert.All(rows, r => Assert.Equal(0.0758m, r.FxRate));
        ReadBack.AssertMatches(run.Journals, rows.Select(r => new ReadLine(r.JournalId, r.Date, r.AccountCode, (r.Debit ?? 0m) - (r.Credit ?? 0m))), j => j.Id, a => a.Code);
    }
}
