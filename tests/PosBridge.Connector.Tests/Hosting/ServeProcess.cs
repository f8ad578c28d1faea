using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using PosBridge.Connector.Hosting;
using PosBridge.Core.Sales;
using PosBridge.Core.Sync;

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

    public static Task WaitReadyAsync(HttpClient http, Process server, CancellationToken cancellationToken) =>
        WaitReadyAsync(http, http.BaseAddress!, server, cancellationToken);

    public static async Task WaitReadyAsync(HttpClient http, Uri address, Process server, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(server.HasExited, "the connector exited during start-up");
            try
            {
                if ((await http.GetAsync(new Uri(address, "/health/ready"), cancellationToken)).IsSuccessStatusCode)
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

    /// <summary>A till's upload of <paramref name="sales"/> to <paramref name="url"/>, signed as <see cref="RequestSignature"/> says.</summary>
    public static SignedRequest SignedUpload(Uri url, PairingResponse pairing, IEnumerable<Sale> sales)
    {
        var body = TestTill.Body(sales);
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var nonce = RequestSignature.NewNonce();
        var signature = RequestSignature.Compute(Convert.FromBase64String(pairing.SigningKey), "POST", url.AbsolutePath, timestamp, nonce, body);
        return new SignedRequest(url, pairing.Credential, body, timestamp, nonce, signature);
    }

    public static StringContent Json<T>(T value) =>
        new(JsonSerializer.Serialize(value, TerminalApi.Json), System.Text.Encoding.UTF8, "application/json");

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>One signed request, which can be sent again byte for byte (a replay), to the same or another address.</summary>
internal sealed record SignedRequest(Uri Url, string Credential, byte[] Body, long Timestamp, string Nonce, string Signature)
{
    public HttpRequestMessage Request => Replay(Url);

    public HttpRequestMessage Replay(Uri url)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(Body) };
        request.Headers.Authorization = new("Bearer", Credential);
        request.Headers.Add(RequestSignature.TimestampHeader, Timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(RequestSignature.NonceHeader, Nonce);
        request.Headers.Add(RequestSignature.SignatureHeader, Signature);
        return request;
    }
}
