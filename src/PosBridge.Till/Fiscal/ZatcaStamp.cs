using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using PosBridge.Core.Sales;
using PosBridge.Till.Receipts;

namespace PosBridge.Till.Fiscal;

/// <summary>A signed ZATCA invoice as the till keeps, prints and uploads it.</summary>
public sealed record ZatcaSignedInvoice(string Xml, string InvoiceHash, string SignatureValue, string Qr);

/// <summary>
/// The XAdES cryptographic stamp of a ZATCA invoice: ECDSA (secp256k1, SHA-256) over the invoice hash's 32 bytes,
/// the signing certificate's digest, issuer and serial in the signed properties, and the phase-2 QR (tags 1–9).
/// </summary>
/// <remarks>
/// ZATCA's quirks, checked against the SDK's sample invoice (see Fiscal/README.md): the certificate digest and the
/// signed-properties digest are base64 of the <em>hex</em> SHA-256 (not of the raw digest), the certificate digest is
/// taken over the certificate's base64 text, and the signed-properties digest over that element as text, indented as
/// it sits in the document, with the xades and ds namespaces declared on the elements that use them.
/// </remarks>
public static class ZatcaStamp
{
    /// <summary>Hashes and signs <paramref name="invoice"/> with the EGS unit's key and certificate.</summary>
    public static ZatcaSignedInvoice Sign(ZatcaInvoiceXml invoice, Sale sale, ZatcaOptions seller, ECDsa key, X509Certificate2 certificate, DateTimeOffset signingTime)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        ArgumentNullException.ThrowIfNull(sale);
        ArgumentNullException.ThrowIfNull(seller);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(certificate);
        var digest = SHA256.HashData(invoice.HashInput);
        var invoiceHash = Convert.ToBase64String(digest);
        // ZATCA signs the digest's bytes as the message (ECDSA with SHA-256 over them), DER-encoded.
        var signature = Convert.ToBase64String(key.SignData(digest, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        var certificateText = Convert.ToBase64String(certificate.RawData);
        var certificateDigest = HexDigest(certificateText);
        var time = signingTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var issuer = certificate.IssuerName.Name;
        var serial = new BigInteger(certificate.SerialNumberBytes.Span, isUnsigned: true, isBigEndian: true).ToString(CultureInfo.InvariantCulture);
        var signedPropertiesDigest = SignedPropertiesDigest(time, certificateDigest, issuer, serial);
        var qr = Qr(sale, seller, invoiceHash, signature, certificate);
        var extensions = Extensions(invoiceHash, signedPropertiesDigest, signature, certificateText, SignedProperties(time, certificateDigest, issuer, serial, declareNamespaces: false));
        return new ZatcaSignedInvoice(invoice.Complete(extensions, qr), invoiceHash, signature, qr);
    }

    /// <summary>The phase-2 QR: 1 seller, 2 VAT number, 3 time, 4 total with VAT, 5 VAT, 6 hash, 7 signature, 8 public key, 9 certificate signature.</summary>
    public static string Qr(Sale sale, ZatcaOptions seller, string invoiceHash, string signature, X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(sale);
        ArgumentNullException.ThrowIfNull(seller);
        ArgumentNullException.ThrowIfNull(certificate);
        var local = sale.CreatedAtUtc.ToOffset(sale.StoreUtcOffset);
        var money = "F" + Core.Amounts.Currency.FromCode(sale.Currency).MinorUnits.ToString(CultureInfo.InvariantCulture);
        var publicKey = certificate.PublicKey.ExportSubjectPublicKeyInfo();
        var certificateSignature = CertificateSignature(certificate.RawData);
        return Convert.ToBase64String(ZatcaQr.Tlv(
        [
            Encoding.UTF8.GetBytes(seller.SellerName),
            Encoding.UTF8.GetBytes(seller.VatNumber),
            Encoding.UTF8.GetBytes(local.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture)),
            Encoding.UTF8.GetBytes(Math.Abs(sale.Totals.AmountDue).ToString(money, CultureInfo.InvariantCulture)),
            Encoding.UTF8.GetBytes(Math.Abs(sale.Totals.Tax).ToString(money, CultureInfo.InvariantCulture)),
            Encoding.UTF8.GetBytes(invoiceHash),
            Encoding.UTF8.GetBytes(signature),
            publicKey,
            certificateSignature,
        ]));
    }

    /// <summary>The signatureValue BIT STRING of an X.509 certificate (the CA's signature over it).</summary>
    internal static byte[] CertificateSignature(byte[] certificateDer)
    {
        var reader = new System.Formats.Asn1.AsnReader(certificateDer, System.Formats.Asn1.AsnEncodingRules.DER);
        var certificate = reader.ReadSequence();
        certificate.ReadEncodedValue(); // tbsCertificate
        certificate.ReadEncodedValue(); // signatureAlgorithm
        return certificate.ReadBitString(out _);
    }

