using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using PosBridge.Connector.Fiscal;

namespace PosBridge.Connector.Tests.Fiscal;

/// <summary>
/// A double of the ETA's e-receipt API: the identity server's client-credentials token (with the POS serial and OS
/// version headers), POST /api/v1/receiptsubmissions answered 202 with accepted and rejected documents, and Get Receipt
/// Submission, GET /api/v1/receiptsubmissions/{submissionUuid}/details?PageNo=…&amp;PageSize=… (ETA SDK, e-receipt API
/// page 06), paged, where each accepted receipt is 'Submitted' until its submission has been asked about
/// <see cref="ValidAfterPolls"/> times and then Valid, or Invalid with validation errors when listed in
/// <see cref="Invalid"/>. Anything else — another path, another query parameter, a page size above the ETA's cap, an
/// unknown submission — fails the test.
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

    /// <summary>The receipts of each submission, by its uuid, in the order submitted.</summary>
    public Dictionary<string, List<(string Uuid, string Number)>> Submitted { get; } = new(StringComparer.Ordinal);

    /// <summary>Receipts whose validation fails, with the reason the ETA gives.</summary>
    public Dictionary<string, string> Invalid { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Receipts the details leave out once validated (an answer the API does not describe).</summary>
    public HashSet<string> Unlisted { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How many times a submission's details are asked for (first pages) before its receipts are validated.</summary>
    public int ValidAfterPolls { get; set; } = 1;

    /// <summary>The largest PageSize the details answer (the ETA caps it; larger is refused).</summary>
    public int MaxPageSize { get; set; } = 100;

    /// <summary>Every details call: submission, page and page size.</summary>
    public List<(string Submission, int Page, int Size)> DetailsCalls { get; } = [];

    /// <summary>
    /// Answers a receipt uuid already taken as rejected with a 'duplicate' error instead of accepting it again. Neither
    /// answer is in the ETA's published pages; the connector is tested against both.
    /// </summary>
    public bool DuplicatesRejected { get; set; }

    /// <summary>Called on each details call with its page, before it is answered: a test kills the poll here.</summary>
    public Action<int>? OnDetails { get; set; }

    private readonly Dictionary<string, int> _polls = new(StringComparer.Ordinal);

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
                var duplicates = DuplicatesRejected ? uuids.Where(Taken.ContainsKey).ToHashSet(StringComparer.OrdinalIgnoreCase) : [];
                Submissions.Add(uuids);
                var submissionId = "SUB-" + Submissions.Count;
                Submitted[submissionId] = [.. receipts.Select(r => (r!["header"]!["uuid"]!.GetValue<string>(), r["header"]!["receiptNumber"]!.GetValue<string>())).Where(r => !Reject.Contains(r.Item1) && !duplicates.Contains(r.Item1))];
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

                var accepted = new JsonArray(uuids.Where(u => !Reject.Contains(u) && !duplicates.Contains(u)).Select(u => (JsonNode)new JsonObject { ["uuid"] = u, ["longId"] = "L" + u[..8] }).ToArray());
                var rejected = new JsonArray(uuids.Where(Reject.Contains).Select(u => (JsonNode)new JsonObject
                {
                    ["uuid"] = u,
                    ["error"] = new JsonObject { ["code"] = "ValidationError", ["message"] = "Validation Error", ["target"] = "receipt", ["details"] = new JsonArray(new JsonObject { ["message"] = "totalAmount does not equal the sum of the items" }) },
                }).Concat(uuids.Where(duplicates.Contains).Select(u => (JsonNode)new JsonObject
                {
                    ["uuid"] = u,
                    ["error"] = new JsonObject { ["code"] = "ValidationError", ["message"] = "Validation Error", ["target"] = "receipt", ["details"] = new JsonArray(new JsonObject { ["message"] = "Duplicate receipt: a receipt with this uuid was already submitted" }) },
                })).ToArray());
                return Json(HttpStatusCode.Accepted, new JsonObject { ["submissionId"] = submissionId, ["acceptedDocuments"] = accepted, ["rejectedDocuments"] = rejected }.ToJsonString());
            default:
                if (request.Method == HttpMethod.Get && request.RequestUri.AbsoluteUri.StartsWith(Api + "api/v1/receiptsubmissions/", StringComparison.Ordinal))
                {
                    return Details(request);
                }

                throw new Xunit.Sdk.XunitException($"ETA double: {request.Method} {request.RequestUri} is not part of the e-receipt API");
        }
    }

    private HttpResponseMessage Details(HttpRequestMessage request)
    {
        var uri = request.RequestUri!;
        var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments is not ["api", "v1", "receiptsubmissions", var submission, "details"])
        {
            throw new Xunit.Sdk.XunitException($"ETA double: GET {uri} is not Get Receipt Submission (/api/v1/receiptsubmissions/{{submissionUuid}}/details)");
        }

        Assert.Equal("Bearer", request.Headers.Authorization?.Scheme);
        if (!_valid.Contains(request.Headers.Authorization!.Parameter!))
        {
            return new HttpResponseMessage(HttpStatusCode.Unauthorized);
        }

        var query = System.Web.HttpUtility.ParseQueryString(uri.Query);
        var unknown = query.AllKeys.Where(k => k is not ("PageNo" or "PageSize")).ToList();
        if (unknown.Count > 0 || !int.TryParse(query["PageNo"], out var page) || page < 1 || !int.TryParse(query["PageSize"], out var size) || size < 1)
        {
            throw new Xunit.Sdk.XunitException($"ETA double: GET {uri} must page with PageNo and PageSize (positive numbers) and nothing else; unexpected: {string.Join(", ", unknown)}");
        }

        if (size > MaxPageSize)
        {
            throw new Xunit.Sdk.XunitException($"ETA double: PageSize {size} is above the ETA's maximum page size {MaxPageSize}");
        }

        var receipts = Submitted.TryGetValue(Uri.UnescapeDataString(submission), out var list) ? list : throw new Xunit.Sdk.XunitException($"ETA double: submission {submission} was never made");
        DetailsCalls.Add((submission, page, size));
        OnDetails?.Invoke(page);
        var polls = page == 1 ? _polls[submission] = _polls.GetValueOrDefault(submission) + 1 : _polls.GetValueOrDefault(submission);
        var validated = polls >= ValidAfterPolls;
        string Status(string uuid) => !validated ? "Submitted" : Invalid.ContainsKey(uuid) ? "Invalid" : "Valid";
        receipts = validated ? [.. receipts.Where(r => !Unlisted.Contains(r.Uuid))] : receipts;
        var pages = Math.Max(1, (receipts.Count + size - 1) / size);
        var lines = receipts.Skip((page - 1) * size).Take(size).Select(r =>
        {
            var line = new JsonObject { ["uuid"] = r.Uuid, ["receiptNumber"] = r.Number, ["status"] = Status(r.Uuid), ["longId"] = "L" + r.Uuid[..8] };
            if (Status(r.Uuid) == "Invalid")
            {
                // One failed validation step, its error with the property it is about and an inner error.
                line["errors"] = new JsonArray(new JsonObject
                {
                    ["name"] = "Receipt core fields validator",
                    ["status"] = "Invalid",
                    ["error"] = new JsonObject
                    {
                        ["errorCode"] = "ReceiptCoreFieldsInvalid",
                        ["error"] = Invalid[r.Uuid],
                        ["errorAr"] = "بيانات الإيصال غير صحيحة",
                        ["propertyPath"] = "receipt.seller.activityCode",
                        ["innerError"] = new JsonArray(new JsonObject { ["errorCode"] = "ActivityCodeNotRegistered", ["error"] = "The activity code is not registered for this taxpayer", ["propertyPath"] = "receipt.seller.activityCode" }),
                    },
                });
            }

            return (JsonNode)line;
        }).ToArray();
        var invalidCount = validated ? receipts.Count(r => Invalid.ContainsKey(r.Uuid)) : 0;
        var body = new JsonObject
        {
            ["submissionUuid"] = submission,
            ["dateTimeReceived"] = "2026-11-23T08:00:00Z",
            ["receiptsCount"] = receipts.Count,
            ["invalidReceiptsCount"] = invalidCount,
            ["status"] = !validated ? "InProgress" : invalidCount > 0 ? "Invalid" : "Valid",
            ["receipts"] = new JsonArray(lines),
            ["metadata"] = new JsonObject { ["totalPages"] = pages, ["totalCount"] = receipts.Count, ["currentPageNo"] = page },
        };
        return Json(HttpStatusCode.OK, body.ToJsonString());
    }

    private static HttpResponseMessage Json(HttpStatusCode status, string body) => new(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    /// <summary>A till's e-receipt as the connector receives it: its uuid the SHA-256 of the receipt with an empty uuid.</summary>
    public static FiscalUpload Receipt(long counter, string number, DateTimeOffset issuedAt)
    {
        var receipt = new JsonObject { ["header"] = new JsonObject { ["receiptNumber"] = number, ["uuid"] = string.Empty }, ["totalAmount"] = 114.0m };
        var uuid = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(receipt.ToJsonString())));
        receipt["header"]!["uuid"] = uuid;
        return new FiscalUpload("ETA", new Guid(Convert.FromHexString(uuid[..32]), bigEndian: true), number, counter, uuid, receipt.ToJsonString(), issuedAt);
    }
}
