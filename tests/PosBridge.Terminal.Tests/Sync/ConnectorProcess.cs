using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace PosBridge.Terminal.Tests.Sync;

/// <summary>
/// The real connector (<c>posbridge.dll</c>) as a child process on a free port, with its own data folder.
/// The till's tests cannot see the connector's internals, so they drive it as a till would: over HTTP.
/// </summary>
internal sealed class ConnectorProcess : IDisposable
{
    private static readonly SemaphoreSlim BuildLock = new(1, 1);
    private readonly string _dll;
    private Process? _process;

    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly Dictionary<string, string> _tlsEnvironment = [];
    private string _scheme = "http";

    private ConnectorProcess(string dll, IReadOnlyDictionary<string, string>? environment)
    {
        _dll = dll;
        _environment = environment ?? new Dictionary<string, string>();
        Port = FreePort();
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("posbridge-connector-").FullName;

    public int Port { get; }

    public HttpClient Http { get; private set; }

    /// <summary>When served over HTTPS: the fingerprint of its certificate's key, as <c>posbridge tls create</c> printed it.</summary>
    public string? Fingerprint { get; private set; }

    /// <summary>Starts the connector; <paramref name="environment"/> adds settings as <c>Section__Key</c> variables.</summary>
    public static async Task<ConnectorProcess> StartAsync(CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? environment = null)
    {
        var connector = new ConnectorProcess(await ConnectorDllAsync(cancellationToken), environment);
        await connector.RestartAsync(cancellationToken);
        return connector;
    }

    /// <summary>
    /// Starts the connector over HTTPS as a shop on its own network does: <c>posbridge tls create</c> makes the certificate
    /// in its data folder, and <see cref="Http"/> trusts it by the printed fingerprint, as a till does.
    /// </summary>
    public static async Task<ConnectorProcess> StartTlsAsync(CancellationToken cancellationToken)
    {
        var connector = new ConnectorProcess(await ConnectorDllAsync(cancellationToken), null);
        await connector.UseTlsAsync(cancellationToken);
        await connector.RestartAsync(cancellationToken);
        return connector;
    }

    /// <summary>Runs <c>tls create</c> (again: a renewal) and returns what it printed.</summary>
    public async Task<string> CreateCertificateAsync(CancellationToken cancellationToken, int days = 825) =>
        await RunAsync(["tls", "create", "--host", "127.0.0.1,localhost", "--days", days.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data", DataDirectory], cancellationToken);

    private async Task UseTlsAsync(CancellationToken cancellationToken)
    {
        var printed = await CreateCertificateAsync(cancellationToken);
        Fingerprint = printed.Split(' ', '\n').Single(w => w.Length == 64 && w.All(char.IsAsciiHexDigit));
        _scheme = "https";
        _tlsEnvironment["Kestrel__Certificates__Default__Path"] = Path.Combine(DataDirectory, "tls", "connector.crt");
        _tlsEnvironment["Kestrel__Certificates__Default__KeyPath"] = Path.Combine(DataDirectory, "tls", "connector.key");
        Http.Dispose();
        Http = new HttpClient(PosBridge.Till.Sync.ConnectorTransport.Handler(Fingerprint)) { BaseAddress = new Uri($"https://127.0.0.1:{Port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Makes a one-time pairing code with the connector's own command line, as a manager would.</summary>
    public async Task<string> PairingCodeAsync(string store, string till, CancellationToken cancellationToken)
    {
        var output = await RunAsync(["tills", "pair", "--store", store, "--till", till, "--name", "Front counter", "--data", DataDirectory], cancellationToken);
        var line = output.Split('\n').First(l => l.StartsWith("Pairing code", StringComparison.Ordinal));
        return line[(line.LastIndexOf(':') + 1)..].Trim();
    }

    public async Task RestartAsync(CancellationToken cancellationToken)
    {
        Kill();
        var info = Info(["serve", "--data", DataDirectory, "--urls", $"{_scheme}://127.0.0.1:{Port}"]);
        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            Assert.False(_process.HasExited, "the connector exited during start-up");
            try
            {
                if ((await Http.GetAsync("/health/ready", cancellationToken)).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException("the connector did not become ready in 60 s");
    }

    /// <summary>SIGKILL: no graceful shutdown, as when the connector's machine loses power.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
        }

        _process?.WaitForExit();
        _process?.Dispose();
        _process = null;
    }

    public void Dispose()
    {
        Kill();
        Http.Dispose();
        Directory.Delete(DataDirectory, recursive: true);
    }

    private async Task<string> RunAsync(string[] arguments, CancellationToken cancellationToken)
    {
        using var process = Process.Start(Info(arguments))!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        Assert.True(process.ExitCode == 0, $"posbridge {string.Join(' ', arguments)} failed: {await error}");
        return await output;
    }

    private ProcessStartInfo Info(string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(_dll);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["Logging__LogLevel__Default"] = "Warning";
        // The store the till tests sell in; a connector pairs tills only to stores it knows.
        info.Environment["PosBridge__Stores__CAI1__Currency"] = "EGP";
        info.Environment["PosBridge__Stores__CAI1__TimeZone"] = "Africa/Cairo";
        foreach (var (key, value) in _environment.Concat(_tlsEnvironment))
        {
            info.Environment[key] = value;
        }

        return info;
    }

    /// <summary>The connector built from this checkout, built now if it has not been.</summary>
    private static async Task<string> ConnectorDllAsync(CancellationToken cancellationToken)
    {
#if DEBUG
        const string configuration = "Debug";
#else
        const string configuration = "Release";
#endif
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "PosBridge.sln")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        var project = Path.Combine(root.FullName, "src", "PosBridge.Connector");
        var dll = Path.Combine(project, "bin", configuration, "net10.0", "posbridge.dll");
        await BuildLock.WaitAsync(cancellationToken);
        try
        {
            if (!File.Exists(dll))
            {
                using var build = Process.Start(new ProcessStartInfo("dotnet", ["build", project, "-c", configuration, "-v", "q"]) { UseShellExecute = false })!;
                await build.WaitForExitAsync(cancellationToken);
                Assert.Equal(0, build.ExitCode);
            }
        }
        finally
        {
            BuildLock.Release();
        }

        return dll;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
