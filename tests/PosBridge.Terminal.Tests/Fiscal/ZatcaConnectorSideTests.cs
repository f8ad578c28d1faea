using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using PosBridge.Terminal.Fiscal;
using PosBridge.Till.Sync;

namespace PosBridge.Terminal.Tests.Fiscal;

/// <summary>The till's half of onboarding and upload, against a stand-in for the connector's fiscal endpoints.</summary>
public sealed class ZatcaConnectorSideTests
{
    private static readonly TillCredentials Credentials = new("RUH-OLAYA-0001", "T01", "credential", Convert.ToBase64String(new byte[32]), TimeSpan.Zero);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Onboard_WithTheOtp_SignsVerifiableSamplesAndInstallsTheProductionCertificate()
    {
        using var till = new SaudiTill(onboarded: false);
        using var connector = new FakeConnector();
        var client = new ZatcaOnboardingClient(till.Chain, till.Till.Options, new ConnectorClient(connector.Client(), till.Till.Clock), till.Till.Clock);

        var result = await client.OnboardAsync(Credentials, "123345", Token);

        Assert.True(result.Onboarded, result.Message);
        Assert.Equal("123345", connector.Otp);
        Assert.Equal(["simplified-invoice", "simplified-credit-note"], connector.SampleKinds);
        // The samples left the real chain alone: the first sale is still ICV 1 with the first PIH.
        var sale = till.SellOrFail();
        var document = till.Chain.Find(sale.Id)!;
        Assert.Equal(1, document.Counter);
        Assert.Equal(ZatcaVectors.FirstPreviousHash, document.PreviousHash);
        Assert.Contains(connector.ProductionCertificate!, document.Document, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Onboard_WithLettersForAnOtp_SaysWhatToTypeAndCallsNothing()
    {
        using var till = new SaudiTill(onboarded: false);
        using var connector = new FakeConnector();
        var client = new ZatcaOnboardingClient(till.Chain, till.Till.Options, new ConnectorClient(connector.Client(), till.Till.Clock), till.Till.Clock);

        var result = await client.OnboardAsync(Credentials, "12a45", Token);

        Assert.False(result.Onboarded);
        Assert.Contains("digits only", result.Message, StringComparison.Ordinal);
        Assert.Equal(0, connector.Calls);
    }

    [Fact]
    public async Task Upload_SignedInvoices_SendsEachOnceInChainOrder()
    {
        using var till = new SaudiTill();
        till.SellOrFail();
        till.SellOrFail();
        using var connector = new FakeConnector();
        var uploader = new FiscalUploader(till.Till.Database, till.Till.Clock);
        var client = new ConnectorClient(connector.Client(), till.Till.Clock);

        var first = await uploader.UploadPendingAsync(client, Credentials, Token);
        var second = await uploader.UploadPendingAsync(client, Credentials, Token);

        Assert.Equal(new FiscalUploadReport(2, 0, false), first);
        Assert.Equal(new FiscalUploadReport(0, 0, false), second);
        Assert.Equal([1L, 2], connector.Uploaded.Select(d => d["counter"]!.GetValue<long>()));
        Assert.All(connector.Uploaded, d => Assert.Equal(d["hash"]!.GetValue<string>(), ZatcaVerifier.Verify(d["document"]!.GetValue<string>())));
        Assert.Equal("RUH-OLAYA-0001-T01-0001-000001", connector.Uploaded[0]["saleNumber"]!.GetValue<string>());
    }

    /// <summary>Answers the connector's fiscal endpoints as the connector does, issuing certificates from a test CA.</summary>
    internal sealed class FakeConnector : HttpMessageHandler
    {
        private readonly ECDsa _ca = ECDsa.Create(ECCurve.CreateFromFriendlyName("secp256k1"));
        private string? _csr;

        public int Calls { get; private set; }

        public string? Otp { get; private set; }

        public List<string> SampleKinds { get; } = [];

        public string? ProductionCertificate { get; private set; }

        public List<JsonNode> Uploaded { get; } = [];

        public HttpClient Client() => new(this, disposeHandler: false) { BaseAddress = new Uri("http://connector.test") };

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
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
                    foreach (var sample in body["samples"]!.AsArray())
                    {
                        SampleKinds.Add(sample!["kind"]!.GetValue<string>());
                        Assert.Equal(sample["invoiceHash"]!.GetValue<string>(), ZatcaVerifier.Verify(sample["xml"]!.GetValue<string>()));
                    }

                    ProductionCertificate = Issue(_csr!);
                    return Json(new JsonObject { ["certificate"] = ProductionCertificate, ["samples"] = new JsonArray() });
                case "/api/v1/fiscal/documents":
                    var results = new JsonArray();
                    foreach (var document in body["documents"]!.AsArray())
                    {
                        Uploaded.Add(document!.DeepClone());
                        results.Add(new JsonObject { ["uuid"] = document["uuid"]!.GetValue<string>(), ["status"] = "accepted" });
                    }

                    return Json(new JsonObject { ["results"] = results });
                default:
                    throw new Xunit.Sdk.XunitException($"The till called {request.RequestUri}, which the connector does not serve.");
            }
        }

        private string Issue(string csrPem)
        {
            var request = CertificateRequest.LoadSigningRequestPem(csrPem, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);
            var now = DateTimeOffset.UtcNow;
            using var certificate = request.Create(new X500DistinguishedName("CN=Test ZATCA CA"), X509SignatureGenerator.CreateForECDsa(_ca), now.AddDays(-1), now.AddYears(1), Encoding.ASCII.GetBytes(Calls.ToString(System.Globalization.CultureInfo.InvariantCulture) + "01"));
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
