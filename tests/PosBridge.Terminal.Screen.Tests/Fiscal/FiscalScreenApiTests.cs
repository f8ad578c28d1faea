using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using PosBridge.Terminal.Fiscal;
using PosBridge.Terminal.Storage;
using PosBridge.Till.Sync;

namespace PosBridge.Terminal.Screen.Tests.Fiscal;

/// <summary>The owner onboards a Saudi till with ZATCA from the cashier screen: the OTP typed on the till, the state shown.</summary>
public sealed class FiscalScreenApiTests
{
    internal static readonly string[] SaudiSettings =
    [
        "--Till:Fiscal:Zatca:SellerName", "مؤسسة التمور الذهبية للتجارة",
        "--Till:Fiscal:Zatca:VatNumber", "399999999900003",
        "--Till:Fiscal:Zatca:CommercialRegistration", "1010010000",
        "--Till:Fiscal:Zatca:StreetName", "طريق العليا",
        "--Till:Fiscal:Zatca:BuildingNumber", "2322",
        "--Till:Fiscal:Zatca:CitySubdivision", "العليا",
        "--Till:Fiscal:Zatca:City", "الرياض",
        "--Till:Fiscal:Zatca:PostalZone", "12211",
        "--Till:Fiscal:Zatca:BranchName", "فرع العليا",
        "--connector", "http://127.0.0.1:9",
    ];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Onboard_WithTheOtpTypedOnTheScreen_ShowsTheTillOnboardedUntilTheCertificatesEnd()
    {
        using var connector = new StandInConnector();
        await using var till = await TestTillHost.StartWithAsync(s => s.AddHttpClient(FiscalScreenEndpoints.ConnectorClientName).ConfigurePrimaryHttpMessageHandler(() => connector), null, SaudiSettings);
        till.Service<TillDatabase>().SetSetting("sync.credentials", JsonSerializer.Serialize(new TillCredentials("CAI1", "T1", "credential", Convert.ToBase64String(new byte[32]), TimeSpan.Zero), ConnectorClient.Json));

        var before = await till.Http.GetFromJsonAsync<JsonNode>("/api/fiscal", Token);
        Assert.True(before!["zatca"]!.GetValue<bool>());
        Assert.False(before["onboarded"]!.GetValue<bool>());
        Assert.Contains(before["lines"]!.AsArray(), l => l!.GetValue<string>().Contains("not onboarded", StringComparison.Ordinal));

        var letters = await till.Http.PostAsJsonAsync("/api/fiscal/zatca/onboard", new { otp = "12a45", managerPin = "1234" }, Token);
        Assert.Equal(HttpStatusCode.BadRequest, letters.StatusCode);
        Assert.Contains("digits only", (await letters.Content.ReadFromJsonAsync<JsonNode>(Token))!["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        var noManager = await till.Http.PostAsJsonAsync("/api/fiscal/zatca/onboard", new { otp = "123345", managerPin = "9999" }, Token);
        Assert.Equal(HttpStatusCode.Forbidden, noManager.StatusCode);
        Assert.Equal(0, connector.Calls);

        var onboard = await till.Http.PostAsJsonAsync("/api/fiscal/zatca/onboard", new { otp = " 123345 ", managerPin = "1234" }, Token);

        Assert.Equal(HttpStatusCode.OK, onboard.StatusCode);
        var answer = (await onboard.Content.ReadFromJsonAsync<JsonNode>(Token))!;
        Assert.True(answer["fiscal"]!["onboarded"]!.GetValue<bool>());
        Assert.Equal(connector.NotAfter.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), answer["fiscal"]!["validUntil"]!.GetValue<string>());
        Assert.Equal("123345", connector.Otp);
        var after = await till.Http.GetFromJsonAsync<JsonNode>("/api/fiscal", Token);
        Assert.True(after!["onboarded"]!.GetValue<bool>());
        Assert.Equal(0, after["waiting"]!.GetValue<int>());
    }

    [Fact]
    public async Task Onboard_OnATillThatIsNotPaired_SaysToPairFirstAndCallsNothing()
    {
        using var connector = new StandInConnector();
        await using var till = await TestTillHost.StartWithAsync(s => s.AddHttpClient(FiscalScreenEndpoints.ConnectorClientName).ConfigurePrimaryHttpMessageHandler(() => connector), null, SaudiSettings);

        var answer = await till.Http.PostAsJsonAsync("/api/fiscal/zatca/onboard", new { otp = "123345", managerPin = "1234" }, Token);

        Assert.Equal(HttpStatusCode.Conflict, answer.StatusCode);
        Assert.Contains("not paired", (await answer.Content.ReadFromJsonAsync<JsonNode>(Token))!["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, connector.Calls);
    }

    internal static readonly string[] StandardSettings = [.. SaudiSettings, "--Till:Fiscal:Zatca:InvoiceTypes", "1100"];

    /// <summary>Onboards a till that issues tax invoices (1100) through the stand-in, pairs it, and opens a shift.</summary>
    internal static async Task<TestTillHost> StandardTillAsync(StandInConnector connector)
    {
        var till = await TestTillHost.StartWithAsync(s => s.AddHttpClient(FiscalScreenEndpoints.ConnectorClientName).ConfigurePrimaryHttpMessageHandler(() => connector), null, StandardSettings);
        till.Service<TillDatabase>().SetSetting("sync.credentials", JsonSerializer.Serialize(new TillCredentials("CAI1", "T1", "credential", Convert.ToBase64String(new byte[32]), TimeSpan.Zero), ConnectorClient.Json));
        var onboard = await till.Http.PostAsJsonAsync("/api/fiscal/zatca/onboard", new { otp = "123345", managerPin = "1234" }, Token);
        Assert.Equal(HttpStatusCode.OK, onboard.StatusCode);
        return till;
    }

    internal static readonly object GoodBuyer = new
    {
        name = "شركة المراعي للتوريدات",
        vatNumber = "٣٠٠٠٠٠٠٠٠٠٠٠٠٠٣",
        streetName = "طريق الملك فهد",
        buildingNumber = "1234",
        citySubdivision = "الملز",
        city = "الرياض",
        postalZone = "12611",
    };

    [Fact]
    public async Task Buyer_WithWrongFields_NamesEachFieldAndChangesNothing()
    {
        using var connector = new StandInConnector { Samples = ["simplified-invoice", "simplified-credit-note", "standard-invoice", "standard-credit-note"] };
        await using var till = await StandardTillAsync(connector);

        var answer = await till.Http.PostAsJsonAsync("/api/fiscal/zatca/buyer", new { name = "شركة", vatNumber = "300000000000004", streetName = "", buildingNumber = "12", citySubdivision = "الملز", city = "الرياض", postalZone = "1261" }, Token);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, answer.StatusCode);
        var body = (await answer.Content.ReadFromJsonAsync<JsonNode>(Token))!;
        Assert.Equal(["vatNumber", "streetName", "buildingNumber", "postalZone"], body["problems"]!.AsArray().Select(p => p!["field"]!.GetValue<string>()));
        Assert.Equal(0, till.Service<TillDatabase>().Scalar<int>("SELECT COUNT(*) FROM FiscalBuyers"));
        Assert.Null((await till.Http.GetFromJsonAsync<JsonNode>("/api/state", Token))!["customer"]);
    }

    [Fact]
    public async Task Buyer_ThenSaleCleared_GivesTheTaxInvoiceWithZatcasQrAndAsksOnce()
    {
        using var connector = new StandInConnector { Samples = ["simplified-invoice", "simplified-credit-note", "standard-invoice", "standard-credit-note"] };
        await using var till = await StandardTillAsync(connector);
        await till.Http.PostAsJsonAsync("/api/shift/open", new { openingFloat = 0 }, Token);

        var attached = await till.Http.PostAsJsonAsync("/api/fiscal/zatca/buyer", GoodBuyer, Token);
        Assert.Equal(HttpStatusCode.OK, attached.StatusCode);
        Assert.Equal("vat-300000000000003", (await attached.Content.ReadFromJsonAsync<JsonNode>(Token))!["state"]!["customer"]!["id"]!.GetValue<string>());
        await till.Http.PostAsJsonAsync("/api/cart/add", new { productId = "hot-1" }, Token);
        var paid = (await (await till.Http.PostAsJsonAsync("/api/pay/cash", new { tendered = 100 }, Token)).Content.ReadFromJsonAsync<JsonNode>(Token))!;
        var saleId = Guid.Parse(paid["state"]!["lastSale"]!["id"]!.GetValue<string>());

        // Not given before clearance: no printing.
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await till.Http.PostAsJsonAsync($"/api/receipts/{saleId}/print", new { }, Token)).StatusCode);
        var cleared = (await (await till.Http.PostAsJsonAsync("/api/fiscal/zatca/clear", new { saleId }, Token)).Content.ReadFromJsonAsync<JsonNode>(Token))!;
        var again = (await (await till.Http.PostAsJsonAsync("/api/fiscal/zatca/clear", new { saleId }, Token)).Content.ReadFromJsonAsync<JsonNode>(Token))!;

        Assert.Equal("cleared", cleared["outcome"]!.GetValue<string>());
        Assert.True(cleared["canBeGiven"]!.GetValue<bool>());
        Assert.Equal("cleared", again["outcome"]!.GetValue<string>());
        Assert.Single(connector.Clearances);
        Assert.Equal(StandInConnector.ZatcaQr, FiscalChain.StoredQr(till.Service<TillDatabase>(), saleId));
    }

