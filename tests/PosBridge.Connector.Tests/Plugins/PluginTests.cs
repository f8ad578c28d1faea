using Microsoft.Extensions.DependencyInjection;
using PosBridge.Connector.Cli;
using PosBridge.Connector.Dispatch;
using PosBridge.Connector.Tests.Hosting;

namespace PosBridge.Connector.Tests.Plugins;

public sealed class PluginTests
{
    private static string PluginsWithSample()
    {
        var directory = Directory.CreateTempSubdirectory("posbridge-plugins-").FullName;
        File.Copy(Path.Combine(AppContext.BaseDirectory, "sample-plugin", "PosBridge.Connector.Sample.Plugin.dll"), Path.Combine(directory, "PosBridge.Connector.Sample.Plugin.dll"));
        return directory;
    }

    [Fact]
    public async Task PluginInThePluginsFolder_IsLoaded_AndDeliveredToLikeAnyAdapter()
    {
        var ct = TestContext.Current.CancellationToken;
        var journal = Path.Combine(Directory.CreateTempSubdirectory().FullName, "journal.txt");
        await using var host = await ConnectorHost.StartAsync(new()
        {
            ["PosBridge:PluginsDirectory"] = PluginsWithSample(),
            ["Plugins:FileJournal:Name"] = "journal",
            ["Plugins:FileJournal:OutputFile"] = journal,
        });
        var till = await host.PairTillAsync();
        var sales = new Sales(host.Clock).Many(4);
        (await till.UploadAsync(sales)).EnsureSuccessStatusCode();

        var dispatcher = host.Services.GetRequiredService<SalesDispatcher>();
        var run = await dispatcher.DeliverAsync("journal", ct);
        await dispatcher.DeliverAsync("journal", ct);

        Assert.Contains("journal", dispatcher.EnabledAdapters);
        Assert.Equal(4, run.Delivered);
        Assert.Equal(sales.Select(s => s.Id.ToString("D")), (await File.ReadAllLinesAsync(journal, ct)).Select(l => l.Split(' ')[0]));
    }

    [Fact]
    public async Task PluginWithMissingSettings_StopsTheStart_NamingThePluginAndTheSetting()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => ConnectorHost.StartAsync(new() { ["PosBridge:PluginsDirectory"] = PluginsWithSample() }));

        Assert.Contains("Plugins:FileJournal:OutputFile is missing; name the file sales are written to.", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FileThatIsNotAnAssembly_StopsTheStart_NamingTheFile()
    {
        var directory = Directory.CreateTempSubdirectory("posbridge-plugins-").FullName;
        await File.WriteAllTextAsync(Path.Combine(directory, "broken.dll"), "not an assembly", TestContext.Current.CancellationToken);

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => ConnectorHost.StartAsync(new() { ["PosBridge:PluginsDirectory"] = directory }));

        Assert.Contains("broken.dll' cannot be loaded", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_FileThatIsNotAnAssembly_ExitCode2NamingThePluginWithoutAStackTrace()
    {
        var directory = Directory.CreateTempSubdirectory("posbridge-plugins-").FullName;
        await File.WriteAllTextAsync(Path.Combine(directory, "broken.dll"), "not an assembly", TestContext.Current.CancellationToken);

        var (code, error) = await ServeAsync(directory);

        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains("broken.dll' cannot be loaded", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_PluginWithMissingSettings_ExitCode2NamingTheSettingWithoutAStackTrace()
    {
        var (code, error) = await ServeAsync(PluginsWithSample());

        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains("Plugins:FileJournal:OutputFile is missing", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Error)> ServeAsync(string plugins)
    {
        var data = Directory.CreateTempSubdirectory("posbridge-plugins-data-").FullName;
        using var error = new StringWriter();
        // A start that wrongly succeeds would serve until stopped: stop it, and the exit code says what happened.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        var code = await CommandLine.RunAsync(
            ["serve", "--data", data, "--urls", "http://127.0.0.1:0", $"--PosBridge:PluginsDirectory={plugins}", "--Logging:LogLevel:Default=None"],
            TextWriter.Null,
            error,
            TimeProvider.System,
            timeout.Token);
        return (code, error.ToString());
    }
}
