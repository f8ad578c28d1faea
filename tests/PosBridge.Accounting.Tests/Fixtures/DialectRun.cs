using PosBridge.Accounting.Journals;
using PosBridge.Core.Adapters;
using PosBridge.Core.Sales;

namespace PosBridge.Accounting.Tests.Fixtures;

/// <summary>Exports the fixed sales through a ledger and gives back the files and the journals they must hold.</summary>
public sealed record DialectRun(IReadOnlyList<string> Files, IReadOnlyList<Journal> Journals)
{
    public static async Task<DialectRun> ExportAsync(string ledger, TestStore store, Action<Dictionary<string, string?>>? change = null)
    {
        var sales = FixedSales.For(store);
        var period = new LedgerPeriod(store.Id, FixedSales.Day, FixedSales.Day);
        var export = TestLedgers.Get(ledger, change);
        var result = await export.WriteAsync(period, sales, TestLedgers.NewDirectory(), TestContext.Current.CancellationToken);
        Assert.True(result.Outcome == LedgerWriteOutcome.Written, result.Reason);
        return new DialectRun(result.Files, await TestLedgers.JournalsAsync(export, period, sales));
    }

    public static IReadOnlyList<Sale> Sales(TestStore store) => FixedSales.For(store);
}
