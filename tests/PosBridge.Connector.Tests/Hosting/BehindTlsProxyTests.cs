using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using PosBridge.Connector.Hosting;
using PosBridge.Connector.Tests.Dashboard;

namespace PosBridge.Connector.Tests.Hosting;

/// <summary>
/// <c>PosBridge:BehindTlsProxy</c>: the proxy's word that a request came over HTTPS is believed only from loopback or a
/// trusted proxy's address; then the dashboard's cookie is Secure and HSTS is sent. A machine on the shop's network
/// that sends the same header itself gets neither.
/// </summary>
public sealed class BehindTlsProxyTests
{
    private const string Proxy = "192.168.1.2";

    private static Dictionary<string, string?> Settings() => new(DashboardClient.Settings)
    {
        [Transport.BehindTlsProxyKey] = "true",
        [Transport.TrustedProxiesKey + ":0"] = Proxy,
    };

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData(Proxy)]
    public async Task ALoginThroughTheTrustedProxy_GetsASecureCookie_AndHsts(string from)
    {
        await using var host = await ConnectorHost.StartAsync(Settings());

        var answer = await LoginAsync(host, IPAddress.Parse(from), forwardedProto: "https");

        Assert.Equal(StatusCodes.Status200OK, answer.Response.StatusCode);
        var cookie = Assert.Single(answer.Response.Headers.SetCookie.ToArray());
        Assert.Contains("secure", cookie!, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("max-age=31536000", answer.Response.Headers.StrictTransportSecurity.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMachineOnTheNetworkSayingItself_ThatItCameOverHttps_IsNotBelieved()
    {
        await using var host = await ConnectorHost.StartAsync(Settings());

        var answer = await LoginAsync(host, IPAddress.Parse("192.168.1.50"), forwardedProto: "https");

        Assert.Equal(StatusCodes.Status200OK, answer.Response.StatusCode);
        var cookie = Assert.Single(answer.Response.Headers.SetCookie.ToArray());
        Assert.DoesNotContain("secure", cookie!, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(answer.Response.Headers.StrictTransportSecurity.ToString());
        Assert.Equal("http", answer.Request.Scheme);
    }

    [Fact]
    public async Task WithoutBehindTlsProxy_TheForwardedHeaderIsIgnoredEvenFromLoopback()
    {
        await using var host = await ConnectorHost.StartAsync(DashboardClient.Settings);

        var answer = await LoginAsync(host, IPAddress.Loopback, forwardedProto: "https");

        Assert.Empty(answer.Response.Headers.StrictTransportSecurity.ToString());
        Assert.DoesNotContain("secure", Assert.Single(answer.Response.Headers.SetCookie.ToArray())!, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A dashboard login as it reaches the connector: from <paramref name="from"/>, for the shop's host name.</summary>
    private static Task<HttpContext> LoginAsync(ConnectorHost host, IPAddress from, string forwardedProto) =>
        host.App.GetTestServer().SendAsync(context =>
        {
            context.Connection.RemoteIpAddress = from;
            context.Request.Method = HttpMethods.Post;
            context.Request.Scheme = "http";
            context.Request.Host = new HostString("connector.shop.lan");
            context.Request.Path = "/dashboard/api/login";
            context.Request.Headers["X-Forwarded-Proto"] = forwardedProto;
            context.Request.Headers["X-Forwarded-For"] = "192.168.1.77";
            context.Request.ContentType = "application/json";
            context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes($$"""{"name":"owner","password":"{{DashboardClient.Password}}"}"""));
        });
}
