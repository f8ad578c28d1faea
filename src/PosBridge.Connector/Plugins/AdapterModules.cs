using System.Reflection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PosBridge.Connector.Hosting;
using PosBridge.Core.Adapters;

namespace PosBridge.Connector.Plugins;

/// <summary>
/// Composes the back offices: the built-in adapters <c>src/Adapters.props</c> lists (written into this assembly at
/// build) and the plug-ins of the plugins folder, each through its <see cref="IAdapterModule"/>, the same way.
/// </summary>
internal static class AdapterModules
{
    /// <summary>The <see cref="AssemblyMetadataAttribute"/> key under which <c>src/Adapters.props</c> lists the built-in adapters.</summary>
    public const string BuiltInKey = "PosBridge.BuiltInAdapter";

    /// <summary>
    /// Registers what every adapter may take from the container (<see cref="TimeProvider"/>, logging, the
    /// <c>IHttpClientFactory</c>), then the built-in adapters, then the plug-ins; each from its own section.
    /// </summary>
    /// <exception cref="ConfigurationProblemException">A plug-in cannot be loaded or registered, or two adapters claim one name or section.</exception>
    public static IReadOnlyList<IAdapterModule> AddAdapters(IServiceCollection services, IConfiguration configuration, string pluginsDirectory)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddLogging();
        services.AddHttpClient();
        var modules = BuiltIn().Select(m => (Plugin: (string?)null, Module: m))
            .Concat(PluginLoader.Load(pluginsDirectory).Select(p => (Plugin: (string?)p.Plugin, p.Module)))
            .ToList();
        var claimed = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (plugin, module) in modules)
        {
            var who = plugin is null ? $"adapter '{module.Name}'" : $"plugin '{plugin}'";
            foreach (var claim in new[] { $"name '{module.Name}'", $"section {module.ConfigurationSection}" })
            {
                if (!claimed.TryAdd(claim, who))
                {
                    throw new ConfigurationProblemException($"The {who} uses the {claim}, as the {claimed[claim]} does; each adapter needs its own.");
                }
            }

            if (plugin is null)
            {
                module.Register(services, configuration.GetSection(module.ConfigurationSection));
                continue;
            }

            try
            {
                module.Register(services, configuration.GetSection(module.ConfigurationSection));
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException)
            {
                throw new ConfigurationProblemException($"Plugin '{plugin}' refused its configuration ({module.ConfigurationSection}): {ex.Message}");
            }
        }

        return modules.ConvertAll(m => m.Module);
    }

    /// <summary>The built-in adapters' modules, in the order <c>src/Adapters.props</c> lists them.</summary>
    public static IReadOnlyList<IAdapterModule> BuiltIn() =>
        typeof(AdapterModules).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Where(a => a.Key == BuiltInKey && a.Value is not null)
            .Select(a => Create(Assembly.Load(new AssemblyName(a.Value!))))
            .ToList();

    /// <summary>The one public <see cref="IAdapterModule"/> class of an adapter assembly, created.</summary>
    /// <exception cref="InvalidOperationException">The assembly has none or several.</exception>
    public static IAdapterModule Create(Assembly assembly)
    {
        var types = assembly.GetExportedTypes().Where(t => typeof(IAdapterModule).IsAssignableFrom(t) && t is { IsClass: true, IsAbstract: false }).ToList();
        return types.Count == 1
            ? (IAdapterModule)Activator.CreateInstance(types[0])!
            : throw new InvalidOperationException($"it has {types.Count} public classes implementing {nameof(IAdapterModule)}; an adapter assembly has exactly one.");
    }
}
