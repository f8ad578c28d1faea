using System.Xml.Linq;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PosBridge.Connector.Hosting;
using PosBridge.Connector.Plugins;
using PosBridge.Core.Adapters;

namespace PosBridge.Connector.Tests.Plugins;

public sealed class AdapterModulesTests
{
    [Fact]
    public void BuiltIn_EveryAdapterOfTheOneList_InItsOrder()
    {
        var listed = XDocument.Load(Path.Combine(Root(), "src", "Adapters.props")).Descendants("BuiltInAdapter").Select(a => a.Attribute("Include")!.Value).ToList();

        var modules = AdapterModules.BuiltIn();

        Assert.Equal(listed, modules.Select(m => m.GetType().Assembly.GetName().Name));
        Assert.Equal(["ecommerce", "odoo", "accounting"], modules.Select(m => m.Name));
    }

    [Fact]
    public void AddAdapters_NoSections_RegistersNoBackOfficeButWhatAdaptersTake()
    {
        var services = new ServiceCollection();

        AdapterModules.AddAdapters(services, new ConfigurationBuilder().Build(), Path.Combine(Path.GetTempPath(), "posbridge-no-plugins-" + Guid.NewGuid()));

        using var provider = services.BuildServiceProvider();
        Assert.Empty(provider.GetServices<ISalesSink>());
        Assert.Empty(provider.GetServices<ILedgerWriter>());
        Assert.Same(TimeProvider.System, provider.GetRequiredService<TimeProvider>());
        Assert.NotNull(provider.GetRequiredService<IHttpClientFactory>());
    }

    [Fact]
    public void AddAdapters_PluginClaimingABuiltInSection_StopsTheStartNamingBoth()
    {
        var services = new ServiceCollection();
        var directory = Directory.CreateTempSubdirectory("posbridge-plugins-").FullName;
        File.Copy(Path.Combine(AppContext.BaseDirectory, "sample-plugin", "PosBridge.Connector.Sample.Plugin.dll"), Path.Combine(directory, "PosBridge.Connector.Sample.Plugin.dll"));
        File.Copy(Path.Combine(AppContext.BaseDirectory, "PosBridge.Erp.Odoo.dll"), Path.Combine(directory, "PosBridge.Erp.Odoo.dll"));

        var failure = Assert.Throws<ConfigurationProblemException>(() => AdapterModules.AddAdapters(services, new ConfigurationBuilder().Build(), directory));

        Assert.Equal("The plugin 'PosBridge.Erp.Odoo' uses the name 'odoo', as the adapter 'odoo' does; each adapter needs its own.", failure.Message);
    }

    private static string Root()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "PosBridge.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("PosBridge.sln not found above the test's directory.");
    }
}
