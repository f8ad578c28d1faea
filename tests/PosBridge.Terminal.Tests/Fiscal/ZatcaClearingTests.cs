using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using PosBridge.Core.Sales;
using PosBridge.Terminal.Fiscal;
using PosBridge.Till.Fiscal;
using PosBridge.Till.Sync;

namespace PosBridge.Terminal.Tests.Fiscal;

/// <summary>Standard (B2B) invoices on the till: signed and chained with the sale, given only once ZATCA cleared them.</summary>
public sealed class ZatcaClearingTests
{
    private static readonly TillCredentials Credentials = new("RUH-OLAYA-0001", "T01", "credential", Convert.ToBase64String(new byte[32]), TimeSpan.Zero);

    private static readonly ZatcaBuyer Buyer = new("300000000000003", "شركة المراعي للتوريدات", "طريق الملك فهد", "1234", "الملز", "الرياض", "12611");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public void Sell_ToABusinessWithAVatNumber_SignsAStandardInvoiceThatIsNotGivenBeforeClearance()
    {
        using var till = B2BTill();
        var clearing = new ZatcaClearing(till.Chain, till.Till.Database, till.Till.Clock);
        var (customer, problems) = clearing.RegisterBuyer(Buyer);
        Assert.Empty(problems);

        var sale = Sell(till, customer!);

        var document = till.Chain.Find(sale.Id)!;
        Assert.Equal("pending", document.Clearance);
        Assert.Equal(1, document.Counter);
        Assert.Equal(document.Hash, ZatcaVerifier.Verify(document.Document)); // hash recomputed by C14N, signature by BouncyCastle
        var xml = ZatcaVerifier.Load(document.Document);
        var ns = ZatcaVerifier.Namespaces(xml);
        Assert.Equal("0100000", xml.SelectSingleNode("//cbc:InvoiceTypeCode/@name", ns)!.Value);
        Assert.Equal("388", xml.SelectSingleNode("//cbc:InvoiceTypeCode", ns)!.InnerText);
        Assert.Equal(Buyer.VatNumber, xml.SelectSingleNode("//cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID", ns)!.InnerText);
        Assert.Equal(Buyer.BuildingNumber, xml.SelectSingleNode("//cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cbc:BuildingNumber", ns)!.InnerText);
        Assert.Equal(Buyer.Name, xml.SelectSingleNode("//cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName", ns)!.InnerText);
        Assert.Null(FiscalChain.StoredQr(till.Till.Database, sale.Id));
        Assert.NotNull(FiscalChain.NotGivenYet(till.Till.Database, sale.Id));
    }

    [Fact]
    public async Task Clear_WhenZatcaClears_GivesZatcasQrAndAsksOnlyOnce()
    {
        using var till = B2BTill();
        using var connector = new ClearingConnector();
        var clearing = new ZatcaClearing(till.Chain, till.Till.Database, till.Till.Clock);
        var sale = Sell(till, clearing.RegisterBuyer(Buyer).Customer!);
        var client = new ConnectorClient(connector.Client(), till.Till.Clock);

        var result = await clearing.ClearAsync(sale.Id, client, Credentials, Token);
        var again = await clearing.ClearAsync(sale.Id, client, Credentials, Token);

        Assert.Equal(ZatcaClearanceOutcome.Cleared, result.Outcome);
        Assert.True(result.CanBeGiven);
        Assert.Equal(ClearingConnector.ZatcaQr, result.Qr);
        Assert.Equal(ClearingConnector.ZatcaQr, FiscalChain.StoredQr(till.Till.Database, sale.Id));
        Assert.Null(FiscalChain.NotGivenYet(till.Till.Database, sale.Id));
        Assert.Equal(ZatcaClearanceOutcome.Cleared, again.Outcome);
        Assert.Equal(1, connector.Clearances);
        // Cleared through the clearance call, so the reporting upload never sends it.
        var upload = await new FiscalUploader(till.Till.Database, till.Till.Clock).UploadPendingAsync(client, Credentials, Token);
        Assert.Equal(0, upload.Sent);
    }

