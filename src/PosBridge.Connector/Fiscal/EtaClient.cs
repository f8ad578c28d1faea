using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PosBridge.Connector.Fiscal;

/// <summary>The credentials the ETA issued for one POS (its client id and secret), with the device's registered serial and OS version.</summary>
internal sealed class EtaPosCredentials
{
    public string ClientId { get; set; } = string.Empty;

    public string ClientSecret { get; set; } = string.Empty;

    public string SerialNumber { get; set; } = string.Empty;

    public string OsVersion { get; set; } = string.Empty;
}

/// <summary>An access token of the ETA's identity server and how long it lives from when it was issued.</summary>
internal sealed record EtaToken(string AccessToken, TimeSpan Lifetime);

/// <summary>The ETA's answer to one submission: the receipts it accepted and those it rejected with its reason.</summary>
internal sealed record EtaSubmission(string SubmissionId, IReadOnlyList<string> Accepted, IReadOnlyList<(string Uuid, ZatcaMessage Error)> Rejected);

/// <summary>One receipt's line in the ETA's submission details: its uuid, status and, when Invalid, the validation errors.</summary>
internal sealed record EtaReceiptStatus(string Uuid, string Status, IReadOnlyList<ZatcaMessage> Errors);

/// <summary>One page of a submission's details: the submission's status, its receipts on this page, and how many pages there are.</summary>
internal sealed record EtaSubmissionPage(string Status, IReadOnlyList<EtaReceiptStatus> Receipts, int TotalPages);

