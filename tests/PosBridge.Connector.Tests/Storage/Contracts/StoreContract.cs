using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PosBridge.Connector.Hosting;
using PosBridge.Connector.Storage;
using PosBridge.Connector.Tills;

namespace PosBridge.Connector.Tests.Storage.Contracts;

/// <summary>
/// What every store contract stands on: the stores of <typeparamref name="TBackend"/> registered exactly as the
/// connector registers them (<c>AddStorage</c>, chosen by <c>Storage:Provider</c>) over a migrated, empty database.
/// Contracts see the stores through their interfaces only, so the same tests hold any backend to the same promises.
/// </summary>
public abstract class StoreContract<TBackend> : IAsyncLifetime
    where TBackend : IStorageBackend, new()
{
    private readonly TBackend _backend = new();
    private readonly string _keys = Directory.CreateTempSubdirectory("posbridge-contract-keys-").FullName;
    private readonly List<ServiceProvider> _instances = [];
    private IServiceProvider? _services;

    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero));

    /// <summary>Settings the contract needs beyond the backend's (limits, timeouts), as configuration names them.</summary>
    protected virtual IReadOnlyDictionary<string, string?> ContractSettings => new Dictionary<string, string?>();

    /// <summary>Services a contract's stores need beyond the stores, added after them so the backend's own stay.</summary>
    protected virtual void AddServices(IServiceCollection services)
    {
    }

    /// <summary>The first connector instance on the database.</summary>
    internal IServiceProvider Services => _services ?? throw new InvalidOperationException("The contract has not started.");

    internal T Store<T>()
        where T : notnull => Services.GetRequiredService<T>();

    public async ValueTask InitializeAsync()
    {
        await _backend.CreateAsync(TestContext.Current.CancellationToken);
        _services = await OpenInstanceAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }

        await _backend.DisposeAsync();
        Directory.Delete(_keys, recursive: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Another connector instance on the same database, as a second process would be: its own instance identity and
    /// its own memory, sharing only what the backend shares.
    /// </summary>
    internal async Task<IServiceProvider> OpenInstanceAsync()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["PosBridge:Stores:CAI1:Currency"] = "EGP",
                ["PosBridge:Stores:CAI1:TimeZone"] = "Africa/Cairo",
                ["PosBridge:Stores:ALX1:Currency"] = "EGP",
                ["PosBridge:Stores:ALX1:TimeZone"] = "Africa/Cairo",
            })
            .AddInMemoryCollection(_backend.Settings)
            .AddInMemoryCollection(ContractSettings)
            .Build();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<TimeProvider>(Clock);
        services.AddOptions<ConnectorOptions>().Bind(configuration.GetSection(ConnectorOptions.Section));
        Connector.Stores.StoreDirectory.AddStores(services, configuration);
        services.AddSingleton(SecretProtector.FromKeyFile(Path.Combine(_keys, "secrets.key")));
        services.AddStores(configuration);
        AddServices(services);
        // Not validated on build: the report queries also need the dispatcher, which the stores here do not.
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = false, ValidateScopes = true });
        _instances.Add(provider);
        await provider.GetRequiredService<IConnectorStorage>().MigrateAsync(TestContext.Current.CancellationToken);
        return provider;
    }
}
