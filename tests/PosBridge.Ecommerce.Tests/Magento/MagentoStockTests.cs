using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PosBridge.Core.Stock;
using PosBridge.Ecommerce.Magento;
using PosBridge.Ecommerce.Tests.Http;
using static PosBridge.Ecommerce.Tests.Http.TestHost;

namespace PosBridge.Ecommerce.Tests.Magento;

public sealed class MagentoStockTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly FakeMagento _magento = new();
    private readonly List<TestHost> _hosts = [];

    public void Dispose()
    {
        foreach (var host in _hosts)
        {
            host.Dispose();
        }
    }

    private PosBridge.Ecommerce.Stock.WebStoreStockTarget Target(Dictionary<string, string?>? extra = null)
    {
        var config = new Dictionary<string, string?>
        {
            ["Ecommerce:Magento:BaseUrl"] = "https://shop.example.com/",
            ["Ecommerce:Magento:AccessToken"] = FakeMagento.Token,
            ["Ecommerce:Magento:Sources:WH1"] = "cairo",
            ["Ecommerce:Magento:Sources:WH2"] = "giza",
            ["Ecommerce:Magento:BatchSize"] = "8",
        };
        foreach (var (key, value) in extra ?? [])
        {
            config[key] = value;
        }

        var host = new TestHost(config, _magento.Handler, _time);
        _hosts.Add(host);
        return host.Target("magento");
    }

    [Fact]
    public async Task SetLevels_TwoSources_SavesOnlyTheChangedSourceItems()
    {
        _magento.SourceItems[("A", "cairo")] = 5;
        _magento.SourceItems[("A", "giza")] = 5;

        var results = await Target().SetLevelsAsync([Level("A", 5, location: "WH1"), Level("A", 7, location: "WH2"), Level("A", 99, location: "BACKROOM")], TestContext.Current.CancellationToken);

        Assert.Equal([StockPushOutcome.Applied, StockPushOutcome.Unchanged], results.Select(r => r.Outcome).Order());
        Assert.Equal((5m, 7m), (_magento.SourceItems[("A", "cairo")], _magento.SourceItems[("A", "giza")]));
        Assert.Equal(1, _magento.Saves);
        Assert.Equal(2, _magento.Reads);
    }

    [Fact]
    public async Task SetLevels_OneItemRefusedInABatch_SplitUntilItStandsAloneAndTheRestSaved()
    {
        for (var i = 0; i < 8; i++)
        {
            _magento.SourceItems[($"S{i}", "cairo")] = 1;
        }

        _magento.Refusing.Add("S5");

        var results = await Target().SetLevelsAsync(Enumerable.Range(0, 8).Select(i => Level($"S{i}", 3)).ToList(), TestContext.Current.CancellationToken);

        Assert.Equal(StockPushOutcome.Rejected, results.Single(r => r.Sku == "S5").Outcome);
        Assert.Equal(7, results.Count(r => r.Outcome == StockPushOutcome.Applied));
        Assert.Equal(1m, _magento.SourceItems[("S5", "cairo")]);
        Assert.Equal(3m, _magento.SourceItems[("S4", "cairo")]);
        Assert.Equal(7, _magento.Requests.Count(r => r.Method == "POST"));
    }

    [Fact]
    public async Task SetLevels_ByDefault_ReservedIsLeftToMagentosOwnReservations()
    {
        _magento.SourceItems[("A", "cairo")] = 0;

        await Target().SetLevelsAsync([Level("A", 10, reserved: 3)], TestContext.Current.CancellationToken);

        Assert.Equal(10m, _magento.SourceItems[("A", "cairo")]);
    }

    [Fact]
    public async Task SetLevels_SubtractReservedOn_PushesOnHandMinusReserved()
    {
        _magento.SourceItems[("A", "cairo")] = 0;

        await Target(new() { ["Ecommerce:Magento:SubtractReserved"] = "true" }).SetLevelsAsync([Level("A", 10, reserved: 3)], TestContext.Current.CancellationToken);

        Assert.Equal(7m, _magento.SourceItems[("A", "cairo")]);
    }

    [Fact]
    public async Task SetLevels_SkuNotAssignedToTheSource_ReportedAndNeverSaved()
    {
        var result = Assert.Single(await Target().SetLevelsAsync([Level("NEW", 4)], TestContext.Current.CancellationToken));

        Assert.Equal(StockPushOutcome.Rejected, result.Outcome);
        Assert.Equal(0, _magento.Saves);
    }

    [Fact]
    public async Task ApplyDeltas_Sale_LowersTheSourceQuantity()
    {
        _magento.SourceItems[("A", "giza")] = 6;

        var result = Assert.Single(await Target().ApplyDeltasAsync([new StockDelta { Sku = "A", LocationId = "WH2", Change = -2, IdempotencyKey = "s/1" }], TestContext.Current.CancellationToken));

        Assert.Equal((StockPushOutcome.Applied, 6m, 4m), (result.Outcome, result.Before, result.After));
        Assert.Equal(4m, _magento.SourceItems[("A", "giza")]);
    }

    [Fact]
    public void AddEcommerce_InvalidMagentoOptions_FailsAtStartNamingEveryProblem()
    {
        using var host = new TestHost(new() { ["Ecommerce:Magento:BaseUrl"] = "http://shop.example.com/" }, _magento.Handler, _time);

        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptionsMonitor<MagentoOptions>>().Get("magento"));

        Assert.Equal(3, error.Failures.Count());
        Assert.Contains(error.Failures, f => f.Contains("BaseUrl must use https", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("AccessToken", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Sources", StringComparison.Ordinal));
    }
}
