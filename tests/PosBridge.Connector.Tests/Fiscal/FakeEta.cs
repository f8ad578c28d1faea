using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace PosBridge.Connector.Tests.Fiscal;

/// <summary>
/// A double of the ETA's e-receipt API: the identity server's client-credentials token (with the POS serial and OS
/// version headers) and POST /api/v1/receiptsubmissions answered 202 with accepted and rejected documents.
/// Anything else fails the test.
/// </summary>
internal sealed class FakeEta : HttpMessageHandler
{
    public const string Identity = "https://id.preprod.eta.gov.eg/";
    public const string Api = "https://api.preprod.invoicing.eta.gov.eg/";

    public HashSet<string> Reject { get; } = new(StringComparer.OrdinalIgnoreCase);

    public List<List<string>> Submissions { get; } = [];

    /// <summary>Receipts the ETA holds, by uuid: how many times each was taken (more than once is a double) and the receipt as taken first.</summary>
    public Dictionary<string, int> Taken { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, string> Receipts { get; } = new(StringComparer.OrdinalIgnoreCase);

    public bool Down { get; set; }

    /// <summary>Tokens issued so far; each is valid until revoked.</summary>
    public int TokensIssued { get; private set; }

    /// <summary>Answers every submission 401, whatever the token (a POS the ETA disabled).</summary>
    public bool RefuseEverySubmission { get; set; }

    /// <summary>
    /// Called after a submission's receipts are taken and before it is answered: a test holds the answer here (and kills
    /// the connector meanwhile, so the answer is lost).
    /// </summary>
    public Func<Task>? AfterTaking { get; set; }

    private readonly HashSet<string> _valid = new(StringComparer.Ordinal);

    public void RevokeTokens() => _valid.Clear();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (Down)
        {
            return new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        }

        switch (request.RequestUri!.AbsoluteUri)
        {
            case Identity + "connect/token":
                var form = await request.Content!.ReadAsStringAsync(cancellationToken);
                Assert.Equal("grant_type=client_credentials&client_id=pos-client&client_secret=pos-secret", form);
                Assert.Equal("POS-SN-0002", request.Headers.GetValues("posserial").Single());
                Assert.Equal("Debian 12", request.Headers.GetValues("pososversion").Single());
                var issued = "eta-token-" + ++TokensIssued;
                _valid.Add(issued);
                return Json(HttpStatusCode.OK, $$"""{"access_token":"{{issued}}","expires_in":3600,"token_type":"Bearer","scope":"InvoicingAPI"}""");
            case Api + "api/v1/receiptsubmissions":
                Assert.Equal("Bearer", request.Headers.Authorization!.Scheme);
                if (RefuseEverySubmission || !_valid.Contains(request.Headers.Authorization.Parameter!))
                {
                    return new HttpResponseMessage(HttpStatusCode.Unauthorized);
                }

                var receipts = JsonNode.Parse(await request.Content!.ReadAsStringAsync(cancellationToken))!["receipts"]!.AsArray();
                var uuids = receipts.Select(r => r!["header"]!["uuid"]!.GetValue<string>()).ToList();
                Submissions.Add(uuids);
                foreach (var receipt in receipts)
                {
                    var uuid = receipt!["header"]!["uuid"]!.GetValue<string>();
                    // A receipt sent again is recognised by its uuid and answered as accepted, not taken twice. An assumption:
                    // ../shared/reference/payments.md does not say how the ETA answers a re-submitted uuid; confirm it on the
                    // ETA's SDK site before relying on it (a 'duplicate' rejection would be recorded as rejected).
                    if (!Reject.Contains(uuid) && !Taken.ContainsKey(uuid))
                    {
                        Taken[uuid] = 1;
                        Receipts[uuid] = receipt.ToJsonString();
                    }
                }

                if (AfterTaking is { } hold)
                {
                    await hold();
                }

                var accepted = new JsonArray(uuids.Where(u => !Reject.Contains(u)).Select(u => (JsonNode)new JsonObject { ["uuid"] = u, ["longId"] = "L" + u[..8] }).ToArray());
                var rejected = new JsonArray(uuids.Where(Reject.Contains).Select(u => (JsonNode)new JsonObject
                {
                    ["uuid"] = u,
                    ["error"] = new JsonObject { ["code"] = "ValidationError", ["message"] = "Validation Error", ["target"] = "receipt", ["details"] = new JsonArray(new JsonObject { ["message"] = "totalAmount does not equal the sum of the items" }) },
                }).ToArray());
                return Json(HttpStatusCode.Accepted, new JsonObject { ["submissionId"] = "SUB-" + Submissions.Count, ["acceptedDocuments"] = accepted, ["rejectedDocuments"] = rejected }.ToJsonString());
            default:
                throw new Xunit.Sdk.XunitException($"ETA double: {request.Method} {request.RequestUri} is not part of the e-receipt API");
        }
    }

    private static HttpResponseMessage Json(HttpStatusCode status, string body) => new(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
}
