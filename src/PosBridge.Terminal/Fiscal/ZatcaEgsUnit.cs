using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using PosBridge.Core.Sales;
using PosBridge.Terminal.Storage;
using PosBridge.Till;
using PosBridge.Till.Fiscal;

namespace PosBridge.Terminal.Fiscal;

/// <summary>Where this till stands with ZATCA: nothing yet, a CSR waiting for its certificates, or a production certificate.</summary>
public sealed record ZatcaEgsStatus(bool HasKey, string? EgsSerial, string? Csr, bool HasComplianceCertificate, bool HasProductionCertificate, DateTimeOffset? CertificateExpiresUtc, bool RenewalPending);

/// <summary>Thrown when a ZATCA invoice cannot be signed because the till has no production certificate yet.</summary>
public sealed class ZatcaNotOnboardedException(string message) : InvalidOperationException(message);

/// <summary>
/// This till as a ZATCA EGS unit: its secp256k1 key pair (made here; the private key never leaves the till's
/// database), the CSR the connector sends with the portal's OTP, and the compliance and production certificates
/// installed when ZATCA issues them. A renewal makes a new key and CSR beside the active ones, and the active key
/// keeps signing until the new production certificate is installed.
/// </summary>
public sealed class ZatcaEgsUnit
{
    private const string Active = "ZATCA";
    private const string Pending = "ZATCA.pending";
    private readonly TillDatabase _database;
    private readonly TillOptions _till;
    private readonly ZatcaOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly FiscalKeyProtector _protector;

    public ZatcaEgsUnit(TillDatabase database, TillOptions till, ZatcaOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(till);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _database = database;
        _till = till;
        _options = options;
        _timeProvider = timeProvider;
        _protector = new FiscalKeyProtector(till.Fiscal.KeyFile is { Length: > 0 } file ? file : database.Path + ".fiscal-key");
        ProtectStoredKeys();
    }

    /// <summary>Where the file that opens the signing key is.</summary>
    public string KeyFile => _protector.KeyFile;

    /// <summary>
    /// Encrypts keys stored in plain text by earlier builds (run at start). The plain
    /// text is overwritten in the file (secure_delete) and the WAL truncated, so no copy stays on disk.
    /// </summary>
    private void ProtectStoredKeys()
    {
        var plain = _database.Query<KeyRow>("SELECT Authority, PrivateKey FROM FiscalKeys").Where(r => !FiscalKeyProtector.IsProtected(r.PrivateKey)).ToList();
        if (plain.Count == 0)
        {
            return;
        }

        _database.Pragma("secure_delete = ON");
        _database.InTransaction(() =>
        {
            foreach (var row in plain)
            {
                _database.Execute("UPDATE FiscalKeys SET PrivateKey = ? WHERE Authority = ? AND PrivateKey = ?", _protector.Protect(Convert.FromBase64String(row.PrivateKey)), row.Authority, row.PrivateKey);
            }

            return 0;
        });
        _database.Pragma("wal_checkpoint(TRUNCATE)");
    }

    private ECDsa PrivateKey(KeyRow row)
    {
        var key = ECDsa.Create();
        // A key an earlier build stored in plain text (met inside a sale's transaction) is used as it is until the
        // next start encrypts it.
        var pkcs8 = FiscalKeyProtector.IsProtected(row.PrivateKey) ? _protector.Unprotect(row.PrivateKey) : Convert.FromBase64String(row.PrivateKey);
        try
        {
            key.ImportPkcs8PrivateKey(pkcs8, out _);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }

        return key;
    }

    /// <summary>
    /// Makes the key pair and the CSR (or returns the ones waiting for certificates). With an active production
    /// certificate this starts a renewal: the new key waits beside the active one.
    /// </summary>
    public string CreateCsr()
    {
        return _database.InTransaction(() =>
        {
            var active = Row(Active);
            var slot = active?.ProductionCertificate is null ? Active : Pending;
            if (Row(slot) is { } waiting && waiting.ProductionCertificate is null)
            {
                return waiting.Csr;
            }

            using var key = ECDsa.Create(ECCurve.CreateFromFriendlyName("secp256k1"));
            var serial = string.Create(CultureInfo.InvariantCulture, $"1-{_options.SolutionName}|2-{_options.Model}|3-{SaleId.New(_timeProvider)}");
            var csr = Csr(key, serial);
            _database.Execute(
                "INSERT INTO FiscalKeys(Authority, PrivateKey, Csr, EgsSerial, UpdatedAtUtc) VALUES (?, ?, ?, ?, ?) ON CONFLICT(Authority) DO UPDATE SET PrivateKey = excluded.PrivateKey, Csr = excluded.Csr, EgsSerial = excluded.EgsSerial, ComplianceCertificate = NULL, ProductionCertificate = NULL, CertificateExpiresUtc = NULL, UpdatedAtUtc = excluded.UpdatedAtUtc",
                slot, _protector.Protect(key.ExportPkcs8PrivateKey()), csr, serial, TillDatabase.Text(_timeProvider.GetUtcNow()));
            return csr;
        });
    }

    /// <summary>Installs the compliance certificate ZATCA issued for the waiting CSR (base64 DER).</summary>
    public void InstallComplianceCertificate(string certificateBase64) => Install(certificateBase64, production: false);

    /// <summary>Installs the production certificate; a renewal's new key becomes the one that signs.</summary>
    public void InstallProductionCertificate(string certificateBase64) => Install(certificateBase64, production: true);

    public ZatcaEgsStatus Status()
    {
        var active = Row(Active);
        var pending = Row(Pending);
        return new ZatcaEgsStatus(
            active is not null,
            active?.EgsSerial,
            pending?.Csr ?? (active?.ProductionCertificate is null ? active?.Csr : null),
            (pending ?? active)?.ComplianceCertificate is not null,
            active?.ProductionCertificate is not null,
            active?.CertificateExpiresUtc is { } expires ? TillDatabase.Instant(expires) : null,
            pending is not null);
    }

