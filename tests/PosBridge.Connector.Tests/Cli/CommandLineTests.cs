using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using PosBridge.Connector.Cli;

namespace PosBridge.Connector.Tests.Cli;

public sealed class CommandLineTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("posbridge-cli-").FullName;
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));

    [Theory]
    [InlineData("export", "export (--ledger NAME | --dialect DIALECT")]
    [InlineData("feed", "feed --store NAME --format FORMAT --out FILE")]
    [InlineData("tills", "tills revoke --till TILL")]
    public async Task Help_AfterACommand_ShowsThatCommandsUsage(string command, string expected)
    {
        var code = await RunAsync(command, "--help");

        Assert.Equal(CommandLine.Ok, code);
        Assert.Contains(expected, _output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("demo [--date", _output.ToString(), StringComparison.Ordinal);
        Assert.Equal(string.Empty, _error.ToString());
    }

    [Fact]
    public async Task Demo_OneDay_WritesValidSalesAndAZSummary()
    {
        var file = Path.Combine(_directory, "day.jsonl");

        var code = await RunAsync("demo", "--date", "2026-07-15", "--sales", "80", "--out", file);

        Assert.Equal(CommandLine.Ok, code);
        var lines = await File.ReadAllLinesAsync(file, TestContext.Current.CancellationToken);
        Assert.Equal(80, lines.Length);
        Assert.Contains("read back 80 valid, 0 refused", _output.ToString(), StringComparison.Ordinal);
        Assert.Contains("business day 2026-07-15", _output.ToString(), StringComparison.Ordinal);
        // July in Cairo is summer time (+03:00): the store offset on each sale says so.
        Assert.All(lines, l => Assert.Equal("+03:00", JsonNode.Parse(l)!["storeUtcOffset"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Demo_SameDayTwice_GivesTheSameTotals()
    {
        await RunAsync("demo", "--date", "2026-11-23", "--out", Path.Combine(_directory, "a.jsonl"));
        var first = Summary(_output.ToString());
        _output.GetStringBuilder().Clear();

        await RunAsync("demo", "--date", "2026-11-23", "--out", Path.Combine(_directory, "b.jsonl"));

        Assert.Equal(first, Summary(_output.ToString()));
    }

    [Fact]
    public async Task Validate_FileWithABadSale_NamesTheLineAndField()
    {
        var file = Path.Combine(_directory, "sales.jsonl");
        await RunAsync("demo", "--date", "2026-11-23", "--sales", "5", "--out", file);
        var lines = await File.ReadAllLinesAsync(file, TestContext.Current.CancellationToken);
        var broken = JsonNode.Parse(lines[2])!;
        broken["totals"]!["total"] = broken["totals"]!["total"]!.GetValue<decimal>() + 0.01m;
        lines[2] = broken.ToJsonString();
        await File.WriteAllLinesAsync(file, lines, TestContext.Current.CancellationToken);
        _output.GetStringBuilder().Clear();

        var code = await RunAsync("validate", file);

        Assert.Equal(CommandLine.InputProblems, code);
        Assert.Contains($"{file}:3: totals.total:", _output.ToString(), StringComparison.Ordinal);
        Assert.Contains("4 sale(s) valid, 1 refused.", _output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_SameSaleTwice_RefusesTheSecond()
    {
        var file = Path.Combine(_directory, "sales.jsonl");
        await RunAsync("demo", "--date", "2026-11-23", "--sales", "3", "--out", file);
        var lines = await File.ReadAllLinesAsync(file, TestContext.Current.CancellationToken);
        await File.WriteAllLinesAsync(file, [.. lines, lines[0]], TestContext.Current.CancellationToken);
        _output.GetStringBuilder().Clear();

        var code = await RunAsync("validate", file);

        Assert.Equal(CommandLine.InputProblems, code);
        Assert.Contains(":4: id: sale", _output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_OutputThatCannotBeWritten_SaysSoWithoutAStackTrace()
    {
        var blocker = Path.Combine(_directory, "a-file");
        await File.WriteAllTextAsync(blocker, "not a folder", TestContext.Current.CancellationToken);

        var code = await RunAsync("demo", "--sales", "3", "--out", Path.Combine(blocker, "sales.jsonl"));

        Assert.Equal(CommandLine.InputProblems, code);
        Assert.StartsWith("posbridge: ", _error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_MissingFile_SaysWhere()
    {
        var code = await RunAsync("validate", Path.Combine(_directory, "nope.jsonl"));

        Assert.Equal(CommandLine.InputProblems, code);
        Assert.Contains("no file at", _error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("demo", "--date", "23/11/2026")]
    [InlineData("demo", "--sales", "0")]
    [InlineData("demo", "--sales", "lots")]
    [InlineData("demo", "--colour", "red")]
    [InlineData("demo", "--date")]
    [InlineData("demo", "--date", "2026-11-23", "--date", "2026-11-24")]
    [InlineData("validate")]
    [InlineData("validate", "a.jsonl", "b.jsonl")]
    public async Task Run_WrongUsage_ExplainsWhatIsWrong(params string[] args)
    {
        var code = await RunAsync(args);

        Assert.Equal(CommandLine.Usage, code);
        Assert.StartsWith("posbridge: ", _error.ToString(), StringComparison.Ordinal);
        Assert.Contains("posbridge help", _error.ToString(), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _output.Dispose();
        _error.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private Task<int> RunAsync(params string[] args) =>
        CommandLine.RunAsync(args, _output, _error, _clock, TestContext.Current.CancellationToken);

    private static string Summary(string output) => output[output.IndexOf("Z summary", StringComparison.Ordinal)..];
}
