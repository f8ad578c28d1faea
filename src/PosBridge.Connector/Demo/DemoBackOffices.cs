using PosBridge.Connector.Plugins;
using PosBridge.Core.Adapters;

namespace PosBridge.Connector.Demo;

/// <summary>
/// The back offices the developer's environment names for the demo (Odoo: <c>ODOO_URL</c>, <c>ODOO_DB</c>,
/// <c>ODOO_USER</c>, <c>ODOO_PASSWORD</c> or <c>ODOO_API_KEY</c>, as the real-Odoo tests read them), each made ready
/// for the café by its own adapter (<see cref="IDemoBackOffice"/>) before the connector starts, so the day is
/// delivered there too. Their settings come after the user's: the demo's café is mapped onto what was found or made.
/// </summary>
internal static class DemoBackOffices
{
    /// <summary>The settings to add, and the café's currency (the back office's, when it books in another).</summary>
    public static async Task<(IReadOnlyDictionary<string, string?> Settings, string Currency)> PrepareAsync(IReadOnlyList<DemoTillFacts> tills, Action<string> progress, CancellationToken cancellationToken)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var currency = DemoShop.Currency;
        foreach (var module in AdapterModules.BuiltIn())
        {
            if (module is not IDemoBackOffice backOffice)
            {
                continue;
            }

            var named = backOffice.SettingsFromEnvironment(Environment.GetEnvironmentVariable);
            if (named.Count == 0)
            {
                continue;
            }

            progress($"Making {module.Name} ready for the café ({string.Join(", ", named.Where(kv => !IsSecret(kv.Key)).Select(kv => $"{kv.Key}={kv.Value}"))}) …");
            var section = new ConfigurationBuilder().AddInMemoryCollection(named).Build().GetSection(module.ConfigurationSection);
            var ready = await backOffice.PrepareAsync(section, DemoShop.Facts(tills) with { Currency = currency }, cancellationToken).ConfigureAwait(false);
            foreach (var line in ready.Done)
            {
                progress($"  {module.Name}: {line}");
            }

            foreach (var (key, value) in named.Concat(ready.Settings))
            {
                settings[key] = value;
            }

            currency = ready.Currency ?? currency;
        }

        return (settings, currency);
    }

    private static bool IsSecret(string key) =>
        key.EndsWith("Password", StringComparison.OrdinalIgnoreCase) || key.EndsWith("ApiKey", StringComparison.OrdinalIgnoreCase) || key.EndsWith("Secret", StringComparison.OrdinalIgnoreCase);
}
