using Microsoft.Extensions.DependencyInjection;
using PosBridge.Connector.Fiscal;

namespace PosBridge.Connector.Tests.Storage.Contracts;

/// <summary>
/// Fiscal documents: stored once per uuid and till counter, sent until the authority answers and never after, ZATCA's
/// clearances kept with their invoice, the ETA's validations polled until final.
/// </summary>
public abstract class FiscalDocumentStoreContract<TBackend> : StoreContract<TBackend>
    where TBackend : IStorageBackend, new()
{
    [Fact]
    public async Task ReceiveAsync_SameDocumentAgain_IsADuplicateAndAnotherUnderItsUuidOrCounterAConflict()
    {
        var upload = Upload(1);

        var first = await Store<IFiscalDocumentStore>().ReceiveAsync("RUH1", "T1", upload, TestContext.Current.CancellationToken);
        var again = await Store<IFiscalDocumentStore>().ReceiveAsync("RUH1", "T1", upload, TestContext.Current.CancellationToken);
        var changed = await Store<IFiscalDocumentStore>().ReceiveAsync("RUH1", "T1", upload with { Document = "<Invoice>changed</Invoice>" }, TestContext.Current.CancellationToken);
        var sameCounter = await Store<IFiscalDocumentStore>().ReceiveAsync("RUH1", "T1", Upload(1) with { Uuid = Guid.NewGuid() }, TestContext.Current.CancellationToken);
        var otherTill = await Store<IFiscalDocumentStore>().ReceiveAsync("RUH1", "T9", upload, TestContext.Current.CancellationToken);

        Assert.Equal(
            [FiscalUploadResult.Accepted, FiscalUploadResult.Duplicate, FiscalUploadResult.Conflict, FiscalUploadResult.Conflict, FiscalUploadResult.Conflict],
            [first, again, changed, sameCounter, otherTill]);
        Assert.Single(await Store<IFiscalDocumentStore>().ListAsync(10, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ReceiveAsync_TwoInstancesTakingTheSameUploadAtOnce_StoreItOnce()
    {
        var upload = Upload(1);
        var other = (await OpenInstanceAsync()).GetRequiredService<IFiscalDocumentStore>();

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => (i % 2 == 0 ? Store<IFiscalDocumentStore>() : other).ReceiveAsync("RUH1", "T1", upload, TestContext.Current.CancellationToken)));

        Assert.Single(results, r => r == FiscalUploadResult.Accepted);
        Assert.Equal(5, results.Count(r => r == FiscalUploadResult.Duplicate));
        Assert.Single(await other.ListAsync(10, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task DueAsync_WaitingDocumentsInChainOrder_UntilAnswered()
    {
        var second = Upload(2);
        var first = Upload(1);
        await Store<IFiscalDocumentStore>().ReceiveAsync("RUH1", "T1", second, TestContext.Current.CancellationToken);
        await Store<IFiscalDocumentStore>().ReceiveAsync("RUH1", "T1", first, TestContext.Current.CancellationToken);
        await Store<IFiscalDocumentStore>().ReceiveAsync("RUH1", "T1", Upload(3, "ETA"), TestContext.Current.CancellationToken);

        var due = await Store<IFiscalDocumentStore>().DueAsync("ZATCA", 10, TestContext.Current.CancellationToken);
        await Store<IFiscalDocumentStore>().RecordAsync(first.Uuid, "reported", [], [], null, null, TestContext.Current.CancellationToken);
        await Store<IFiscalDocumentStore>().RecordAsync(second.Uuid, "waiting", [], [], "ZATCA is down", TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
        var whileWaiting = await Store<IFiscalDocumentStore>().DueAsync("ZATCA", 10, TestContext.Current.CancellationToken);
        Clock.Advance(TimeSpan.FromMinutes(2));
        var retried = await Store<IFiscalDocumentStore>().DueAsync("ZATCA", 10, TestContext.Current.CancellationToken);

        Assert.Equal([first.Uuid, second.Uuid], due.Select(d => d.Uuid));
        Assert.Equal((first.Hash, first.Document, 0), (due[0].Hash, due[0].Document, due[0].Attempts));
        Assert.Empty(whileWaiting);
        Assert.Equal((second.Uuid, 1), (Assert.Single(retried).Uuid, retried[0].Attempts));
    }

    [Fact]
    public async Task RecordAsync_AnAnswer_IsFinalAndListedWithWhatNeedsSomeoneFirst()
    {
        var reported = Upload(1);
        var rejected = Upload(2);
        await Store<IFiscalDocumentStore>().ReceiveAsync("RUH1", "T1", reported, TestContext.Current.CancellationToken);
        await Store<IFiscalDocumentStore>().ReceiveAsync("RUH1", "T1", rejected, TestContext.Current.CancellationToken);
        await Store<IFiscalDocumentStore>().RecordAsync(reported.Uuid, "reported", [], [], null, null, TestContext.Current.CancellationToken);
        await Store<IFiscalDocumentStore>().RecordAsync(rejected.Uuid, "rejected", [], [new ZatcaMessage("BR-KSA-01", "ERROR", "wrong VAT number")], null, null, TestContext.Current.CancellationToken);

        await Store<IFiscalDocumentStore>().RecordAsync(reported.Uuid, "rejected", [], [], "late answer", null, TestContext.Current.CancellationToken);

        var list = await Store<IFiscalDocumentStore>().ListAsync(10, TestContext.Current.CancellationToken);
        Assert.Equal([(rejected.Uuid, "rejected"), (reported.Uuid, "reported")], list.Select(d => (d.Uuid, d.State)));
        Assert.Equal("wrong VAT number", Assert.Single(list[0].Errors).Message);
        Assert.Equal((1, (string?)null), (list[1].Attempts, list[1].LastError));
        Assert.NotNull(list[1].AnsweredAt);
    }

    [Fact]
    public async Task ResumeAsync_ATillsStoppedDocuments_AreDueAgain()
    {
        var stopped = Upload(1);
        await Store<IFiscalDocumentStore>().ReceiveAsync("RUH1", "T1", stopped, TestContext.Current.CancellationToken);
        await Store<IFiscalDocumentStore>().RecordAsync(stopped.Uuid, "attention", [], [], "credentials refused", null, TestContext.Current.CancellationToken);
        var whileStopped = await Store<IFiscalDocumentStore>().DueAsync("ZATCA", 10, TestContext.Current.CancellationToken);

        await Store<IFiscalDocumentStore>().ResumeAsync("ZATCA", "T1", TestContext.Current.CancellationToken);

        Assert.Empty(whileStopped);
        Assert.Equal(stopped.Uuid, Assert.Single(await Store<IFiscalDocumentStore>().DueAsync("ZATCA", 10, TestContext.Current.CancellationToken)).Uuid);
    }

    [Fact]
    public async Task RecordClearanceAsync_TheAnswer_IsFoundAgainAndOnlyReportInsteadIsSent()
    {
        var cleared = Upload(1);
        var notCleared = Upload(2);
        var reportInstead = Upload(3);
        await Store<IFiscalDocumentStore>().RecordClearanceAsync("RUH1", "T1", cleared, new ZatcaClearanceResult(ZatcaClearanceState.Cleared, "<Invoice>cleared</Invoice>", [], []), TestContext.Current.CancellationToken);
        await Store<IFiscalDocumentStore>().RecordClearanceAsync("RUH1", "T1", notCleared, new ZatcaClearanceResult(ZatcaClearanceState.NotCleared, null, [], [new ZatcaMessage("BR-KSA-F-13", "ERROR", "buyer VAT")]), TestContext.Current.CancellationToken);
        await Store<IFiscalDocumentStore>().RecordClearanceAsync("RUH1", "T1", reportInstead, new ZatcaClearanceResult(ZatcaClearanceState.ReportInstead, null, [], []), TestContext.Current.CancellationToken);
        // A racing retry's answer is not recorded over the first.
        await Store<IFiscalDocumentStore>().RecordClearanceAsync("RUH1", "T1", cleared, new ZatcaClearanceResult(ZatcaClearanceState.NotCleared, null, [], []), TestContext.Current.CancellationToken);

        var found = await Store<IFiscalDocumentStore>().FindClearanceAsync("T1", cleared, TestContext.Current.CancellationToken);
        var refused = await Store<IFiscalDocumentStore>().FindClearanceAsync("T1", notCleared, TestContext.Current.CancellationToken);
        var never = await Store<IFiscalDocumentStore>().FindClearanceAsync("T1", Upload(4), TestContext.Current.CancellationToken);

        Assert.Equal((ZatcaClearanceState.Cleared, "<Invoice>cleared</Invoice>"), (found!.State, found.ClearedInvoice));
        Assert.Equal(("buyer VAT", (string?)null), (Assert.Single(refused!.Errors).Message, refused.ClearedInvoice));
        Assert.Null(never);
        Assert.Equal(reportInstead.Uuid, Assert.Single(await Store<IFiscalDocumentStore>().DueAsync("ZATCA", 10, TestContext.Current.CancellationToken)).Uuid);
        var list = await Store<IFiscalDocumentStore>().ListAsync(10, TestContext.Current.CancellationToken);
        Assert.Equal("not-cleared", list.Single(d => d.Uuid == notCleared.Uuid).Advice);
    }

    [Fact]
    public async Task FindClearanceAsync_AnotherInvoiceUnderTheCounterOrAReportedOne_IsAConflict()
    {
        var reported = Upload(1);
        await Store<IFiscalDocumentStore>().ReceiveAsync("RUH1", "T1", reported, TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<FiscalConflictException>(() => Store<IFiscalDocumentStore>().FindClearanceAsync("T1", reported, TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<FiscalConflictException>(() => Store<IFiscalDocumentStore>().FindClearanceAsync("T1", Upload(1) with { Uuid = Guid.NewGuid() }, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task RecordEtaSubmittedAsync_AnAcceptedReceipt_IsPolledUntilItsValidationIsFinal()
    {
        var receipt = Upload(1, "ETA");
        await Store<IFiscalDocumentStore>().ReceiveAsync("CAI1", "T1", receipt, TestContext.Current.CancellationToken);

        await Store<IFiscalDocumentStore>().RecordEtaSubmittedAsync(receipt.Uuid, "SUB-1", TestContext.Current.CancellationToken);
        var notResent = await Store<IFiscalDocumentStore>().DueAsync("ETA", 10, TestContext.Current.CancellationToken);
        var poll = Assert.Single(await Store<IFiscalDocumentStore>().DueEtaValidationsAsync(10, TestContext.Current.CancellationToken));
        await Store<IFiscalDocumentStore>().RecordEtaValidationAsync(receipt.Uuid, EtaValidationStatus.Waiting, [], "still validating", TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);
        var beforeNextPoll = await Store<IFiscalDocumentStore>().DueEtaValidationsAsync(10, TestContext.Current.CancellationToken);
        Clock.Advance(TimeSpan.FromMinutes(1));
        var again = Assert.Single(await Store<IFiscalDocumentStore>().DueEtaValidationsAsync(10, TestContext.Current.CancellationToken));
        await Store<IFiscalDocumentStore>().RecordEtaValidationAsync(receipt.Uuid, EtaValidationStatus.Invalid, [new ZatcaMessage("E1", "ERROR", "bad item code")], null, TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);
        await Store<IFiscalDocumentStore>().RecordEtaValidationAsync(receipt.Uuid, EtaValidationStatus.Valid, [], null, TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);

        Assert.Empty(notResent);
        Assert.Equal((receipt.Uuid, "T1", receipt.Hash, "SUB-1", 0), (poll.Uuid, poll.TillId, poll.EtaUuid, poll.SubmissionUuid, poll.Polls));
        Assert.Empty(beforeNextPoll);
        Assert.Equal(1, again.Polls);
        Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Empty(await Store<IFiscalDocumentStore>().DueEtaValidationsAsync(10, TestContext.Current.CancellationToken));
        var listed = Assert.Single(await Store<IFiscalDocumentStore>().ListAsync(10, TestContext.Current.CancellationToken));
        Assert.Equal(("reported", "eta-invalid", EtaValidationStatus.Invalid, 2), (listed.State, listed.Advice, listed.Validation!.Status, listed.Validation.Polls));
        Assert.Equal("bad item code", Assert.Single(listed.Validation.Errors).Message);
    }

    internal FiscalUpload Upload(long counter, string authority = "ZATCA") =>
        new(authority, Guid.NewGuid(), $"RUH1-T1-0001-{counter:000000}", counter, $"hash-{counter}-{Guid.NewGuid():N}", $"<Invoice>{counter}</Invoice>", Clock.GetUtcNow().AddMinutes(counter));
}

public sealed class SqliteFiscalDocumentStoreContractTests : FiscalDocumentStoreContract<SqliteBackend>;

public sealed class PostgresFiscalDocumentStoreContractTests : FiscalDocumentStoreContract<PostgresBackend>;

/// <summary>
/// Several instances report from one PostgreSQL database: what is due is claimed by the instance that asks, so two
/// asking at once never send the same document nor poll the same validation, and a claim never answered runs out.
/// </summary>
public sealed class PostgresFiscalDocumentInstancesTests : StoreContract<PostgresBackend>
{
    [Fact]
    public async Task DueAsync_TwoInstancesAskingAtOnce_NeverGetTheSameDocument()
    {
        var uploads = Enumerable.Range(1, 40).Select(i => new FiscalUpload("ZATCA", Guid.NewGuid(), $"S-{i}", i, $"h{i}", $"<Invoice>{i}</Invoice>", Clock.GetUtcNow().AddSeconds(i))).ToList();
        foreach (var upload in uploads)
        {
            await Store<IFiscalDocumentStore>().ReceiveAsync("RUH1", "T1", upload, TestContext.Current.CancellationToken);
        }

        var other = (await OpenInstanceAsync()).GetRequiredService<IFiscalDocumentStore>();

        var claimed = await Task.WhenAll(
            Store<IFiscalDocumentStore>().DueAsync("ZATCA", 25, TestContext.Current.CancellationToken),
            other.DueAsync("ZATCA", 25, TestContext.Current.CancellationToken));

        Assert.Empty(claimed[0].Select(d => d.Uuid).Intersect(claimed[1].Select(d => d.Uuid)));
        Assert.Equal(40, claimed[0].Count + claimed[1].Count);
        Assert.All(claimed, run => Assert.Equal(run.OrderBy(d => d.Document.Length).ThenBy(d => d.Document, StringComparer.Ordinal).Select(d => d.Uuid), run.Select(d => d.Uuid)));
    }

    [Fact]
    public async Task DueAsync_AClaimNeverAnswered_IsDueAgainWhenItRunsOut()
    {
        var upload = new FiscalUpload("ZATCA", Guid.NewGuid(), "S-1", 1, "h1", "<Invoice>1</Invoice>", Clock.GetUtcNow());
        await Store<IFiscalDocumentStore>().ReceiveAsync("RUH1", "T1", upload, TestContext.Current.CancellationToken);
        Assert.Single(await Store<IFiscalDocumentStore>().DueAsync("ZATCA", 10, TestContext.Current.CancellationToken));
        var other = (await OpenInstanceAsync()).GetRequiredService<IFiscalDocumentStore>();

        var whileClaimed = await other.DueAsync("ZATCA", 10, TestContext.Current.CancellationToken);
        Clock.Advance(PostgresFiscalDocumentStoreClaim());
        var afterwards = await other.DueAsync("ZATCA", 10, TestContext.Current.CancellationToken);

        Assert.Empty(whileClaimed);
        Assert.Equal(upload.Uuid, Assert.Single(afterwards).Uuid);
    }

    [Fact]
    public async Task DueEtaValidationsAsync_TwoInstancesAskingAtOnce_NeverPollTheSameReceipt()
    {
        for (var i = 1; i <= 30; i++)
        {
            var receipt = new FiscalUpload("ETA", Guid.NewGuid(), $"S-{i}", i, $"eta-{i}", $"{{\"n\":{i}}}", Clock.GetUtcNow().AddSeconds(i));
            await Store<IFiscalDocumentStore>().ReceiveAsync("CAI1", "T1", receipt, TestContext.Current.CancellationToken);
            await Store<IFiscalDocumentStore>().RecordEtaSubmittedAsync(receipt.Uuid, "SUB-" + (i % 3).ToString(System.Globalization.CultureInfo.InvariantCulture), TestContext.Current.CancellationToken);
        }

        var other = (await OpenInstanceAsync()).GetRequiredService<IFiscalDocumentStore>();

        var claimed = await Task.WhenAll(
            Store<IFiscalDocumentStore>().DueEtaValidationsAsync(20, TestContext.Current.CancellationToken),
            other.DueEtaValidationsAsync(20, TestContext.Current.CancellationToken));

        Assert.Empty(claimed[0].Select(d => d.Uuid).Intersect(claimed[1].Select(d => d.Uuid)));
        Assert.Equal(30, claimed[0].Count + claimed[1].Count);
    }

    private static TimeSpan PostgresFiscalDocumentStoreClaim() => Connector.Storage.Postgres.PostgresFiscalDocumentStore.ClaimFor;
}
