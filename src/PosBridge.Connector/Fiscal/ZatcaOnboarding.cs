using System.Security.Cryptography.X509Certificates;
using PosBridge.Connector.Hosting;

namespace PosBridge.Connector.Fiscal;

/// <summary>A sample document the till signed with its compliance certificate, for ZATCA's compliance checks.</summary>
internal sealed record ZatcaSample(string Kind, Guid Uuid, string InvoiceHash, string Xml);

/// <summary>What a compliance run found: the production certificate when every sample passed, else each sample's errors.</summary>
internal sealed record ZatcaComplianceResult(string? ProductionCertificate, IReadOnlyList<(string Kind, ZatcaAnswer Answer)> Samples)
{
    public bool Passed => ProductionCertificate is not null;
}

/// <summary>
/// Onboards a till as a ZATCA EGS unit, the connector's half: the till makes its key and CSR and signs the samples;
/// the connector makes the API calls. (1) the CSR and the portal's OTP give the compliance CSID, whose certificate
/// goes back to the till; (2) the till's samples — one of each document type it will issue — are checked; when all
/// pass, the production CSID is asked for and its certificate goes back to the till. Renewal repeats (1) with a new
/// OTP through the renewal call and installs the new production CSID.
/// </summary>
internal sealed class ZatcaOnboarding(ZatcaClient client, IZatcaUnits units, IFiscalDocumentStore documents, ILogger<ZatcaOnboarding> logger)
{
    /// <summary>Document types a POS issues: the simplified invoice and its credit note (and debit note, if it issues them).</summary>
    public static readonly IReadOnlySet<string> RequiredSamples = new HashSet<string>(StringComparer.Ordinal) { "simplified-invoice", "simplified-credit-note" };

    /// <summary>Step 1: the compliance CSID for the till's CSR; returns the compliance certificate (base64 DER) for the till.</summary>
    public async Task<string> RequestComplianceAsync(string storeId, string tillId, string csrPem, string otp, CancellationToken cancellationToken = default)
    {
        var csid = await client.ComplianceCsidAsync(csrPem, otp, cancellationToken).ConfigureAwait(false);
        await units.SaveComplianceAsync(storeId, tillId, csid, cancellationToken).ConfigureAwait(false);
        Log.ZatcaOnboarding(logger, tillId, "compliance CSID issued");
        return csid.Certificate;
    }

    /// <summary>Step 2: the compliance checks, then the production CSID; returns the production certificate when all passed.</summary>
    public async Task<ZatcaComplianceResult> CompleteAsync(string storeId, string tillId, IReadOnlyList<ZatcaSample> samples, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var missing = RequiredSamples.Except(samples.Select(s => s.Kind)).ToList();
        if (missing.Count > 0)
        {
            throw new ArgumentException($"samples lack {string.Join(", ", missing)}: ZATCA checks one of each document type the till issues.", nameof(samples));
        }

        var compliance = await units.ComplianceAsync(tillId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Till {tillId} has no compliance CSID: send its CSR with the portal's OTP first.");
        var answers = new List<(string, ZatcaAnswer)>();
        foreach (var sample in samples)
        {
            answers.Add((sample.Kind, await client.ComplianceCheckAsync(compliance, sample.InvoiceHash, sample.Uuid, sample.Xml, cancellationToken).ConfigureAwait(false)));
        }

        if (answers.Any(a => a.Item2.Outcome == ZatcaOutcome.Rejected))
        {
            Log.ZatcaOnboarding(logger, tillId, "compliance checks failed");
            return new ZatcaComplianceResult(null, answers);
        }

        var production = await client.ProductionCsidAsync(compliance, cancellationToken).ConfigureAwait(false);
        await units.SaveProductionAsync(storeId, tillId, production, Expiry(production), cancellationToken).ConfigureAwait(false);
        await documents.ResumeAsync(ZatcaReporter.Authority, tillId, cancellationToken).ConfigureAwait(false);
        Log.ZatcaOnboarding(logger, tillId, "production CSID issued");
        return new ZatcaComplianceResult(production.Certificate, answers);
    }

    /// <summary>Renewal before expiry: a new CSR (the till's new key) and a new OTP give a new production CSID.</summary>
    public async Task<string> RenewAsync(string storeId, string tillId, string csrPem, string otp, CancellationToken cancellationToken = default)
    {
        var current = await units.ProductionAsync(tillId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Till {tillId} has no production CSID to renew: onboard it first.");
        var renewed = await client.RenewProductionCsidAsync(current, csrPem, otp, cancellationToken).ConfigureAwait(false);
        await units.SaveProductionAsync(storeId, tillId, renewed, Expiry(renewed), cancellationToken).ConfigureAwait(false);
        await documents.ResumeAsync(ZatcaReporter.Authority, tillId, cancellationToken).ConfigureAwait(false);
        Log.ZatcaOnboarding(logger, tillId, "production CSID renewed");
        return renewed.Certificate;
    }

    private static DateTimeOffset Expiry(ZatcaCsid csid)
    {
        using var certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(csid.Certificate));
        return new DateTimeOffset(certificate.NotAfter.ToUniversalTime());
    }
}
