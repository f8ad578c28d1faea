using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace PosBridge.Core.Adapters;

/// <summary>
/// How an adapter joins the connector. A built-in adapter (Odoo, the ledgers, the web stores) and a plug-in
/// dropped in the connector's <c>plugins</c> folder register the same way: the connector creates the module (one
/// public class with a public parameterless constructor per assembly), hands it its configuration section, and
/// the module registers its services. The host has already registered <see cref="TimeProvider"/>,
/// <c>ILogger&lt;T&gt;</c> and the <c>IHttpClientFactory</c>; take them from the container, never make your own.
/// </summary>
/// <remarks>
/// Bind your options from <c>section</c> and validate them with an <c>IValidateOptions&lt;T&gt;</c> and
/// <c>ValidateOnStart()</c>: report every failure at once, each naming the setting by its full path and the valid
/// range (<c>Plugins:FileJournal:BatchSize is 0; use 1 to 500.</c>). Do not throw from <see cref="Register"/> for
/// bad settings: a failure there cannot be reported with the others. Register each adapter by the Core contracts
/// it implements (<see cref="ISalesSink"/>, <see cref="IShiftSink"/>, <see cref="ICatalogSource"/>,
/// <see cref="IStockSource"/>, <see cref="IStockTarget"/>, <see cref="ILedgerWriter"/>); the connector finds them there.
/// </remarks>
public interface IAdapterModule
{
    /// <summary>The adapter's name in messages and logs ("odoo", "file-journal").</summary>
    string Name { get; }

    /// <summary>
    /// The configuration path of the adapter's settings ("Odoo", "Accounting", "Plugins:FileJournal"); plug-ins
    /// keep theirs under <c>Plugins:</c>.
    /// </summary>
    string ConfigurationSection { get; }

    /// <summary>
    /// Registers the adapter's services. Called once at start, also when <paramref name="section"/> does not exist:
    /// an adapter that is optional registers nothing then, one that needs settings lets its validator name them.
    /// </summary>
    void Register(IServiceCollection services, IConfigurationSection section);
}
