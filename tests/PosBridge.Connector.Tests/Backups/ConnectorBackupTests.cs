using System.IO.Compression;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using PosBridge.Connector.Backups;
using PosBridge.Connector.Cli;
using PosBridge.Connector.Tests.Hosting;

namespace PosBridge.Connector.Tests.Backups;

/// <summary>backup while the connector takes sales; restore only into a stopped connector, whole or not at all.</summary>
public sealed class ConnectorBackupTests : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly string _directory = Directory.CreateTempSubdirectory("posbridge-backup-").FullName;
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();

    [Fact]
    public async Task Backup_WhileSalesArrive_IsAConsistentSnapshotThatRestoresIntoANewFolder()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var backup = Path.Combine(_directory, "cai1.zip");
        await using (var host = await ConnectorHost.StartAsync())
        {
            var till = await host.PairTillAsync("CAI1", "CAI1-T1");
            var sales = new Sales(host.Clock, "CAI1", "CAI1-T1");
            (await till.UploadAsync(sales.Many(40))).EnsureSuccessStatusCode();

            // Tills keep uploading while the backup is taken: it must hold whole uploads only, and no torn page.
            using var stop = new CancellationTokenSource();
            var uploading = Task.Run(
                async () =>
                {
                    var batches = 0;
                    while (!stop.IsCancellationRequested && batches < 200)
                    {
                        (await till.UploadAsync(sales.Many(5))).EnsureSuccessStatusCode();
                        batches++;
                    }

                    return batches;
                },
                cancellationToken);
            await Task.Delay(50, cancellationToken);
            var code = await RunAsync("backup", "--data", host.Directory, "--out", backup);
            await stop.CancelAsync();
            await uploading;

            Assert.True(code == CommandLine.Ok, _error.ToString());
            Assert.Contains("Backup written: " + backup, _output.ToString(), StringComparison.Ordinal);
            Assert.Contains("holds the secrets key", _error.ToString(), StringComparison.Ordinal);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(OwnerOnly, File.GetUnixFileMode(backup));
            }

            Assert.Empty(Directory.GetFiles(_directory, "*.part"));
        }

        var restored = Path.Combine(_directory, "restored");
        var restore = await RunAsync("restore", "--file", backup, "--data", restored, "--create");

        Assert.True(restore == CommandLine.Ok, _error.ToString());
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(restored, "connector.db")};Pooling=False");
        await connection.OpenAsync(cancellationToken);
        Assert.Equal("ok", await ScalarAsync(connection, "PRAGMA integrity_check"));
        var count = Convert.ToInt64(await ScalarAsync(connection, "SELECT COUNT(*) FROM sales"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(count >= 40 && count % 5 == 0, $"{count} sales: a backup holds whole uploads (40, then batches of 5)");
        Assert.Equal(32, new FileInfo(Path.Combine(restored, "keys", "secrets.key")).Length);
        Assert.Contains($"{count:N0} sales, 1 tills", _output.ToString(), StringComparison.Ordinal);

        // The restored connector knows the till: its signing key decrypts with the restored key.
        await using var again = await ConnectorHost.StartAsync(null, null, restored);
        var status = await again.Services.GetRequiredService<Tills.ITillStore>().ListAsync(cancellationToken);
        Assert.Equal("CAI1-T1", Assert.Single(status).Id);
    }

    [Fact]
    public async Task Restore_WhileServeRuns_RefusedAndNothingChanged()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var data = Path.Combine(_directory, "data");
        Assert.Equal(CommandLine.Ok, await RunAsync("status", "--data", data, "--create"));
        var backup = Path.Combine(_directory, "b.zip");
        Assert.Equal(CommandLine.Ok, await RunAsync("backup", "--data", data, "--out", backup));
        // The database changes under a running connector anyway; the product files must stay where they are.
        Directory.CreateDirectory(Path.Combine(data, "catalog"));
        await File.WriteAllTextAsync(Path.Combine(data, "catalog", "CAI1.csv"), "today's products", cancellationToken);

        using var stopServe = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var serve = CommandLine.RunAsync(["serve", "--data", data, "--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "None"], TextWriter.Null, TextWriter.Null, TimeProvider.System, stopServe.Token);
        try
        {
            // serve holds connector.lock once it has checked its settings and data folder.
            for (var i = 0; i < 600 && RunningConnector.TryTakeExclusive(data) is { } free; i++)
            {
                free.Dispose();
                await Task.Delay(50, cancellationToken);
            }

            var code = await RunAsync("restore", "--file", backup, "--data", data);

            Assert.Equal(CommandLine.InputProblems, code);
            Assert.Contains("a connector is serving", _error.ToString(), StringComparison.Ordinal);
            Assert.Contains("Nothing was changed", _error.ToString(), StringComparison.Ordinal);
            Assert.Empty(Directory.GetDirectories(data, "before-restore-*"));
        }
        finally
        {
            await stopServe.CancelAsync();
            await serve;
        }

        Assert.Equal("today's products", await File.ReadAllTextAsync(Path.Combine(data, "catalog", "CAI1.csv"), cancellationToken));

        // Stopped: the same restore goes ahead, and the data as it was is kept aside.
        Assert.Equal(CommandLine.Ok, await RunAsync("restore", "--file", backup, "--data", data));
        Assert.Single(Directory.GetDirectories(data, "before-restore-*"));
    }

    [Fact]
    public async Task Restore_FailsWhilePuttingFilesInPlace_UndoneDataAsItWas()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var (data, backup) = await TwoConnectorsAsync();
        var database = await File.ReadAllBytesAsync(Path.Combine(data, "connector.db"), cancellationToken);

        // The database is in place, then moving the keys fails (a full disk, a file held open on Windows).
        var failure = await Assert.ThrowsAsync<BackupProblemException>(() => ConnectorBackup.RestoreAsync(
            data,
            backup,
            TimeProvider.System,
            name => _ = name == "keys" ? throw new IOException("No space left on device") : 0,
            cancellationToken));

        Assert.Contains("was undone", failure.Message, StringComparison.Ordinal);
        Assert.Equal(database, await File.ReadAllBytesAsync(Path.Combine(data, "connector.db"), cancellationToken));
        Assert.Empty(Directory.GetDirectories(data, "before-restore-*"));
        Assert.Empty(Directory.GetDirectories(data, ".restore-*"));
    }

    [Fact]
    public async Task Restore_DamagedOrForeignFile_RefusedNamedNothingChanged()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var (data, backup) = await TwoConnectorsAsync();
        var database = await File.ReadAllBytesAsync(Path.Combine(data, "connector.db"), cancellationToken);

        // The backup's database torn in the middle (a copy cut short), and a ZIP that is no backup at all.
        var damaged = Path.Combine(_directory, "damaged.zip");
        File.Copy(backup, damaged);
        using (var zip = ZipFile.Open(damaged, ZipArchiveMode.Update))
        {
            var entry = zip.GetEntry("connector.db")!;
            byte[] bytes;
            using (var stream = entry.Open())
            using (var memory = new MemoryStream())
            {
                stream.CopyTo(memory);
                bytes = memory.ToArray();
            }

            entry.Delete();
            Array.Fill(bytes, (byte)0xA5, bytes.Length / 2, bytes.Length / 4);
            using var write = zip.CreateEntry("connector.db").Open();
            write.Write(bytes);
        }

        var foreign = Path.Combine(_directory, "photos.zip");
        using (var zip = ZipFile.Open(foreign, ZipArchiveMode.Create))
        {
            using var write = zip.CreateEntry("../etc/passwd").Open();
            write.WriteByte(1);
        }

        Assert.Equal(CommandLine.InputProblems, await RunAsync("restore", "--file", damaged, "--data", data));
        Assert.Equal(CommandLine.InputProblems, await RunAsync("restore", "--file", foreign, "--data", data));
        Assert.Equal(CommandLine.InputProblems, await RunAsync("restore", "--file", Path.Combine(_directory, "nope.zip"), "--data", data));

        var errors = _error.ToString();
        Assert.Contains("damaged.zip", errors, StringComparison.Ordinal);
        Assert.Contains("'../etc/passwd', which no PosBridge backup has", errors, StringComparison.Ordinal);
        Assert.Contains("nope.zip does not exist", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", errors, StringComparison.Ordinal);
        Assert.Equal(database, await File.ReadAllBytesAsync(Path.Combine(data, "connector.db"), cancellationToken));
        Assert.Empty(Directory.GetDirectories(data, "before-restore-*"));
        Assert.Empty(Directory.GetDirectories(data, ".restore-*"));
    }

    [Fact]
    public async Task Backup_WhileTheDatabaseIsBrieflyBusy_WaitsAndSucceeds()
    {
        // CI once failed with "database is locked": serve held the file for a moment (a checkpoint) as backup began.
        var cancellationToken = TestContext.Current.CancellationToken;
        var data = Path.Combine(_directory, "data");
        Assert.Equal(CommandLine.Ok, await RunAsync("status", "--data", data, "--create"));
        SqliteConnection.ClearAllPools();
        var busy = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(data, "connector.db"), Pooling = false }.ToString());
        await busy.OpenAsync(cancellationToken);
        await ExecuteAsync(busy, "PRAGMA locking_mode=EXCLUSIVE;");
        await ExecuteAsync(busy, "BEGIN IMMEDIATE; CREATE TABLE held_by_the_test (x INTEGER); COMMIT;");
        var release = Task.Run(
            async () =>
            {
                await Task.Delay(400, cancellationToken);
                await busy.DisposeAsync();
            },
            cancellationToken);

        var backup = Path.Combine(_directory, "busy.zip");
        var code = await RunAsync("backup", "--data", data, "--out", backup);
        await release;

        Assert.True(code == CommandLine.Ok, _error.ToString());
        Assert.True(File.Exists(backup));
    }

    [Fact]
    public async Task Backup_OutFileExistsOrNoDatabase_RefusedNothingWritten()
    {
        var existing = Path.Combine(_directory, "old.zip");
        await File.WriteAllTextAsync(existing, "yesterday", TestContext.Current.CancellationToken);
        var data = Path.Combine(_directory, "data");
        Assert.Equal(CommandLine.Ok, await RunAsync("status", "--data", data, "--create"));
        var empty = Directory.CreateDirectory(Path.Combine(_directory, "empty")).FullName;

        Assert.Equal(CommandLine.InputProblems, await RunAsync("backup", "--data", data, "--out", existing));
        Assert.Equal(CommandLine.InputProblems, await RunAsync("backup", "--data", empty, "--out", Path.Combine(_directory, "e.zip")));
        Assert.Equal(CommandLine.Usage, await RunAsync("backup", "--data", Path.Combine(_directory, "dta")));

        Assert.Equal("yesterday", await File.ReadAllTextAsync(existing, TestContext.Current.CancellationToken));
        Assert.False(File.Exists(Path.Combine(_directory, "e.zip")));
        Assert.Contains("never overwritten", _error.ToString(), StringComparison.Ordinal);
        Assert.Contains("there is no connector database in " + empty, _error.ToString(), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>A backup of one connector (one till) and another connector's data folder (two tills) to restore it into.</summary>
    private async Task<(string Data, string Backup)> TwoConnectorsAsync()
    {
        var backup = Path.Combine(_directory, "first.zip");
        await using (var first = await ConnectorHost.StartAsync())
        {
            await first.PairTillAsync("CAI1", "CAI1-T1");
            Assert.Equal(CommandLine.Ok, await RunAsync("backup", "--data", first.Directory, "--out", backup));
        }

        var data = Path.Combine(_directory, "second");
        Directory.CreateDirectory(data);
        await using (var second = await ConnectorHost.StartAsync(null, null, data))
        {
            await second.PairTillAsync("RUH1", "RUH1-T1");
            await second.PairTillAsync("RUH1", "RUH1-T2");
        }

        SqliteConnection.ClearAllPools();
        return (data, backup);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(TestContext.Current.CancellationToken);
    }

    private Task<int> RunAsync(params string[] args) =>
        CommandLine.RunAsync(args, _output, _error, TimeProvider.System, TestContext.Current.CancellationToken);
}
