using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;

namespace PosBridge.Connector.Tests.Fiscal;

/// <summary>
/// A double of ZATCA's e-invoicing API (V2) as its developer portal publishes it: the onboarding calls (OTP header,
/// CSR as base64 PEM, CSIDs whose binarySecurityToken is the base64 of the certificate's base64), the compliance
/// checks and reporting/clearance with HTTP Basic of binarySecurityToken:secret, 200 (accepted), 202 (accepted with
/// warnings), 400 (refused, with errorMessages), 401 (credentials). It recomputes every invoice hash with C14N as
/// ZATCA does. Any other path, method, header or body shape fails the test loudly.
/// </summary>
internal sealed class FakeZatca : HttpMessageHandler
{
    public const string BaseAddress = "https://gw-fatoora.zatca.gov.sa/e-invoicing/developer-portal/";
    private readonly ECDsa _caKey = ECDsa.Create(ECCurve.CreateFromFriendlyName("secp256k1"));
    private readonly Dictionary<string, (string Secret, bool Production, long RequestId)> _csids = new(StringComparer.Ordinal);
    private long _nextRequestId = 1234567890123;

    /// <summary>The OTP the owner got on the portal; any other is refused as ZATCA does.</summary>
    public string Otp { get; set; } = "123345";

    /// <summary>Scripted answers per invoice uuid, used in order; an empty script reports the invoice as clean.</summary>
    public Dictionary<Guid, Queue<Func<HttpResponseMessage>>> Script { get; } = [];

    /// <summary>ZATCA switched clearance off: the clearance call answers 303 (report standard invoices instead).</summary>
    public bool ClearanceSwitchedOff { get; set; }

    /// <summary>Every call as "METHOD path uuid?".</summary>
    public List<string> Calls { get; } = [];

    /// <summary>Invoices reported per uuid (what ZATCA holds).</summary>
    public Dictionary<Guid, int> Reported { get; } = [];

    /// <summary>
    /// Invoices ZATCA will take and then fail to answer for (a 504 from its gateway, or the connector killed before it
    /// stored the answer): taken once, the answer lost.
    /// </summary>
    public HashSet<Guid> LoseAnswer { get; } = [];

    /// <summary>Every invoice reported or cleared, as ZATCA received it first (the XML), by uuid.</summary>
    public Dictionary<Guid, string> Invoices { get; } = [];

    /// <summary>
    /// Called after ZATCA took an invoice and before it answers: a test holds the answer here (and kills the connector
    /// meanwhile, so the answer is lost).
    /// </summary>
    public Func<Guid, Task>? AfterTaking { get; set; }

    // ZATCA recognises an invoice sent again by its hash: reporting answers 409 REPORTED_SUCCESSFULLY_EARLIER, clearance
    // 208 with the cleared invoice and a duplicate warning (Odoo's l10n_sa_edi takes both as sent).
    private readonly HashSet<string> _taken = new(StringComparer.Ordinal);

    public HttpClient Client() => new(this, disposeHandler: false) { BaseAddress = new Uri(BaseAddress) };

