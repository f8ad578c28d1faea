using PosBridge.Terminal.Storage;
using PosBridge.Till;

namespace PosBridge.Terminal.Tests.Storage;

public sealed class TillDatabaseTests
{
    [Fact]
    public void Open_NewDatabase_UsesWalFullSyncAndLatestSchema()
    {
        using var till = new TestTill();
        Assert.Equal("wal", till.Database.Pragma("journal_mode"));
        Assert.Equal("2", till.Database.Pragma("synchronous")); // 2 = FULL
        Assert.Equal(Migrations.Latest, till.Database.SchemaVersion);
    }

    [Fact]
    public void Open_Version1Database_UpgradesInPlaceKeepingData()
    {
        var directory = Directory.CreateTempSubdirectory("posbridge-till-").FullName;
        var path = Path.Combine(directory, "till.db");
        try
        {
            using (var old = TillDatabase.Open(path, migrateTo: 1))
            {
                Assert.Equal(1, old.SchemaVersion);
                old.SetSetting("till", "T2");
            }

            using var upgraded = TillDatabase.Open(path);
            Assert.Equal(Migrations.Latest, upgraded.SchemaVersion);
            Assert.Equal("T2", upgraded.GetSetting("till"));
            Assert.Equal(1, upgraded.Scalar<int>("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'OutboxPending'"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Open_Version8Database_AddsLoyaltyCards_KeepingCustomersAndBalances()
    {
        var directory = Directory.CreateTempSubdirectory("posbridge-till-").FullName;
        var path = Path.Combine(directory, "till.db");
        try
        {
            using (var old = TillDatabase.Open(path, migrateTo: 8))
            {
                old.Execute("INSERT INTO Customers(Id, Name, Phone, CardCode) VALUES ('cu1', 'Salma', '+20 100 123 4567', 'LOY-0042')");
                old.Execute("INSERT INTO LoyaltyBalances(CustomerId, ProgramId, Points, AsOfUtc) VALUES ('cu1', '1', '40', '2026-11-23T06:00:00.0000000Z')");
                Assert.Equal(0, old.Scalar<int>("SELECT COUNT(*) FROM sqlite_master WHERE name = 'LoyaltyCards'"));
            }

            using var upgraded = TillDatabase.Open(path);
            Assert.Equal(Migrations.Latest, upgraded.SchemaVersion);
            Assert.Equal(1, upgraded.Scalar<int>("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'LoyaltyCardsByCode'"));
            var customers = new PosBridge.Terminal.Customers.CustomerStore(upgraded);
            Assert.Equal(("cu1", null), (customers.FindCardByCode("loy-0042")?.Customer.Id, customers.FindCardByCode("loy-0042")?.ProgramId));
            Assert.Equal(40m, new PosBridge.Terminal.Loyalty.LoyaltyService(upgraded, new TillOptions()).Balance("cu1", "1").Available);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Open_DatabaseFromNewerBuild_RefusesClearly()
    {
        using var till = new TestTill();
        till.Database.Execute("PRAGMA user_version = 99");
        var error = Assert.Throws<InvalidOperationException>(() => TillDatabase.Open(till.DatabasePath).Dispose());
        Assert.Contains("newer", error.Message, StringComparison.Ordinal);
    }
}
