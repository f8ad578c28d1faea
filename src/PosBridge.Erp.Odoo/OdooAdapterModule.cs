using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PosBridge.Core.Adapters;

namespace PosBridge.Erp.Odoo;

/// <summary>
/// Odoo as the connector composes it: the client, the catalog and stock source, and the sinks the <c>Odoo</c> section
/// turns on; and the demo café's registers, products and taxes in a developer's Odoo (<c>ODOO_URL</c>).
/// </summary>
public sealed class OdooAdapterModule : IAdapterModule, IDemoBackOffice
{
    public string Name => "odoo";

    public string ConfigurationSection => OdooServiceCollectionExtensions.Section;

    /// <summary>Registers nothing when the section is absent: a connector without Odoo.</summary>
    public void Register(IServiceCollection services, IConfigurationSection section) => services.AddOdoo(section);

    /// <summary><c>ODOO_URL</c>, <c>ODOO_DB</c>, <c>ODOO_USER</c> and <c>ODOO_PASSWORD</c> or <c>ODOO_API_KEY</c>, as the real-Odoo tests read them.</summary>
    public IReadOnlyDictionary<string, string?> SettingsFromEnvironment(Func<string, string?> variable) => Pos.OdooDemoShop.SettingsFromEnvironment(variable);

    public Task<DemoBackOfficeReady> PrepareAsync(IConfigurationSection section, DemoShopFacts shop, CancellationToken cancellationToken) =>
        Pos.OdooDemoShop.PrepareAsync(section, shop, cancellationToken);
}
