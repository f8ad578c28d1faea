using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PosBridge.Connector.Fiscal;
using PosBridge.Connector.Storage.Sqlite;
using PosBridge.Connector.Tills;

namespace PosBridge.Connector.Tests.Fiscal;

/// <summary>Clearance of standard (B2B) invoices before they are given, against the ZATCA double.</summary>
public sealed class ZatcaClearanceTests : IDisposable
{
    private const string Store = "RUH-OLAYA-0001";
    private const string Till = "T01";
    private readonly string _directory = Directory.CreateTempSubdirectory("posbridge-clearance-").FullName;
    private readonly FakeZatca _zatca = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
    private readonly ConnectorDatabase _database;
    private readonly ZatcaClient _client;
    private readonly SqliteZatcaUnits _units;
    private readonly SqliteFiscalDocumentStore _documents;
    private readonly ECDsa _tillKey = ECDsa.Create(ECCurve.CreateFromFriendlyName("secp256k1"));

    public ZatcaClearanceTests()
    {
        _database = new ConnectorDatabase(Path.Combine(_directory, "connector.db"));
        _database.MigrateAsync(Token).GetAwaiter().GetResult();
        _client = new ZatcaClient(_zatca.Client());
        _units = new SqliteZatcaUnits(_database, SecretProtector.FromKeyFile(Path.Combine(_directory, "secrets.key")), _clock);
        _documents = new SqliteFiscalDocumentStore(_database, _clock);
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private ZatcaClearance Clearance => new(_client, _units, _documents, NullLogger<ZatcaClearance>.Instance);

    private ZatcaReporter Reporter => new(_client, _units, _documents, NullLogger<ZatcaReporter>.Instance);

    [Fact]
    public async Task Clear_AStandardInvoiceZatcaClears_AnswersZatcasClearedXmlAndRecordsItCleared()
    {
        await OnboardAsync();
        var invoice = Standard(1);

        var result = await Clearance.ClearAsync(Store, Till, invoice, Token);

        Assert.Equal(ZatcaClearanceState.Cleared, result.State);
        var cleared = Encoding.UTF8.GetString(Convert.FromBase64String(result.ClearedInvoice!));
        Assert.Contains(FakeZatca.ClearedQr(invoice.Hash), cleared, StringComparison.Ordinal);
        Assert.Equal(invoice.Hash, FakeZatca.Hash(cleared)); // ZATCA's stamp and QR leave the invoice hash as it was
        var state = Assert.Single(await _documents.ListAsync(5, Token));
        Assert.Equal("reported", state.State);
        // A cleared invoice is never reported again.
        Assert.Equal(new ZatcaReportRun(0, 0, 0, 0, 0), await Reporter.ReportDueAsync(cancellationToken: Token));
    }

    [Fact]
    public async Task Clear_TheSameUuidAgain_AnswersTheStoredResultWithoutCallingZatca()
    {
        await OnboardAsync();
        var invoice = Standard(1);
        var first = await Clearance.ClearAsync(Store, Till, invoice, Token);

        var again = await Clearance.ClearAsync(Store, Till, invoice, Token);

        Assert.Equal(first.ClearedInvoice, again.ClearedInvoice);
        Assert.Equal(1, _zatca.Calls.Count(c => c.StartsWith("POST invoices/clearance/single", StringComparison.Ordinal)));
        await Assert.ThrowsAsync<FiscalConflictException>(() => Clearance.ClearAsync(Store, Till, invoice with { Hash = Convert.ToBase64String(new byte[32]) }, Token));
    }

    [Fact]
    public async Task Clear_WhenZatcaClearedItButItsAnswerWasLost_TheTillsRetryGetsTheClearedInvoice()
    {
        await OnboardAsync();
        var invoice = Standard(1);
        _zatca.LoseAnswer.Add(invoice.Uuid);

        await Assert.ThrowsAsync<ZatcaUnavailableException>(() => Clearance.ClearAsync(Store, Till, invoice, Token));
        var again = await Clearance.ClearAsync(Store, Till, invoice, Token);

        Assert.Equal(ZatcaClearanceState.ClearedWithWarnings, again.State);
        Assert.Contains(FakeZatca.ClearedQr(invoice.Hash), Encoding.UTF8.GetString(Convert.FromBase64String(again.ClearedInvoice!)), StringComparison.Ordinal);
        Assert.Equal("warnings", Assert.Single(await _documents.ListAsync(5, Token)).State);
        Assert.Equal(1, _zatca.Reported[invoice.Uuid]);
    }

    [Fact]
    public async Task Clear_WithWarnings_IsClearedAndKeepsTheWarnings()
    {
        await OnboardAsync();
        var invoice = Standard(1);
        _zatca.Script[invoice.Uuid] = new([() => FakeZatca.Status(HttpStatusCode.Accepted, FakeZatca.ClearedAnswer(invoice.Document, """[{"type":"WARNING","code":"BR-KSA-08","category":"KSA","message":"The buyer's address is incomplete.","status":"WARNING"}]"""))]);

        var result = await Clearance.ClearAsync(Store, Till, invoice, Token);

        Assert.Equal(ZatcaClearanceState.ClearedWithWarnings, result.State);
        Assert.Equal("BR-KSA-08", Assert.Single(result.Warnings).Code);
        Assert.NotNull(result.ClearedInvoice);
        Assert.Equal("warnings", Assert.Single(await _documents.ListAsync(5, Token)).State);
    }

    [Fact]
    public async Task Clear_WhenZatcaRefuses_IsNotClearedWithItsErrorsAndNeverReported()
    {
        await OnboardAsync();
        var invoice = Standard(1);
        _zatca.Script[invoice.Uuid] = new([() => FakeZatca.Status(HttpStatusCode.BadRequest, FakeZatca.Answer("invoices/clearance/single", "NOT_CLEARED", "[]", """[{"type":"ERROR","code":"BR-KSA-46","category":"KSA","message":"The buyer's VAT registration number must be 15 digits.","status":"ERROR"}]"""))]);

        var result = await Clearance.ClearAsync(Store, Till, invoice, Token);

        Assert.Equal(ZatcaClearanceState.NotCleared, result.State);
        Assert.Null(result.ClearedInvoice);
        Assert.Equal("BR-KSA-46", Assert.Single(result.Errors).Code);
        var state = Assert.Single(await _documents.ListAsync(5, Token));
        Assert.Equal("rejected", state.State);
        Assert.Equal(new ZatcaReportRun(0, 0, 0, 0, 0), await Reporter.ReportDueAsync(cancellationToken: Token));

        // Never issued, so there is nothing to credit: the owner corrects it and issues a new invoice.
        Assert.Equal("not-cleared", state.Advice);
        Assert.DoesNotContain("credit note", state.WhatToDo, StringComparison.Ordinal);
        Assert.Contains("was never issued", state.WhatToDo, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Clear_WhenZatcaSwitchedClearanceOff_KeepsTheInvoiceForReporting()
    {
        await OnboardAsync();
        _zatca.ClearanceSwitchedOff = true;
        var invoice = Standard(1);

        var result = await Clearance.ClearAsync(Store, Till, invoice, Token);

        Assert.Equal(ZatcaClearanceState.ReportInstead, result.State);
        Assert.Null(result.ClearedInvoice);
        // The reporter then reports it as ZATCA asked (303: use the reporting API), once.
        Assert.Equal(new ZatcaReportRun(1, 0, 0, 0, 0), await Reporter.ReportDueAsync(cancellationToken: Token));
        Assert.Equal(1, _zatca.Reported[invoice.Uuid]);
    }

    [Fact]
    public async Task Clear_WhenZatcaIsDown_StoresNothingSoTheTillCanRetry()
    {
        await OnboardAsync();
        var invoice = Standard(1);
        _zatca.Script[invoice.Uuid] = new([() => FakeZatca.Status(HttpStatusCode.ServiceUnavailable, string.Empty)]);

        await Assert.ThrowsAsync<ZatcaUnavailableException>(() => Clearance.ClearAsync(Store, Till, invoice, Token));
        Assert.Empty(await _documents.ListAsync(5, Token));

        var retried = await Clearance.ClearAsync(Store, Till, invoice, Token);
        Assert.Equal(ZatcaClearanceState.Cleared, retried.State);
    }

    [Fact]
    public async Task Clear_ASimplifiedInvoice_IsRefusedByZatcaAsTheDoubleDoes()
    {
        await OnboardAsync();
        var sample = ZatcaReportingTests.Sample("simplified-invoice");

        var result = await Clearance.ClearAsync(Store, Till, new FiscalUpload("ZATCA", sample.Uuid, "N-1", 1, sample.InvoiceHash, sample.Xml, _clock.GetUtcNow()), Token);

        Assert.Equal(ZatcaClearanceState.NotCleared, result.State);
    }

    private async Task OnboardAsync()
    {
        var onboarding = new ZatcaOnboarding(_client, _units, _documents, NullLogger<ZatcaOnboarding>.Instance);
        await onboarding.RequestComplianceAsync(Store, Till, new CertificateRequest("CN=RUH-OLAYA-0001-T01, O=Test, C=SA", _tillKey, HashAlgorithmName.SHA256).CreateSigningRequestPem(), "123345", Token);
        Assert.True((await onboarding.CompleteAsync(Store, Till, [ZatcaReportingTests.Sample("simplified-invoice"), ZatcaReportingTests.Sample("simplified-credit-note")], Token)).Passed);
    }

    /// <summary>A minimal standard tax invoice (388, 0100000) with a buyer's VAT number, with its true hash.</summary>
    private FiscalUpload Standard(long counter) => StandardSample(counter, _clock.GetUtcNow());

    internal static FiscalUpload StandardSample(long counter, DateTimeOffset issuedAt)
    {
        var uuid = Guid.CreateVersion7();
        var xml = $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2" xmlns:ext="urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2"><ext:UBLExtensions><ext:UBLExtension></ext:UBLExtension></ext:UBLExtensions>
                <cbc:ProfileID>reporting:1.0</cbc:ProfileID>
                <cbc:UUID>{uuid}</cbc:UUID>
                <cbc:InvoiceTypeCode name="0100000">388</cbc:InvoiceTypeCode>
                <cac:AdditionalDocumentReference>
                    <cbc:ID>QR</cbc:ID>
                    <cac:Attachment>
                        <cbc:EmbeddedDocumentBinaryObject mimeCode="text/plain">c2VsbGVyLXFy</cbc:EmbeddedDocumentBinaryObject>
                    </cac:Attachment>
                </cac:AdditionalDocumentReference>
                <cac:Signature><cbc:ID>urn:oasis:names:specification:ubl:signature:Invoice</cbc:ID></cac:Signature>
                <cac:AccountingCustomerParty><cac:Party><cac:PartyTaxScheme><cbc:CompanyID>300000000000003</cbc:CompanyID></cac:PartyTaxScheme></cac:Party></cac:AccountingCustomerParty>
            </Invoice>
            """;
        return new FiscalUpload("ZATCA", uuid, $"{Store}-{Till}-0001-{counter:D6}", counter, FakeZatca.Hash(xml), xml, issuedAt);
    }

    public void Dispose()
    {
        _tillKey.Dispose();
        _zatca.Dispose();
        _database.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
