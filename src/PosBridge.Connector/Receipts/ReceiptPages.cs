namespace PosBridge.Connector.Receipts;

/// <summary>
/// <c>GET /receipts/{token}</c>: the receipt a message links to. The page is the till's own HTML, served with a
/// policy that allows no script, no outside request and no framing, so even a till's page cannot run code here;
/// an unknown or expired token is a plain 404 that says nothing about which receipts exist.
/// </summary>
internal static class ReceiptPages
{
    public static IEndpointRouteBuilder MapReceiptPages(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/receipts/{token}", PageAsync).ExcludeFromDescription();
        return endpoints;
    }

    private static async Task<IResult> PageAsync(HttpContext context, string token, IReceiptMessageStore store, CancellationToken cancellationToken)
    {
        var headers = context.Response.Headers;
        headers.CacheControl = "private, no-store";
        headers["Referrer-Policy"] = "no-referrer";
        headers["X-Robots-Tag"] = "noindex, nofollow";
        headers.XContentTypeOptions = "nosniff";
        // Tokens are 43 base64url characters; anything else is not looked up.
        var html = token.Length == 43 && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            ? await store.PageAsync(token, cancellationToken).ConfigureAwait(false)
            : null;
        if (html is null)
        {
            return Results.Text("This receipt link is unknown or has expired. Ask the shop for your receipt.", "text/plain; charset=utf-8", statusCode: StatusCodes.Status404NotFound);
        }

        headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
        return Results.Content(html, "text/html; charset=utf-8");
    }
}