    [Fact]
    public async Task Clear_WhenZatcaRefuses_TellsTheCashierAndASimplifiedInvoiceTakesTheNextCounter()
    {
        using var till = B2BTill();
        using var connector = new ClearingConnector { Answer = "not-cleared" };
        var clearing = new ZatcaClearing(till.Chain, till.Till.Database, till.Till.Clock);
        var sale = Sell(till, clearing.RegisterBuyer(Buyer).Customer!);
        var client = new ConnectorClient(connector.Client(), till.Till.Clock);

        var result = await clearing.ClearAsync(sale.Id, client, Credentials, Token);

        Assert.Equal(ZatcaClearanceOutcome.NotCleared, result.Outcome);
        Assert.False(result.CanBeGiven);
        Assert.Contains("simplified invoice instead", result.Message, StringComparison.Ordinal);
        var standard = till.Chain.Find(sale.Id)!;
        Assert.Contains("BR-KSA-46", till.Till.Database.Scalar<string>("SELECT LastError FROM FiscalDocuments WHERE Uuid = ?", standard.Uuid), StringComparison.Ordinal);

        var instead = clearing.IssueSimplifiedInstead(sale.Id);
        var simplified = till.Chain.Find(sale.Id)!;
        var next = till.Chain.Find(till.SellOrFail().Id)!;

        Assert.NotNull(instead.Qr);
        Assert.Equal([1L, 2, 3], till.Chain.All(FiscalAuthority.Zatca).Select(d => d.Counter));
        Assert.Equal(standard.Hash, simplified.PreviousHash);
        Assert.NotEqual(standard.Uuid, simplified.Uuid);
        Assert.Null(simplified.Clearance);
        Assert.Equal(simplified.Hash, ZatcaVerifier.Verify(simplified.Document));
        Assert.Equal("0200000", ZatcaVerifier.Load(simplified.Document).SelectSingleNode("//cbc:InvoiceTypeCode/@name", ZatcaVerifier.Namespaces(ZatcaVerifier.Load(simplified.Document)))!.Value);
        Assert.Equal(simplified.Hash, next.PreviousHash);
        Assert.Equal(instead.Qr, FiscalChain.StoredQr(till.Till.Database, sale.Id));
        Assert.Null(FiscalChain.NotGivenYet(till.Till.Database, sale.Id));
        Assert.Equal(ZatcaClearanceOutcome.Failed, clearing.IssueSimplifiedInstead(sale.Id).Outcome); // never a second one
    }

    [Fact]
    public async Task Clear_WhenTheConnectorCannotBeReached_KeepsItUnclearedAndASimplifiedInvoiceReplacesIt()
    {
        using var till = B2BTill();
        using var connector = new ClearingConnector { Down = true };
        var clearing = new ZatcaClearing(till.Chain, till.Till.Database, till.Till.Clock);
        var sale = Sell(till, clearing.RegisterBuyer(Buyer).Customer!);
        var client = new ConnectorClient(connector.Client(), till.Till.Clock);

        var result = await clearing.ClearAsync(sale.Id, client, Credentials, Token);

        Assert.Equal(ZatcaClearanceOutcome.Offline, result.Outcome);
        Assert.Contains("cannot be reached", result.Message, StringComparison.Ordinal);
        Assert.Equal("pending", till.Chain.Find(sale.Id)!.Clearance);

        clearing.IssueSimplifiedInstead(sale.Id);

        var documents = till.Chain.All(FiscalAuthority.Zatca);
        Assert.Equal([1L, 2], documents.Select(d => d.Counter));
        Assert.Equal("withdrawn", documents[0].Clearance);
        Assert.Equal(documents[0].Hash, documents[1].PreviousHash);
        // The withdrawn invoice is never sent for clearance afterwards.
        connector.Down = false;
        Assert.Equal(ZatcaClearanceOutcome.NothingToClear, (await clearing.ClearAsync(sale.Id, client, Credentials, Token)).Outcome);
        Assert.Equal(0, connector.Clearances);
    }

