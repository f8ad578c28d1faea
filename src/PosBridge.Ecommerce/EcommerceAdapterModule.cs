using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PosBridge.Core.Adapters;

namespace PosBridge.Ecommerce;

/// <summary>The web stores as the connector composes them: every store of the <c>Ecommerce</c> section, with its feed.</summary>
public sealed class EcommerceAdapterModule : IAdapterModule
{
    public string Name => "ecommerce";

    public string ConfigurationSection => EcommerceServiceCollectionExtensions.Section;

    /// <summary>
    /// Registers <see cref="Stores.WebStores"/> even when no store is configured: the connector's feeds and
    /// reconciliation list it.
    /// </summary>
    public void Register(IServiceCollection services, IConfigurationSection section) => services.AddEcommerce(section);
}
