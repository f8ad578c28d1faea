using PosBridge.Terminal.Fiscal;
using PosBridge.Terminal.Storage;
using PosBridge.Till;
using PosBridge.Till.Fiscal;

namespace PosBridge.Terminal.Tests.Fiscal;

public sealed class FiscalMigrationTests
{
    /// <summary>The step before clearance (documents keyed by sale) is the one that created FiscalDocuments: version 10.</summary>
    [Fact]
    public void Open_TillWithSaleKeyedFiscalDocuments_KeepsEveryDocumentAndItsPlaceInTheChain()
    {
        var directory = Directory.CreateTempSubdirectory("posbridge-till-").FullName;
        var path = Path.Combine(directory, "till.db");
        try
        {
            using (var old = TillDatabase.Open(path, migrateTo: 10))
            {
                old.Execute("PRAGMA foreign_keys=OFF");
                old.Execute("INSERT INTO Sales(Id, SaleNumber, ShiftId, Seq, CreatedAtUtc, RefundOfId, Json) VALUES ('0193a1b2-0000-7000-8000-000000000001', 'RUH-T01-0001-000001', 's1', 1, '2026-11-23T08:00:00.0000000Z', NULL, '{}')");
                old.Execute("INSERT INTO FiscalDocuments(SaleId, Authority, Counter, Uuid, Hash, PreviousHash, Document, Qr, CreatedAtUtc, State, Attempts, SentAtUtc) VALUES ('0193a1b2-0000-7000-8000-000000000001', 'Zatca', 1, '0193a1b2-0000-7000-8000-000000000001', 'h1', 'p0', '<Invoice/>', 'qr1', '2026-11-23T08:00:00.0000000Z', 1, 1, '2026-11-23T08:01:00.0000000Z')");
                old.Execute("INSERT INTO FiscalChains(Authority, LastCounter, LastHash) VALUES ('Zatca', 1, 'h1')");
            }

            using var upgraded = TillDatabase.Open(path);
            var chain = new FiscalChain(upgraded, new TillOptions(), new FiscalOptions(), TimeProvider.System);
            var document = Assert.Single(chain.All(FiscalAuthority.Zatca));
            Assert.Equal((1L, "h1", "p0", "qr1", (string?)null), (document.Counter, document.Hash, document.PreviousHash, document.Qr, document.Clearance));
            Assert.Equal("qr1", FiscalChain.StoredQr(upgraded, document.SaleId));
            Assert.Equal(1, upgraded.Scalar<int>("SELECT State FROM FiscalDocuments WHERE Uuid = ?", document.Uuid));
            Assert.Equal(1, upgraded.Scalar<int>("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'FiscalDocumentsPending'"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