/// <summary>
/// The ETA's e-receipt API as the connector uses it: a token for the POS (client credentials, with the POS serial and
/// OS version headers the ETA asks of a POS), then batches of receipts to <c>/api/v1/receiptsubmissions</c>, answered
/// 202 with accepted and rejected documents. 401, 429 and 5xx are typed; anything else fails loudly.
/// </summary>
internal sealed class EtaClient(HttpClient http, Uri identityUrl)
{
    public async Task<EtaToken> TokenAsync(EtaPosCredentials pos, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pos);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(identityUrl, "connect/token"))
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials"), new("client_id", pos.ClientId), new("client_secret", pos.ClientSecret)]),
        };
        request.Headers.Add("posserial", pos.SerialNumber);
        request.Headers.Add("pososversion", pos.OsVersion);
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.BadRequest)
        {
            throw new ZatcaUnauthorizedException($"The ETA refused this POS's credentials ({Excerpt(text)}): check its client id, secret and serial number.");
        }

        if (response.StatusCode != HttpStatusCode.OK || JsonNode.Parse(text)?["access_token"]?.GetValue<string>() is not { Length: > 0 } token)
        {
            throw new ZatcaProtocolException($"The ETA's token call answered {(int)response.StatusCode} without an access_token: {Excerpt(text)}");
        }

        // expires_in is the token's lifetime in seconds (OAuth 2.0, RFC 6749 §5.1); without it the token is used once.
        var lifetime = JsonNode.Parse(text)?["expires_in"] is JsonValue seconds && seconds.TryGetValue<int>(out var s) && s > 0 ? TimeSpan.FromSeconds(s) : TimeSpan.Zero;
        return new EtaToken(token, lifetime);
    }

    public async Task<EtaSubmission> SubmitAsync(string token, IReadOnlyList<string> receiptsJson, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        ArgumentNullException.ThrowIfNull(receiptsJson);
        var body = "{\"receipts\":[" + string.Join(',', receiptsJson) + "]}";
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/receiptsubmissions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new ZatcaProtocolException($"The ETA's receipt submission answered {(int)response.StatusCode}, not 202: {Excerpt(text)}");
        }

        try
        {
            var answer = JsonNode.Parse(text)!;
            var accepted = (answer["acceptedDocuments"]?.AsArray() ?? []).Select(d => d!["uuid"]!.GetValue<string>()).ToList();
            var rejected = (answer["rejectedDocuments"]?.AsArray() ?? []).Select(d => (d!["uuid"]!.GetValue<string>(), new ZatcaMessage(d["error"]?["code"]?.GetValue<string>(), d["error"]?["target"]?.GetValue<string>(), Details(d["error"])))).ToList();
            // The e-invoicing answer names it submissionId; the e-receipt pages and their Get Receipt Submission path
            // call it submissionUUID / submissionUuid: either is taken, neither is a protocol error.
            var submission = (answer["submissionId"] ?? answer["submissionUUID"] ?? answer["submissionUuid"])!.GetValue<string>();
            return new EtaSubmission(submission, accepted, rejected);
        }
        catch (Exception e) when (e is JsonException or NullReferenceException or InvalidOperationException)
        {
            throw new ZatcaProtocolException($"The ETA's submission answer is not the shape its API describes: {Excerpt(text)}");
        }
    }

    /// <summary>
    /// One page of <c>GET /api/v1/receiptsubmissions/{submissionUuid}/details?PageNo=…&amp;PageSize=…</c> (ETA SDK, e-receipt
    /// API, "Get Receipt Submission", sdk.invoicing.eta.gov.eg/ereceiptapi/06-get-receipt-submission/): the submission's
    /// <c>status</c> (InProgress, Valid, Invalid), its <c>receipts</c> (each with <c>uuid</c>, <c>status</c> Valid, Invalid
    /// or Cancelled, and <c>errors</c> when Invalid) and <c>metadata.totalPages</c>. Only the paging parameters are sent;
    /// the page's other parameters are filters the connector does not need. 404 and any other shape fail loudly.
    /// </summary>
    public async Task<EtaSubmissionPage> SubmissionDetailsAsync(string token, string submissionUuid, int pageNo, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        ArgumentException.ThrowIfNullOrEmpty(submissionUuid);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageNo, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var path = FormattableString.Invariant($"api/v1/receiptsubmissions/{Uri.EscapeDataString(submissionUuid)}/details?PageNo={pageNo}&PageSize={pageSize}");
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new ZatcaProtocolException($"The ETA's details of submission {submissionUuid} answered {(int)response.StatusCode}, not 200: {Excerpt(text)}");
        }

        try
        {
            var answer = JsonNode.Parse(text)!;
            var receipts = (answer["receipts"]?.AsArray() ?? []).Select(r => new EtaReceiptStatus(
                r!["uuid"]!.GetValue<string>(),
                r["status"]!.GetValue<string>(),
                ValidationErrors(r["errors"]))).ToList();
            var pages = answer["metadata"]?["totalPages"] is JsonValue total && total.TryGetValue<int>(out var n) ? n : 1;
            return new EtaSubmissionPage(answer["status"]!.GetValue<string>(), receipts, Math.Max(1, pages));
        }
        catch (Exception e) when (e is JsonException or NullReferenceException or InvalidOperationException or FormatException)
        {
            throw new ZatcaProtocolException($"The ETA's details of submission {submissionUuid} are not the shape its API describes: {Excerpt(text)}");
        }
    }

    /// <summary>
    /// An invalid receipt's errors, one message per failed validation step and its inner errors. Each step's error carries
    /// <c>errorCode</c>, <c>error</c> (English; <c>errorAr</c> in Arabic), <c>propertyPath</c> and <c>innerError</c>, as the
    /// ETA's validation results do; an error given in the standard error shape (<c>code</c>, <c>message</c>, <c>target</c>)
    /// is read too.
    /// </summary>
    private static List<ZatcaMessage> ValidationErrors(JsonNode? errors)
    {
        var messages = new List<ZatcaMessage>();
        void Add(JsonNode? node)
        {
            if (node is JsonArray list)
            {
                foreach (var item in list)
                {
                    Add(item);
                }

                return;
            }

            if (node is not JsonObject error)
            {
                if (node is JsonValue text && text.TryGetValue<string>(out var plain) && plain.Length > 0)
                {
                    messages.Add(new ZatcaMessage(null, null, plain));
                }

                return;
            }

            var step = error["error"] as JsonObject;
            var source = step ?? error;
            var message = source["error"] is JsonValue e ? e.GetValue<string>() : source["message"]?.GetValue<string>();
            var code = source["errorCode"]?.GetValue<string>() ?? source["code"]?.GetValue<string>();
            if (message is { Length: > 0 } || code is { Length: > 0 })
            {
                messages.Add(new ZatcaMessage(code, source["propertyPath"]?.GetValue<string>() ?? source["target"]?.GetValue<string>() ?? error["name"]?.GetValue<string>(), message));
            }

            Add(source["innerError"]);
            Add(source["details"]);
        }

        Add(errors);
        return messages;
    }

    private static string? Details(JsonNode? error) =>
        error is null ? null
        : string.Join("; ", new[] { error["message"]?.GetValue<string>() }.Concat((error["details"]?.AsArray() ?? []).Select(d => d?["message"]?.GetValue<string>())).Where(m => !string.IsNullOrEmpty(m)));

    private Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        AuthorityHttp.SendAsync(http, request, "The ETA", "the POS's token: check the POS's credentials and that it is registered", cancellationToken);

    private static string Excerpt(string body) => body.Length <= 300 ? body : body[..300] + "…";
}

