using System.Text.Json;
using PosBridge.Connector.Cli;

namespace PosBridge.Connector.Tests.Cli;

/// <summary>posbridge init writes a configuration the connector starts with, or nothing at all.</summary>
public sealed class InitCommandTests : IDisposable
{
    private const string Password = "Nile-cafe-2026-counter";
    private readonly string _directory = Directory.CreateTempSubdirectory("posbridge-init-").FullName;
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();

    private string Config => Path.Combine(_directory, "posbridge.json");

    private string Data => Path.Combine(_directory, "data");

    [Fact]
    public async Task Init_AllFlags_WritesCheckedOwnerOnlyConfigThatEveryVerbReads()
    {
        var code = await RunAsync(Password + "\n", "init", "--out", Config, "--store", "CAI1-DOWNTOWN", "--store-name", "القاهرة — وسط البلد", "--currency", "EGP",
            "--timezone", "Africa/Cairo", "--dashboard-password", "-", "--ledgers", "xero-journals,generic", "--data", Data);

        Assert.True(code == CommandLine.Ok, _error.ToString());
        var settings = JsonDocument.Parse(await File.ReadAllTextAsync(Config, TestContext.Current.CancellationToken)).RootElement;
        var store = settings.GetProperty("PosBridge").GetProperty("Stores").GetProperty("CAI1-DOWNTOWN");
        Assert.Equal("القاهرة — وسط البلد", store.GetProperty("Name").GetString());
        Assert.Equal("EGP", store.GetProperty("Currency").GetString());
        Assert.StartsWith("pbkdf2-sha256$", settings.GetProperty("PosBridge").GetProperty("Dashboard").GetProperty("Password").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Password, await File.ReadAllTextAsync(Config, TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(2, settings.GetProperty("Accounting").GetProperty("Ledgers").EnumerateObject().Count());
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Config));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Data));
        }

        // The connector takes it as it is: a till pairs to the store, and the data folder is the one init made.
        Assert.Equal(CommandLine.Ok, await RunAsync(string.Empty, "tills", "pair", "--store", "CAI1-DOWNTOWN", "--till", "CAI1-T1", "--name", "Front counter", "--config", Config));
        Assert.True(File.Exists(Path.Combine(Data, "connector.db")));
    }

    [Fact]
    public async Task Init_Interactive_AsksForEachValueWithSuggestions()
    {
        // Store, name (default), currency SAR, zone (suggested Asia/Riyadh), VAT (suggested 15), password, ledgers, data.
        var answers = string.Join('\n', "RUH1", string.Empty, "SAR", string.Empty, string.Empty, Password, "quickbooks", Data) + "\n";

        var code = await RunAsync(answers, "init", "--out", Config);

        Assert.True(code == CommandLine.Ok, _error.ToString());
        Assert.Contains("Time zone (IANA id: business days are cut in it) [Asia/Riyadh]", _output.ToString(), StringComparison.Ordinal);
        var store = JsonDocument.Parse(await File.ReadAllTextAsync(Config, TestContext.Current.CancellationToken)).RootElement.GetProperty("PosBridge").GetProperty("Stores").GetProperty("RUH1");
        Assert.Equal("Asia/Riyadh", store.GetProperty("TimeZone").GetString());
        Assert.Equal(15m, store.GetProperty("Catalog").GetProperty("Taxes")[0].GetProperty("Percent").GetDecimal());
    }

    [Theory]
    [InlineData("--currency", "EGPX", "EGPX")]
    [InlineData("--timezone", "Africa/Kairo", "Africa/Kairo")]
    [InlineData("--store", "CAI 1", "CAI 1")]
    [InlineData("--ledgers", "xero", "'xero' is not a ledger dialect")]
    [InlineData("--vat", "١٤٪", "--vat")]
    public async Task Init_BadValue_NamedExitCode2NothingWritten(string flag, string value, string named)
    {
        var flags = new Dictionary<string, string>
        {
            ["--store"] = "CAI1", ["--currency"] = "EGP", ["--timezone"] = "Africa/Cairo", ["--ledgers"] = "generic", ["--vat"] = "14",
            ["--dashboard-password"] = Password, ["--data"] = Data, ["--out"] = Config,
        };
        flags[flag] = value;

        var code = await RunAsync(string.Empty, ["init", .. flags.SelectMany(f => new[] { f.Key, f.Value })]);

        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains("posbridge: init wrote nothing:", _error.ToString(), StringComparison.Ordinal);
        Assert.Contains(named, _error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", _error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", _error.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Config));
        Assert.False(Directory.Exists(Data));
    }

    [Fact]
    public async Task Init_WeakPasswordOrNoAnswers_RefusedNothingWritten()
    {
        Assert.Equal(CommandLine.Usage, await RunAsync(string.Empty, "init", "--out", Config, "--store", "CAI1", "--dashboard-password", "password", "--data", Data, "--ledgers", "none"));
        Assert.Contains("--dashboard-password is too weak", _error.ToString(), StringComparison.Ordinal);

        // Standard input ends before the store is given: the missing flag is named instead of a hang or a guess.
        Assert.Equal(CommandLine.Usage, await RunAsync(string.Empty, "init", "--out", Config));
        Assert.Contains("--store is needed", _error.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Config));
    }

    [Fact]
    public async Task Init_ExistingConfig_LeftAloneUnlessForceThenKeptAsBak()
    {
        await File.WriteAllTextAsync(Config, """{ "PosBridge": { "MaxBatchSize": 200 } }""", TestContext.Current.CancellationToken);
        string[] init = ["init", "--out", Config, "--store", "CAI1", "--dashboard-password", Password, "--data", Data, "--ledgers", "none"];

        Assert.Equal(CommandLine.Usage, await RunAsync(string.Empty, init));
        Assert.Contains("already exists and was left as it is", _error.ToString(), StringComparison.Ordinal);
        Assert.Contains("200", await File.ReadAllTextAsync(Config, TestContext.Current.CancellationToken), StringComparison.Ordinal);

        Assert.Equal(CommandLine.Ok, await RunAsync(string.Empty, [.. init, "--force"]));
        Assert.Contains("the previous settings are kept in " + Config + ".bak", _output.ToString(), StringComparison.Ordinal);
        Assert.Contains("200", await File.ReadAllTextAsync(Config + ".bak", TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Contains("CAI1", await File.ReadAllTextAsync(Config, TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private Task<int> RunAsync(string input, params string[] args) =>
        CommandLine.RunAsync(args, new StringReader(input), _output, _error, TimeProvider.System, TestContext.Current.CancellationToken);
}