    [Fact]
    public async Task Clear_WhenTheConnectorIsDown_SaysNotToGiveItAndASimplifiedInvoiceReplacesIt()
    {
        using var connector = new StandInConnector { Samples = ["simplified-invoice", "simplified-credit-note", "standard-invoice", "standard-credit-note"] };
        await using var till = await StandardTillAsync(connector);
        await till.Http.PostAsJsonAsync("/api/shift/open", new { openingFloat = 0 }, Token);
        await till.Http.PostAsJsonAsync("/api/fiscal/zatca/buyer", GoodBuyer, Token);
        await till.Http.PostAsJsonAsync("/api/cart/add", new { productId = "hot-1" }, Token);
        var paid = (await (await till.Http.PostAsJsonAsync("/api/pay/cash", new { tendered = 100 }, Token)).Content.ReadFromJsonAsync<JsonNode>(Token))!;
        var saleId = Guid.Parse(paid["state"]!["lastSale"]!["id"]!.GetValue<string>());
        connector.Down = true;

        var offline = (await (await till.Http.PostAsJsonAsync("/api/fiscal/zatca/clear", new { saleId }, Token)).Content.ReadFromJsonAsync<JsonNode>(Token))!;
        var instead = (await (await till.Http.PostAsJsonAsync("/api/fiscal/zatca/simplified", new { saleId }, Token)).Content.ReadFromJsonAsync<JsonNode>(Token))!;

        Assert.Equal("offline", offline["outcome"]!.GetValue<string>());
        Assert.False(offline["canBeGiven"]!.GetValue<bool>());
        Assert.Equal(1, offline["fiscal"]!["notCleared"]!.GetValue<int>());
        Assert.Equal("none", instead["outcome"]!.GetValue<string>());
        Assert.True(instead["canBeGiven"]!.GetValue<bool>());
        Assert.Equal(0, instead["fiscal"]!["notCleared"]!.GetValue<int>());
        Assert.Null(FiscalChain.NotGivenYet(till.Service<TillDatabase>(), saleId));
    }

