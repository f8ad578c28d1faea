using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace PosBridge.Terminal.Screen;

/// <summary>
/// Who may use the till's API. A browser on the till's own device (loopback) may; one on another device
/// must first log in with <see cref="ScreenOptions.LoginPin"/> and then carries a session cookie. Loopback
/// requests must also name a loopback host, so a web page elsewhere cannot reach the till by pointing a
/// DNS name at 127.0.0.1.
/// </summary>
internal sealed class ScreenLogin
{
    public const string Cookie = "posbridge-till";
    private readonly ConcurrentDictionary<string, byte> _sessions = new(StringComparer.Ordinal);

    public bool IsAllowed(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Request.Cookies.TryGetValue(Cookie, out var token) && token is not null && _sessions.ContainsKey(token))
        {
            return true;
        }

        var remote = context.Connection.RemoteIpAddress;
        return remote is not null && IPAddress.IsLoopback(remote) && ScreenOptions.IsLoopbackHost(context.Request.Host.Host);
    }

    /// <summary>A new session for a browser that gave the right PIN.</summary>
    public string Open()
    {
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        _sessions[token] = 0;
        return token;
    }
}
