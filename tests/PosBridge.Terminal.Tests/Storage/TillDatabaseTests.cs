using PosBridge.Terminal.Storage;

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
    public void Open_DatabaseFromNewerBuild_RefusesClearly()
    {
        using var till = new TestTill();
        till.Database.Execute("PRAGMA user_version = 99");
        var error = Assert.Throws<InvalidOperationException>(() => TillDatabase.Open(till.DatabasePath).Dispose());
        Assert.Contains("newer", error.Message, StringComparison.Ordinal);
    }
}
