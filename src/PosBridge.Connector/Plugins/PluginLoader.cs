using System.Reflection;
using System.Runtime.Loader;
using PosBridge.Connector.Hosting;
using PosBridge.Core.Adapters;

namespace PosBridge.Connector.Plugins;

/// <summary>
/// Loads adapter assemblies from the plugins folder (<c>PosBridge:PluginsDirectory</c>, default <c>plugins</c>):
/// each <c>*.dll</c> directly in it, or <c>&lt;name&gt;/&lt;name&gt;.dll</c> with its dependencies beside it, in its
/// own <see cref="AssemblyLoadContext"/> that shares Core, the framework and the <c>Microsoft.Extensions</c>
/// abstractions with the connector, so the contracts are the same types. A third party adds a back office without
/// rebuilding the connector; its <see cref="IAdapterModule"/> is then registered as a built-in one is.
/// </summary>
internal static class PluginLoader
{
    /// <summary>Every plugin's module with the plugin's name (its file's). A plugin that cannot be loaded stops the start, named.</summary>
    /// <exception cref="ConfigurationProblemException">A file is not a plugin; the message names it and why.</exception>
    public static IReadOnlyList<(string Plugin, IAdapterModule Module)> Load(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return [];
        }

        var modules = new List<(string, IAdapterModule)>();
        foreach (var path in PluginFiles(directory))
        {
            try
            {
                var context = new PluginLoadContext(path);
                modules.Add((Path.GetFileNameWithoutExtension(path), AdapterModules.Create(context.LoadFromAssemblyPath(path))));
            }
            catch (Exception ex) when (ex is BadImageFormatException or FileLoadException or FileNotFoundException or ReflectionTypeLoadException or InvalidOperationException or MissingMethodException or TypeLoadException or TargetInvocationException)
            {
                throw new ConfigurationProblemException($"Plugin '{path}' cannot be loaded: {ex.Message}");
            }
        }

        return modules;
    }

    private static IEnumerable<string> PluginFiles(string directory) =>
        Directory.EnumerateFiles(directory, "*.dll")
            .Concat(Directory.EnumerateDirectories(directory).Select(d => Path.Combine(d, Path.GetFileName(d) + ".dll")).Where(File.Exists))
            .Order(StringComparer.Ordinal);

    /// <summary>Resolves a plugin's own dependencies beside it; Core, the framework and the abstractions come from the connector.</summary>
    private sealed class PluginLoadContext(string path) : AssemblyLoadContext(Path.GetFileNameWithoutExtension(path), isCollectible: false)
    {
        private readonly AssemblyDependencyResolver _resolver = new(path);

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            // Shared with the connector: the contracts (IAdapterModule, IServiceCollection, IOptions, ILogger, …) must be
            // the same types on both sides.
            if (IsShared(assemblyName))
            {
                return null;
            }

            var resolved = _resolver.ResolveAssemblyToPath(assemblyName);
            return resolved is null ? null : LoadFromAssemblyPath(resolved);
        }

        private static bool IsShared(AssemblyName assemblyName)
        {
            if (assemblyName.Name is not { } name)
            {
                return false;
            }

            if (name.StartsWith("PosBridge.Core", StringComparison.Ordinal) || Default.Assemblies.Any(a => a.GetName().Name == name))
            {
                return true;
            }

            if (!name.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal))
            {
                return false;
            }

            // One the connector has but has not loaded yet; one it lacks comes from beside the plugin.
            try
            {
                Default.LoadFromAssemblyName(assemblyName);
                return true;
            }
            catch (Exception ex) when (ex is FileNotFoundException or FileLoadException)
            {
                return false;
            }
        }
    }
}
