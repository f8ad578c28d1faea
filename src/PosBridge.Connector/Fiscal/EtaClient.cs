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

/// <summary>The ETA's answer to one submission: the receipts it accepted and those it rejected with its reason.</summary>
internal sealed record EtaSubmission(string SubmissionId, IReadOnlyList<string> Accepted, IReadOnlyList<(string Uuid, ZatcaMessage Error)> Rejected);

/// <summary>
/// The ETA's e-receipt API as the connector uses it: a token for the POS (client credentials, with the POS serial and
/// OS version headers the ETA asks of a POS), then batches of receipts to <c>/api/v1/receiptsubmissions</c>, answered
/// 202 with accepted and rejected documents. 401, 429 and 5xx are typed; anything else fails loudly.
/// </summary>
internal sealed class EtaClient(HttpClient http, Uri identityUrl)
{
    public async Task<string> TokenAsync(EtaPosCredentials pos, CancellationToken cancellationToken = default)
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

        return token;
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
            return new EtaSubmission(answer["submissionId"]!.GetValue<string>(), accepted, rejected);
        }
        catch (Exception e) when (e is JsonException or NullReferenceException or InvalidOperationException)
        {
            throw new ZatcaProtocolException($"The ETA's submission answer is not the shape its API describes: {Excerpt(text)}");
        }
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
internal sealed class EtaSubmitter(EtaClient client, FiscalDocumentStore documents, IReadOnlyDictionary<string, EtaPosCredentials> pos)
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
                    var token = await client.TokenAsync(credentials, cancellationToken).ConfigureAwait(false);
                    var answer = await client.SubmitAsync(token, batch.Select(d => d.Document).ToList(), cancellationToken).ConfigureAwait(false);
                    foreach (var document in batch)
                    {
                        var uuid = Hash(document);
                        if (answer.Accepted.Contains(uuid, StringComparer.OrdinalIgnoreCase))
                        {
                            await documents.RecordAsync(document.Uuid, "reported", [], [], $"submission {answer.SubmissionId}", null, cancellationToken).ConfigureAwait(false);
                            accepted++;
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

    /// <summary>The ETA uuid the till put in the receipt's header (the stored document's hash column holds it too).</summary>
    private static string Hash(FiscalDocumentStore.DueDocument document) => document.Hash;
}
