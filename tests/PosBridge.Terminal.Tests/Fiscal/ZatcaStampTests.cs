using System.Security.Cryptography.X509Certificates;
using PosBridge.Till.Fiscal;

namespace PosBridge.Terminal.Tests.Fiscal;

/// <summary>The stamp's pieces against ZATCA's published sample invoice SME00062 and the SDK's sample key.</summary>
public sealed class ZatcaStampTests
{
    [Fact]
    public void CertificateDigest_OfSdkSampleCertificate_IsTheSampleDigest() =>
        Assert.Equal(ZatcaVectors.SampleCertificateDigest, ZatcaStamp.HexDigest(ZatcaVectors.SampleCertificate));

    [Fact]
    public void SignedPropertiesDigest_OfSampleValues_IsTheSampleDigest()
    {
        using var certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(ZatcaVectors.SampleCertificate));

        // The issuer and serial come from the certificate as the stamp reads them.
        var serial = new System.Numerics.BigInteger(certificate.SerialNumberBytes.Span, isUnsigned: true, isBigEndian: true).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(ZatcaVectors.SampleIssuer, certificate.IssuerName.Name);
        Assert.Equal(ZatcaVectors.SampleSerial, serial);
        Assert.Equal(
            ZatcaVectors.SampleSignedPropertiesDigest,
            ZatcaStamp.SignedPropertiesDigest("2022-08-10T17:44:09Z", ZatcaVectors.SampleCertificateDigest, certificate.IssuerName.Name, serial));
    }

    [Fact]
    public void QrBinaryTags_OfSampleCertificate_AreTheSampleQrsTags8And9()
    {
        using var certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(ZatcaVectors.SampleCertificate));

        Assert.Equal(ZatcaVectors.SamplePublicKey, Convert.ToBase64String(certificate.PublicKey.ExportSubjectPublicKeyInfo()));
        Assert.Equal(ZatcaVectors.SampleCertificateSignature, Convert.ToBase64String(ZatcaStamp.CertificateSignature(certificate.RawData)));
    }

    [Fact]
    public void Verifier_OnSampleSignature_AcceptsItAndRejectsAnotherHash()
    {
        // The independent verifier is itself checked against ZATCA's sample before it judges the till's stamps.
        Assert.True(ZatcaVerifier.SignatureVerifies(ZatcaVectors.SampleInvoiceHash, ZatcaVectors.SampleSignature, ZatcaVectors.SampleCertificate));
        Assert.False(ZatcaVerifier.SignatureVerifies(ZatcaVectors.FirstPreviousHash[..44], ZatcaVectors.SampleSignature, ZatcaVectors.SampleCertificate));
    }

    [Fact]
    public void FirstPreviousHash_IsBase64OfHexSha256OfZero() =>
        Assert.Equal(ZatcaChainLink.FirstPreviousHash, ZatcaVerifier.HexDigest("0"));
}
