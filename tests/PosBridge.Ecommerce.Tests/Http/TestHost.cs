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

    public TestHost(Dictionary<string, string?> configuration, HttpMessageHandler server, FakeTimeProvider time, ISkuMappingStore? mappings = null, IAppliedDeltaStore? deltas = null)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(configuration).Build();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddSingleton<IStockAlertSink>(Alerts);
        if (mappings is not null)
        {
            services.AddSingleton(mappings);
        }

        if (deltas is not null)
        {
            services.AddSingleton(deltas);
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

/// <summary>
/// The applied-delta store of a connector that stops (throws) right after a web store answered and before the
/// answer is recorded, as many times as asked: what it had committed before stays, as in a database.
/// </summary>
public sealed class CrashingDeltaStore(IAppliedDeltaStore inner) : IAppliedDeltaStore
{
    public int CrashesBeforeRecordingResult { get; set; }

    public int CrashesBeforeSending { get; set; }

    public ValueTask<DeltaStates> FindAsync(string store, IReadOnlyCollection<string> idempotencyKeys, CancellationToken cancellationToken = default) =>
        inner.FindAsync(store, idempotencyKeys, cancellationToken);

    public async ValueTask RecordPendingAsync(string store, IReadOnlyList<PendingStockChange> changes, CancellationToken cancellationToken = default)
    {
        await inner.RecordPendingAsync(store, changes, cancellationToken);
        if (CrashesBeforeSending > 0)
        {
            CrashesBeforeSending--;
            throw new InvalidOperationException("The connector stopped after recording its intent, before the request went out.");
        }
    }

    public ValueTask MarkAppliedAsync(string store, IReadOnlyCollection<string> idempotencyKeys, CancellationToken cancellationToken = default)
    {
        if (CrashesBeforeRecordingResult > 0)
        {
            CrashesBeforeRecordingResult--;
            throw new InvalidOperationException("The connector stopped between the web store's answer and its own record of it.");
        }

        return inner.MarkAppliedAsync(store, idempotencyKeys, cancellationToken);
    }

    public ValueTask ForgetPendingAsync(string store, IReadOnlyCollection<string> idempotencyKeys, CancellationToken cancellationToken = default) =>
        inner.ForgetPendingAsync(store, idempotencyKeys, cancellationToken);
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
