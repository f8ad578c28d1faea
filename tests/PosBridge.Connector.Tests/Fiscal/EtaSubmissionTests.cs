using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using PosBridge.Connector.Fiscal;
using PosBridge.Connector.Storage.Sqlite;

namespace PosBridge.Connector.Tests.Fiscal;

public sealed class EtaSubmissionTests : IDisposable
{
    private const string Till = "T02";
    private readonly string _directory = Directory.CreateTempSubdirectory("posbridge-eta-").FullName;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
    private readonly ConnectorDatabase _database;
    private readonly SqliteFiscalDocumentStore _documents;
    private readonly FakeEta _eta = new();
    private readonly EtaTokenCache _tokens;

    public EtaSubmissionTests()
    {
        _database = new ConnectorDatabase(Path.Combine(_directory, "connector.db"));
        _database.MigrateAsync(Token).GetAwaiter().GetResult();
        _documents = new SqliteFiscalDocumentStore(_database, _clock);
        _tokens = new EtaTokenCache(_clock);
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private EtaSubmitter Submitter(string? till = Till) => new(
        new EtaClient(new HttpClient(_eta) { BaseAddress = new Uri(FakeEta.Api) }, new Uri(FakeEta.Identity)),
        _documents,
        _tokens,
        till is null ? new Dictionary<string, EtaPosCredentials>() : new Dictionary<string, EtaPosCredentials> { [till] = new() { ClientId = "pos-client", ClientSecret = "pos-secret", SerialNumber = "POS-SN-0002", OsVersion = "Debian 12" } });

    [Fact]
    public async Task Submit_ABatchWithOneBadReceipt_StoresEachAnswerAndNeverSubmitsAnAnsweredReceiptAgain()
    {
        var good = await UploadAsync(1, "RCPT-1");
        var bad = await UploadAsync(2, "RCPT-2");
        _eta.Reject.Add(bad.Hash);

        var run = await Submitter().SubmitDueAsync(cancellationToken: Token);

        Assert.Equal((1, 1, 0, 0), run);
        Assert.Single(_eta.Submissions);
        Assert.Equal(2, _eta.Submissions[0].Count);
        var states = (await _documents.ListAsync(10, Token)).ToDictionary(d => d.Uuid);
        Assert.Equal("reported", states[good.Uuid].State);
        Assert.Equal("rejected", states[bad.Uuid].State);
        Assert.Contains("totalAmount", Assert.Single(states[bad.Uuid].Errors).Message, StringComparison.Ordinal);
        Assert.Equal((0, 0, 0, 0), await Submitter().SubmitDueAsync(cancellationToken: Token));
        Assert.Single(_eta.Submissions);
    }

    [Fact]
    public async Task Submit_WhenTheEtaIsDown_KeepsReceiptsWaitingAndSubmitsThemLater()
    {
        var receipt = await UploadAsync(1, "RCPT-1");
        _eta.Down = true;

        Assert.Equal((0, 0, 1, 0), await Submitter().SubmitDueAsync(cancellationToken: Token));
        _eta.Down = false;
        _clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal((1, 0, 0, 0), await Submitter().SubmitDueAsync(cancellationToken: Token));
        Assert.Equal("reported", (await _documents.ListAsync(5, Token)).Single(d => d.Uuid == receipt.Uuid).State);
    }

    [Fact]
    public async Task Submit_ForATillWithoutCredentials_StopsWithTheSettingToFill()
    {
        await UploadAsync(1, "RCPT-1");

        Assert.Equal((0, 0, 0, 1), await Submitter(till: null).SubmitDueAsync(cancellationToken: Token));
        Assert.Contains("Fiscal:Eta:Pos:T02:ClientId", (await _documents.ListAsync(5, Token))[0].LastError, StringComparison.Ordinal);
        Assert.Empty(_eta.Submissions);
    }

    [Fact]
    public async Task Submit_RunAfterRun_AsksForATokenOnlyWhenTheLastOneIsAboutToExpire()
    {
        await UploadAsync(1, "RCPT-1");
        Assert.Equal((1, 0, 0, 0), await Submitter().SubmitDueAsync(cancellationToken: Token));
        await UploadAsync(2, "RCPT-2");
        _clock.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal((1, 0, 0, 0), await Submitter().SubmitDueAsync(cancellationToken: Token));
        Assert.Equal(1, _eta.TokensIssued);

        // The token lives an hour; close to its end a new one is asked for before submitting.
        await UploadAsync(3, "RCPT-3");
        _clock.Advance(TimeSpan.FromMinutes(27));
        Assert.Equal((1, 0, 0, 0), await Submitter().SubmitDueAsync(cancellationToken: Token));
        Assert.Equal(2, _eta.TokensIssued);
    }

    [Fact]
    public async Task Submit_TokenRevokedByTheEta_AsksForANewOneOnceAndSubmits()
    {
        await UploadAsync(1, "RCPT-1");
        Assert.Equal((1, 0, 0, 0), await Submitter().SubmitDueAsync(cancellationToken: Token));
        _eta.RevokeTokens();
        await UploadAsync(2, "RCPT-2");

        Assert.Equal((1, 0, 0, 0), await Submitter().SubmitDueAsync(cancellationToken: Token));

        Assert.Equal(2, _eta.TokensIssued);
        Assert.Equal(2, _eta.Submissions.Count);
    }

    [Fact]
    public async Task Submit_CredentialsRefusedEvenWithAFreshToken_StopsInAttentionWithoutLooping()
    {
        await UploadAsync(1, "RCPT-1");
        _eta.RefuseEverySubmission = true;

        Assert.Equal((0, 0, 0, 1), await Submitter().SubmitDueAsync(cancellationToken: Token));

        // A token issued a moment ago and refused says the POS itself is refused: no second token, no loop.
        Assert.Equal(1, _eta.TokensIssued);
        Assert.Contains("credentials", (await _documents.ListAsync(5, Token))[0].LastError, StringComparison.Ordinal);
        Assert.Equal("attention", (await _documents.ListAsync(5, Token))[0].State);
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
