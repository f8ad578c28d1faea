using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PosBridge.Core.Adapters;

namespace PosBridge.Accounting.Setup;

/// <summary>The ledgers as the connector composes them: one <see cref="ILedgerWriter"/> per ledger of the <c>Accounting</c> section.</summary>
public sealed class AccountingAdapterModule : IAdapterModule
{
    public string Name => "accounting";

    public string ConfigurationSection => AccountingOptions.SectionName;

    /// <summary>Registers nothing when the section is absent: a connector that writes no ledger files.</summary>
    public void Register(IServiceCollection services, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        if (section.Exists())
        {
            services.AddAccounting(section);
        }
    }
}
