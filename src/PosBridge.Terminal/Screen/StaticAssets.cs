using System.Collections.Frozen;
using System.IO.Compression;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace PosBridge.Terminal.Screen;

/// <summary>One file of the page, with its gzip form and an ETag, made once at start.</summary>
internal sealed record StaticAsset(string Name, string ContentType, byte[] Body, byte[] Gzip, string ETag);

/// <summary>
/// Serves the cashier page from the files built into the assembly (<c>wwwroot/</c>). Each is gzipped
/// once; browsers revalidate by ETag, and the service worker keeps a copy for when the till restarts.
/// The service worker's cache is named after a hash of every file, so a new till build replaces it.
/// </summary>
internal sealed class StaticAssets
{
    private const string Prefix = "wwwroot/";

    public StaticAssets()
    {
        var assembly = typeof(StaticAssets).Assembly;
        var raw = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToDictionary(n => n[Prefix.Length..], n => Read(assembly, n), StringComparer.Ordinal);
        using var all = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, body) in raw)
        {
            all.AppendData(Encoding.UTF8.GetBytes(name));
            all.AppendData(body);
        }

        Version = Convert.ToHexStringLower(all.GetHashAndReset())[..12];
        Files = raw.ToFrozenDictionary(
            kv => kv.Key,
            kv =>
            {
                var body = kv.Key == "sw.js" ? Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(kv.Value).Replace("__VERSION__", Version, StringComparison.Ordinal)) : kv.Value;
                return new StaticAsset(kv.Key, ContentType(kv.Key), body, Gzip(body), "\"" + Convert.ToHexStringLower(SHA256.HashData(body))[..16] + "\"");
            },
            StringComparer.Ordinal);
    }

    /// <summary>A hash of the page's files: changes with every change to them.</summary>
    public string Version { get; }

    public FrozenDictionary<string, StaticAsset> Files { get; }

    public IResult Serve(HttpContext context, string name)
    {
        if (!Files.TryGetValue(name, out var asset))
        {
            return Results.NotFound();
        }

        var headers = context.Response.Headers;
        headers.ETag = asset.ETag;
        headers.CacheControl = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        headers.Vary = "Accept-Encoding";
        if (name.EndsWith(".html", StringComparison.Ordinal))
        {
            headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; manifest-src 'self'; worker-src 'self'";
            headers["Referrer-Policy"] = "no-referrer";
        }

        if (context.Request.Headers.IfNoneMatch == asset.ETag)
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        if (context.Request.Headers.AcceptEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase))
        {
            headers.ContentEncoding = "gzip";
            return Results.Bytes(asset.Gzip, asset.ContentType);
        }

        return Results.Bytes(asset.Body, asset.ContentType);
    }

    private static byte[] Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    private static byte[] Gzip(byte[] body)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.SmallestSize))
        {
            gzip.Write(body);
        }

        return buffer.ToArray();
    }

    private static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".webmanifest" => "application/manifest+json",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        _ => "application/octet-stream",
    };
}
