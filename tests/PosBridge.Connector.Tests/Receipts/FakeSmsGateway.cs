using System.Net;
using System.Text.Json;

namespace PosBridge.Connector.Tests.Receipts;

/// <summary>
/// An SMS gateway that takes <c>POST /v1/messages</c> with a bearer token and a JSON body {to, from, text,
/// reference} as the connector's sender documents it. Answers queued first (e.g. 503), then 202; refuses
/// anything else loudly (a wrong path, method, token, or body is a test failure, not a guess).
/// </summary>
internal sealed class FakeSmsGateway : HttpMessageHandler
{
    public const string Url = "https://sms.gateway.test/v1/messages";
    public const string Token = "gateway-token";
    private readonly Queue<HttpStatusCode> _answers = new();

    public List<(string To, string From, string Text, string Reference, string IdempotencyKey)> Sent { get; } = [];

    public List<string> Problems { get; } = [];

    public void AnswerNext(HttpStatusCode status) => _answers.Enqueue(status);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method != HttpMethod.Post || request.RequestUri?.ToString() != Url || request.Headers.Authorization?.ToString() != "Bearer " + Token
            || request.Content?.Headers.ContentType?.MediaType != "application/json" || !request.Headers.TryGetValues("Idempotency-Key", out var keys))
        {
            Problems.Add($"unexpected request: {request.Method} {request.RequestUri} auth={request.Headers.Authorization}");
            return new HttpResponseMessage(HttpStatusCode.BadRequest);
        }

        using var body = JsonDocument.Parse(await request.Content.ReadAsStringAsync(cancellationToken));
        var root = body.RootElement;
        if (root.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).SequenceEqual(["from", "reference", "text", "to"]) is false)
        {
            Problems.Add($"unexpected body: {root}");
            return new HttpResponseMessage(HttpStatusCode.BadRequest);
        }

        var status = _answers.TryDequeue(out var next) ? next : HttpStatusCode.Accepted;
        if (status == HttpStatusCode.Accepted)
        {
            Sent.Add((root.GetProperty("to").GetString()!, root.GetProperty("from").GetString()!, root.GetProperty("text").GetString()!, root.GetProperty("reference").GetString()!, keys.Single()));
        }

        return new HttpResponseMessage(status) { Content = new StringContent("{\"id\":\"msg-1\"}") };
    }
}
