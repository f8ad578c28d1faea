using System.Net;
using System.Text;
using System.Text.Json;
using PosBridge.Core.Catalog;
using PosBridge.Till.Sync;

namespace PosBridge.Terminal.Tests.Sync;

/// <summary>
/// The connector's <c>GET /api/v1/catalog</c> as a route table: pages by the cursor asked with. Every request must be
/// a signed GET of that path; anything else fails the test (and answers 500, which the till takes as "try later").
/// </summary>
internal sealed class FakeCatalogConnector : HttpMessageHandler
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Dictionary<string, string> Pages { get; } = new(StringComparer.Ordinal);

    public List<string> CursorsAsked { get; } = [];

    public List<string> Unexpected { get; } = [];

    /// <summary>Called with the cursor of each page asked for, before it is answered (a test's clock moves here).</summary>
    public Action<string>? Answering { get; set; }

    public static TillCredentials Credentials { get; } = new("CAI1", "T2", "credential", Convert.ToBase64String(new byte[32]), TimeSpan.Zero);

    /// <summary>Serves <paramref name="page"/> to a request with cursor <paramref name="after"/> ("" for the first).</summary>
    public void Serve(string after, CatalogChanges page) => Pages[after] = JsonSerializer.Serialize(page, Json);

    public void ServeRaw(string after, string json) => Pages[after] = json;

    public HttpClient Client() => new(this) { BaseAddress = new Uri("http://connector.test") };

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri!;
        var query = System.Web.HttpUtility.ParseQueryString(uri.Query);
        var signed = request.Headers.Authorization?.Parameter == "credential" && request.Headers.Contains("X-PosBridge-Signature") && request.Headers.Contains("X-PosBridge-Nonce");
        if (request.Method != HttpMethod.Get || uri.AbsolutePath != "/api/v1/catalog" || !signed || query["limit"] is null)
        {
            Unexpected.Add($"{request.Method} {uri} signed={signed}");
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.InternalServerError));
        }

        var cursor = query["cursor"] ?? string.Empty;
        CursorsAsked.Add(cursor);
        Answering?.Invoke(cursor);
        if (!Pages.TryGetValue(cursor, out var page))
        {
            Unexpected.Add($"no page after cursor '{cursor}'");
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.InternalServerError));
        }

        return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(page, Encoding.UTF8, "application/json") });
    }
}