    /// <summary>The connector's onboarding endpoints as the connector answers them, issuing certificates from a test CA for the till's CSR.</summary>
    internal sealed class StandInConnector : HttpMessageHandler
    {
        private readonly ECDsa _ca = ECDsa.Create(ECCurve.CreateFromFriendlyName("secp256k1"));
        private string? _csr;

        public int Calls { get; private set; }

        public string? Otp { get; private set; }

        /// <summary>The sample kinds the till must sign at onboarding: simplified ones, and standard ones for a till that issues tax invoices.</summary>
        public string[] Samples { get; init; } = ["simplified-invoice", "simplified-credit-note"];

        /// <summary>The connector (or ZATCA behind it) cannot be reached: clearance calls fail as a dead network does.</summary>
        public bool Down { get; set; }

        /// <summary>Standard invoices sent for clearance, by uuid, each as many times as asked.</summary>
        public List<string> Clearances { get; } = [];

        /// <summary>The QR the stand-in puts in invoices it clears, as ZATCA puts its own.</summary>
        public const string ZatcaQr = "AQVaQVRDQQ==";

        public DateTimeOffset NotAfter { get; } = new DateTimeOffset(DateTime.UtcNow.Date.AddYears(1).AddHours(12), TimeSpan.Zero);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Down)
            {
                throw new HttpRequestException("Connection refused");
            }