    /// <summary>The key and certificate that sign invoices now: the production certificate, or the compliance one for the compliance samples.</summary>
    internal (ECDsa Key, X509Certificate2 Certificate) Signer(bool compliance = false)
    {
        var row = compliance ? Row(Pending) ?? Row(Active) : Row(Active);
        var certificate = compliance ? row?.ComplianceCertificate : row?.ProductionCertificate;
        if (row is null || certificate is null)
        {
            throw new ZatcaNotOnboardedException(compliance
                ? "This till has no ZATCA compliance certificate yet: send its CSR with the portal's OTP first."
                : "This till is not onboarded with ZATCA (no production certificate): the sale was not saved. Onboard the till (see the README's fiscal section) before selling.");
        }

        var key = PrivateKey(row);
        return (key, X509CertificateLoader.LoadCertificate(Convert.FromBase64String(certificate)));
    }

    private void Install(string certificateBase64, bool production)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(certificateBase64);
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(certificateBase64.Trim()));
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            throw new ArgumentException("The ZATCA certificate is not a base64 X.509 certificate; nothing was installed.", nameof(certificateBase64), e);
        }

        using (certificate)
        {
            _database.InTransaction(() =>
            {
                var slot = Row(Pending) is not null ? Pending : Active;
                var row = Row(slot) ?? throw new InvalidOperationException("This till has made no ZATCA key yet: create its CSR first.");
                using var key = PrivateKey(row);
                using var certificateKey = certificate.GetECDsaPublicKey();
                if (certificateKey is null || !certificateKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo()))
                {
                    throw new ArgumentException("The ZATCA certificate is not for this till's key (another till's, or an older CSR's); nothing was installed.", nameof(certificateBase64));
                }

                var text = Convert.ToBase64String(certificate.RawData);
                if (!production)
                {
                    _database.Execute("UPDATE FiscalKeys SET ComplianceCertificate = ?, UpdatedAtUtc = ? WHERE Authority = ?", text, TillDatabase.Text(_timeProvider.GetUtcNow()), slot);
                    return 0;
                }

                _database.Execute(
                    "UPDATE FiscalKeys SET ProductionCertificate = ?, CertificateExpiresUtc = ?, UpdatedAtUtc = ? WHERE Authority = ?",
                    text, TillDatabase.Text(new DateTimeOffset(certificate.NotAfter.ToUniversalTime())), TillDatabase.Text(_timeProvider.GetUtcNow()), slot);
                if (slot == Pending)
                {
                    _database.Execute("DELETE FROM FiscalKeys WHERE Authority = ?", Active);
                    _database.Execute("UPDATE FiscalKeys SET Authority = ? WHERE Authority = ?", Active, Pending);
                }

                return 0;
            });
        }
    }

    private string Csr(ECDsa key, string egsSerial)
    {
        var template = _options.Environment switch
        {
            "Simulation" => "PREZATCA-Code-Signing",
            "Sandbox" => "TSTZATCA-Code-Signing",
            _ => "ZATCA-Code-Signing",
        };
        var subject = new X509Name(
            [X509Name.C, X509Name.OU, X509Name.O, X509Name.CN],
            ["SA", _options.BranchName, _options.SellerName, $"{_till.StoreId}-{_till.TillId}"]);
        var directory = new X509Name(
            [X509Name.Surname, X509Name.UID, X509Name.T, new DerObjectIdentifier("2.5.4.26"), X509Name.BusinessCategory],
            [egsSerial, _options.VatNumber, _options.InvoiceTypes, $"{_options.BuildingNumber} {_options.StreetName}, {_options.City}", _options.Industry]);
        var extensions = new X509ExtensionsGenerator();
        extensions.AddExtension(new DerObjectIdentifier("1.3.6.1.4.1.311.20.2"), false, new DerPrintableString(template));
        extensions.AddExtension(X509Extensions.SubjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.DirectoryName, directory)));
        var attributes = new DerSet(new AttributePkcs(PkcsObjectIdentifiers.Pkcs9AtExtensionRequest, new DerSet(extensions.Generate())));
        var privateKey = PrivateKeyFactory.CreateKey(key.ExportPkcs8PrivateKey());
        var publicKey = PublicKeyFactory.CreateKey(key.ExportSubjectPublicKeyInfo());
        var request = new Pkcs10CertificationRequest(new Asn1SignatureFactory("SHA256withECDSA", privateKey), subject, publicKey, attributes);
        // The PEM text; ZATCA's compliance API takes it base64-encoded once more (the connector does that).
        var pem = "-----BEGIN CERTIFICATE REQUEST-----\n" + Convert.ToBase64String(request.GetEncoded(), Base64FormattingOptions.InsertLineBreaks).Replace("\r\n", "\n", StringComparison.Ordinal) + "\n-----END CERTIFICATE REQUEST-----\n";
        return pem;
    }

    private KeyRow? Row(string authority) =>
        _database.Query<KeyRow>("SELECT Authority, PrivateKey, Csr, EgsSerial, ComplianceCertificate, ProductionCertificate, CertificateExpiresUtc FROM FiscalKeys WHERE Authority = ?", authority).FirstOrDefault();

    private sealed class KeyRow
    {
        public string Authority { get; set; } = string.Empty;

        public string PrivateKey { get; set; } = string.Empty;

        public string Csr { get; set; } = string.Empty;

        public string EgsSerial { get; set; } = string.Empty;

        public string? ComplianceCertificate { get; set; }

        public string? ProductionCertificate { get; set; }

        public string? CertificateExpiresUtc { get; set; }
    }
}
