using AuthenticationHeaderValue = System.Net.Http.Headers.AuthenticationHeaderValue;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Net.Http.Headers;
using PosBridge.Connector.Hosting;

namespace PosBridge.Connector.WebStores;

/// <summary>
/// <c>GET /feeds/{store}/{file}</c>: a store's catalog at a stable address for Merchant Center's scheduled fetch
/// (<c>google.tsv</c>, <c>google.xml</c>) or a shop's import (<c>shopify.csv</c>, <c>woocommerce.csv</c>). With a
/// <c>Feed:Token</c> the request must carry it, as <c>?token=…</c> (a secret address) or as the password of Basic
/// auth (Merchant Center's fetch settings take either). <c>ETag</c> and <c>Last-Modified</c> let a fetch that
/// already has the file get a 304.
/// </summary>
internal static class FeedEndpoints
{
    public static void MapFeeds(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/feeds/{store}/{file}", ServeAsync)
            .WithTags("Feeds")
            .WithSummary("A web store's catalog: google.tsv, google.xml (Merchant Center), shopify.csv, woocommerce.csv. ?token=… when the store's feed has a token.")
            .Produces(StatusCodes.Status200OK)
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> ServeAsync(string store, string file, HttpContext context, StoreFeeds feeds, FeedVersions versions, CancellationToken cancellationToken)
    {
        // The same answer for an unknown store and an unknown file: the address space says nothing.
        if (feeds.Find(store) is not { } found || !FeedFiles.TryParse(file, out var kind))
        {
            return Results.Problem(
                detail: $"No feed at this address. Feeds are /feeds/STORE/{{{string.Join('|', FeedFiles.Names)}}} for a store configured with a Feed section.",
                statusCode: StatusCodes.Status404NotFound,
                title: "No such feed.",
                type: Problems.TypePrefix + "feed-not-found");
        }

        if (feeds.Options(found).Token is { } token && !Authorised(context.Request, token))
        {
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"posbridge-feed\", charset=\"UTF-8\"";
            return Results.Problem(
                detail: "This feed needs its token: add ?token=… to the address, or give it as the Basic auth password.",
                statusCode: StatusCodes.Status401Unauthorized,
                title: "The feed's token is missing or wrong.",
                type: Problems.TypePrefix + "feed-unauthorized");
        }

        var content = await feeds.BuildAsync(found, kind, cancellationToken).ConfigureAwait(false);
        var lastModified = versions.LastModified(found.Name, kind, content.ETag);
        var headers = context.Response.GetTypedHeaders();
        headers.ETag = EntityTagHeaderValue.Parse(content.ETag);
        headers.LastModified = lastModified;
        headers.CacheControl = new CacheControlHeaderValue { NoCache = true, Private = feeds.Options(found).Token is not null };
        context.Response.Headers["X-PosBridge-Items"] = content.Items.ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.Headers["X-PosBridge-Rejected"] = content.Rejected.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var request = context.Request.GetTypedHeaders();
        var notModified = request.IfNoneMatch is { Count: > 0 } match
            ? match.Any(m => m.Equals(EntityTagHeaderValue.Any) || m.Tag.Equals(headers.ETag.Tag))
            : request.IfModifiedSince is { } since && lastModified <= since;
        return notModified ? Results.StatusCode(StatusCodes.Status304NotModified) : Results.Bytes(content.Bytes, content.ContentType);
    }

    private static bool Authorised(HttpRequest request, string token)
    {
        var expected = Encoding.UTF8.GetBytes(token);
        if (request.Query.TryGetValue("token", out var given) && given.Count == 1)
        {
            return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given[0] ?? string.Empty), expected);
        }

        if (AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var auth)
            && string.Equals(auth.Scheme, "Basic", StringComparison.OrdinalIgnoreCase)
            && auth.Parameter is { } parameter)
        {
            try
            {
                var pair = Encoding.UTF8.GetString(Convert.FromBase64String(parameter));
                var colon = pair.IndexOf(':', StringComparison.Ordinal);
                return colon >= 0 && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(pair[(colon + 1)..]), expected);
            }
            catch (FormatException)
            {
                return false;
            }
        }

        return false;
    }
}
