using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Runtime.Versioning;
using PosBridge.Terminal.Screen;

namespace PosBridge.Terminal.Tests.Install;

/// <summary>
/// The install a shop runs, end to end: scripts/publish.sh's single-file binaries for linux-x64, set up with
/// <c>posbridge init</c>, started as deploy/posbridge.service and deploy/posbridge-till.service start them — no working
/// directory of their own (an empty folder that must stay empty), no arguments but the verb, settings from the
/// environment alone — then a till paired with the connector sells, and the sale arrives.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class ServiceInstallTests : IClassFixture<PublishedBinaries>, IDisposable
{
    private const string Password = "Nile-cafe-2026-counter";
    private readonly PublishedBinaries _binaries;
    private readonly string _root = Directory.CreateTempSubdirectory("posbridge-install-").FullName;
    private readonly List<Process> _services = [];
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _log = new();

    public ServiceInstallTests(PublishedBinaries binaries) => _binaries = binaries;

    [Fact]
    public async Task PublishedBinaries_StartedAsTheServiceFilesDo_PairATillAndSellThroughIt()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() && RuntimeInformationIsX64(), "the fixture publishes for linux-x64");
        var cancellationToken = TestContext.Current.CancellationToken;
        var posbridge = _binaries.Connector;
        var config = Path.Combine(_root, "etc", "posbridge.json");
        var data = Path.Combine(_root, "var", "lib", "posbridge");
        Directory.CreateDirectory(Path.GetDirectoryName(config)!);
        var connectorPort = FreePort();
        var connectorEnvironment = new Dictionary<string, string>
        {
            ["POSBRIDGE_CONFIG"] = config,
            ["PosBridge__DataDirectory"] = data,
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{connectorPort}",
            ["DOTNET_BUNDLE_EXTRACT_BASE_DIR"] = Path.Combine(_root, "cache"),
            ["Logging__LogLevel__Default"] = "Warning",
        };

        // What docs/install.md has the owner type: init (the password on standard input), then the product file.
        var init = await RunAsync(posbridge, ["init", "--store", "CAI1", "--store-name", "القاهرة — وسط البلد", "--currency", "EGP", "--timezone", "Africa/Cairo",
            "--dashboard-password", "-", "--ledgers", "generic", "--data", data], connectorEnvironment, Password + "\n", cancellationToken);
        Assert.True(init.Code == 0, init.Error);
        var products = Path.Combine(_root, "products.csv");
        await File.WriteAllTextAsync(products, "name_ar,name_en,sku,barcode,price,tax,category,unit,weighed,stock\nقهوة تركي,Turkish coffee,CAI1-COF-001,6221234567891,35.50,vat14,مشروبات,,no,40\n", cancellationToken);
        var import = await RunAsync(posbridge, ["catalog", "import", "--store", "CAI1", "--file", products], connectorEnvironment, null, cancellationToken);
        Assert.True(import.Code == 0, import.Output + import.Error);

        var connectorFolder = Directory.CreateDirectory(Path.Combine(_root, "connector-cwd")).FullName;
        Start(posbridge, "serve", connectorEnvironment, connectorFolder);
        using var connector = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{connectorPort}"), Timeout = TimeSpan.FromSeconds(30) };
        await WaitForAsync(async () => (await connector.GetAsync("/health/ready", cancellationToken)).IsSuccessStatusCode, "the connector to be ready", cancellationToken);

        var pair = await RunAsync(posbridge, ["tills", "pair", "--store", "CAI1", "--till", "CAI1-T1", "--name", "Front counter"], connectorEnvironment, null, cancellationToken);
        Assert.True(pair.Code == 0, pair.Error);
        var codeLine = pair.Output.Split('\n').First(l => l.StartsWith("Pairing code", StringComparison.Ordinal));
        var code = codeLine[(codeLine.LastIndexOf(':') + 1)..].Trim();

        var tillPort = FreePort();
        var tillFolder = Directory.CreateDirectory(Path.Combine(_root, "till-cwd")).FullName;
        var tillData = Path.Combine(_root, "var", "lib", "posbridge-till");
        // systemd makes the data folder from the unit's StateDirectory (0700) before it starts the till.
        Directory.CreateDirectory(tillData, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Start(_binaries.Till, "serve", new Dictionary<string, string>
        {
            ["PosBridge__Till__StoreId"] = "CAI1",
            ["PosBridge__Till__TillId"] = "CAI1-T1",
            ["PosBridge__Till__Currency"] = "EGP",
            ["PosBridge__Till__TimeZone"] = "Africa/Cairo",
            ["PosBridge__Screen__ConnectorUrl"] = connector.BaseAddress!.ToString(),
            ["PosBridge__Screen__PairingCode"] = code,
            ["PosBridge__Screen__DataDirectory"] = tillData,
            ["PosBridge__Screen__Urls"] = $"http://127.0.0.1:{tillPort}",
            ["PosBridge__Screen__SyncInterval"] = "00:00:01",
            ["DOTNET_BUNDLE_EXTRACT_BASE_DIR"] = Path.Combine(_root, "cache"),
            ["Logging__LogLevel__Default"] = "Warning",
        }, tillFolder);
        using var till = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{tillPort}"), Timeout = TimeSpan.FromSeconds(30) };

        // The product reaches the till from the owner's file through the connector; then a cashier sells it.
        List<ScreenProduct>? found = null;
        await WaitForAsync(
            async () =>
            {
                found = await till.GetFromJsonAsync<List<ScreenProduct>>("/api/search?q=coffee", cancellationToken).ConfigureAwait(false);
                return found is { Count: > 0 };
            },
            "the till to get the catalog",
            cancellationToken);
        await SucceedsAsync(await till.PostAsJsonAsync("/api/shift/open", new OpenShiftRequest(500m), cancellationToken));
        await SucceedsAsync(await till.PostAsJsonAsync("/api/cart/add", new AddRequest(found![0].Id), cancellationToken));
        await SucceedsAsync(await till.PostAsJsonAsync("/api/pay/cash", new CashRequest(50m), cancellationToken));

        await WaitForAsync(
            async () => (await RunAsync(posbridge, ["status"], connectorEnvironment, null, cancellationToken)).Output.Contains("Sales received: 1", StringComparison.Ordinal),
            "the sale to reach the connector",
            cancellationToken);

        // Nothing was written where the services were started, and what holds sales and keys is the owner's only.
        Assert.Empty(Directory.EnumerateFileSystemEntries(connectorFolder));
        Assert.Empty(Directory.EnumerateFileSystemEntries(tillFolder));
        foreach (var file in new[] { config, Path.Combine(data, "connector.db"), Path.Combine(data, "keys", "secrets.key"), Path.Combine(tillData, "till.db"), Path.Combine(tillData, "till.db-wal") })
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }

    public void Dispose()
    {
        foreach (var service in _services)
        {
            if (!service.HasExited)
            {
                service.Kill(entireProcessTree: true);
                service.WaitForExit();
            }

            service.Dispose();
        }

        Directory.Delete(_root, recursive: true);
    }

    private async Task SucceedsAsync(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            // The services' console loggers write from a queue: give the failure's lines a moment to arrive.
            await Task.Delay(1000, TestContext.Current.CancellationToken);
        }

        Assert.True(
            response.IsSuccessStatusCode,
            $"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}{Environment.NewLine}{string.Join(Environment.NewLine, _log)}");
    }

    private static bool RuntimeInformationIsX64() => System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.X64;

    /// <summary>As systemd starts a unit: the binary and its verb, the unit's environment and nothing else, in a folder of no meaning.</summary>
    private static ProcessStartInfo ServiceStart(string binary, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string workingDirectory)
    {
        var info = new ProcessStartInfo(binary, arguments)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        info.Environment.Clear();
        info.Environment["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        return info;
    }

    private void Start(string binary, string verb, IReadOnlyDictionary<string, string> environment, string workingDirectory)
    {
        var process = Process.Start(ServiceStart(binary, [verb], environment, workingDirectory))!;
        process.OutputDataReceived += (_, e) => _log.Enqueue(e.Data ?? string.Empty);
        process.ErrorDataReceived += (_, e) => _log.Enqueue(e.Data ?? string.Empty);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _services.Add(process);
    }

    private async Task<(int Code, string Output, string Error)> RunAsync(string binary, string[] arguments, IReadOnlyDictionary<string, string> environment, string? input, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_root, "manager-cwd")).FullName;
        using var process = Process.Start(ServiceStart(binary, arguments, environment, folder))!;
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }

        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await output, await error);
    }

    private async Task WaitForAsync(Func<Task<bool>> condition, string what, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(90))
        {
            Assert.DoesNotContain(_services, s => s.HasExited);
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(250, cancellationToken);
        }

        throw new TimeoutException($"waited 90 s for {what}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>scripts/publish.sh for linux-x64, once for the test class: the binaries a shop downloads.</summary>
public sealed class PublishedBinaries : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("posbridge-publish-").FullName;

    public PublishedBinaries()
    {
        if (!OperatingSystem.IsLinux() || System.Runtime.InteropServices.RuntimeInformation.OSArchitecture != System.Runtime.InteropServices.Architecture.X64)
        {
            return;
        }

        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "PosBridge.sln")))
        {
            root = root.Parent;
        }

        using var publish = Process.Start(new ProcessStartInfo("bash", [Path.Combine(root!.FullName, "scripts", "publish.sh"), "--out", _folder, "linux-x64"])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var error = publish.StandardError.ReadToEndAsync();
        _ = publish.StandardOutput.ReadToEnd();
        publish.WaitForExit();
        if (publish.ExitCode != 0)
        {
            throw new InvalidOperationException("scripts/publish.sh linux-x64 failed: " + error.Result + string.Join(Environment.NewLine, Directory.GetFiles(_folder, "*.log").Select(File.ReadAllText)));
        }
    }

    public string Connector => Path.Combine(_folder, "linux-x64", "posbridge");

    public string Till => Path.Combine(_folder, "linux-x64", "posbridge-till");

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