    /// <summary>Base64 of the lower-case hex SHA-256 of the UTF-8 text, as ZATCA digests certificates and signed properties.</summary>
    internal static string HexDigest(string text) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))));

    private const string Ds = "http://www.w3.org/2000/09/xmldsig#";

    /// <summary>The digest of the signed properties (signing time in UTC to the second, the certificate's digest, issuer and serial).</summary>
    internal static string SignedPropertiesDigest(string signingTime, string certificateDigest, string issuer, string serial) =>
        HexDigest(SignedProperties(signingTime, certificateDigest, issuer, serial, declareNamespaces: true));

    private static string SignedProperties(string time, string certificateDigest, string issuer, string serial, bool declareNamespaces)
    {
        var xades = declareNamespaces ? " xmlns:xades=\"http://uri.etsi.org/01903/v1.3.2#\"" : string.Empty;
        var ds = declareNamespaces ? " xmlns:ds=\"" + Ds + "\"" : string.Empty;
        return $"""
            <xades:SignedProperties{xades} Id="xadesSignedProperties">
                                                <xades:SignedSignatureProperties>
                                                    <xades:SigningTime>{time}</xades:SigningTime>
                                                    <xades:SigningCertificate>
                                                        <xades:Cert>
                                                            <xades:CertDigest>
                                                                <ds:DigestMethod{ds} Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>
                                                                <ds:DigestValue{ds}>{certificateDigest}</ds:DigestValue>
                                                            </xades:CertDigest>
                                                            <xades:IssuerSerial>
                                                                <ds:X509IssuerName{ds}>{Escape(issuer)}</ds:X509IssuerName>
                                                                <ds:X509SerialNumber{ds}>{serial}</ds:X509SerialNumber>
                                                            </xades:IssuerSerial>
                                                        </xades:Cert>
                                                    </xades:SigningCertificate>
                                                </xades:SignedSignatureProperties>
                                            </xades:SignedProperties>
            """.Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static string Extensions(string invoiceHash, string signedPropertiesDigest, string signature, string certificate, string signedProperties) => $"""
        <ext:UBLExtensions>
            <ext:UBLExtension>
                <ext:ExtensionURI>urn:oasis:names:specification:ubl:dsig:enveloped:xades</ext:ExtensionURI>
                <ext:ExtensionContent>
                    <sig:UBLDocumentSignatures xmlns:sig="urn:oasis:names:specification:ubl:schema:xsd:CommonSignatureComponents-2" xmlns:sac="urn:oasis:names:specification:ubl:schema:xsd:SignatureAggregateComponents-2" xmlns:sbc="urn:oasis:names:specification:ubl:schema:xsd:SignatureBasicComponents-2">
                        <sac:SignatureInformation>
                            <cbc:ID>urn:oasis:names:specification:ubl:signature:1</cbc:ID>
                            <sbc:ReferencedSignatureID>urn:oasis:names:specification:ubl:signature:Invoice</sbc:ReferencedSignatureID>
                            <ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Id="signature">
                                <ds:SignedInfo>
                                    <ds:CanonicalizationMethod Algorithm="http://www.w3.org/2006/12/xml-c14n11"/>
                                    <ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"/>
                                    <ds:Reference Id="invoiceSignedData" URI="">
                                        <ds:Transforms>
                                            <ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116">
                                                <ds:XPath>not(//ancestor-or-self::ext:UBLExtensions)</ds:XPath>
                                            </ds:Transform>
                                            <ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116">
                                                <ds:XPath>not(//ancestor-or-self::cac:Signature)</ds:XPath>
                                            </ds:Transform>
                                            <ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116">
                                                <ds:XPath>not(//ancestor-or-self::cac:AdditionalDocumentReference[cbc:ID='QR'])</ds:XPath>
                                            </ds:Transform>
                                            <ds:Transform Algorithm="http://www.w3.org/2006/12/xml-c14n11"/>
                                        </ds:Transforms>
                                        <ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>
                                        <ds:DigestValue>{invoiceHash}</ds:DigestValue>
                                    </ds:Reference>
                                    <ds:Reference Type="http://www.w3.org/2000/09/xmldsig#SignatureProperties" URI="#xadesSignedProperties">
                                        <ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>
                                        <ds:DigestValue>{signedPropertiesDigest}</ds:DigestValue>
                                    </ds:Reference>
                                </ds:SignedInfo>
                                <ds:SignatureValue>{signature}</ds:SignatureValue>
                                <ds:KeyInfo>
                                    <ds:X509Data>
                                        <ds:X509Certificate>{certificate}</ds:X509Certificate>
                                    </ds:X509Data>
                                </ds:KeyInfo>
                                <ds:Object>
                                    <xades:QualifyingProperties xmlns:xades="http://uri.etsi.org/01903/v1.3.2#" Target="signature">
                                        {signedProperties}
                                    </xades:QualifyingProperties>
                                </ds:Object>
                            </ds:Signature>
                        </sac:SignatureInformation>
                    </sig:UBLDocumentSignatures>
                </ext:ExtensionContent>
            </ext:UBLExtension>
        </ext:UBLExtensions>
        """.Replace("\r\n", "\n", StringComparison.Ordinal);
}