    public static HttpResponseMessage Status(HttpStatusCode status, string body = "{}") =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await HandleAsync(request, cancellationToken);
        }
        catch (UnauthorizedCsid)
        {
            Calls.Add($"401 {request.RequestUri!.AbsolutePath}");
            return Status(HttpStatusCode.Unauthorized, string.Empty);
        }
    }

    private async Task<HttpResponseMessage> HandleAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.AbsoluteUri.StartsWith(BaseAddress, StringComparison.Ordinal)
            ? request.RequestUri.AbsoluteUri[BaseAddress.Length..]
            : throw Loud($"a request outside the API: {request.RequestUri}");
        Require(request.Headers.TryGetValues("Accept-Version", out var version) && version.Single() == "V2", "Accept-Version: V2 is missing");
        Require(request.Content?.Headers.ContentType?.MediaType == "application/json", "the body is not application/json");
        var body = JsonNode.Parse(await request.Content!.ReadAsStringAsync(cancellationToken))!.AsObject();
        switch ((request.Method.Method, path))
        {
            case ("POST", "compliance"):
                Calls.Add("POST compliance");
                Require(request.Headers.Authorization is null, "the compliance call takes the OTP, not credentials");
                if (!request.Headers.TryGetValues("OTP", out var otp) || otp.Single() != Otp)
                {
                    return Status(HttpStatusCode.BadRequest, """{"errorCode":"Invalid-OTP","errorMessage":"Invalid OTP","errors":[{"code":"Invalid-OTP","message":"The provided OTP is invalid or expired"}]}""");
                }

                return Issue(Csr(body), production: false);
            case ("POST", "production/csids"):
            {
                Calls.Add("POST production/csids");
                var compliance = Authorize(request, production: false);
                Require(body["compliance_request_id"]?.GetValue<string>() == compliance.RequestId.ToString(System.Globalization.CultureInfo.InvariantCulture), "compliance_request_id is not the compliance CSID's requestID");
                return Issue(_lastCsr ?? throw Loud("no CSR was sent before"), production: true);
            }

            case ("PATCH", "production/csids"):
                Calls.Add("PATCH production/csids");
                Authorize(request, production: true);
                Require(request.Headers.TryGetValues("OTP", out var renewalOtp) && renewalOtp.Single() == Otp, "renewal needs the portal's OTP");
                return Issue(Csr(body), production: true);
            case ("POST", "compliance/invoices"):
                return Invoice(request, body, "compliance/invoices", production: false);
            case ("POST", "invoices/reporting/single"):
            {
                var answer = Invoice(request, body, "invoices/reporting/single", production: true);
                if (AfterTaking is { } hold && answer.IsSuccessStatusCode)
                {
                    await hold(Guid.Parse(body["uuid"]!.GetValue<string>()));
                }

                return answer;
            }

            case ("POST", "invoices/clearance/single"):
                Require(request.Headers.TryGetValues("Clearance-Status", out var clearance) && clearance.Single() == "1", "clearance needs Clearance-Status: 1");
                return Invoice(request, body, "invoices/clearance/single", production: true);
            default:
                throw Loud($"{request.Method} {path} is not part of ZATCA's API");
        }
    }

    private byte[]? _lastCsr;

    private HttpResponseMessage Invoice(HttpRequestMessage request, JsonObject body, string path, bool production)
    {
        Authorize(request, production);
        Require(body.Count == 3 && body["invoiceHash"] is not null && body["uuid"] is not null && body["invoice"] is not null, "the body is not {invoiceHash, uuid, invoice}");
        var uuid = Guid.Parse(body["uuid"]!.GetValue<string>());
        Calls.Add($"POST {path} {uuid}");
        var xml = Encoding.UTF8.GetString(Convert.FromBase64String(body["invoice"]!.GetValue<string>()));
        var clearance = path.Contains("clearance", StringComparison.Ordinal);
        if (clearance && ClearanceSwitchedOff)
        {
            return Status(HttpStatusCode.SeeOther, """{"validationResults":null,"clearanceStatus":null,"clearedInvoice":null}""");
        }

        if (Script.TryGetValue(uuid, out var script) && script.Count > 0)
        {
            var scripted = script.Dequeue()();
            if (scripted.StatusCode is HttpStatusCode.OK or HttpStatusCode.Accepted && path.StartsWith("invoices/", StringComparison.Ordinal))
            {
                Reported[uuid] = Reported.GetValueOrDefault(uuid) + 1;
            }

            return scripted;
        }

        Require(xml.Contains($"<cbc:UUID>{uuid}</cbc:UUID>", StringComparison.Ordinal), "the invoice's UUID is not the request's uuid");
        if (Hash(xml) != body["invoiceHash"]!.GetValue<string>())
        {
            return Status(HttpStatusCode.BadRequest, Answer(path, "NOT_REPORTED", warnings: "[]", errors: """[{"type":"ERROR","code":"invalid-invoice-hash","category":"INVOICE_HASHING_ERRORS","message":"The invoice hash API body does not match the (calculated) Hash of the XML","status":"ERROR"}]"""));
        }

        if (VatProblem(xml) is { } vat)
        {
            return Status(HttpStatusCode.BadRequest, Answer(path, clearance ? "NOT_CLEARED" : "NOT_REPORTED", "[]", $$"""[{"type":"ERROR","code":"{{vat.Code}}","category":"KSA","message":"{{vat.Message}}","status":"ERROR"}]"""));
        }

        // Standard invoices (subtype 01…) are cleared, simplified ones (02…) reported; the other way round ZATCA refuses.
        var standard = xml.Contains("<cbc:InvoiceTypeCode name=\"01", StringComparison.Ordinal);
        if (path.StartsWith("invoices/", StringComparison.Ordinal) && standard != clearance && !(standard && ClearanceSwitchedOff))
        {
            return Status(HttpStatusCode.BadRequest, Answer(path, clearance ? "NOT_CLEARED" : "NOT_REPORTED", "[]", $$"""[{"type":"ERROR","code":"invoiceTypeCode","category":"KSA","message":"{{(clearance ? "Only standard invoices are cleared; report simplified invoices." : "Standard invoices must be cleared, not reported.")}}","status":"ERROR"}]"""));
        }

        var hash = body["invoiceHash"]!.GetValue<string>();
        if (path.StartsWith("invoices/", StringComparison.Ordinal) && _taken.Contains(hash))
        {
            return clearance
                ? Status(HttpStatusCode.AlreadyReported, ClearedAnswer(xml, """[{"type":"WARNING","code":"Invoice-Warning","category":"Duplicate-Invoice","message":"Invoice Hash Previously submitted.","status":"WARNING"}]"""))
                : Status(HttpStatusCode.Conflict, """{"message":"Invoice Hash Previously Submitted","reportingStatus":"REPORTED_SUCCESSFULLY_EARLIER"}""");
        }

        if (path.StartsWith("invoices/", StringComparison.Ordinal))
        {
            Reported[uuid] = Reported.GetValueOrDefault(uuid) + 1;
            Invoices.TryAdd(uuid, xml);
            _taken.Add(hash);
            if (LoseAnswer.Remove(uuid))
            {
                return Status(HttpStatusCode.GatewayTimeout, "<html><body>504 Gateway Time-out</body></html>");
            }
        }

        return Status(HttpStatusCode.OK, clearance ? ClearedAnswer(xml, "[]") : Answer(path, "REPORTED", "[]", "[]"));
    }

    /// <summary>
    /// Saudi VAT as ZATCA checks it: a standard-rated (S) category is at 15 %, on each line and in the VAT breakdown, and
    /// each breakdown's tax is its taxable amount at that rate (EN 16931 BR-S-09, which ZATCA's rules include, to the
    /// halala). The rate rule's own code is not in ../shared/reference, so the double names it BR-KSA-S-RATE.
    /// </summary>
    public static (string Code, string Message)? VatProblem(string xml)
    {
        var document = new XmlDocument();
        document.LoadXml(xml);
        var ns = new XmlNamespaceManager(document.NameTable);
        ns.AddNamespace("cac", "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2");
        ns.AddNamespace("cbc", "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2");
        static decimal Number(XmlNode? node) => decimal.Parse(node?.InnerText ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        foreach (XmlNode category in document.SelectNodes("//cac:ClassifiedTaxCategory[cbc:ID='S'] | //cac:TaxSubtotal/cac:TaxCategory[cbc:ID='S']", ns)!)
        {
            if (Number(category.SelectSingleNode("cbc:Percent", ns)) != 15m)
            {
                return ("BR-KSA-S-RATE", $"Standard rated VAT must be 15%, not {category.SelectSingleNode("cbc:Percent", ns)?.InnerText}%");
            }
        }

        foreach (XmlNode subtotal in document.SelectNodes("//cac:TaxTotal/cac:TaxSubtotal[cac:TaxCategory/cbc:ID='S']", ns)!)
        {
            var taxable = Number(subtotal.SelectSingleNode("cbc:TaxableAmount", ns));
            var tax = Number(subtotal.SelectSingleNode("cbc:TaxAmount", ns));
            if (Math.Abs(Math.Round(taxable * 0.15m, 2, MidpointRounding.AwayFromZero) - tax) > 0.01m)
            {
                return ("BR-S-09", $"VAT category tax amount {tax} is not the taxable amount {taxable} at 15%");
            }
        }

        return null;
    }

    /// <summary>The QR ZATCA puts on an invoice it cleared (here: a TLV with its hash, recognisable in tests).</summary>
    public static string ClearedQr(string invoiceHash) =>
        Convert.ToBase64String([1, 5, .. "ZATCA"u8, 6, (byte)Encoding.UTF8.GetByteCount(invoiceHash), .. Encoding.UTF8.GetBytes(invoiceHash)]);

    /// <summary>A clearance answer as ZATCA shapes it: the invoice back, with ZATCA's QR, base64 in clearedInvoice.</summary>
    public static string ClearedAnswer(string xml, string warnings)
    {
        var qr = ClearedQr(Hash(xml));
        var reference = "<cac:AdditionalDocumentReference>\n        <cbc:ID>QR</cbc:ID>\n        <cac:Attachment>\n            <cbc:EmbeddedDocumentBinaryObject mimeCode=\"text/plain\">" + qr + "</cbc:EmbeddedDocumentBinaryObject>\n        </cac:Attachment>\n    </cac:AdditionalDocumentReference>";
        var existing = System.Text.RegularExpressions.Regex.Match(xml, "<cac:AdditionalDocumentReference>\\s*<cbc:ID>QR</cbc:ID>.*?</cac:AdditionalDocumentReference>", System.Text.RegularExpressions.RegexOptions.Singleline);
        var cleared = existing.Success ? xml.Replace(existing.Value, reference, StringComparison.Ordinal) : xml.Replace("<cac:Signature>", reference + "<cac:Signature>", StringComparison.Ordinal);
        var answer = JsonNode.Parse(Answer("invoices/clearance/single", "CLEARED", warnings, "[]"))!.AsObject();
        answer["clearedInvoice"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(cleared));
        return answer.ToJsonString();
    }

    /// <summary>A reporting answer as ZATCA shapes it.</summary>
    public static string Answer(string path, string status, string warnings, string errors) =>
        $$"""{"validationResults":{"infoMessages":[{"type":"INFO","code":"XSD_ZATCA_VALID","category":"XSD validation","message":"Complied with UBL 2.1 standards in line with ZATCA specifications","status":"PASS"}],"warningMessages":{{warnings}},"errorMessages":{{errors}},"status":"{{(errors != "[]" ? "ERROR" : warnings != "[]" ? "WARNING" : "PASS")}}"},"{{(path.Contains("clearance", StringComparison.Ordinal) ? "clearanceStatus" : "reportingStatus")}}":"{{status}}"}""";

    /// <summary>The invoice hash as ZATCA computes it: the pre-hash transform, C14N, SHA-256, base64.</summary>
    public static string Hash(string xml)
    {
        var document = new XmlDocument { PreserveWhitespace = true };
        document.LoadXml(xml);
        var ns = new XmlNamespaceManager(document.NameTable);
        ns.AddNamespace("i", "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2");
        ns.AddNamespace("ext", "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2");
        ns.AddNamespace("cac", "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2");
        ns.AddNamespace("cbc", "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2");
        foreach (var xpath in new[] { "/i:Invoice/ext:UBLExtensions", "/i:Invoice/cac:Signature", "/i:Invoice/cac:AdditionalDocumentReference[cbc:ID='QR']" })
        {
            foreach (var node in document.SelectNodes(xpath, ns)!.Cast<XmlNode>().ToList())
            {
                node.ParentNode!.RemoveChild(node);
            }
        }

        var transform = new XmlDsigC14NTransform();
        transform.LoadInput(document);
        using var stream = (Stream)transform.GetOutput(typeof(Stream));
        return Convert.ToBase64String(SHA256.HashData(stream));
    }

    private byte[] Csr(JsonObject body)
    {
        Require(body.Count == 1 && body["csr"] is not null, "the body is not {csr}");
        var pem = Encoding.UTF8.GetString(Convert.FromBase64String(body["csr"]!.GetValue<string>()));
        Require(pem.StartsWith("-----BEGIN CERTIFICATE REQUEST-----", StringComparison.Ordinal), "csr is not the base64 of a PEM certificate request");
        _lastCsr = Encoding.UTF8.GetBytes(pem);
        return _lastCsr;
    }

    private HttpResponseMessage Issue(byte[] csrPem, bool production)
    {
        var request = CertificateRequest.LoadSigningRequestPem(Encoding.UTF8.GetString(csrPem), HashAlgorithmName.SHA256, CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);
        var now = DateTimeOffset.UtcNow;
        var id = _nextRequestId++;
        using var certificate = request.Create(new X500DistinguishedName("CN=TSZEINVOICE-SubCA-1, DC=extgazt, DC=gov, DC=local"), X509SignatureGenerator.CreateForECDsa(_caKey), now.AddMinutes(-1), now.AddYears(production ? 1 : 0).AddDays(production ? 0 : 7), BitConverter.GetBytes(id));
        var token = Convert.ToBase64String(Encoding.UTF8.GetBytes(Convert.ToBase64String(certificate.RawData)));
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        _csids[token] = (secret, production, id);
        return Status(HttpStatusCode.OK, JsonSerializer.Serialize(new { requestID = id, tokenType = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3", dispositionMessage = "ISSUED", binarySecurityToken = token, secret, errors = (string?)null }));
    }

    private (string Secret, bool Production, long RequestId) Authorize(HttpRequestMessage request, bool production)
    {
        var authorization = request.Headers.Authorization;
        Require(authorization?.Scheme == "Basic", "no Basic authorization");
        var pair = Encoding.UTF8.GetString(Convert.FromBase64String(authorization!.Parameter!)).Split(':', 2);
        if (!_csids.TryGetValue(pair[0], out var csid) || csid.Secret != pair[1] || csid.Production != production)
        {
            throw new UnauthorizedCsid();
        }

        return csid;
    }

    private static void Require(bool condition, string what)
    {
        if (!condition)
        {
            throw Loud(what);
        }
    }

    private static Xunit.Sdk.XunitException Loud(string what) => new($"ZATCA double: {what}");

    /// <summary>Credentials ZATCA does not know: answered with 401.</summary>
    private sealed class UnauthorizedCsid : Exception;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _caKey.Dispose();
        }

        base.Dispose(disposing);
    }
}
