using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PosBridge.Core.Adapters;
using PosBridge.Core.Loyalty;
using PosBridge.Erp.Odoo.Invoicing;
using PosBridge.Erp.Odoo.Loyalty;

namespace PosBridge.Erp.Odoo.Tests;

public sealed class OdooServiceCollectionExtensionsTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Odoo:Url"] = "http://127.0.0.1:8069",
            ["Odoo:Database"] = "shop",
            ["Odoo:User"] = "admin",
            ["Odoo:ApiKey"] = "k",
        }.Concat(settings).ToDictionary(p => p.Key, p => p.Value)).Build();
        return new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System).AddOdoo(configuration).BuildServiceProvider();
    }

    [Fact]
    public async Task AddOdoo_InvoicingAndLoyaltyOn_RegistersBothSinksAndTheProgramSource()
    {
        await using var services = Build(new()
        {
            ["Odoo:Pos:Enabled"] = "false",
            ["Odoo:Invoicing:Enabled"] = "true",
            ["Odoo:Invoicing:Mode"] = "DailySummary",
            ["Odoo:Invoicing:Journals:cash"] = "7",
            ["Odoo:Invoicing:WalkInPartnerId"] = "9",
            ["Odoo:Loyalty:Enabled"] = "true",
        });

        Assert.Empty(services.GetRequiredService<IOptions<OdooConnectionOptions>>().Value.CompanyIds);
        var sinks = services.GetServices<ISalesSink>().ToList();
        Assert.Equal(["odoo-invoicing", "odoo-loyalty"], sinks.Select(s => s.Name));
        Assert.IsType<OdooInvoiceSink>(sinks[0]);
        Assert.IsType<OdooLoyaltySink>(sinks[1]);
        Assert.IsType<OdooLoyaltySource>(services.GetRequiredService<ILoyaltySource>());
    }

    [Fact]
    public void AddOdoo_BadInvoicingAndLoyaltySettings_NamesEveryProblemAtStart()
    {
        using var services = Build(new()
        {
            ["Odoo:Pos:Tills:T1"] = "1",
            ["Odoo:Invoicing:Enabled"] = "true",
            ["Odoo:Invoicing:Journals:card"] = "0",
            ["Odoo:Loyalty:Enabled"] = "true",
            ["Odoo:Loyalty:AdapterName"] = "odoo",
            ["Odoo:Loyalty:Programs:cafe"] = "-1",
        });

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<OdooConnectionOptions>>().Value);

        var message = string.Join('\n', failure.Failures);
        Assert.Contains("Odoo:Invoicing:Journals:card is 0", message, StringComparison.Ordinal);
        Assert.Contains("Odoo:Invoicing:WalkInPartnerId is missing", message, StringComparison.Ordinal);
        Assert.Contains("booked twice", message, StringComparison.Ordinal);
        Assert.Contains("Odoo:Loyalty:Programs:cafe is -1", message, StringComparison.Ordinal);
        Assert.Contains("Adapter name 'odoo'", message, StringComparison.Ordinal);
    }
}
