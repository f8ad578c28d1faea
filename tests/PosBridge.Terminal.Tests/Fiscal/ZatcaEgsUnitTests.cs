using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using PosBridge.Terminal.Fiscal;

namespace PosBridge.Terminal.Tests.Fiscal;

public sealed class ZatcaEgsUnitTests
{
    [Fact]
    public void CreateCsr_OnTheTill_CarriesZatcasSubjectAndTemplateAndASecp256k1Key()
    {
        using var till = new SaudiTill(onboarded: false);
        var unit = till.Chain.Zatca!;

        var pem = unit.CreateCsr();

        // Read back with .NET's own PKCS#10 parser (the till writes it with BouncyCastle), signature checked.
        var request = CertificateRequest.LoadSigningRequestPem(pem, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);
        Assert.Contains("CN=RUH-OLAYA-0001-T01", request.SubjectName.Name, StringComparison.Ordinal);
        Assert.Contains("C=SA", request.SubjectName.Name, StringComparison.Ordinal);
        Assert.Contains("O=مؤسسة التمور الذهبية للتجارة", request.SubjectName.Name, StringComparison.Ordinal);
        Assert.Contains("OU=فرع العليا", request.SubjectName.Name, StringComparison.Ordinal);
        var key = request.PublicKey.GetECDsaPublicKey()!;
        Assert.Equal("1.3.132.0.10", key.ExportParameters(false).Curve.Oid.Value); // secp256k1

        var template = request.CertificateExtensions.Single(e => e.Oid!.Value == "1.3.6.1.4.1.311.20.2");
        Assert.Equal("ZATCA-Code-Signing", new AsnReader(template.RawData, AsnEncodingRules.DER).ReadCharacterString(UniversalTagNumber.PrintableString));
        var names = DirectoryName(request.CertificateExtensions.Single(e => e.Oid!.Value == "2.5.29.17").RawData);
        Assert.Matches("^1-PosBridge\\|2-Till\\|3-[0-9a-f-]{36}$", names["2.5.4.4"]);
        Assert.Equal("399999999900003", names["0.9.2342.19200300.100.1.1"]);
        Assert.Equal("0100", names["2.5.4.12"]);
        Assert.Equal("Retail", names["2.5.4.15"]);
        Assert.Contains("طريق العليا", names["2.5.4.26"], StringComparison.Ordinal);

        // Asked again before ZATCA answered, the till gives the same CSR (the same key), not a second one.
        Assert.Equal(pem, unit.CreateCsr());
        Assert.Equal(names["2.5.4.4"], unit.Status().EgsSerial);
    }

    [Fact]
    public void InstallProductionCertificate_ForTheTillsCsr_SignsSalesWithIt()
    {
        using var till = new SaudiTill(onboarded: false);
        var unit = till.Chain.Zatca!;
        using var ca = TestCa.Create();
        var certificate = ca.Issue(unit.CreateCsr(), till.Till.Clock.GetUtcNow());

        unit.InstallComplianceCertificate(certificate);
        Assert.False(till.Sell().IsCommitted); // a compliance certificate does not sign real invoices
        unit.InstallProductionCertificate(certificate);
        var sale = till.SellOrFail();

        var document = till.Chain.Find(sale.Id)!;
        ZatcaVerifier.Verify(document.Document);
        Assert.Contains(certificate, document.Document, StringComparison.Ordinal);
        Assert.True(unit.Status().HasProductionCertificate);
    }

    [Fact]
    public void InstallCertificate_ForAnotherKey_IsRefusedAndChangesNothing()
    {
        using var till = new SaudiTill(onboarded: false);
        var unit = till.Chain.Zatca!;
        unit.CreateCsr();
        using var ca = TestCa.Create();
        using var other = new SaudiTill(onboarded: false);
        var foreign = ca.Issue(other.Chain.Zatca!.CreateCsr(), till.Till.Clock.GetUtcNow());

        var error = Assert.Throws<ArgumentException>(() => unit.InstallProductionCertificate(foreign));
        Assert.Contains("not for this till's key", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => unit.InstallProductionCertificate("not base64!"));
        Assert.False(unit.Status().HasProductionCertificate);
        Assert.False(unit.Status().HasComplianceCertificate);
    }

    [Fact]
    public void Renewal_BeforeExpiry_KeepsSigningWithTheOldKeyUntilTheNewCertificateIsInstalled()
    {
        using var till = new SaudiTill(onboarded: false);
        var unit = till.Chain.Zatca!;
        using var ca = TestCa.Create();
        var first = ca.Issue(unit.CreateCsr(), till.Till.Clock.GetUtcNow());
        unit.InstallProductionCertificate(first);
        till.SellOrFail();

        var renewal = unit.CreateCsr();
        Assert.True(unit.Status().RenewalPending);
        var during = till.SellOrFail();
        Assert.Contains(first, till.Chain.Find(during.Id)!.Document, StringComparison.Ordinal);
        var second = ca.Issue(renewal, till.Till.Clock.GetUtcNow());
        unit.InstallProductionCertificate(second);
        var after = till.SellOrFail();

        Assert.False(unit.Status().RenewalPending);
        var documents = till.Chain.All(FiscalAuthority.Zatca);
        Assert.Contains(second, documents[^1].Document, StringComparison.Ordinal);
        Assert.Equal(documents[^2].Hash, documents[^1].PreviousHash); // the chain goes on across the new key
        Assert.All(documents, d => ZatcaVerifier.Verify(d.Document));
        Assert.Equal(after.Id, documents[^1].SaleId);
    }

    /// <summary>The directoryName entry of a subjectAltName extension, attribute OID → value.</summary>
    private static Dictionary<string, string> DirectoryName(byte[] subjectAltName)
    {
        var names = new AsnReader(subjectAltName, AsnEncodingRules.DER).ReadSequence();
        var directory = names.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 4, isConstructed: true));
        var name = new X500DistinguishedName(directory.ReadEncodedValue().ToArray());
        var values = new Dictionary<string, string>();
        foreach (var rdn in name.EnumerateRelativeDistinguishedNames())
        {
            values[rdn.GetSingleElementType().Value!] = rdn.GetSingleElementValue()!;
        }

        return values;
    }

    /// <summary>A stand-in for ZATCA's issuing CA: signs a CSR's key into a certificate (base64 DER).</summary>
    private sealed class TestCa : IDisposable
    {
        private readonly ECDsa _key = ECDsa.Create(ECCurve.CreateFromFriendlyName("secp256k1"));

        public static TestCa Create() => new();

        public string Issue(string csrPem, DateTimeOffset now)
        {
            var request = CertificateRequest.LoadSigningRequestPem(csrPem, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);
            var serial = Encoding.ASCII.GetBytes(now.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture) + csrPem.Length);
            var generator = X509SignatureGenerator.CreateForECDsa(_key);
            using var certificate = request.Create(new X500DistinguishedName("CN=PosBridge Test Issuing CA, DC=test"), generator, now.AddDays(-1), now.AddYears(1), serial);
            return Convert.ToBase64String(certificate.RawData);
        }

        public void Dispose() => _key.Dispose();
    }
}
