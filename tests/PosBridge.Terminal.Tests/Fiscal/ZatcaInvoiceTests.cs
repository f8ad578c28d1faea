using System.Text;
using PosBridge.Terminal.Fiscal;
using PosBridge.Terminal.Refunds;
using PosBridge.Till.Refunds;
using PosBridge.Till.Sales;

namespace PosBridge.Terminal.Tests.Fiscal;

public sealed class ZatcaInvoiceTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public void Commit_SaudiSale_SignsSimplifiedInvoiceThatVerifiesIndependently()
    {
        using var till = new SaudiTill();
        var sale = till.SellOrFail();

        var document = till.Chain.Find(sale.Id)!;
        Assert.Equal(FiscalAuthority.Zatca, document.Authority);
        Assert.Equal(1, document.Counter);
        Assert.Equal(ZatcaVectors.FirstPreviousHash, document.PreviousHash);
        Assert.Equal(ZatcaVerifier.Verify(document.Document), document.Hash);

        var xml = ZatcaVerifier.Load(document.Document);
        var ns = ZatcaVerifier.Namespaces(xml);
        string Text(string path) => xml.SelectSingleNode(path, ns)!.InnerText;
        Assert.Equal("388", Text("/i:Invoice/cbc:InvoiceTypeCode"));
        Assert.Equal("0200000", xml.SelectSingleNode("/i:Invoice/cbc:InvoiceTypeCode/@name", ns)!.Value);
        Assert.Equal(sale.Id.ToString(), Text("/i:Invoice/cbc:UUID"));
        Assert.Equal("RUH-OLAYA-0001-T01-0001-000001", Text("/i:Invoice/cbc:ID"));
        Assert.Equal("1", Text("/i:Invoice/cac:AdditionalDocumentReference[cbc:ID='ICV']/cbc:UUID"));
        Assert.Equal(ZatcaVectors.FirstPreviousHash, Text("/i:Invoice/cac:AdditionalDocumentReference[cbc:ID='PIH']/cac:Attachment/cbc:EmbeddedDocumentBinaryObject"));
        // Riyadh time (UTC+3) of the sale at 08:00 UTC.
        Assert.Equal("2026-11-23", Text("/i:Invoice/cbc:IssueDate"));
        Assert.Equal("11:00:00", Text("/i:Invoice/cbc:IssueTime"));
        Assert.Equal("مؤسسة التمور الذهبية للتجارة", Text("//cac:AccountingSupplierParty//cbc:RegistrationName"));
        Assert.Equal("Nova water 330ml & <cold>", Text("/i:Invoice/cac:InvoiceLine[2]/cac:Item/cbc:Name"));
        // 2 × 45 + 1.5 = 91.50 plus 15 % = 13.73 (per line: 13.50 + 0.23).
        Assert.Equal("91.50", Text("//cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount"));
        Assert.Equal(sale.Totals.AmountDue.ToString("F2", System.Globalization.CultureInfo.InvariantCulture), Text("//cac:LegalMonetaryTotal/cbc:PayableAmount"));
        Assert.Equal(sale.Totals.Tax.ToString("F2", System.Globalization.CultureInfo.InvariantCulture), Text("/i:Invoice/cac:TaxTotal[1]/cbc:TaxAmount"));
        Assert.Equal(Text("/i:Invoice/cac:AdditionalDocumentReference[cbc:ID='QR']/cac:Attachment/cbc:EmbeddedDocumentBinaryObject"), document.Qr);
    }

    [Fact]
    public void Commit_SaudiSale_PrintsPhase2QrWithTagsOneToNine()
    {
        using var till = new SaudiTill();
        var sale = till.SellOrFail();
        var document = till.Chain.Find(sale.Id)!;

        var tags = ZatcaVerifier.QrTags(document.Qr!);
        Assert.Equal(Enumerable.Range(1, 9), tags.Keys.Order());
        string Text(int tag) => Encoding.UTF8.GetString(tags[tag]);
        Assert.Equal("مؤسسة التمور الذهبية للتجارة", Text(1));
        Assert.Equal("399999999900003", Text(2));
        Assert.Equal("2026-11-23T11:00:00", Text(3));
        Assert.Equal(sale.Totals.AmountDue.ToString("F2", System.Globalization.CultureInfo.InvariantCulture), Text(4));
        Assert.Equal(sale.Totals.Tax.ToString("F2", System.Globalization.CultureInfo.InvariantCulture), Text(5));
        Assert.Equal(document.Hash, Text(6));
        Assert.True(ZatcaVerifier.SignatureVerifies(Text(6), Text(7), ZatcaVectors.SdkCertificate));
        var certificate = new Org.BouncyCastle.X509.X509CertificateParser().ReadCertificate(Convert.FromBase64String(ZatcaVectors.SdkCertificate));
        Assert.Equal(certificate.CertificateStructure.SubjectPublicKeyInfo.GetEncoded(), tags[8]);
        Assert.Equal(certificate.GetSignature(), tags[9]);
    }

    [Fact]
    public void Receipt_OfSignedSaudiSale_PrintsThePhase2QrNotThePhase1One()
    {
        using var till = new SaudiTill();
        till.Till.Options.Receipt.Country = "SA";
        till.Till.Options.Receipt.VatNumber = "399999999900003";
        till.Till.Options.Receipt.StoreName = "مؤسسة التمور الذهبية للتجارة";
        var sale = till.SellOrFail();

        var receipt = PosBridge.Till.Receipts.Receipt.From(sale, till.Till.Options.Receipt, FiscalChain.StoredQr(till.Till.Database, sale.Id));

        Assert.Equal(till.Chain.Find(sale.Id)!.Qr, receipt.ZatcaQr);
        Assert.Equal(9, ZatcaVerifier.QrTags(receipt.ZatcaQr!).Count);
        Assert.Contains("data:image/png;base64,", PosBridge.Till.Receipts.ReceiptRenderer.RenderHtml(receipt), StringComparison.Ordinal);
    }

    [Fact]
    public void Commit_SeveralSales_ChainsEachInvoiceToThePreviousHash()
    {
        using var till = new SaudiTill();
        for (var i = 0; i < 4; i++)
        {
            till.SellOrFail();
        }

        var documents = till.Chain.All(FiscalAuthority.Zatca);
        Assert.Equal([1L, 2, 3, 4], documents.Select(d => d.Counter));
        Assert.Equal(ZatcaVectors.FirstPreviousHash, documents[0].PreviousHash);
        for (var i = 1; i < documents.Count; i++)
        {
            Assert.Equal(documents[i - 1].Hash, documents[i].PreviousHash);
            Assert.Contains($"<cbc:UUID>{documents[i].Counter}</cbc:UUID>", documents[i].Document, StringComparison.Ordinal);
            Assert.Contains(documents[i - 1].Hash, documents[i].Document, StringComparison.Ordinal);
            Assert.Equal(ZatcaVerifier.Verify(documents[i].Document), documents[i].Hash);
        }
    }

    [Fact]
    public async Task Refund_OfSaudiSale_IssuesCreditNoteReferencingTheOriginalWithTheReason()
    {
        using var till = new SaudiTill();
        var sale = till.SellOrFail();
        var refunds = new RefundService(till.Till.Database, till.Sales, till.Till.Options, till.Till.Terminal, till.Till.Network, till.Till.Clock, till.Till.Logs.For<RefundService>());

        var result = await refunds.RefundAsync(
            new RefundRequest { SaleId = sale.Id, Cashier = TestTill.Cashier, Permissions = TillPermissions.Refund, Reason = "التمر غير طازج" },
            Token);

        Assert.True(result.IsRefunded, result.Message);
        var document = till.Chain.Find(result.Refund!.Id)!;
        Assert.Equal(2, document.Counter);
        Assert.Equal(till.Chain.Find(sale.Id)!.Hash, document.PreviousHash);
        Assert.Equal(ZatcaVerifier.Verify(document.Document), document.Hash);
        var xml = ZatcaVerifier.Load(document.Document);
        var ns = ZatcaVerifier.Namespaces(xml);
        Assert.Equal("381", xml.SelectSingleNode("/i:Invoice/cbc:InvoiceTypeCode", ns)!.InnerText);
        Assert.Equal(sale.SaleNumber, xml.SelectSingleNode("/i:Invoice/cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID", ns)!.InnerText);
        Assert.Equal("التمر غير طازج", xml.SelectSingleNode("/i:Invoice/cac:PaymentMeans/cbc:InstructionNote", ns)!.InnerText);
        // A credit note states its amounts as positive numbers.
        Assert.Equal(Math.Abs(result.Refund.Totals.AmountDue).ToString("F2", System.Globalization.CultureInfo.InvariantCulture), xml.SelectSingleNode("//cac:LegalMonetaryTotal/cbc:PayableAmount", ns)!.InnerText);
    }

    [Fact]
    public void Commit_TillNotOnboarded_RefusesTheSaleAndWritesNothing()
    {
        using var till = new SaudiTill(onboarded: false);

        var result = till.Sell();

        Assert.False(result.IsCommitted);
        Assert.Contains("not onboarded with ZATCA", result.Message, StringComparison.Ordinal);
        Assert.Equal(0, till.Till.Database.Scalar<int>("SELECT COUNT(*) FROM Sales"));
        Assert.Equal(0, till.Till.Database.Scalar<int>("SELECT COUNT(*) FROM FiscalDocuments"));
        Assert.Equal(0, till.Till.Database.Scalar<int>("SELECT COUNT(*) FROM FiscalChains"));
    }
}