            Calls++;
            Assert.NotNull(request.Headers.Authorization);
            var body = JsonNode.Parse(await request.Content!.ReadAsStringAsync(cancellationToken))!;
            switch (request.RequestUri!.AbsolutePath)
            {
                case "/api/v1/fiscal/zatca/compliance":
                    _csr = body["csr"]!.GetValue<string>();
                    Otp = body["otp"]!.GetValue<string>();
                    return Json(new JsonObject { ["certificate"] = Issue(_csr) });
                case "/api/v1/fiscal/zatca/production":
                    Assert.Equal(Samples, body["samples"]!.AsArray().Select(s => s!["kind"]!.GetValue<string>()));
                    return Json(new JsonObject { ["certificate"] = Issue(_csr!), ["samples"] = new JsonArray() });
                case "/api/v1/fiscal/zatca/clearance":
                {
                    var uuid = body["uuid"]!.GetValue<string>();
                    Clearances.Add(uuid);
                    var xml = body["document"]!.GetValue<string>();
                    Assert.Contains("<cbc:InvoiceTypeCode name=\"0100000\">388</cbc:InvoiceTypeCode>", xml, StringComparison.Ordinal);
                    var cleared = System.Text.RegularExpressions.Regex.Replace(xml, "(<cbc:ID>QR</cbc:ID>\\s*<cac:Attachment>\\s*<cbc:EmbeddedDocumentBinaryObject mimeCode=\"text/plain\">)[^<]*", "${1}" + ZatcaQr);
                    return Json(new JsonObject { ["uuid"] = uuid, ["state"] = "cleared", ["clearedInvoice"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(cleared)), ["warnings"] = new JsonArray(), ["errors"] = new JsonArray() });
                }

                default:
                    throw new Xunit.Sdk.XunitException($"The till called {request.RequestUri}, which the connector does not serve.");
            }
        }

        private string Issue(string csrPem)
        {
            var request = CertificateRequest.LoadSigningRequestPem(csrPem, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);
            using var certificate = request.Create(new X500DistinguishedName("CN=Test ZATCA CA"), X509SignatureGenerator.CreateForECDsa(_ca), DateTimeOffset.UtcNow.AddDays(-1), NotAfter, Encoding.ASCII.GetBytes(Calls.ToString(System.Globalization.CultureInfo.InvariantCulture) + "01"));
            return Convert.ToBase64String(certificate.RawData);
        }

        private static HttpResponseMessage Json(JsonNode node) =>
            new(HttpStatusCode.OK) { Content = new StringContent(node.ToJsonString(), Encoding.UTF8, "application/json") };

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _ca.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