    [Fact]
    public void RegisterBuyer_WithAWrongVatNumberOrOnASimplifiedOnlyTill_SaysWhatToTypeAndStoresNothing()
    {
        using var till = B2BTill();
        var clearing = new ZatcaClearing(till.Chain, till.Till.Database, till.Till.Clock);

        var (customer, problems) = clearing.RegisterBuyer(Buyer with { VatNumber = "12345", PostalZone = "1261" });

        Assert.Null(customer);
        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("VAT number: 15 digits", StringComparison.Ordinal));
        Assert.Equal(0, till.Till.Database.Scalar<int>("SELECT COUNT(*) FROM FiscalBuyers"));
        till.Till.Options.Fiscal.Zatca!.InvoiceTypes = "0100";
        Assert.Contains("simplified invoices only", Assert.Single(clearing.RegisterBuyer(Buyer).Problems), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Onboard_ATillThatIssuesTaxInvoices_SendsStandardSamplesThatVerifyToo()
    {
        using var till = new SaudiTill(onboarded: false);
        till.Till.Options.Fiscal.Zatca!.InvoiceTypes = "1100";
        using var connector = new ZatcaConnectorSideTests.FakeConnector();
        var client = new ZatcaOnboardingClient(till.Chain, till.Till.Options, new ConnectorClient(connector.Client(), till.Till.Clock), till.Till.Clock);

        var result = await client.OnboardAsync(Credentials, "123345", Token);

        Assert.True(result.Onboarded, result.Message);
        // Each sample's hash was recomputed and its signature verified by the stand-in as it arrived.
        Assert.Equal(["simplified-invoice", "simplified-credit-note", "standard-invoice", "standard-credit-note"], connector.SampleKinds);
    }

    private static SaudiTill B2BTill()
    {
        var till = new SaudiTill();
        till.Till.Options.Fiscal.Zatca!.InvoiceTypes = "1100";
        return till;
    }

    private static Sale Sell(SaudiTill till, Customer customer)
    {
        var result = till.Sell(customer: customer);
        Assert.True(result.IsCommitted, result.Message + result.Validation);
        return result.Sale!;
    }

    /// <summary>
    /// Answers the connector's clearance endpoint as the connector does (POST /api/v1/fiscal/zatca/clearance: the
    /// document in, {state, clearedInvoice, warnings, errors} out), checking the invoice hash independently first.
    /// </summary>
    private sealed class ClearingConnector : HttpMessageHandler
    {
        public const string ZatcaQr = "AQVaQVRDQQ==";

        public string Answer { get; set; } = "cleared";

        public bool Down { get; set; }

        public int Clearances { get; private set; }

        public HttpClient Client() => new(this, disposeHandler: false) { BaseAddress = new Uri("http://connector.test") };

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Down)
            {
                throw new HttpRequestException("Connection refused");
            }

            Assert.NotNull(request.Headers.Authorization);
            var body = JsonNode.Parse(await request.Content!.ReadAsStringAsync(cancellationToken))!;
            switch (request.RequestUri!.AbsolutePath)
            {
                case "/api/v1/fiscal/zatca/clearance":
                    Clearances++;
                    Assert.Equal("ZATCA", body["authority"]!.GetValue<string>());
                    var xml = body["document"]!.GetValue<string>();
                    Assert.Equal(body["hash"]!.GetValue<string>(), ZatcaVerifier.Verify(xml));
                    Assert.Contains($"<cbc:UUID>{body["uuid"]!.GetValue<string>()}</cbc:UUID>", xml, StringComparison.Ordinal);
                    var answer = new JsonObject { ["uuid"] = body["uuid"]!.GetValue<string>(), ["state"] = Answer, ["warnings"] = new JsonArray(), ["errors"] = new JsonArray() };
                    if (Answer == "cleared")
                    {
                        var qr = System.Text.RegularExpressions.Regex.Replace(xml, "(<cbc:ID>QR</cbc:ID>\\s*<cac:Attachment>\\s*<cbc:EmbeddedDocumentBinaryObject mimeCode=\"text/plain\">)[^<]*", "${1}" + ZatcaQr);
                        answer["clearedInvoice"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(qr));
                    }
                    else
                    {
                        answer["errors"] = new JsonArray(new JsonObject { ["code"] = "BR-KSA-46", ["category"] = "KSA", ["message"] = "The buyer's VAT registration number must be 15 digits." });
                    }

                    return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(answer.ToJsonString(), Encoding.UTF8, "application/json") };
                case "/api/v1/fiscal/documents":
                    Assert.Empty(body["documents"]!.AsArray());
                    throw new Xunit.Sdk.XunitException("The till uploaded no documents but called the upload.");
                default:
                    throw new Xunit.Sdk.XunitException($"The till called {request.RequestUri}, which the connector does not serve.");
            }
        }
    }
}
