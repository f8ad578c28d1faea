using System.Globalization;
using PosBridge.Accounting.Dialects;
using PosBridge.Accounting.Dialects.QuickBooks;
using PosBridge.Accounting.Dialects.Sage;
using PosBridge.Accounting.Dialects.Zoho;
using PosBridge.Accounting.Tests.Fixtures;

namespace PosBridge.Accounting.Tests.Dialects;

public sealed class QuickBooksDialectTests
{
    [Fact]
    public async Task JournalEntries_FixedSales_MatchGoldenAndReadBackAsTheJournals()
    {
        var run = await DialectRun.ExportAsync("qbo-cai", TestStore.Cairo);

        var file = Assert.Single(run.Files);
        Golden.AssertMatches(file, $"qbo-cai/{Path.GetFileName(file)}");
        var rows = CsvFiles.ReadAll<QuickBooksJournalRow>(file, CsvFiles.Utf8);
        ReadBack.AssertMatches(
            run.Journals,
            rows.Select(r => new ReadLine(r.JournalNo, DateOnly.ParseExact(r.JournalDate, "MM/dd/yyyy", CultureInfo.InvariantCulture), r.AccountName, (r.Debits ?? 0m) - (r.Credits ?? 0m))),
            j => j.Reference,
            a => a.Name);
        Assert.All(rows.Where(r => r.AccountName == "Accounts receivable"), r => Assert.Equal("Nadia Hassan", r.Name));
        Assert.All(rows, r => Assert.Contains(" (id 0193a000-", r.Description, StringComparison.Ordinal));
        Assert.All(rows, r => Assert.Contains(r.JournalNo, r.Description, StringComparison.Ordinal));
    }

    [Fact]
    public async Task JournalEntries_NonUsRegion_WritesDayFirstDates()
    {
        var run = await DialectRun.ExportAsync("qbo-cai", TestStore.Cairo, c => c["Accounting:Ledgers:qbo-cai:DateFormat"] = "dd/MM/yyyy");

        var rows = CsvFiles.ReadAll<QuickBooksJournalRow>(run.Files[0], CsvFiles.Utf8);

        Assert.All(rows, r => Assert.Equal("23/11/2026", r.JournalDate));
    }
}

public sealed class SageDialectTests
{
    [Fact]
    public async Task CloudJournals_FixedSales_MatchGoldenAndReadBackAsTheJournals()
    {
        var run = await DialectRun.ExportAsync("sage-cai", TestStore.Cairo);

        var file = Assert.Single(run.Files);
        Golden.AssertMatches(file, $"sage-cai/{Path.GetFileName(file)}");
        var rows = CsvFiles.ReadAll<SageCloudJournalRow>(file, CsvFiles.Utf8);
        ReadBack.AssertMatches(run.Journals, rows.Select(r => new ReadLine(r.Reference, r.Date, r.LedgerAccountNumber, (r.Debit ?? 0m) - (r.Credit ?? 0m))), j => j.Reference, a => a.Code);

        // Sage starts a journal where Reference changes: each journal's rows must be contiguous.
        var seen = new HashSet<string>();
        for (var i = 0; i < rows.Count; i++)
        {
            if (i == 0 || rows[i].Reference != rows[i - 1].Reference)
            {
                Assert.True(seen.Add(rows[i].Reference), $"journal {rows[i].Reference} is split");
            }
        }
    }

    [Fact]
    public async Task AuditTrail_FixedSales_MatchGoldenAndReadBackAsTheJournals()
    {
        var run = await DialectRun.ExportAsync("sage50-cai", TestStore.Cairo);

        var file = Assert.Single(run.Files);
        Golden.AssertMatches(file, $"sage50-cai/{Path.GetFileName(file)}");
        var rows = CsvFiles.ReadAll<Sage50Row>(file, Windows1252Text.Windows1252);
        ReadBack.AssertMatches(run.Journals, rows.Select(r => new ReadLine(r.Reference, r.Date, r.NominalCode, r.Type == "JD" ? r.NetAmount : -r.NetAmount)), j => j.Reference, a => a.Code);
        Assert.All(rows, r => Assert.True(r.NetAmount > 0m));
        Assert.All(rows, r => Assert.InRange(r.Details.Length, 1, Sage50AuditTrailWriter.MaxDetails));
        Assert.All(rows, r => Assert.Matches("^T[0-9]$", r.TaxCode));
        Assert.Contains(rows, r => r.TaxCode == "T1" && r.NominalCode == "4000");
    }
}

public sealed class ZohoDialectTests
{
    [Fact]
    public async Task Journals_FixedSales_MatchGoldenAndReadBackAsTheJournals()
    {
        var run = await DialectRun.ExportAsync("zoho-cai", TestStore.Cairo);

        var file = Assert.Single(run.Files);
        Golden.AssertMatches(file, $"zoho-cai/{Path.GetFileName(file)}");
        var rows = CsvFiles.ReadAll<ZohoJournalRow>(file, CsvFiles.Utf8);
        ReadBack.AssertMatches(run.Journals, rows.Select(r => new ReadLine(r.ReferenceNumber, r.JournalDate, r.Account, (r.Debit ?? 0m) - (r.Credit ?? 0m))), j => j.Id, a => a.Name);
        Assert.All(rows, r => Assert.Equal(run.Journals.Single(j => j.Id == r.ReferenceNumber).Narration, r.Notes));
        Assert.All(rows, r => Assert.Equal("Published", r.Status));
        Assert.All(rows, r => Assert.Equal("both", r.JournalType));
        Assert.All(rows, r => Assert.Equal(run.Journals.Single(j => j.Id == r.ReferenceNumber).Reference, r.JournalNumberPrefix + r.JournalNumberSuffix));
        Assert.All(rows, r => Assert.Matches("^[0-9]+$", r.JournalNumberSuffix));
    }
}
