using PosBridge.Terminal.Fiscal;

namespace PosBridge.Terminal.Tests.Fiscal;

/// <summary>
/// A Saudi till's database restored from a backup into its folder: the invoices signed after the backup were reported
/// already, so the next one must continue the chain from them (ICV and previous-invoice hash), not repeat their counters.
/// </summary>
public sealed class RestoredChainTests
{
    [Fact]
    public void RestoredInPlace_NextInvoiceContinuesTheChainFromTheLastSigned_NoCounterReused()
    {
        var directory = Directory.CreateTempSubdirectory("posbridge-till-").FullName;
        var backup = Path.Combine(Directory.CreateTempSubdirectory("posbridge-backup-").FullName, "till.db");
        try
        {
            FiscalDocument last;
            using (var saudi = new SaudiTill(directory))
            {
                saudi.Till.Shifts.Open(TestTill.Cashier, 100m);
                saudi.SellOrFail();
                saudi.Till.Database.Execute("VACUUM INTO ?", backup);
                saudi.SellOrFail();
                saudi.SellOrFail();
                last = saudi.Chain.All(FiscalAuthority.Zatca)[^1];
                Assert.Equal(3, last.Counter);
            }

            foreach (var file in new[] { "till.db", "till.db-wal", "till.db-shm" }.Select(f => Path.Combine(directory, f)).Where(File.Exists))
            {
                File.Delete(file);
            }

            File.Copy(backup, Path.Combine(directory, "till.db"));
            using var restored = new SaudiTill(directory, ownsDirectory: true);
            restored.Till.Shifts.Open(TestTill.Cashier, 100m);
            var sale = restored.SellOrFail();

            var next = restored.Chain.All(FiscalAuthority.Zatca).Single(d => d.SaleId == sale.Id);
            Assert.Equal(4, next.Counter);
            Assert.Equal(last.Hash, next.PreviousHash);
            Assert.StartsWith("RUH-OLAYA-0001-T01-E2-", sale.SaleNumber, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(backup)!, recursive: true);
        }
    }
}
