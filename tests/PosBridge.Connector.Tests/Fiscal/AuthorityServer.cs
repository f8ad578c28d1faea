using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PosBridge.Connector.Tests.Fiscal;

/// <summary>
/// The authority doubles (<see cref="FakeZatca"/>, <see cref="FakeEta"/>) served over HTTPS on loopback, for a
/// connector running as its own process: each path prefix (<c>/zatca/</c>, <c>/eta-id/</c>, <c>/eta-api/</c>) is
/// forwarded to its double as a request to the authority's real address. The certificate is made here; the child
/// trusts it through <c>SSL_CERT_FILE</c> (<see cref="TrustFile"/>), as a machine trusts its roots. A double's
/// loud failure is kept in <see cref="Failures"/> and answered 500, so the test sees it even though the connector
/// only retries.
/// </summary>
internal sealed class AuthorityServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _directory = Directory.CreateTempSubdirectory("posbridge-authorities-").FullName;

    private AuthorityServer(WebApplication app) => _app = app;

    public List<string> Failures { get; } = [];

    public string TrustFile => Path.Combine(_directory, "authorities.pem");

    public Uri Address { get; private set; } = null!;

    /// <summary>Starts the server with each prefix's double and the authority address it stands for.</summary>
    public static async Task<AuthorityServer> StartAsync(IReadOnlyList<(string Prefix, HttpMessageHandler Double, string Authority)> routes, CancellationToken cancellationToken)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(certificate)));
        var app = builder.Build();
        var server = new AuthorityServer(app);
        await File.WriteAllTextAsync(server.TrustFile, certificate.ExportCertificatePem(), cancellationToken);
        var doubles = routes.Select(r => (r.Prefix, Invoker: new HttpMessageInvoker(r.Double, disposeHandler: false), r.Authority, Lock: new SemaphoreSlim(1, 1))).ToList();
        app.Run(async context =>
        {
            var path = context.Request.Path.Value ?? string.Empty;
            var route = doubles.FirstOrDefault(d => path.StartsWith(d.Prefix, StringComparison.Ordinal));
            if (route.Invoker is null)
            {
                lock (server.Failures)
                {
                    server.Failures.Add($"a request for no authority: {context.Request.Method} {path}");
                }

                context.Response.StatusCode = 404;
                return;
            }

            using var forwarded = new HttpRequestMessage(new HttpMethod(context.Request.Method), route.Authority + path[route.Prefix.Length..] + context.Request.QueryString);
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            if (body.Length > 0 || context.Request.ContentType is not null)
            {
                forwarded.Content = new ByteArrayContent(body.ToArray());
            }

            foreach (var (name, values) in context.Request.Headers)
            {
                if (name is "Host" or "Content-Length" or "Transfer-Encoding")
                {
                    continue;
                }

                if (!forwarded.Headers.TryAddWithoutValidation(name, values.ToArray()))
                {
                    forwarded.Content?.Headers.TryAddWithoutValidation(name, values.ToArray());
                }
            }

            // The doubles keep their books in plain collections: one request at a time each.
            await route.Lock.WaitAsync(CancellationToken.None);
            HttpResponseMessage answer;
            try
            {
                answer = await route.Invoker.SendAsync(forwarded, CancellationToken.None);
            }
            catch (Exception e)
            {
                lock (server.Failures)
                {
                    server.Failures.Add(e.Message);
                }

                context.Response.StatusCode = 500;
                return;
            }
            finally
            {
                route.Lock.Release();
            }

            using (answer)
            {
                context.Response.StatusCode = (int)answer.StatusCode;
                foreach (var (name, values) in answer.Headers.Concat(answer.Content.Headers))
                {
                    if (name is not ("Content-Length" or "Transfer-Encoding"))
                    {
                        context.Response.Headers[name] = values.ToArray();
                    }
                }

                var bytes = await answer.Content.ReadAsByteArrayAsync(CancellationToken.None);
                try
                {
                    await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    // The connector went away (killed) before the answer: ZATCA's or the ETA's answer is lost, as intended.
                }
            }
        });
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.Address = new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal));
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
