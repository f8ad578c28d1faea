using System.Security.Cryptography;
using System.Security.Cryptography.Xml;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace PosBridge.Terminal.Tests.Fiscal;

/// <summary>
/// Checks a signed ZATCA invoice the way ZATCA's validator does, with code independent of the till's writer: the
/// hash through XmlDocument, XPath and the framework's XmlDsigC14NTransform; the signature and certificate
/// through BouncyCastle (the till signs with .NET's ECDsa).
/// </summary>
internal static partial class ZatcaVerifier
{
    public const string Cbc = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";
    public const string Cac = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2";
    public const string Ext = "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2";
    public const string Ds = "http://www.w3.org/2000/09/xmldsig#";
    public const string Xades = "http://uri.etsi.org/01903/v1.3.2#";

    public static XmlNamespaceManager Namespaces(XmlDocument document)
    {
        var ns = new XmlNamespaceManager(document.NameTable);
        ns.AddNamespace("cbc", Cbc);
        ns.AddNamespace("cac", Cac);
        ns.AddNamespace("ext", Ext);
        ns.AddNamespace("ds", Ds);
        ns.AddNamespace("xades", Xades);
        ns.AddNamespace("i", "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2");
        return ns;
    }

    public static XmlDocument Load(string xml)
    {
        var document = new XmlDocument { PreserveWhitespace = true };
        document.LoadXml(xml);
        return document;
    }

    /// <summary>ZATCA's pre-hash transform (drop UBLExtensions, cac:Signature, the QR reference), C14N, SHA-256, base64.</summary>
    public static string InvoiceHash(string xml)
    {
        var document = Load(xml);
        var ns = Namespaces(document);
        foreach (var path in new[] { "/i:Invoice/ext:UBLExtensions", "/i:Invoice/cac:Signature", "/i:Invoice/cac:AdditionalDocumentReference[cbc:ID='QR']" })
        {
            foreach (var node in document.SelectNodes(path, ns)!.Cast<XmlNode>().ToList())
            {
                node.ParentNode!.RemoveChild(node);
            }
        }

        var transform = new XmlDsigC14NTransform(includeComments: false);
        transform.LoadInput(document);
        using var output = (Stream)transform.GetOutput(typeof(Stream));
        return Convert.ToBase64String(SHA256.HashData(output));
    }

    /// <summary>ECDSA-SHA256 over the hash's 32 bytes, checked with BouncyCastle against the certificate's key.</summary>
    public static bool SignatureVerifies(string invoiceHash, string signatureBase64, string certificateBase64)
    {
        var certificate = new X509CertificateParser().ReadCertificate(Convert.FromBase64String(certificateBase64));
        var verifier = SignerUtilities.GetSigner("SHA-256withECDSA");
        verifier.Init(false, certificate.GetPublicKey());
        var message = Convert.FromBase64String(invoiceHash);
        verifier.BlockUpdate(message, 0, message.Length);
        return verifier.VerifySignature(Convert.FromBase64String(signatureBase64));
    }

    /// <summary>Base64 of the hex SHA-256 of a text, as ZATCA digests the certificate and the signed properties.</summary>
    public static string HexDigest(string text) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))));

    /// <summary>
    /// The signed-properties digest as ZATCA's validator takes it: the element's text from the document, with the
    /// xades and ds namespaces declared on the elements that use them.
    /// </summary>
    public static string SignedPropertiesDigest(string xml)
    {
        var text = SignedPropertiesPattern().Match(xml).Value;
        Assert.NotEmpty(text);
        text = text.Replace("<xades:SignedProperties ", $"<xades:SignedProperties xmlns:xades=\"{Xades}\" ", StringComparison.Ordinal);
        text = DsElementPattern().Replace(text, m => $"<ds:{m.Groups[1].Value} xmlns:ds=\"{Ds}\"{m.Groups[2].Value}");
        return HexDigest(text);
    }

    /// <summary>Everything ZATCA checks of a signed invoice's stamp; returns the invoice hash.</summary>
    public static string Verify(string xml)
    {
        var document = Load(xml);
        var ns = Namespaces(document);
        string Text(string path) => document.SelectSingleNode(path, ns)?.InnerText ?? throw new Xunit.Sdk.XunitException($"{path} is missing");
        var hash = InvoiceHash(xml);
        Assert.Equal(hash, Text("//ds:Reference[@Id='invoiceSignedData']/ds:DigestValue"));
        var certificate = Text("//ds:X509Certificate");
        var signature = Text("//ds:SignatureValue");
        Assert.True(SignatureVerifies(hash, signature, certificate), "the signature does not verify over the invoice hash");
        Assert.Equal(HexDigest(certificate), Text("//xades:CertDigest/ds:DigestValue"));
        var parsed = new X509CertificateParser().ReadCertificate(Convert.FromBase64String(certificate));
        Assert.Equal(parsed.SerialNumber.ToString(), Text("//xades:IssuerSerial/ds:X509SerialNumber"));
        Assert.Equal(SignedPropertiesDigest(xml), Text("//ds:Reference[@URI='#xadesSignedProperties']/ds:DigestValue"));
        return hash;
    }

    /// <summary>The QR's TLV records, each tag's raw bytes.</summary>
    public static Dictionary<int, byte[]> QrTags(string base64)
    {
        var bytes = Convert.FromBase64String(base64);
        var tags = new Dictionary<int, byte[]>();
        for (var i = 0; i < bytes.Length;)
        {
            int tag = bytes[i], length = bytes[i + 1];
            tags.Add(tag, bytes[(i + 2)..(i + 2 + length)]);
            i += 2 + length;
        }

        return tags;
    }

    [GeneratedRegex("<xades:SignedProperties .*?</xades:SignedProperties>", RegexOptions.Singleline)]
    private static partial Regex SignedPropertiesPattern();

    [GeneratedRegex("<ds:(\\w+)( |>)")]
    private static partial Regex DsElementPattern();
}
