using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using PosBridge.Connector.Fiscal;
using PosBridge.Connector.Tests.Hosting;

namespace PosBridge.Connector.Tests.Fiscal;

/// <summary>A Riyadh till onboarding and uploading its invoices through the connector's API, with ZATCA's double behind it.</summary>
public sealed class FiscalEndpointsTests
{
    private static readonly JsonSerializerOptions WebJson = new(JsonSerializerDefaults.Web);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Till_OnboardsUploadsAndIsReported_ThroughTheConnector()
    {
        using var zatca = new FakeZatca();
        await using var host = await StartAsync(zatca);
        var till = await host.PairTillAsync("RUH1", "RUH1-T01-0000000001");
        using var key = ECDsa.Create(ECCurve.CreateFromFriendlyName("secp256k1"));
        var csr = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=RUH1-T01, C=SA", key, HashAlgorithmName.SHA256).CreateSigningRequestPem();

        var compliance = await PostAsync(till, "/api/v1/fiscal/zatca/compliance", new { csr, otp = "123345" });
        Assert.Equal(HttpStatusCode.OK, compliance.Status);
        Assert.NotEmpty(compliance.Json!["certificate"]!.GetValue<string>());
        var production = await PostAsync(till, "/api/v1/fiscal/zatca/production", new { samples = new[] { ZatcaReportingTests.Sample("simplified-invoice"), ZatcaReportingTests.Sample("simplified-credit-note") } });
        Assert.Equal(HttpStatusCode.OK, production.Status);
        Assert.NotNull(production.Json!["certificate"]?.GetValue<string>());

        var invoice = ZatcaReportingTests.Sample("simplified-invoice");
        var document = new { authority = "ZATCA", uuid = invoice.Uuid, saleNumber = "RUH1-T01-0001-000001", counter = 1, hash = invoice.InvoiceHash, document = invoice.Xml, issuedAt = host.Clock.GetUtcNow() };
        var first = await PostAsync(till, "/api/v1/fiscal/documents", new { documents = new[] { document } });
        var again = await PostAsync(till, "/api/v1/fiscal/documents", new { documents = new[] { document } });
        Assert.Equal("accepted", first.Json!["results"]![0]!["status"]!.GetValue<string>());
        Assert.Equal("duplicate", again.Json!["results"]![0]!["status"]!.GetValue<string>());

        // The numbering check hands the chain's head back, for a till restored where its own mark is not.
        using var numbering = await till.SendAsync(HttpMethod.Get, "/api/v1/numbering", []);
        var head = Assert.Single(JsonNode.Parse(await numbering.Content.ReadAsStringAsync(Token))!["fiscalChains"]!.AsArray());
        Assert.Equal(("ZATCA", 1L, invoice.InvoiceHash), (head!["authority"]!.GetValue<string>(), head["counter"]!.GetValue<long>(), head["hash"]!.GetValue<string>()));

        using var scope = host.Services.CreateScope();
        var run = await scope.ServiceProvider.GetRequiredService<ZatcaReporter>().ReportDueAsync(cancellationToken: Token);
        Assert.Equal(1, run.Reported);
        Assert.Equal(1, zatca.Reported[invoice.Uuid]);
    }