/// <summary>
/// Submits the e-receipts tills chained, in batches per POS (each with its own credentials), and stores the ETA's
/// answer per receipt: accepted (reported) or rejected with its reasons. A receipt is submitted until the ETA answers
/// it and never after; a refused credential stops that POS in 'attention'.
/// </summary>
internal sealed class EtaSubmitter(EtaClient client, IFiscalDocumentStore documents, EtaTokenCache tokens, IReadOnlyDictionary<string, EtaPosCredentials> pos)
{
    public const string Authority = "ETA";

    public async Task<(int Accepted, int Rejected, int Retrying, int Stopped)> SubmitDueAsync(int batchSize = 100, CancellationToken cancellationToken = default)
    {
        int accepted = 0, rejected = 0, retrying = 0, stopped = 0;
        foreach (var till in (await documents.DueAsync(Authority, 1000, cancellationToken).ConfigureAwait(false)).GroupBy(d => d.TillId))
        {
            foreach (var batch in till.Chunk(batchSize))
            {
                if (!pos.TryGetValue(till.Key, out var credentials))
                {
                    foreach (var document in batch)
                    {
                        await documents.RecordAsync(document.Uuid, "attention", [], [], $"No ETA credentials for till {till.Key}: set Fiscal:Eta:Pos:{till.Key}:ClientId, ClientSecret, SerialNumber, OsVersion.", null, cancellationToken).ConfigureAwait(false);
                        stopped++;
                    }

                    break;
                }

                try
                {
                    var receipts = batch.Select(d => d.Document).ToList();
                    EtaSubmission answer;
                    var token = await tokens.GetAsync(client, credentials, cancellationToken).ConfigureAwait(false);
                    try
                    {
                        answer = await client.SubmitAsync(token.AccessToken, receipts, cancellationToken).ConfigureAwait(false);
                    }
                    catch (ZatcaUnauthorizedException) when (token.FromCache)
                    {
                        // The ETA may end a token before its time: forget it and try once with a new one.
                        tokens.Forget(credentials);
                        token = await tokens.GetAsync(client, credentials, cancellationToken).ConfigureAwait(false);
                        answer = await client.SubmitAsync(token.AccessToken, receipts, cancellationToken).ConfigureAwait(false);
                    }

                    foreach (var document in batch)
                    {
                        var uuid = Hash(document);
                        if (answer.Accepted.Contains(uuid, StringComparer.OrdinalIgnoreCase))
                        {
                            // Accepted for validation only: its final status is polled by EtaValidator from here on.
                            await documents.RecordEtaSubmittedAsync(document.Uuid, answer.SubmissionId, cancellationToken).ConfigureAwait(false);
                            accepted++;
                        }
                        else if (answer.Rejected.FirstOrDefault(r => string.Equals(r.Uuid, uuid, StringComparison.OrdinalIgnoreCase)) is { Uuid: not null } duplicate && IsDuplicate(duplicate.Error))
                        {
                            // How the ETA answers a receipt uuid it already holds is not in its published pages. A refusal that
                            // says 'duplicate' most likely means an earlier submission took it and its answer was lost (a kill
                            // mid-submission): it is not recorded as refused, nor sent again, but stopped for a person to check.
                            await documents.RecordAsync(document.Uuid, "attention", [], [duplicate.Error], $"The ETA says receipt {uuid} was already submitted (submission {answer.SubmissionId}): an earlier answer was probably lost. Look it up on the ETA portal by its uuid; the connector does not submit it again.", null, cancellationToken).ConfigureAwait(false);
                            stopped++;
                        }
                        else if (answer.Rejected.FirstOrDefault(r => string.Equals(r.Uuid, uuid, StringComparison.OrdinalIgnoreCase)) is { Uuid: not null } refused)
                        {
                            await documents.RecordAsync(document.Uuid, "rejected", [], [refused.Error], $"submission {answer.SubmissionId}", null, cancellationToken).ConfigureAwait(false);
                            rejected++;
                        }
                        else
                        {
                            await documents.RecordAsync(document.Uuid, "attention", [], [], $"The ETA's submission {answer.SubmissionId} did not mention this receipt.", null, cancellationToken).ConfigureAwait(false);
                            stopped++;
                        }
                    }
                }
                catch (ZatcaUnavailableException e)
                {
                    foreach (var document in batch)
                    {
                        await documents.RecordAsync(document.Uuid, "waiting", [], [], e.Message, TimeSpan.FromMinutes(Math.Min(60, Math.Pow(2, Math.Min(document.Attempts, 6)))), cancellationToken).ConfigureAwait(false);
                        retrying++;
                    }
                }
                catch (Exception e) when (e is ZatcaUnauthorizedException or ZatcaProtocolException)
                {
                    foreach (var document in batch)
                    {
                        await documents.RecordAsync(document.Uuid, "attention", [], [], e.Message, null, cancellationToken).ConfigureAwait(false);
                        stopped++;
                    }

                    break;
                }
            }
        }

        return (accepted, rejected, retrying, stopped);
    }

