using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PosBridge.Connector.Fiscal;
using PosBridge.Connector.Storage.Sqlite;

namespace PosBridge.Connector.Tests.Fiscal;

/// <summary>
/// The ETA validates e-receipts after it took them: the connector polls each submission's details (paged) until every
/// receipt it submitted is Valid or Invalid, and never submits a receipt again because of it.
/// </summary>
public sealed class EtaValidationTests : IDisposable
{
    private const string Till = "T02";
    private readonly string _directory = Directory.CreateTempSubdirectory("posbridge-eta-validation-").FullName;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
    private readonly FakeEta _eta = new();
    private ConnectorDatabase _database;
    private SqliteFiscalDocumentStore _documents;
    private EtaTokenCache _tokens;

    public EtaValidationTests()
    {
        (_database, _documents, _tokens) = Open();
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static Dictionary<string, EtaPosCredentials> Pos => new() { [Till] = new() { ClientId = "pos-client", ClientSecret = "pos-secret", SerialNumber = "POS-SN-0002", OsVersion = "Debian 12" } };

    private EtaClient Client => new(new HttpClient(_eta) { BaseAddress = new Uri(FakeEta.Api) }, new Uri(FakeEta.Identity));

    private EtaSubmitter Submitter() => new(Client, _documents, _tokens, Pos);

    private EtaValidator Validator() => new(Client, _documents, _tokens, Pos, NullLogger<EtaValidator>.Instance);

    [Fact]
    public async Task Validate_AllReceiptsValid_WaitsForTheEtaThenStoresValidWithoutSubmittingAgain()
    {
        var first = await UploadAsync(1, "RCPT-1");
        var second = await UploadAsync(2, "RCPT-2");
        _eta.ValidAfterPolls = 2;
        Assert.Equal((2, 0, 0, 0), await Submitter().SubmitDueAsync(cancellationToken: Token));
        Assert.All(await _documents.ListAsync(10, Token), d => Assert.Equal("eta-validating", d.Advice));

        // The ETA has not validated them yet: still waiting, asked again after a pause, not before.
        Assert.Equal(new EtaValidationRun(0, 0, 0, 2), await Validator().ValidateDueAsync(cancellationToken: Token));
        Assert.Equal(new EtaValidationRun(0, 0, 0, 0), await Validator().ValidateDueAsync(cancellationToken: Token));
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(new EtaValidationRun(2, 0, 0, 0), await Validator().ValidateDueAsync(cancellationToken: Token));

        var states = (await _documents.ListAsync(10, Token)).ToDictionary(d => d.Uuid);
        Assert.Equal(EtaValidationStatus.Valid, states[first.Uuid].Validation!.Status);
        Assert.Equal(EtaValidationStatus.Valid, states[second.Uuid].Validation!.Status);
        Assert.Equal("eta-valid", states[first.Uuid].Advice);
        Assert.Equal("SUB-1", states[first.Uuid].Validation!.SubmissionUuid);

        // A final status is final: no more polls, and nothing is submitted again.
        _clock.Advance(TimeSpan.FromHours(2));
        var calls = _eta.DetailsCalls.Count;
        Assert.Equal(new EtaValidationRun(0, 0, 0, 0), await Validator().ValidateDueAsync(cancellationToken: Token));
        Assert.Equal((0, 0, 0, 0), await Submitter().SubmitDueAsync(cancellationToken: Token));
        Assert.Equal(calls, _eta.DetailsCalls.Count);
        Assert.Single(_eta.Submissions);
    }

    [Fact]
    public async Task Validate_OneReceiptInvalid_StoresTheEtasReasonsAndSaysItIsNotAValidTaxDocument()
    {
        var good = await UploadAsync(1, "RCPT-1");
        var bad = await UploadAsync(2, "RCPT-2");
        _eta.Invalid[bad.Hash] = "Receipt seller activity code is invalid";
        await Submitter().SubmitDueAsync(cancellationToken: Token);

        Assert.Equal(new EtaValidationRun(1, 1, 0, 0), await Validator().ValidateDueAsync(cancellationToken: Token));

        var states = (await _documents.ListAsync(10, Token)).ToDictionary(d => d.Uuid);
        Assert.Equal("eta-valid", states[good.Uuid].Advice);
        var invalid = states[bad.Uuid];
        Assert.Equal("eta-invalid", invalid.Advice);
        Assert.Equal(EtaValidationStatus.Invalid, invalid.Validation!.Status);
        Assert.Contains(invalid.Validation.Errors, e => e.Code == "ReceiptCoreFieldsInvalid" && e.Message == "Receipt seller activity code is invalid" && e.Category == "receipt.seller.activityCode");
        Assert.Contains(invalid.Validation.Errors, e => e.Code == "ActivityCodeNotRegistered");
        Assert.Contains("not a valid tax document", invalid.WhatToDo, StringComparison.Ordinal);
        Assert.Contains("issue a new receipt", invalid.WhatToDo, StringComparison.Ordinal);
        Assert.Single(_eta.Submissions);

        // The invalid one needs someone: the dashboard lists it first.
        Assert.Equal(bad.Uuid, (await _documents.ListAsync(10, Token))[0].Uuid);
    }

    [Fact]
    public async Task Validate_DetailsOverSeveralPages_ReadsEveryPageBeforeStoringAnything()
    {
        var receipts = new List<FiscalUpload>();
        for (var i = 1; i <= 5; i++)
        {
            receipts.Add(await UploadAsync(i, $"RCPT-{i}"));
        }

        _eta.Invalid[receipts[4].Hash] = "Total amount does not equal the sum of the items";
        await Submitter().SubmitDueAsync(cancellationToken: Token);

        Assert.Equal(new EtaValidationRun(4, 1, 0, 0), await Validator().ValidateDueAsync(pageSize: 2, cancellationToken: Token));

        Assert.Equal([("SUB-1", 1, 2), ("SUB-1", 2, 2), ("SUB-1", 3, 2)], _eta.DetailsCalls);
        var states = (await _documents.ListAsync(10, Token)).ToDictionary(d => d.Uuid);
        Assert.All(receipts.Take(4), r => Assert.Equal(EtaValidationStatus.Valid, states[r.Uuid].Validation!.Status));
        Assert.Equal(EtaValidationStatus.Invalid, states[receipts[4].Uuid].Validation!.Status);
    }

    [Fact]
    public async Task Validate_AFinishedSubmissionThatDoesNotListAReceipt_KeepsItWaitingWithTheReason()
    {
        var listed = await UploadAsync(1, "RCPT-1");
        var missing = await UploadAsync(2, "RCPT-2");
        _eta.Unlisted.Add(missing.Hash);
        await Submitter().SubmitDueAsync(cancellationToken: Token);

        Assert.Equal(new EtaValidationRun(1, 0, 0, 1), await Validator().ValidateDueAsync(cancellationToken: Token));

        var states = (await _documents.ListAsync(10, Token)).ToDictionary(d => d.Uuid);
        Assert.Equal(EtaValidationStatus.Valid, states[listed.Uuid].Validation!.Status);
        Assert.Equal(EtaValidationStatus.Waiting, states[missing.Uuid].Validation!.Status);
        Assert.Contains("does not list receipt", states[missing.Uuid].Validation!.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_WhenTheEtaIsDownWhilePolling_AsksAgainLaterAndLosesNothing()
    {
        var receipt = await UploadAsync(1, "RCPT-1");
        await Submitter().SubmitDueAsync(cancellationToken: Token);
        _eta.Down = true;

        Assert.Equal(new EtaValidationRun(0, 0, 0, 1), await Validator().ValidateDueAsync(cancellationToken: Token));
        var waiting = Assert.Single(await _documents.ListAsync(5, Token));
        Assert.Equal(EtaValidationStatus.Waiting, waiting.Validation!.Status);
        Assert.Contains("503", waiting.Validation.LastError, StringComparison.Ordinal);

        _eta.Down = false;
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(new EtaValidationRun(1, 0, 0, 0), await Validator().ValidateDueAsync(cancellationToken: Token));
        Assert.Equal(EtaValidationStatus.Valid, Assert.Single(await _documents.ListAsync(5, Token), d => d.Uuid == receipt.Uuid).Validation!.Status);
        Assert.Single(_eta.Submissions);
    }

    [Fact]
    public async Task Validate_AfterARestartBetweenSubmissionAndValidation_ValidatesFromWhatWasStored()
    {
        var receipt = await UploadAsync(1, "RCPT-1");
        await Submitter().SubmitDueAsync(cancellationToken: Token);

        // The connector stops: its database is closed, its token cache gone. Started again, it knows what to ask.
        Restart();
        Assert.Equal(new EtaValidationRun(1, 0, 0, 0), await Validator().ValidateDueAsync(cancellationToken: Token));

        Assert.Equal(EtaValidationStatus.Valid, Assert.Single(await _documents.ListAsync(5, Token), d => d.Uuid == receipt.Uuid).Validation!.Status);
        Assert.Single(_eta.Submissions);
        Assert.Equal((0, 0, 0, 0), await Submitter().SubmitDueAsync(cancellationToken: Token));
    }

    [Fact]
    public async Task Validate_KilledBetweenTwoPages_StoresNothingHalfReadAndFinishesAfterTheRestart()
    {
        for (var i = 1; i <= 3; i++)
        {
            await UploadAsync(i, $"RCPT-{i}");
        }

        await Submitter().SubmitDueAsync(cancellationToken: Token);
        using var kill = CancellationTokenSource.CreateLinkedTokenSource(Token);
        _eta.OnDetails = page =>
        {
            if (page == 2)
            {
                kill.Cancel();
            }
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Validator().ValidateDueAsync(pageSize: 2, cancellationToken: kill.Token));
        Assert.All(await _documents.ListAsync(5, Token), d => Assert.Equal(EtaValidationStatus.Waiting, d.Validation!.Status));

        _eta.OnDetails = null;
        Restart();
        Assert.Equal(new EtaValidationRun(3, 0, 0, 0), await Validator().ValidateDueAsync(pageSize: 2, cancellationToken: Token));
        Assert.All(await _documents.ListAsync(5, Token), d => Assert.Equal(EtaValidationStatus.Valid, d.Validation!.Status));
        Assert.Single(_eta.Submissions);
    }

    /// <summary>
    /// The ETA's pages do not say how it answers a receipt uuid it already holds. Whether it accepts it again or refuses it
    /// as a duplicate, the receipt is taken once, never recorded as refused, and never sent a third time.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Submit_AReceiptTheEtaTookButWhoseAnswerWasLost_IsNeverRecordedAsRefusedNorTakenTwice(bool duplicatesRejected)
    {
        var receipt = await UploadAsync(1, "RCPT-1");
        _eta.AfterTaking = () => throw new HttpRequestException("the connection was reset before the answer");
        Assert.Equal((0, 0, 1, 0), await Submitter().SubmitDueAsync(cancellationToken: Token));
        _eta.AfterTaking = null;
        _eta.DuplicatesRejected = duplicatesRejected;
        _clock.Advance(TimeSpan.FromMinutes(2));

        await Submitter().SubmitDueAsync(cancellationToken: Token);
        await Validator().ValidateDueAsync(cancellationToken: Token);
        _clock.Advance(TimeSpan.FromHours(2));
        await Submitter().SubmitDueAsync(cancellationToken: Token);

        Assert.Equal(1, _eta.Taken[receipt.Hash]);
        Assert.Equal(2, _eta.Submissions.Count);
        var state = Assert.Single(await _documents.ListAsync(5, Token));
        Assert.NotEqual("rejected", state.State);
        if (duplicatesRejected)
        {
            Assert.Equal("attention", state.State);
            Assert.Contains("already submitted", state.LastError, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(EtaValidationStatus.Valid, state.Validation!.Status);
        }
    }

    [Fact]
    public async Task Start_WithTheEtaConfigured_SchedulesValidationBesideSubmission()
    {
        await using var host = await Hosting.ConnectorHost.StartAsync(new Dictionary<string, string?>
        {
            ["Fiscal:Eta:IdentityUrl"] = FakeEta.Identity,
            ["Fiscal:Eta:ApiUrl"] = FakeEta.Api,
        });

        var scheduler = await host.Services.GetRequiredService<Quartz.ISchedulerFactory>().GetScheduler(Token);
        Assert.NotNull(await scheduler.GetJobDetail(new Quartz.JobKey("submit-eta", "fiscal"), Token));
        var job = await scheduler.GetJobDetail(new Quartz.JobKey("validate-eta", "fiscal"), Token);
        Assert.Equal(typeof(ValidateEtaReceiptsJob), job?.JobType);
        Assert.NotNull(host.Services.GetRequiredService<EtaValidator>());
    }

    [Fact]
    public void Options_ValidationPollingOutOfRange_NamesEachSettingAndItsRange()
    {
        var options = new FiscalOptions { Eta = new EtaApiOptions { ValidateEvery = TimeSpan.FromSeconds(1), DetailsPageSize = 500 } };

        var result = new FiscalOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith("Fiscal:Eta:ValidateEvery is 00:00:01; use 00:00:10 to 06:00:00", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f == "Fiscal:Eta:DetailsPageSize is 500; use 1 to 100.");
    }

    private (ConnectorDatabase, SqliteFiscalDocumentStore, EtaTokenCache) Open()
    {
        var database = new ConnectorDatabase(Path.Combine(_directory, "connector.db"));
        database.MigrateAsync(Token).GetAwaiter().GetResult();
        return (database, new SqliteFiscalDocumentStore(database, _clock), new EtaTokenCache(_clock));
    }

    private void Restart()
    {
        _database.Dispose();
        SqliteConnection.ClearAllPools();
        (_database, _documents, _tokens) = Open();
    }

    private async Task<FiscalUpload> UploadAsync(long counter, string number)
    {
        var upload = FakeEta.Receipt(counter, number, _clock.GetUtcNow());
        Assert.Equal(FiscalUploadResult.Accepted, await _documents.ReceiveAsync("CAI1", Till, upload, Token));
        return upload;
    }

    public void Dispose()
    {
        _eta.Dispose();
        _database.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