    [Fact]
    public async Task Onboarding_WithAnOtpThatIsNotDigitsOrThatZatcaRefuses_AnswersWhatToDoAndStoresNothing()
    {
        using var zatca = new FakeZatca();
        await using var host = await StartAsync(zatca);
        var till = await host.PairTillAsync("RUH1", "T01");
        using var key = ECDsa.Create(ECCurve.CreateFromFriendlyName("secp256k1"));
        var csr = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=RUH1-T01, C=SA", key, HashAlgorithmName.SHA256).CreateSigningRequestPem();

        var letters = await PostAsync(till, "/api/v1/fiscal/zatca/compliance", new { csr, otp = "12ab" });
        var refused = await PostAsync(till, "/api/v1/fiscal/zatca/compliance", new { csr, otp = "654321" });
        var early = await PostAsync(till, "/api/v1/fiscal/zatca/production", new { samples = new[] { ZatcaReportingTests.Sample("simplified-invoice"), ZatcaReportingTests.Sample("simplified-credit-note") } });

        Assert.Equal(HttpStatusCode.BadRequest, letters.Status);
        Assert.Contains("otp must be the digits", letters.Text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("OTP is invalid or expired", refused.Text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, early.Status);
        Assert.Contains("send its CSR with the portal's OTP first", early.Text, StringComparison.Ordinal);
        Assert.Null(await host.Services.GetRequiredService<IZatcaUnits>().ComplianceAsync("T01", Token));
        Assert.DoesNotContain("Exception", letters.Text + refused.Text + early.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upload_WithAnUnknownAuthorityOrUnsigned_IsRefusedAndStoresNothing()
    {
        using var zatca = new FakeZatca();
        await using var host = await StartAsync(zatca);
        var till = await host.PairTillAsync("RUH1", "T01");
        var invoice = ZatcaReportingTests.Sample("simplified-invoice");
        var good = new { authority = "ZATCA", uuid = invoice.Uuid, saleNumber = "N1", counter = 1, hash = invoice.InvoiceHash, document = invoice.Xml, issuedAt = host.Clock.GetUtcNow() };
        var bad = new { authority = "IRS", uuid = Guid.CreateVersion7(), saleNumber = "N2", counter = 2, hash = "h", document = "d", issuedAt = host.Clock.GetUtcNow() };

        var mixed = await PostAsync(till, "/api/v1/fiscal/documents", new { documents = new object[] { good, bad } });
        var unsigned = await host.Client.PostAsync("/api/v1/fiscal/documents", new StringContent("{\"documents\":[]}", Encoding.UTF8, "application/json"), Token);

        Assert.Equal(HttpStatusCode.BadRequest, mixed.Status);
        Assert.Contains("documents[1].authority 'IRS' is not ZATCA or ETA", mixed.Text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Empty(await host.Services.GetRequiredService<IFiscalDocumentStore>().ListAsync(10, Token));
    }

    [Theory]
    [InlineData("{\"documents\": null}", "documents")]
    [InlineData("{\"documents\": [null]}", "documents[0]")]
    [InlineData("{\"documents\": [{\"authority\": \"ZATCA\", \"uuid\": \"not-a-uuid\", \"saleNumber\": \"N1\", \"counter\": 1, \"hash\": \"h\", \"document\": \"d\", \"issuedAt\": \"2026-12-04T10:00:00+03:00\"}]}", "uuid")]
    [InlineData("{\"documents\": [{\"authority\": \"ZATCA\", \"uuid\": \"0193a0b4-0000-7000-8000-000000000001\", \"counter\": 1, \"hash\": \"h\", \"document\": \"d\", \"issuedAt\": \"2026-12-04T10:00:00+03:00\"}]}", "saleNumber")]
    [InlineData("{\"documents\": [{\"authority\": \"ZATCA\", \"uuid\": \"0193a0b4-0000-7000-8000-000000000001\", \"saleNumber\": \"N1\\u0007\", \"counter\": 1, \"hash\": \"h\", \"document\": \"d\", \"issuedAt\": \"2026-12-04T10:00:00+03:00\"}]}", "saleNumber")]
    public async Task Upload_OfTheWrongShape_IsA400NamingTheFieldWithoutTypeNames(string body, string field)
    {
        using var zatca = new FakeZatca();
        await using var host = await StartAsync(zatca);
        var till = await host.PairTillAsync("RUH1", "T01");

        using var response = await till.SendAsync(HttpMethod.Post, "/api/v1/fiscal/documents", Encoding.UTF8.GetBytes(body));
        var text = await response.Content.ReadAsStringAsync(Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, text, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        Assert.Empty(await host.Services.GetRequiredService<IFiscalDocumentStore>().ListAsync(10, Token));
    }

    [Fact]
    public async Task Till_ClearsAStandardInvoice_ThroughTheConnectorOnceByUuid()
    {
        using var zatca = new FakeZatca();
        await using var host = await StartAsync(zatca);
        var till = await host.PairTillAsync("RUH1", "RUH1-T01-0000000001");
        var unonboarded = ZatcaClearanceTests.StandardSample(1, host.Clock.GetUtcNow());
        var early = await PostAsync(till, "/api/v1/fiscal/zatca/clearance", Body(unonboarded));
        Assert.Equal(HttpStatusCode.Conflict, early.Status);
        Assert.Contains("onboard", early.Text, StringComparison.Ordinal);
        using var key = ECDsa.Create(ECCurve.CreateFromFriendlyName("secp256k1"));
        var csr = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=RUH1-T01, C=SA", key, HashAlgorithmName.SHA256).CreateSigningRequestPem();
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(till, "/api/v1/fiscal/zatca/compliance", new { csr, otp = "123345" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(till, "/api/v1/fiscal/zatca/production", new { samples = new[] { ZatcaReportingTests.Sample("simplified-invoice"), ZatcaReportingTests.Sample("simplified-credit-note") } })).Status);

        var first = await PostAsync(till, "/api/v1/fiscal/zatca/clearance", Body(unonboarded));
        var again = await PostAsync(till, "/api/v1/fiscal/zatca/clearance", Body(unonboarded));
        var bad = await PostAsync(till, "/api/v1/fiscal/zatca/clearance", Body(unonboarded) with { authority = "ETA" });

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal("cleared", first.Json!["state"]!.GetValue<string>());
        Assert.Equal(first.Json["clearedInvoice"]!.GetValue<string>(), again.Json!["clearedInvoice"]!.GetValue<string>());
        Assert.Equal(1, zatca.Calls.Count(c => c.StartsWith("POST invoices/clearance/single", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.DoesNotContain("Exception", bad.Text, StringComparison.Ordinal);
        Assert.Equal("reported", Assert.Single(await host.Services.GetRequiredService<IFiscalDocumentStore>().ListAsync(10, Token)).State);
    }

    private static ClearanceBody Body(PosBridge.Connector.Fiscal.FiscalUpload upload) =>
        new("ZATCA", upload.Uuid, upload.SaleNumber, upload.Counter, upload.Hash, upload.Document, upload.IssuedAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));

    private sealed record ClearanceBody(string authority, Guid uuid, string saleNumber, long counter, string hash, string document, string issuedAt);

    private static Task<ConnectorHost> StartAsync(FakeZatca zatca) =>
        ConnectorHost.StartAsync(
            new Dictionary<string, string?> { ["Fiscal:Zatca:BaseUrl"] = FakeZatca.BaseAddress },
            services => services.AddHttpClient<ZatcaClient>().ConfigurePrimaryHttpMessageHandler(() => zatca),
            null);

    private static async Task<(HttpStatusCode Status, string Text, JsonNode? Json)> PostAsync(TestTill till, string path, object body)
    {
        using var response = await till.SendAsync(HttpMethod.Post, path, JsonSerializer.SerializeToUtf8Bytes(body, WebJson));
        var text = await response.Content.ReadAsStringAsync(Token);
        return (response.StatusCode, text, response.IsSuccessStatusCode ? JsonNode.Parse(text) : null);
    }
}
