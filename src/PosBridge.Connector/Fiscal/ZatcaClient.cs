using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PosBridge.Connector.Fiscal;

/// <summary>A cryptographic stamp identifier ZATCA issued: the certificate (binarySecurityToken) and its secret.</summary>
internal sealed record ZatcaCsid(string RequestId, string BinarySecurityToken, string Secret)
{
    /// <summary>The X.509 certificate (base64 DER) inside the token, which ZATCA base64-encodes once more.</summary>
    public string Certificate => Encoding.UTF8.GetString(Convert.FromBase64String(BinarySecurityToken));
}

/// <summary>One message of ZATCA's validation results (a warning or an error, with the business rule's code).</summary>
internal sealed record ZatcaMessage(string? Code, string? Category, string? Message);

/// <summary>What ZATCA said of an invoice.</summary>
internal enum ZatcaOutcome
{
    /// <summary>Accepted as it is (HTTP 200).</summary>
    Accepted,

    /// <summary>Accepted with warnings the owner should fix in later invoices (HTTP 202).</summary>
    AcceptedWithWarnings,

    /// <summary>Refused (HTTP 400): the invoice must be corrected and issued again.</summary>
    Rejected,

    /// <summary>Clearance is switched off (HTTP 303 on the clearance call): report the standard invoice instead.</summary>
    ReportInstead,
}

internal sealed record ZatcaAnswer(ZatcaOutcome Outcome, string? Status, IReadOnlyList<ZatcaMessage> Warnings, IReadOnlyList<ZatcaMessage> Errors, string? ClearedInvoice = null);

/// <summary>ZATCA refused the credentials (HTTP 401): the CSID is wrong, expired or revoked; retrying will not help.</summary>
internal sealed class ZatcaUnauthorizedException(string message) : Exception(message);

/// <summary>ZATCA did not answer usefully now (timeout, 429, 5xx): try again later with the same invoice.</summary>
internal sealed class ZatcaUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>ZATCA answered something its published API does not describe: stop and tell someone, never guess.</summary>
internal sealed class ZatcaProtocolException(string message) : Exception(message);

