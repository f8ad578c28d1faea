using PosBridge.Connector.Cli;

namespace PosBridge.Connector.Tests.Cli;

/// <summary>Every verb finds its settings the same way, refuses a data folder that is not there, and answers bad settings without a stack trace.</summary>
public sealed class ConfigurationCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("posbridge-config-").FullName;
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();

    [Fact]
    public async Task Status_MistypedDataFolder_RefusedWithExitCode2AndNothingCreated()
    {
        var mistyped = Path.Combine(_directory, "dta");

        var code = await RunAsync("status", "--data", mistyped);

        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains($"the data folder {mistyped} does not exist", _error.ToString(), StringComparison.Ordinal);
        Assert.Contains("--create", _error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", _error.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(mistyped));
    }

    [Fact]
    public async Task Status_NewFolderWithCreate_StartsAnEmptyConnectorWhoseFilesOnlyItsUserReads()
    {
        var data = Path.Combine(_directory, "data");

        var code = await RunAsync("status", "--data", data, "--create");

        Assert.Equal(CommandLine.Ok, code);
        Assert.Contains("Sales received: 0", _output.ToString(), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(data));
        }
    }

    [Fact]
    public async Task Status_ConfigFileWithBadSettings_EveryProblemNamedExitCode2NoStackTrace()
    {
        var config = Path.Combine(_directory, "posbridge.json");
        await File.WriteAllTextAsync(config, """{ "PosBridge": { "MaxBatchSize": 0, "ReplayWindow": "00:00:01" } }""", TestContext.Current.CancellationToken);

        var code = await RunAsync("status", "--data", _directory, "--config", config);

        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains("posbridge: the configuration has problems:", _error.ToString(), StringComparison.Ordinal);
        Assert.Contains("PosBridge:MaxBatchSize is 0", _error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", _error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_DispatchSettingsForAnAdapterNotInstalled_NamedExitCode2NoStackTrace()
    {
        var config = Path.Combine(_directory, "posbridge.json");
        await File.WriteAllTextAsync(config, """{ "PosBridge": { "Dispatch": { "Adapters": { "sage-cairo": { "Enabled": true } } } }, "Logging": { "LogLevel": { "Default": "None" } } }""", TestContext.Current.CancellationToken);

        var code = await RunAsync("serve", "--data", _directory, "--config", config, "--urls", "http://127.0.0.1:0");

        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains("Configured adapters that are not installed: sage-cairo", _error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_FileThatIsNotThere_Refused()
    {
        var code = await RunAsync("status", "--data", _directory, "--config", Path.Combine(_directory, "nope.json"));

        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains("given with --config does not exist", _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retry_AllWithoutAValue_AsHelpShowsIt_IsUnderstood()
    {
        var code = await RunAsync("retry", "--all", "--data", _directory);

        Assert.Equal(CommandLine.InputProblems, code); // nothing dead-lettered in a new folder
        Assert.Contains("no dead letters match", _error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("needs a value", _error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("serve")]
    [InlineData("tills")]
    [InlineData("status")]
    [InlineData("retry")]
    [InlineData("sync")]
    [InlineData("fees")]
    [InlineData("catalog")]
    [InlineData("demo")]
    [InlineData("validate")]
    [InlineData("secrets")]
    [InlineData("dashboard")]
    public async Task Help_EveryVerb_PrintsItsOwnUsage(string verb)
    {
        var code = await RunAsync(verb, "--help");

        Assert.Equal(CommandLine.Ok, code);
        Assert.Contains(Environment.NewLine + "  " + verb, _output.ToString(), StringComparison.Ordinal);
        Assert.Equal(string.Empty, _error.ToString());
    }

    [Fact]
    public async Task Pair_ThenList_ThePairedTillHasBeenInContact()
    {
        var config = Path.Combine(_directory, "posbridge.json");
        await File.WriteAllTextAsync(config, """{ "PosBridge": { "Stores": { "CAI1": { "Currency": "EGP", "TimeZone": "Africa/Cairo" } } } }""", TestContext.Current.CancellationToken);
        await using (var services = await ManagerCommands.ServicesAsync(_directory, config, create: false, cancellationToken: TestContext.Current.CancellationToken))
        {
            var pairing = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Tills.Pairing>(services);
            var (_, code, _) = await pairing.CreateCodeAsync("CAI1", "CAI1-T1", "Front counter", TestContext.Current.CancellationToken);
            var (response, problem) = await pairing.RedeemAsync(new Core.Sync.PairingRequest { Code = code, DeviceName = "tablet" }, TestContext.Current.CancellationToken);
            Assert.True(response is not null, problem);
        }

        _output.GetStringBuilder().Clear();
        await RunAsync("tills", "list", "--data", _directory, "--config", config);

        Assert.DoesNotContain("never", _output.ToString(), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _output.Dispose();
        _error.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private Task<int> RunAsync(params string[] args) =>
        CommandLine.RunAsync(args, _output, _error, TimeProvider.System, TestContext.Current.CancellationToken);
}
