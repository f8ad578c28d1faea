using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using PosBridge.Connector.Cli;
using PosBridge.Core.Sales;

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
    public async Task Validate_FileWithABadSale_NamesTheLineAndField()
    {
        var file = await WriteSalesAsync(5);
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
        var file = await WriteSalesAsync(3);
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

        var code = await RunAsync("demo", "--out", Path.Combine(blocker, "demo"));

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
    [InlineData("demo", "--date", "2026-11-23")]
    [InlineData("demo", "--colour", "red")]
    [InlineData("demo", "--out")]
    [InlineData("demo", "--out", "a", "--out", "b")]
    [InlineData("demo", "extra")]
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

    /// <summary>A file of valid sale documents, one JSON object a line, as a till's export would be.</summary>
    private async Task<string> WriteSalesAsync(int count)
    {
        var file = Path.Combine(_directory, "sales.jsonl");
        var sales = new Hosting.Sales(_clock).Many(count);
        await File.WriteAllLinesAsync(file, sales.Select(SaleJson.Serialize), TestContext.Current.CancellationToken);
        return file;
    }
}
