using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PosBridge.Core.Adapters;

namespace PosBridge.Erp.Odoo;

/// <summary>Odoo as the connector composes it: the client, the catalog and stock source, and the sinks the <c>Odoo</c> section turns on.</summary>
public sealed class OdooAdapterModule : IAdapterModule
{
    public string Name => "odoo";

    public string ConfigurationSection => OdooServiceCollectionExtensions.Section;

    /// <summary>Registers nothing when the section is absent: a connector without Odoo.</summary>
    public void Register(IServiceCollection services, IConfigurationSection section) => services.AddOdoo(section);
}
