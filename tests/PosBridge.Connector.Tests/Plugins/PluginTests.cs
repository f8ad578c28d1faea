using Microsoft.Extensions.DependencyInjection;
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
            ["Plugins:PosBridge.Connector.Sample.Plugin:Name"] = "journal",
            ["Plugins:PosBridge.Connector.Sample.Plugin:OutputFile"] = journal,
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

        Assert.Contains("Plugin 'PosBridge.Connector.Sample.Plugin' refused its configuration (Plugins:PosBridge.Connector.Sample.Plugin): OutputFile is missing", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FileThatIsNotAnAssembly_StopsTheStart_NamingTheFile()
    {
        var directory = Directory.CreateTempSubdirectory("posbridge-plugins-").FullName;
        await File.WriteAllTextAsync(Path.Combine(directory, "broken.dll"), "not an assembly", TestContext.Current.CancellationToken);

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => ConnectorHost.StartAsync(new() { ["PosBridge:PluginsDirectory"] = directory }));

        Assert.Contains("broken.dll' cannot be loaded", failure.Message, StringComparison.Ordinal);
    }
}
