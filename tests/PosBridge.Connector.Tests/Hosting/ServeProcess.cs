using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using PosBridge.Connector.Hosting;

namespace PosBridge.Connector.Tests.Hosting;

/// <summary>
/// <c>posbridge serve</c> as a real child process on a real port (Kestrel, Production environment): what a shop runs,
/// for the tests that must see the real server's transport (chunked bodies, its own limits, a SIGKILL).
/// </summary>
internal static class ServeProcess
{
    /// <summary>Starts <c>serve</c> on <paramref name="directory"/>; <paramref name="settings"/> become <c>PosBridge__…</c>-style environment variables.</summary>
    public static Process Start(string directory, int port, IReadOnlyDictionary<string, string?> settings)
    {
        var connector = typeof(ConnectorApp).Assembly.Location;
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { connector, "serve", "--data", directory, "--urls", $"http://127.0.0.1:{port}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings)
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public static void Kill(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        process.WaitForExit();
    }

    public static async Task WaitReadyAsync(HttpClient http, Process server, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(server.HasExited, "the connector exited during start-up");
            try
            {
                if ((await http.GetAsync("/health/ready", cancellationToken)).IsSuccessStatusCode)
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

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
