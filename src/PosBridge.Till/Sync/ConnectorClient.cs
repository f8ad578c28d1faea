using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Polly.CircuitBreaker;
using PosBridge.Core.Catalog;
using PosBridge.Core.Sync;

namespace PosBridge.Till.Sync;

/// <summary>What a paired till keeps: who it is to the connector, and how far its clock is off.</summary>
public sealed record TillCredentials(string StoreId, string TillId, string Credential, string SigningKey, TimeSpan ClockSkew);

/// <summary>What the connector did with a shift close.</summary>
public enum ShiftClosingStatus
{
    Accepted,
    Duplicate,

    /// <summary>The same shift is stored with other figures (409); never overwritten.</summary>
    Conflict,

    /// <summary>The connector found the close invalid (400).</summary>
    Invalid,
}

/// <summary>The connector's answer to a shift close, with its reason when refused.</summary>
public sealed record ShiftClosingOutcome(ShiftClosingStatus Status, string? Reason);

/// <summary>The connector did not answer usefully; try again later. Nothing was acknowledged.</summary>
public sealed class ConnectorUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The connector's terminal API as the till calls it. Every request after pairing carries the bearer
/// credential and an HMAC signature (<see cref="RequestSignature"/>) stamped with the connector's time
/// as the till estimates it, so a till whose clock drifts still passes the replay window.
/// </summary>
public sealed class ConnectorClient
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // Strict: a page with a null list or a field of the wrong type is a bad page, not an empty one.
    private static readonly JsonSerializerOptions CatalogJson = new(JsonSerializerDefaults.Web) { RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true };
    private static readonly byte[] BatchStart = "{\"sales\":["u8.ToArray();
    private readonly HttpClient _http;
    private readonly TimeProvider _timeProvider;

    private readonly ConnectorCircuit _circuit;

    /// <summary>A client with the default circuit breaker (<see cref="ConnectorCircuitOptions"/>).</summary>
    public ConnectorClient(HttpClient http, TimeProvider timeProvider)
        : this(http, timeProvider, new ConnectorCircuitOptions())
    {
    }

    public ConnectorClient(HttpClient http, TimeProvider timeProvider, ConnectorCircuitOptions circuit)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(circuit);
        _http = http;
        _timeProvider = timeProvider;
        _circuit = new ConnectorCircuit(circuit, timeProvider);
    }

    /// <summary>The circuit breaker's state: <see cref="ConnectorCircuitState.Open"/> while the till has stopped calling a failing connector.</summary>
    public ConnectorCircuitState Circuit => _circuit.State;

    /// <summary>Exchanges a one-time pairing code for the till's credentials, and measures the clock skew.</summary>
    public async Task<TillCredentials> PairAsync(string code, string deviceName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(code);
        ArgumentException.ThrowIfNullOrWhiteSpace(deviceName);
        var body = JsonSerializer.SerializeToUtf8Bytes(new PairingRequest { Code = code.Trim(), DeviceName = deviceName }, Json);
        var sentAt = _timeProvider.GetUtcNow();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/pairing") { Content = JsonBody(body) };
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        var receivedAt = _timeProvider.GetUtcNow();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Pairing refused ({(int)response.StatusCode}): {await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}");
        }

        var pairing = await response.Content.ReadFromJsonAsync<PairingResponse>(Json, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The connector answered pairing with nothing.");
        // The server's clock read about half-way through the round trip.
        var skew = pairing.ServerTime - (sentAt + ((receivedAt - sentAt) / 2));
        return new TillCredentials(pairing.StoreId, pairing.TillId, pairing.Credential, pairing.SigningKey, skew);
    }

    /// <summary>Sends sale documents (already serialized, sent byte for byte) in one batch.</summary>
    /// <exception cref="ConnectorUnavailableException">No answer, or one that says to try later.</exception>
    public async Task<SalesUploadResponse> UploadAsync(TillCredentials credentials, IReadOnlyList<string> saleJson, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(saleJson);
        using var buffer = new MemoryStream();
        buffer.Write(BatchStart);
        for (var i = 0; i < saleJson.Count; i++)
        {
            if (i > 0)
            {
                buffer.WriteByte((byte)',');
            }

            buffer.Write(Encoding.UTF8.GetBytes(saleJson[i]));
        }

        buffer.Write("]}"u8);
        var body = buffer.ToArray();
        using var request = Signed(credentials, HttpMethod.Post, "/api/v1/sales", body);
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (ConnectorCircuit.IsTransient(response.StatusCode))
        {
            throw new ConnectorUnavailableException($"The connector answered {(int)response.StatusCode}; the sales stay in the outbox.");
        }

        if (!response.IsSuccessStatusCode)
        {
            // 401/403 (revoked till) and 400 (malformed batch) will not get better by retrying the same bytes.
            throw new InvalidOperationException($"The connector refused the upload ({(int)response.StatusCode}): {await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}");
        }

        return await response.Content.ReadFromJsonAsync<SalesUploadResponse>(Json, cancellationToken).ConfigureAwait(false)
            ?? throw new ConnectorUnavailableException("The connector answered the upload with nothing.");
    }

    /// <summary>
    /// Reports a closed shift (<c>POST /api/v1/shifts/close</c>), its JSON sent byte for byte as stored.
    /// Accepted and duplicate mean the connector holds it; conflict (409) and invalid (400) will not get better
    /// by resending the same bytes.
    /// </summary>
    /// <exception cref="ConnectorUnavailableException">No answer, or one that says to try later.</exception>
    public async Task<ShiftClosingOutcome> CloseShiftAsync(TillCredentials credentials, string closingJson, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentException.ThrowIfNullOrEmpty(closingJson);
        using var request = Signed(credentials, HttpMethod.Post, "/api/v1/shifts/close", Encoding.UTF8.GetBytes(closingJson));
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (ConnectorCircuit.IsTransient(response.StatusCode))
        {
            throw new ConnectorUnavailableException($"The connector answered {(int)response.StatusCode}; the shift close stays in the outbox.");
        }

        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            return new ShiftClosingOutcome(ShiftClosingStatus.Conflict, ProblemDetail(text));
        }

        if (response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.UnprocessableEntity)
        {
            return new ShiftClosingOutcome(ShiftClosingStatus.Invalid, ProblemDetail(text));
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"The connector refused the shift close ({(int)response.StatusCode}): {text}");
        }

        var answer = JsonSerializer.Deserialize<ShiftClosingResponse>(text, Json)
            ?? throw new ConnectorUnavailableException("The connector answered the shift close with nothing.");
        return answer.Status switch
        {
            "accepted" => new ShiftClosingOutcome(ShiftClosingStatus.Accepted, null),
            "duplicate" => new ShiftClosingOutcome(ShiftClosingStatus.Duplicate, null),
            _ => throw new ConnectorUnavailableException($"The connector answered the shift close with an unknown status '{answer.Status}'."),
        };
    }

    /// <summary>
    /// One page of catalog changes since <paramref name="cursor"/> (null: from the start), at most
    /// <paramref name="limit"/> rows (<c>GET /api/v1/catalog</c>, signed over the path with its query).
    /// </summary>
    /// <exception cref="ConnectorUnavailableException">No answer, or one that says to try later.</exception>
    /// <exception cref="JsonException">The answer is not a catalog page.</exception>
    public async Task<CatalogChanges> CatalogAsync(TillCredentials credentials, string? cursor, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var path = "/api/v1/catalog?limit=" + limit.ToString(CultureInfo.InvariantCulture)
            + (string.IsNullOrEmpty(cursor) ? string.Empty : "&cursor=" + Uri.EscapeDataString(cursor));
        using var request = Signed(credentials, HttpMethod.Get, path, []);
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (ConnectorCircuit.IsTransient(response.StatusCode))
        {
            throw new ConnectorUnavailableException($"The connector answered {(int)response.StatusCode}; the catalog pull waits for the next pass.");
        }

        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"The connector refused the catalog pull ({(int)response.StatusCode}): {ProblemDetail(text)}");
        }

        return JsonSerializer.Deserialize<CatalogChanges>(text, CatalogJson)
            ?? throw new JsonException("The connector answered the catalog pull with null.");
    }

    /// <summary>Sends a receipt request (<see cref="ReceiptMessageRequest"/>, serialized once at queue time, sent byte for byte).</summary>
    /// <exception cref="ConnectorUnavailableException">No answer, or one that says to try later.</exception>
    public async Task<ReceiptRequestOutcome> SendReceiptRequestAsync(TillCredentials credentials, string requestJson, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentException.ThrowIfNullOrEmpty(requestJson);
        using var request = Signed(credentials, HttpMethod.Post, "/api/v1/receipts", Encoding.UTF8.GetBytes(requestJson));
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (ConnectorCircuit.IsTransient(response.StatusCode))
        {
            throw new ConnectorUnavailableException($"The connector answered {(int)response.StatusCode}; the receipt request stays queued.");
        }

        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            return new ReceiptRequestOutcome(ReceiptRequestStatus.Conflict, ProblemDetail(text));
        }

        if (response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.UnprocessableEntity)
        {
            return new ReceiptRequestOutcome(ReceiptRequestStatus.Invalid, ProblemDetail(text));
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"The connector refused the receipt request ({(int)response.StatusCode}): {text}");
        }

        var answer = JsonSerializer.Deserialize<ReceiptMessageResponse>(text, Json)
            ?? throw new ConnectorUnavailableException("The connector answered the receipt request with nothing.");
        return answer.Status switch
        {
            "accepted" => new ReceiptRequestOutcome(ReceiptRequestStatus.Accepted, null),
            "duplicate" => new ReceiptRequestOutcome(ReceiptRequestStatus.Duplicate, null),
            _ => throw new ConnectorUnavailableException($"The connector answered the receipt request with an unknown status '{answer.Status}'."),
        };
    }

    /// <summary>
    /// Posts a signed JSON body to one of the connector's fiscal endpoints (documents, ZATCA onboarding) and returns the
    /// answer's status and text; the fiscal code reads its own answers.
    /// </summary>
    /// <exception cref="ConnectorUnavailableException">No answer, or one that says to try later.</exception>
    public async Task<(HttpStatusCode Status, string Text)> SendFiscalAsync(TillCredentials credentials, string path, string json, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentException.ThrowIfNullOrEmpty(json);
        using var request = Signed(credentials, HttpMethod.Post, path, Encoding.UTF8.GetBytes(json));
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (ConnectorCircuit.IsTransient(response.StatusCode))
        {
            throw new ConnectorUnavailableException($"The connector answered {(int)response.StatusCode}; the fiscal documents stay queued.");
        }

        return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
    }

    public async Task<TillSyncStatus> StatusAsync(TillCredentials credentials, CancellationToken cancellationToken = default)
    {
        using var request = Signed(credentials, HttpMethod.Get, "/api/v1/status", []);
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<TillSyncStatus>(Json, cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>
    /// What the connector holds of this till's numbering (epoch, last sale, last closed shift); null from a connector
    /// older than the numbering check, so a till updated first still uploads.
    /// </summary>
    /// <exception cref="ConnectorUnavailableException">No answer, or one that says to try later.</exception>
    public async Task<TillNumbering?> NumberingAsync(TillCredentials credentials, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        using var request = Signed(credentials, HttpMethod.Get, "/api/v1/numbering", []);
        return await NumberingAnswerAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Asks for the numbering epoch after <paramref name="after"/>; asked again, the connector gives the same one.</summary>
    /// <exception cref="ConnectorUnavailableException">No answer, or one that says to try later.</exception>
    public async Task<TillNumbering> NextEpochAsync(TillCredentials credentials, int after, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var body = JsonSerializer.SerializeToUtf8Bytes(new NumberingEpochRequest { After = after }, Json);
        using var request = Signed(credentials, HttpMethod.Post, "/api/v1/numbering/epochs", body);
        return await NumberingAnswerAsync(request, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The connector has no numbering epochs (an older version); update it.");
    }

    private async Task<TillNumbering?> NumberingAnswerAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (ConnectorCircuit.IsTransient(response.StatusCode))
        {
            throw new ConnectorUnavailableException($"The connector answered {(int)response.StatusCode}; the till keeps its numbering until it answers.");
        }

        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"The connector refused the numbering check ({(int)response.StatusCode}): {ProblemDetail(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false))}");
        }

        return await response.Content.ReadFromJsonAsync<TillNumbering>(Json, cancellationToken).ConfigureAwait(false)
            ?? throw new ConnectorUnavailableException("The connector answered the numbering check with nothing.");
    }

    private HttpRequestMessage Signed(TillCredentials credentials, HttpMethod method, string path, byte[] body)
    {
        var timestamp = (_timeProvider.GetUtcNow() + credentials.ClockSkew).ToUnixTimeSeconds();
        var nonce = RequestSignature.NewNonce();
        var request = new HttpRequestMessage(method, path);
        if (body.Length > 0 || method != HttpMethod.Get)
        {
            request.Content = JsonBody(body);
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credentials.Credential);
        request.Headers.Add(RequestSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(RequestSignature.NonceHeader, nonce);
        request.Headers.Add(RequestSignature.SignatureHeader, RequestSignature.Compute(Convert.FromBase64String(credentials.SigningKey), method.Method, path, timestamp, nonce, body));
        return request;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await _circuit.SendAsync(_http, request, cancellationToken).ConfigureAwait(false);
        }
        catch (BrokenCircuitException e)
        {
            throw new ConnectorUnavailableException("The connector kept failing, so the till stopped calling it for a while (circuit open); nothing was sent.", e);
        }
        catch (HttpRequestException e) when (e.InnerException is System.Security.Authentication.AuthenticationException)
        {
            // Not a network fault that passes: the address answers with a certificate this till does not trust.
            throw new ConnectorUnavailableException("The connector's certificate is not one this till trusts (Screen:ConnectorCertificate, or the device's trusted authorities): nothing was sent. Check the address, and give the till the fingerprint 'posbridge tls create' printed.", e);
        }
        catch (HttpRequestException e)
        {
            throw new ConnectorUnavailableException("The connector could not be reached; the sales stay in the outbox.", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ConnectorUnavailableException("The connector did not answer in time; the sales stay in the outbox.", e);
        }
    }

    /// <summary>The problem's title and detail, or the raw text when it is not a problem document.</summary>
    private static string ProblemDetail(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            var title = root.TryGetProperty("title", out var t) ? t.GetString() : null;
            var detail = root.TryGetProperty("detail", out var d) ? d.GetString() : null;
            return string.Join(" ", new[] { title, detail }.Where(x => !string.IsNullOrEmpty(x)));
        }
        catch (JsonException)
        {
            return text;
        }
    }

    private static ByteArrayContent JsonBody(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }
}
