using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PosBridge.Connector.Fiscal;
using PosBridge.Connector.Storage.Sqlite;
using PosBridge.Connector.Tills;

namespace PosBridge.Connector.Tests.Fiscal;

public sealed class ZatcaReportingTests : IDisposable
{
    private const string Store = "RUH-OLAYA-0001";
    private const string Till = "T01";
    private readonly string _directory = Directory.CreateTempSubdirectory("posbridge-zatca-").FullName;
    private readonly FakeZatca _zatca = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
    private readonly ConnectorDatabase _database;
    private readonly ZatcaClient _client;
    private readonly SqliteZatcaUnits _units;
    private readonly SqliteFiscalDocumentStore _documents;
    private readonly ECDsa _tillKey = ECDsa.Create(ECCurve.CreateFromFriendlyName("secp256k1"));

    public ZatcaReportingTests()
    {
        _database = new ConnectorDatabase(Path.Combine(_directory, "connector.db"));
        _database.MigrateAsync(Token).GetAwaiter().GetResult();
        _client = new ZatcaClient(_zatca.Client());
        _units = new SqliteZatcaUnits(_database, SecretProtector.FromKeyFile(Path.Combine(_directory, "secrets.key")), _clock);
        _documents = new SqliteFiscalDocumentStore(_database, _clock);
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private ZatcaOnboarding Onboarding => new(_client, _units, _documents, NullLogger<ZatcaOnboarding>.Instance);

    private ZatcaReporter Reporter => new(_client, _units, _documents, NullLogger<ZatcaReporter>.Instance);

    [Fact]
    public async Task Onboarding_WithPortalOtpAndPassingSamples_GetsComplianceThenProductionCsid()
    {
        var compliance = await Onboarding.RequestComplianceAsync(Store, Till, Csr(), "123345", Token);
        using (var certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(compliance)))
        {
            Assert.Equal(_tillKey.ExportSubjectPublicKeyInfo(), certificate.PublicKey.ExportSubjectPublicKeyInfo());
        }

        var result = await Onboarding.CompleteAsync(Store, Till, [Sample("simplified-invoice"), Sample("simplified-credit-note")], Token);

        Assert.True(result.Passed);
        Assert.All(result.Samples, s => Assert.Equal(ZatcaOutcome.Accepted, s.Answer.Outcome));
        Assert.NotNull(await _units.ProductionAsync(Till, Token));
        Assert.Equal(["POST compliance", "POST compliance/invoices", "POST compliance/invoices", "POST production/csids"], _zatca.Calls.Select(c => string.Join(' ', c.Split(' ').Take(2))));
        // The secret is stored encrypted: the database alone does not give it away.
        var stored = await _database.ReadAsync(async c => (string)(await Sql.ScalarAsync(c, null, "SELECT compliance_csid FROM fiscal_units", Token))!, Token);
        Assert.DoesNotContain("secret", stored, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Onboarding_WithAWrongOtp_SaysZatcaRefusedItAndStoresNothing()
    {
        var error = await Assert.ThrowsAsync<ZatcaRefusedException>(() => Onboarding.RequestComplianceAsync(Store, Till, Csr(), "999999", Token));

        Assert.Contains("OTP is invalid or expired", error.Message, StringComparison.Ordinal);
        Assert.Null(await _units.ComplianceAsync(Till, Token));
    }

    [Fact]
    public async Task Onboarding_WhenASampleFails_DoesNotAskForAProductionCsid()
    {
        await Onboarding.RequestComplianceAsync(Store, Till, Csr(), "123345", Token);
        var bad = Sample("simplified-credit-note") with { InvoiceHash = Convert.ToBase64String(new byte[32]) };

        var result = await Onboarding.CompleteAsync(Store, Till, [Sample("simplified-invoice"), bad], Token);

        Assert.False(result.Passed);
        Assert.Equal("invalid-invoice-hash", Assert.Single(result.Samples.Single(s => s.Kind == "simplified-credit-note").Answer.Errors).Code);
        Assert.DoesNotContain(_zatca.Calls, c => c.StartsWith("POST production", StringComparison.Ordinal));
        Assert.Null(await _units.ProductionAsync(Till, Token));
    }

    [Fact]
    public async Task Report_CleanWarnedAndRefusedInvoices_StoresEachStateWithZatcasMessages()
    {
        await OnboardAsync();
        var clean = await UploadAsync(1);
        var warned = await UploadAsync(2);
        var refused = await UploadAsync(3);
        _zatca.Script[warned] = new([() => FakeZatca.Status(HttpStatusCode.Accepted, FakeZatca.Answer("invoices/reporting/single", "REPORTED", """[{"type":"WARNING","code":"BR-KSA-98","category":"KSA","message":"The simplified invoice should be submitted within 24 hours of issuing the invoice.","status":"WARNING"}]""", "[]"))]);
        _zatca.Script[refused] = new([() => FakeZatca.Status(HttpStatusCode.BadRequest, FakeZatca.Answer("invoices/reporting/single", "NOT_REPORTED", "[]", """[{"type":"ERROR","code":"BR-KSA-27","category":"KSA","message":"The value provided in KSA-2 is invalid","status":"ERROR"}]"""))]);

        var run = await Reporter.ReportDueAsync(cancellationToken: Token);

        Assert.Equal(new ZatcaReportRun(1, 1, 1, 0, 0), run);
        var states = (await _documents.ListAsync(50, Token)).ToDictionary(d => d.Uuid);
        Assert.Equal("reported", states[clean].State);
        Assert.Equal("warnings", states[warned].State);
        Assert.Equal("BR-KSA-98", Assert.Single(states[warned].Warnings).Code);
        Assert.Equal("rejected", states[refused].State);
        Assert.Equal("BR-KSA-27", Assert.Single(states[refused].Errors).Code);
        Assert.Contains("credit note", states[refused].WhatToDo, StringComparison.Ordinal);
        Assert.Equal(refused, (await _documents.ListAsync(50, Token))[0].Uuid); // what needs someone comes first

        // Answered invoices are never sent again.
        Assert.Equal(new ZatcaReportRun(0, 0, 0, 0, 0), await Reporter.ReportDueAsync(cancellationToken: Token));
        Assert.Equal(1, _zatca.Reported[clean]);
    }

    [Fact]
    public async Task Report_WhenZatcaIsDown_RetriesTheSameInvoiceLaterAndReportsItOnce()
    {
        await OnboardAsync();
        var invoice = await UploadAsync(1);
        _zatca.Script[invoice] = new([() => FakeZatca.Status(HttpStatusCode.ServiceUnavailable, string.Empty)]);

        Assert.Equal(new ZatcaReportRun(0, 0, 0, 1, 0), await Reporter.ReportDueAsync(cancellationToken: Token));
        Assert.Equal("waiting", (await _documents.ListAsync(5, Token))[0].State);
        Assert.Equal(new ZatcaReportRun(0, 0, 0, 0, 0), await Reporter.ReportDueAsync(cancellationToken: Token)); // not due yet
        _clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(new ZatcaReportRun(1, 0, 0, 0, 0), await Reporter.ReportDueAsync(cancellationToken: Token));

        Assert.Equal(1, _zatca.Reported[invoice]);
        Assert.Equal(2, _zatca.Calls.Count(c => c.EndsWith(invoice.ToString(), StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Report_WhenZatcaTookTheInvoiceButItsAnswerWasLost_TheRetryIsRecordedReportedNotStopped()
    {
        await OnboardAsync();
        var invoice = await UploadAsync(1);
        _zatca.LoseAnswer.Add(invoice);

        var lost = await Reporter.ReportDueAsync(cancellationToken: Token);
        _clock.Advance(TimeSpan.FromMinutes(2));
        var again = await Reporter.ReportDueAsync(cancellationToken: Token);

        Assert.Equal(1, lost.Retrying);
        Assert.Equal(new ZatcaReportRun(1, 0, 0, 0, 0), again);
        var state = Assert.Single(await _documents.ListAsync(5, Token));
        Assert.Equal(("reported", null), (state.State, state.LastError));
        Assert.Equal(1, _zatca.Reported[invoice]); // ZATCA has it once
    }

    [Fact]
    public async Task Report_WithRevokedCredentials_StopsTheTillUntilItIsOnboardedAgain()
    {
        await OnboardAsync();
        var first = await UploadAsync(1);
        var second = await UploadAsync(2);
        _zatca.Script[first] = new([() => FakeZatca.Status(HttpStatusCode.Unauthorized, string.Empty)]);

        var run = await Reporter.ReportDueAsync(cancellationToken: Token);

        Assert.Equal(1, run.Stopped);
        var states = (await _documents.ListAsync(5, Token)).ToDictionary(d => d.Uuid);
        Assert.Equal("attention", states[first].State);
        Assert.Contains("onboard the till again", states[first].LastError, StringComparison.Ordinal);
        Assert.Equal("waiting", states[second].State); // not sent with credentials ZATCA just refused

        await OnboardAsync();
        Assert.Equal(new ZatcaReportRun(2, 0, 0, 0, 0), await Reporter.ReportDueAsync(cancellationToken: Token));
    }

    [Fact]
    public async Task Report_AnAnswerTheApiDoesNotDescribe_FailsLoudlyIntoAttention()
    {
        await OnboardAsync();
        var invoice = await UploadAsync(1);
        _zatca.Script[invoice] = new([() => FakeZatca.Status(HttpStatusCode.Found, "<html>moved</html>")]);

        await Reporter.ReportDueAsync(cancellationToken: Token);

        var state = (await _documents.ListAsync(5, Token))[0];
        Assert.Equal("attention", state.State);
        Assert.Contains("answered 302", state.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Receive_TheSameInvoiceTwice_StoresItOnceAndRefusesAnotherWithItsUuidOrCounter()
    {
        var upload = Upload(1);
        Assert.Equal(FiscalUploadResult.Accepted, await _documents.ReceiveAsync(Store, Till, upload, Token));
        Assert.Equal(FiscalUploadResult.Duplicate, await _documents.ReceiveAsync(Store, Till, upload, Token));
        Assert.Equal(FiscalUploadResult.Conflict, await _documents.ReceiveAsync(Store, Till, upload with { Hash = "other" }, Token));
        Assert.Equal(FiscalUploadResult.Conflict, await _documents.ReceiveAsync(Store, Till, Upload(1), Token)); // another uuid, the same counter
        Assert.Single(await _documents.ListAsync(5, Token));
    }

    private async Task OnboardAsync()
    {
        await Onboarding.RequestComplianceAsync(Store, Till, Csr(), "123345", Token);
        Assert.True((await Onboarding.CompleteAsync(Store, Till, [Sample("simplified-invoice"), Sample("simplified-credit-note")], Token)).Passed);
    }

    private async Task<Guid> UploadAsync(long counter)
    {
        var upload = Upload(counter);
        Assert.Equal(FiscalUploadResult.Accepted, await _documents.ReceiveAsync(Store, Till, upload, Token));
        return upload.Uuid;
    }

    private FiscalUpload Upload(long counter)
    {
        var sample = Sample("simplified-invoice");
        return new FiscalUpload("ZATCA", sample.Uuid, $"{Store}-{Till}-0001-{counter:D6}", counter, sample.InvoiceHash, sample.Xml, _clock.GetUtcNow());
    }

    private string Csr() =>
        new CertificateRequest("CN=RUH-OLAYA-0001-T01, O=مؤسسة التمور الذهبية, C=SA", _tillKey, HashAlgorithmName.SHA256).CreateSigningRequestPem();

    /// <summary>A minimal signed-invoice stand-in with a fresh uuid and its true hash (the till's writer is tested on the till).</summary>
    [Theory]
    [InlineData("14.00", "100.00", "14.00", "BR-KSA-S-RATE")]
    [InlineData("15.00", "100.00", "14.00", "BR-S-09")]
    [InlineData("15.00", "100.00", "15.00", null)]
    public async Task Onboarding_ASampleTaxedOtherwiseThanSaudiVat15_IsRefusedAsZatcaDoes(string percent, string taxable, string tax, string? error)
    {
        await Onboarding.RequestComplianceAsync(Store, Till, Csr(), "123345", Token);

        var result = await Onboarding.CompleteAsync(Store, Till, [Sample("simplified-invoice", (percent, taxable, tax)), Sample("simplified-credit-note")], Token);

        var answer = result.Samples.Single(s => s.Kind == "simplified-invoice").Answer;
        Assert.Equal(error, answer.Errors.SingleOrDefault()?.Code);
        Assert.Equal(error is null, result.Passed);
    }

    internal static ZatcaSample Sample(string kind, (string Percent, string Taxable, string Tax)? vat = null)
    {
        var uuid = Guid.CreateVersion7();
        var breakdown = vat is { } v
            ? $"<cac:TaxTotal><cbc:TaxAmount currencyID=\"SAR\">{v.Tax}</cbc:TaxAmount><cac:TaxSubtotal><cbc:TaxableAmount currencyID=\"SAR\">{v.Taxable}</cbc:TaxableAmount><cbc:TaxAmount currencyID=\"SAR\">{v.Tax}</cbc:TaxAmount><cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>{v.Percent}</cbc:Percent></cac:TaxCategory></cac:TaxSubtotal></cac:TaxTotal>"
            : string.Empty;
        var xml = $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2" xmlns:ext="urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2"><ext:UBLExtensions><ext:UBLExtension></ext:UBLExtension></ext:UBLExtensions>
                <cbc:ProfileID>reporting:1.0</cbc:ProfileID>
                <cbc:UUID>{uuid}</cbc:UUID>
                <cbc:InvoiceTypeCode name="0200000">{(kind.EndsWith("credit-note", StringComparison.Ordinal) ? "381" : "388")}</cbc:InvoiceTypeCode>
                <cac:Signature><cbc:ID>urn:oasis:names:specification:ubl:signature:Invoice</cbc:ID></cac:Signature>{breakdown}
            </Invoice>
            """;
        return new ZatcaSample(kind, uuid, FakeZatca.Hash(xml), xml);
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
