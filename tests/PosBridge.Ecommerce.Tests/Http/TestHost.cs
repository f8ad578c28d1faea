using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Time.Testing;
using PosBridge.Core.Stock;
using PosBridge.Ecommerce.Stock;

namespace PosBridge.Ecommerce.Tests.Http;

/// <summary>
/// The adapter as the connector composes it (<c>AddEcommerce</c> with configuration), with a fake clock and
/// every HTTP call going to a fake server instead of the network.
/// </summary>
public sealed class TestHost : IDisposable
{
    private readonly ServiceProvider _services;

    public TestHost(Dictionary<string, string?> configuration, HttpMessageHandler server, FakeTimeProvider time, ISkuMappingStore? mappings = null)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(configuration).Build();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddSingleton<IStockAlertSink>(Alerts);
        if (mappings is not null)
        {
            services.AddSingleton(mappings);
        }

        services.AddEcommerce(config);

        // After AddEcommerce, so the fake replaces whatever primary handler the clients were given.
        services.ConfigureAll<HttpClientFactoryOptions>(options => options.HttpMessageHandlerBuilderActions.Add(builder => builder.PrimaryHandler = server));
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public IServiceProvider Services => _services;

    public RecordingAlerts Alerts { get; } = new();

    public WebStoreStockTarget Target(string name) => _services.GetRequiredKeyedService<WebStoreStockTarget>(name);

    public void Dispose() => _services.Dispose();

    public static StockLevel Level(string sku, decimal onHand, decimal reserved = 0m, string location = "WH1") =>
        new() { Sku = sku, LocationId = location, OnHand = onHand, Reserved = reserved };
}

public sealed class RecordingAlerts : IStockAlertSink
{
    public List<StockSafetyStop> Raised { get; } = [];

    public ValueTask RaiseAsync(StockSafetyStop alert, CancellationToken cancellationToken = default)
    {
        Raised.Add(alert);
        return ValueTask.CompletedTask;
    }
}

public static class FakeTimeDriving
{
    /// <summary>
    /// Awaits <paramref name="task"/>, moving the fake clock on in small steps while it waits (a retry delay or
    /// a throttle wait), so a test never sleeps for real and still sees when each call was made.
    /// </summary>
    public static async Task<T> DriveAsync<T>(this FakeTimeProvider time, Task<T> task, TimeSpan step)
    {
        while (!task.IsCompleted)
        {
            await Task.Delay(1, TestContext.Current.CancellationToken);
            time.Advance(step);
        }

        return await task;
    }
}
