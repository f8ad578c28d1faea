using System.Reflection;
using System.Runtime.Loader;
using PosBridge.Core.Adapters;

namespace PosBridge.Connector.Plugins;

/// <summary>
/// Loads adapter assemblies from the plugins folder (<c>PosBridge:PluginsDirectory</c>, default <c>plugins</c>):
/// each <c>*.dll</c> directly in it, or <c>&lt;name&gt;/&lt;name&gt;.dll</c> with its dependencies beside it, in its
/// own <see cref="AssemblyLoadContext"/> that shares Core and the framework with the connector, so the contracts
/// are the same types. A third party adds a back office without rebuilding the connector.
/// </summary>
internal static class PluginLoader
{
    public const string SettingsSection = "Plugins";

    /// <summary>Registers every plugin's adapters by the contracts they implement. A broken plugin stops the start, named.</summary>
    public static IReadOnlyList<string> AddPlugins(IServiceCollection services, IConfiguration configuration, string directory)
    {
        if (!Directory.Exists(directory))
        {
            return [];
        }

        var loaded = new List<string>();
        foreach (var path in PluginFiles(directory))
        {
            var name = Path.GetFileNameWithoutExtension(path);
            IConnectorPlugin plugin;
            try
            {
                var context = new PluginLoadContext(path);
                var assembly = context.LoadFromAssemblyPath(path);
                var types = assembly.GetExportedTypes().Where(t => typeof(IConnectorPlugin).IsAssignableFrom(t) && t is { IsClass: true, IsAbstract: false }).ToList();
                if (types.Count != 1)
                {
                    throw new InvalidOperationException($"it has {types.Count} public classes implementing {nameof(IConnectorPlugin)}; a plugin has exactly one.");
                }

                plugin = (IConnectorPlugin)Activator.CreateInstance(types[0])!;
            }
            catch (Exception ex) when (ex is BadImageFormatException or FileLoadException or FileNotFoundException or ReflectionTypeLoadException or InvalidOperationException or MissingMethodException or TypeLoadException or TargetInvocationException)
            {
                throw new InvalidOperationException($"Plugin '{path}' cannot be loaded: {ex.Message}", ex);
            }

            var settings = configuration.GetSection($"{SettingsSection}:{name}").AsEnumerable(makePathsRelative: true)
                .Where(kv => kv.Value is not null)
                .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.OrdinalIgnoreCase);
            IReadOnlyList<IAdapter> adapters;
            try
            {
                adapters = plugin.CreateAdapters(settings);
            }
            catch (ArgumentException ex)
            {
                throw new InvalidOperationException($"Plugin '{name}' refused its configuration ({SettingsSection}:{name}): {ex.Message}", ex);
            }

            foreach (var adapter in adapters)
            {
                var registered = false;
                registered |= Register<ISalesSink>(services, adapter);
                registered |= Register<IShiftSink>(services, adapter);
                registered |= Register<ICatalogSource>(services, adapter);
                registered |= Register<IStockSource>(services, adapter);
                registered |= Register<IStockTarget>(services, adapter);
                registered |= Register<ILedgerWriter>(services, adapter);
                if (!registered)
                {
                    throw new InvalidOperationException($"Plugin '{name}' made adapter '{adapter.Name}', which implements none of Core's adapter contracts.");
                }

                loaded.Add($"{name}: {adapter.Name}");
            }
        }

        return loaded;
    }

    private static bool Register<T>(IServiceCollection services, IAdapter adapter)
        where T : class
    {
        if (adapter is not T contract)
        {
            return false;
        }

        services.AddSingleton(contract);
        return true;
    }

    private static IEnumerable<string> PluginFiles(string directory) =>
        Directory.EnumerateFiles(directory, "*.dll")
            .Concat(Directory.EnumerateDirectories(directory).Select(d => Path.Combine(d, Path.GetFileName(d) + ".dll")).Where(File.Exists))
            .Order(StringComparer.Ordinal);

    /// <summary>Resolves a plugin's own dependencies beside it; Core and the framework come from the connector.</summary>
    private sealed class PluginLoadContext(string path) : AssemblyLoadContext(Path.GetFileNameWithoutExtension(path), isCollectible: false)
    {
        private readonly AssemblyDependencyResolver _resolver = new(path);

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            // Shared with the connector: the contracts must be the same types on both sides.
            if (assemblyName.Name is { } name && (name.StartsWith("PosBridge.Core", StringComparison.Ordinal) || Default.Assemblies.Any(a => a.GetName().Name == name)))
            {
                return null;
            }

            var resolved = _resolver.ResolveAssemblyToPath(assemblyName);
            return resolved is null ? null : LoadFromAssemblyPath(resolved);
        }
    }
}
