using PosBridge.Terminal.Fiscal;
using PosBridge.Terminal.Tests.Storage;

namespace PosBridge.Terminal.Tests.Fiscal;

public sealed class FiscalChainCrashTests
{
    /// <summary>
    /// As the sale commit's own crash test: before each statement of a Saudi sale's commit (and after COMMIT) the
    /// database files are copied as a killed process leaves them, and each copy is opened as a restarted till opens it.
    /// </summary>
    [Fact]
    public void Commit_KilledAtEveryStatement_LeavesTheZatcaChainWithoutGapOrDouble()
    {
        using var till = new SaudiTill();
        till.SellOrFail();
        var snapshots = new List<(string Statement, string Directory)>();
        // The key file that opens the signing key travels with the database, as in the till's backup.
        string Snapshot()
        {
            var directory = SaleCommitTests.Snapshot(till.Till);
            File.Copy(till.Chain.Zatca!.KeyFile, Path.Combine(directory, Path.GetFileName(till.Till.Database.Path) + ".fiscal-key"));
            return directory;
        }

        till.Till.Database.BeforeStatement = sql => snapshots.Add((sql, Snapshot()));
        var second = till.SellOrFail();
        till.Till.Database.BeforeStatement = null;
        snapshots.Add(("after COMMIT", Snapshot()));
        Assert.Contains(snapshots, s => s.Statement.StartsWith("INSERT INTO FiscalDocuments", StringComparison.Ordinal));
        Assert.Contains(snapshots, s => s.Statement.StartsWith("INSERT INTO FiscalChains", StringComparison.Ordinal));

        var outcomes = new HashSet<int>();
        foreach (var (statement, directory) in snapshots)
        {
            using var restarted = new SaudiTill(directory, ownsDirectory: true);
            var sales = restarted.Till.Sales.Count();
            var documents = restarted.Chain.All(FiscalAuthority.Zatca);
            outcomes.Add(sales);

            // The sale and its invoice are there together or not at all.
            Assert.True(documents.Count == sales, $"{statement}: {sales} sales, {documents.Count} invoices");
            Assert.Equal(sales == 2, restarted.Chain.Find(second.Id) is not null);

            // One more sale continues the chain: counters 1..n with no gap and none twice, each PIH the previous hash.
            restarted.SellOrFail();
            documents = restarted.Chain.All(FiscalAuthority.Zatca);
            Assert.Equal(Enumerable.Range(1, documents.Count).Select(i => (long)i), documents.Select(d => d.Counter));
            Assert.Equal(ZatcaVectors.FirstPreviousHash, documents[0].PreviousHash);
            for (var i = 1; i < documents.Count; i++)
            {
                Assert.Equal(documents[i - 1].Hash, documents[i].PreviousHash);
            }

            Assert.All(documents, d => Assert.Equal(ZatcaVerifier.Verify(d.Document), d.Hash));
            Assert.Equal(documents.Count, documents.Select(d => d.Uuid).Distinct().Count());
        }

        Assert.Equal([1, 2], outcomes.Order());
    }
}