    private static bool IsDuplicate(ZatcaMessage error) =>
        new[] { error.Code, error.Category, error.Message }.Any(text => text?.Contains("duplicate", StringComparison.OrdinalIgnoreCase) == true);

    /// <summary>The ETA uuid the till put in the receipt's header (the stored document's hash column holds it too).</summary>
    private static string Hash(DueFiscalDocument document) => document.Hash;
}

/// <summary>
/// The ETA tokens of each POS, kept for their lifetime so a submission every minute does not ask the identity server
/// for a token every minute. A token is renewed when less than a tenth of its life (at most five minutes) is left.
/// </summary>
internal sealed class EtaTokenCache(TimeProvider timeProvider)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (EtaToken Token, DateTimeOffset Expires)> _tokens = new(StringComparer.Ordinal);

    /// <summary>A token for <paramref name="pos"/>: the kept one while it has life left, else a new one.</summary>
    public async Task<(string AccessToken, bool FromCache)> GetAsync(EtaClient client, EtaPosCredentials pos, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(pos);
        var now = timeProvider.GetUtcNow();
        if (_tokens.TryGetValue(Key(pos), out var kept) && now < kept.Expires)
        {
            return (kept.Token.AccessToken, true);
        }

        var token = await client.TokenAsync(pos, cancellationToken).ConfigureAwait(false);
        var margin = TimeSpan.FromTicks(Math.Min(token.Lifetime.Ticks / 10, TimeSpan.FromMinutes(5).Ticks));
        if (token.Lifetime > TimeSpan.Zero)
        {
            _tokens[Key(pos)] = (token, now + token.Lifetime - margin);
        }

        return (token.AccessToken, false);
    }

    public void Forget(EtaPosCredentials pos) => _tokens.TryRemove(Key(pos), out _);

    // A changed secret or serial (configuration reloaded) must not reuse the old credentials' token.
    private static string Key(EtaPosCredentials pos) => string.Join('\n', pos.ClientId, pos.ClientSecret, pos.SerialNumber, pos.OsVersion);
}
