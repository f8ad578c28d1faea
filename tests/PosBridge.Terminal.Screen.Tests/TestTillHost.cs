using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace PosBridge.Terminal.Screen.Tests;

/// <summary>The till process, hosted in the test on a free loopback port with its own data folder.</summary>
internal sealed class TestTillHost : IAsyncDisposable
{
    private TestTillHost(WebApplication app, string dataDirectory)
    {
        App = app;
        DataDirectory = dataDirectory;
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        Address = new Uri(addresses.First());
        Http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public WebApplication App { get; }

    public string DataDirectory { get; }

    public Uri Address { get; }

    public HttpClient Http { get; }

    public T Service<T>()
        where T : notnull => App.Services.GetRequiredService<T>();

    /// <summary>Starts a demo till (café catalog, manager PIN 1234) on <paramref name="dataDirectory"/>, or a new folder.</summary>
    public static Task<TestTillHost> StartAsync(string? dataDirectory = null, params string[] settings) => StartWithAsync(null, dataDirectory, settings);

    /// <summary>As <see cref="StartAsync"/>, with services of the test's own registered first (an NFC reader, say).</summary>
    public static async Task<TestTillHost> StartWithAsync(Action<IServiceCollection>? services, string? dataDirectory = null, params string[] settings)
    {
        dataDirectory ??= Directory.CreateTempSubdirectory("posbridge-screen-").FullName;
        string[] args = ["--data", dataDirectory, "--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Warning", .. settings];
        var app = TillHost.Build(args, demo: true, services);
        await app.StartAsync();
        return new TestTillHost(app, dataDirectory);
    }

    /// <summary>Stops the till as a crash would leave it: nothing is flushed beyond what each action committed.</summary>
    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
