using System.Runtime.Versioning;
using PosBridge.Terminal.Storage;

namespace PosBridge.Terminal.Tests.Storage;

/// <summary>The till's database holds its sales, the connector credential and signing key: 0600, with its WAL and shared memory.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class TillFileModeTests : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly string _directory = Directory.CreateTempSubdirectory("posbridge-till-modes-").FullName;

    [Fact]
    public void Open_NewDatabase_FileWalAndShmAre0600()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes");
        var path = Path.Combine(_directory, "till-data", "till.db");

        using var database = TillDatabase.Open(path);
        database.SetSetting("probe", "written");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            Assert.True(File.Exists(file), file);
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(file));
        }
    }

    [Fact]
    public void Open_OlderTillsWorldReadableDatabase_Tightened()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes");
        var path = Path.Combine(_directory, "till.db");
        using (TillDatabase.Open(path))
        {
        }

        File.SetUnixFileMode(path, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        using var reopened = TillDatabase.Open(path);

        Assert.Equal(OwnerOnly, File.GetUnixFileMode(path));
    }

    [Fact]
    public void ShiftOpened_TheRestoreMarkBesideTheDatabase_Is0600()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes");
        using var till = new TestTill(Path.Combine(_directory, "till-data"));

        till.Shifts.Open(TestTill.Cashier, 100m);

        Assert.Equal(OwnerOnly, File.GetUnixFileMode(RestoreMark.PathFor(till.DatabasePath)));
        Assert.False(File.Exists(RestoreMark.PathFor(till.DatabasePath) + ".new"));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
