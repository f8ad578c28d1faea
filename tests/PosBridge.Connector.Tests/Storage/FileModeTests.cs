using System.Runtime.Versioning;
using Microsoft.Extensions.DependencyInjection;
using PosBridge.Connector.Cli;
using PosBridge.Connector.Tests.Hosting;

namespace PosBridge.Connector.Tests.Storage;

/// <summary>The connector's database, its WAL and shared memory, and the secrets key are readable by their owner only.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class FileModeTests : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly string _directory = Directory.CreateTempSubdirectory("posbridge-modes-").FullName;

    [Fact]
    public async Task Serving_DatabaseWalShmAndKey_Are0600WhateverTheUmask()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes");
        await using var host = await ConnectorHost.StartAsync(null, null, _directory);
        var till = await host.PairTillAsync("CAI1", "CAI1-T1");
        (await till.UploadAsync(new Sales(host.Clock, "CAI1", "CAI1-T1").Many(3))).EnsureSuccessStatusCode();

        // A reader holds the WAL and shared memory open (the last connection to close removes them).
        await using var reader = await host.Services.GetRequiredService<PosBridge.Connector.Storage.Sqlite.ConnectorDatabase>().OpenAsync(TestContext.Current.CancellationToken);
        await using (var read = reader.CreateCommand())
        {
            read.CommandText = "SELECT COUNT(*) FROM sales";
            Assert.Equal(3L, await read.ExecuteScalarAsync(TestContext.Current.CancellationToken));
        }

        foreach (var file in new[] { "connector.db", "connector.db-wal", "connector.db-shm", "keys/secrets.key" })
        {
            var path = Path.Combine(_directory, file);
            Assert.True(File.Exists(path), file);
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public async Task Opening_AnOlderInstallsOpenFiles_TightensThemTo0600()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes");
        var output = new StringWriter();
        Assert.Equal(CommandLine.Ok, await CommandLine.RunAsync(["status", "--data", _directory], output, output, TimeProvider.System, TestContext.Current.CancellationToken));
        var database = Path.Combine(_directory, "connector.db");
        File.SetUnixFileMode(database, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        Assert.Equal(CommandLine.Ok, await CommandLine.RunAsync(["status", "--data", _directory], output, output, TimeProvider.System, TestContext.Current.CancellationToken));

        Assert.Equal(OwnerOnly, File.GetUnixFileMode(database));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
