using PosBridge.Connector.Cli;

namespace PosBridge.Connector.Tests.Storage;

/// <summary><c>Storage:Provider</c> chooses the backend; one this connector does not have stops it as other bad settings do.</summary>
public sealed class StorageProviderTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("posbridge-storage-").FullName;
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();

    [Theory]
    [InlineData("status", "mysql", "Storage:Provider is 'mysql'; use sqlite or postgres.")]
    [InlineData("status", "postgres", "Storage:ConnectionString is not set; give the PostgreSQL server")]
    [InlineData("serve", "Postgres", "Storage:ConnectionString is not set; give the PostgreSQL server")]
    [InlineData("status", " ", "Storage:Provider is empty; use sqlite or postgres.")]
    [InlineData("serve", "PostgreSQL", "Storage:Provider is 'PostgreSQL'; use sqlite or postgres.")]
    public async Task Command_UnknownProvider_NamedWithTheValidOnesExitCode2AndNoDatabase(string command, string provider, string message)
    {
        var config = await ConfigAsync(provider);
        string[] args = command == "serve" ? [command, "--data", _directory, "--config", config, "--urls", "http://127.0.0.1:0"] : [command, "--data", _directory, "--config", config];

        var code = await CommandLine.RunAsync(args, _output, _error, TimeProvider.System, TestContext.Current.CancellationToken);

        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains("posbridge: the configuration has problems:", _error.ToString(), StringComparison.Ordinal);
        Assert.Contains(message, _error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", _error.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_directory, "connector.db")));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("SQLite")]
    public async Task Status_SqliteProvider_RunsOnTheDatabaseFile(string provider)
    {
        var config = await ConfigAsync(provider);

        var code = await CommandLine.RunAsync(["status", "--data", _directory, "--config", config], _output, _error, TimeProvider.System, TestContext.Current.CancellationToken);

        Assert.Equal(CommandLine.Ok, code);
        Assert.True(File.Exists(Path.Combine(_directory, "connector.db")));
    }

    [Theory]
    [InlineData("CheckinInterval", "ten seconds", "Storage:Cluster:CheckinInterval is 'ten seconds'")]
    [InlineData("CheckinInterval", "00:00:00", "Storage:Cluster:CheckinInterval is '00:00:00'")]
    [InlineData("CheckinMisfireThreshold", "-00:00:05", "Storage:Cluster:CheckinMisfireThreshold is '-00:00:05'")]
    public async Task Status_BadClusterTiming_NamedWithTheRangeExitCode2(string setting, string value, string message)
    {
        var config = Path.Combine(_directory, "posbridge.json");
        await File.WriteAllTextAsync(config, $$"""{ "Storage": { "Provider": "sqlite", "Cluster": { "{{setting}}": "{{value}}" } }, "Logging": { "LogLevel": { "Default": "None" } } }""", TestContext.Current.CancellationToken);

        var code = await CommandLine.RunAsync(["status", "--data", _directory, "--config", config], _output, _error, TimeProvider.System, TestContext.Current.CancellationToken);

        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains(message, _error.ToString(), StringComparison.Ordinal);
        Assert.Contains("between 00:00:01 and 00:10:00", _error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("System.", _error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("backup")]
    [InlineData("restore")]
    public async Task BackupOrRestore_OnPostgres_RefusedNamingPgDumpAndNothingWritten(string command)
    {
        var config = await ConfigAsync("postgres");
        await File.WriteAllTextAsync(Path.Combine(_directory, "connector.db"), "the SQLite file left behind by 'store migrate'", TestContext.Current.CancellationToken);
        string[] args = command == "backup"
            ? [command, "--data", _directory, "--config", config, "--out", Path.Combine(_directory, "b.zip")]
            : [command, "--data", _directory, "--config", config, "--file", Path.Combine(_directory, "b.zip")];

        var code = await CommandLine.RunAsync(args, _output, _error, TimeProvider.System, TestContext.Current.CancellationToken);

        Assert.Equal(CommandLine.InputProblems, code);
        Assert.Contains("pg_dump", _error.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_directory, "b.zip")));
        Assert.Equal("the SQLite file left behind by 'store migrate'", await File.ReadAllTextAsync(Path.Combine(_directory, "connector.db"), TestContext.Current.CancellationToken));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        _output.Dispose();
        _error.Dispose();
    }

    private async Task<string> ConfigAsync(string provider)
    {
        var config = Path.Combine(_directory, "posbridge.json");
        await File.WriteAllTextAsync(config, $$"""{ "Storage": { "Provider": "{{provider}}" }, "Logging": { "LogLevel": { "Default": "None" } } }""", TestContext.Current.CancellationToken);
        return config;
    }
}