/// <summary>
/// The Fatoora platform's e-invoicing API (developer portal, version V2) as the connector uses it: onboarding an EGS
/// unit (compliance CSID with the OTP, compliance checks, production CSID, renewal) and reporting or clearing invoices.
/// Every call sends <c>Accept-Version: V2</c>; authenticated calls use HTTP Basic with the CSID's binarySecurityToken
/// and secret. Status codes other than the ones the API documents raise <see cref="ZatcaProtocolException"/>.
/// </summary>
internal sealed class ZatcaClient(HttpClient http)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>POST /compliance: the compliance CSID for a CSR (PEM text), with the OTP from the Fatoora portal.</summary>
    public async Task<ZatcaCsid> ComplianceCsidAsync(string csrPem, string otp, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(csrPem);
        ArgumentException.ThrowIfNullOrWhiteSpace(otp);
        using var request = Request(HttpMethod.Post, "compliance", new { csr = Convert.ToBase64String(Encoding.UTF8.GetBytes(csrPem)) }, null);
        request.Headers.Add("OTP", otp.Trim());
        return await CsidAsync(request, "compliance CSID", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>POST /compliance/invoices: checks one sample document signed with the compliance CSID's key.</summary>
    public Task<ZatcaAnswer> ComplianceCheckAsync(ZatcaCsid compliance, string invoiceHash, Guid uuid, string xml, CancellationToken cancellationToken = default) =>
        InvoiceAsync("compliance/invoices", compliance, invoiceHash, uuid, xml, clearance: false, cancellationToken);

    /// <summary>POST /production/csids: the production CSID once the compliance checks passed.</summary>
    public async Task<ZatcaCsid> ProductionCsidAsync(ZatcaCsid compliance, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(compliance);
        using var request = Request(HttpMethod.Post, "production/csids", new { compliance_request_id = compliance.RequestId }, compliance);
        return await CsidAsync(request, "production CSID", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>PATCH /production/csids: renews the production CSID for a new CSR, with a new OTP.</summary>
    public async Task<ZatcaCsid> RenewProductionCsidAsync(ZatcaCsid production, string csrPem, string otp, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(production);
        using var request = Request(HttpMethod.Patch, "production/csids", new { csr = Convert.ToBase64String(Encoding.UTF8.GetBytes(csrPem)) }, production);
        request.Headers.Add("OTP", otp.Trim());
        return await CsidAsync(request, "renewed production CSID", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>POST /invoices/reporting/single: reports a simplified invoice (within 24 hours of its issue).</summary>
    public Task<ZatcaAnswer> ReportAsync(ZatcaCsid production, string invoiceHash, Guid uuid, string xml, CancellationToken cancellationToken = default) =>
        InvoiceAsync("invoices/reporting/single", production, invoiceHash, uuid, xml, clearance: false, cancellationToken);

    /// <summary>POST /invoices/clearance/single (Clearance-Status: 1): clears a standard invoice before it is given.</summary>
    public Task<ZatcaAnswer> ClearAsync(ZatcaCsid production, string invoiceHash, Guid uuid, string xml, CancellationToken cancellationToken = default) =>
        InvoiceAsync("invoices/clearance/single", production, invoiceHash, uuid, xml, clearance: true, cancellationToken);

    private async Task<ZatcaAnswer> InvoiceAsync(string path, ZatcaCsid csid, string invoiceHash, Guid uuid, string xml, bool clearance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(csid);
        ArgumentException.ThrowIfNullOrWhiteSpace(invoiceHash);
        ArgumentException.ThrowIfNullOrWhiteSpace(xml);
        using var request = Request(HttpMethod.Post, path, new { invoiceHash, uuid = uuid.ToString(), invoice = Convert.ToBase64String(Encoding.UTF8.GetBytes(xml)) }, csid);
        if (clearance)
        {
            request.Headers.Add("Clearance-Status", "1");
        }

        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (clearance && response.StatusCode == HttpStatusCode.SeeOther)
        {
            // ZATCA's answer when it has deactivated clearance: standard invoices go to the reporting API for now.
            return new ZatcaAnswer(ZatcaOutcome.ReportInstead, null, [], []);
        }

        if (!clearance && response.StatusCode == HttpStatusCode.Conflict)
        {
            // The same invoice (by hash) reported before: a retry after an answer that never arrived, or a connector
            // stopped before it stored it. ZATCA has it; nothing to correct.
            var earlier = Parse<InvoiceResponse>(path, body);
            if (earlier.ReportingStatus != ReportedEarlier)
            {
                throw Unexpected(path, response.StatusCode, body);
            }

            return new ZatcaAnswer(ZatcaOutcome.Accepted, earlier.ReportingStatus, [], []);
        }

        var outcome = response.StatusCode switch
        {
            HttpStatusCode.OK => ZatcaOutcome.Accepted,
            HttpStatusCode.Accepted => ZatcaOutcome.AcceptedWithWarnings,

            // Clearance of an invoice cleared before: cleared again, with a duplicate warning and the cleared invoice.
            HttpStatusCode.AlreadyReported when clearance => ZatcaOutcome.AcceptedWithWarnings,
            HttpStatusCode.BadRequest => ZatcaOutcome.Rejected,
            _ => throw Unexpected(path, response.StatusCode, body),
        };
        var answer = Parse<InvoiceResponse>(path, body);
        if (answer.ValidationResults is not { } results)
        {
            throw new ZatcaProtocolException($"ZATCA's {path} answered {(int)response.StatusCode} without validationResults: {Excerpt(body)}");
        }

        if (clearance && outcome != ZatcaOutcome.Rejected && string.IsNullOrEmpty(answer.ClearedInvoice))
        {
            throw new ZatcaProtocolException($"ZATCA's {path} answered {(int)response.StatusCode} without the clearedInvoice the customer must be given: {Excerpt(body)}");
        }

        return new ZatcaAnswer(
            outcome,
            clearance ? answer.ClearanceStatus : answer.ReportingStatus,
            results.WarningMessages ?? [],
            results.ErrorMessages ?? [],
            answer.ClearedInvoice);
    }

    private async Task<ZatcaCsid> CsidAsync(HttpRequestMessage request, string what, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.BadRequest)
        {
            var problem = Parse<CsidResponse>(what, body);
            var reasons = problem.Errors is { Count: > 0 } errors ? string.Join("; ", errors.Select(e => e.Message ?? e.Code)) : problem.Message ?? problem.Code ?? Excerpt(body);
            throw new ZatcaRefusedException($"ZATCA refused the {what} request: {reasons}");
        }

        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw Unexpected(what, response.StatusCode, body);
        }

        var csid = Parse<CsidResponse>(what, body);
        if (csid.RequestId is null || string.IsNullOrEmpty(csid.BinarySecurityToken) || string.IsNullOrEmpty(csid.Secret))
        {
            throw new ZatcaProtocolException($"ZATCA's {what} answer lacks requestID, binarySecurityToken or secret: {Excerpt(body)}");
        }

        return new ZatcaCsid(csid.RequestId.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), csid.BinarySecurityToken, csid.Secret);
    }

    private Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        AuthorityHttp.SendAsync(http, request, "ZATCA", "this till's credentials: the CSID is wrong, expired or revoked; onboard the till again", cancellationToken);

    private static HttpRequestMessage Request(HttpMethod method, string path, object body, ZatcaCsid? csid)
    {
        var request = new HttpRequestMessage(method, path)
        {
            Content = new StringContent(JsonSerializer.Serialize(body, Json), Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue("en"));
        request.Headers.Add("Accept-Version", "V2");
        if (csid is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{csid.BinarySecurityToken}:{csid.Secret}")));
        }

        return request;
    }

    private static T Parse<T>(string what, string body)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(body, Json) ?? throw new ZatcaProtocolException($"ZATCA's {what} answer was empty.");
        }
        catch (JsonException e)
        {
            throw new ZatcaProtocolException($"ZATCA's {what} answer is not the JSON its API describes ({e.Message}): {Excerpt(body)}");
        }
    }

    private static ZatcaProtocolException Unexpected(string what, HttpStatusCode status, string body) =>
        new($"ZATCA's {what} answered {(int)status}, which its API does not describe for this call: {Excerpt(body)}");

    private static string Excerpt(string body) => body.Length <= 300 ? body : body[..300] + "…";

    private sealed record CsidResponse(
        [property: JsonPropertyName("requestID")] long? RequestId,
        string? DispositionMessage,
        string? BinarySecurityToken,
        string? Secret,
        IReadOnlyList<ZatcaMessage>? Errors,
        string? Code,
        string? Message);

    /// <summary>ZATCA's reportingStatus in its 409 to a simplified invoice reported before.</summary>
    private const string ReportedEarlier = "REPORTED_SUCCESSFULLY_EARLIER";

    private sealed record InvoiceResponse(ValidationResults? ValidationResults, string? ReportingStatus, string? ClearanceStatus, string? ClearedInvoice);

    private sealed record ValidationResults(IReadOnlyList<ZatcaMessage>? WarningMessages, IReadOnlyList<ZatcaMessage>? ErrorMessages, string? Status);
}

/// <summary>ZATCA refused an onboarding request (HTTP 400): a wrong or used OTP, or a CSR it does not accept.</summary>
internal sealed class ZatcaRefusedException(string message) : Exception(message);
