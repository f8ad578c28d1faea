using PosBridge.Connector.Hosting;

namespace PosBridge.Connector.Fiscal;

/// <summary>How one validation run went: receipts found valid, invalid or cancelled, and those still waiting.</summary>
internal sealed record EtaValidationRun(int Valid, int Invalid, int Cancelled, int Waiting);

/// <summary>
/// Asks the ETA how it validated the e-receipts it accepted. The submission answer (202) only says the ETA took a
/// receipt; the ETA validates it afterwards, and its status — Valid, or Invalid with the validation errors, later
/// possibly Cancelled — is read from the submission's details, page by page (ETA SDK, e-receipt API, "Get Receipt
/// Submission": <c>GET /api/v1/receiptsubmissions/{submissionUuid}/details?PageNo=…&amp;PageSize=…</c>). Only reads:
/// polling never submits a receipt again. A receipt not yet validated, or the ETA down, is asked again later with a
/// growing delay; a final status is stored once and never overwritten, so a run killed half-way just asks again.
/// </summary>
internal sealed class EtaValidator(EtaClient client, IFiscalDocumentStore documents, EtaTokenCache tokens, IReadOnlyDictionary<string, EtaPosCredentials> pos, ILogger<EtaValidator> logger)
{
    // A submission of 500 receipts at the ETA's largest page is 5 pages; more than this is an answer gone wrong.
    private const int MaxPages = 1000;

    public async Task<EtaValidationRun> ValidateDueAsync(int pageSize = 100, int limit = 1000, CancellationToken cancellationToken = default)
    {
        int valid = 0, invalid = 0, cancelled = 0, waiting = 0;
        foreach (var submission in (await documents.DueEtaValidationsAsync(limit, cancellationToken).ConfigureAwait(false)).GroupBy(d => (d.SubmissionUuid, d.TillId)))
        {
            var (submissionUuid, tillId) = submission.Key;
            if (!pos.TryGetValue(tillId, out var credentials))
            {
                // The details are the submitter's only, so they are asked for with the POS's own token.
                await WaitAsync(submission, $"No ETA credentials for till {tillId}: set Fiscal:Eta:Pos:{tillId}:ClientId, ClientSecret, SerialNumber, OsVersion to learn how the ETA validated its receipts.", MaxDelay, cancellationToken).ConfigureAwait(false);
                waiting += submission.Count();
                continue;
            }

            Dictionary<string, EtaReceiptStatus> statuses;
            string submissionStatus;
            try
            {
                (statuses, submissionStatus) = await ReadAsync(credentials, submissionUuid, pageSize, cancellationToken).ConfigureAwait(false);
            }
            catch (ZatcaUnavailableException e)
            {
                foreach (var receipt in submission)
                {
                    await documents.RecordEtaValidationAsync(receipt.Uuid, EtaValidationStatus.Waiting, [], e.Message, Backoff(receipt.Polls), cancellationToken).ConfigureAwait(false);
                }

                Log.EtaValidationRetrying(logger, submissionUuid, e.Message);
                waiting += submission.Count();
                continue;
            }
            catch (Exception e) when (e is ZatcaUnauthorizedException or ZatcaProtocolException)
            {
                // Nothing is lost by waiting: the receipt was taken; the message tells the owner what to look at.
                await WaitAsync(submission, e.Message, MaxDelay, cancellationToken).ConfigureAwait(false);
                Log.EtaValidationRetrying(logger, submissionUuid, e.Message);
                waiting += submission.Count();
                continue;
            }

            foreach (var receipt in submission)
            {
                // A submission the ETA finished (Valid or Invalid) that does not list a receipt it accepted is not what its
                // API describes: asked again hourly, with the reason shown, rather than guessed at.
                var finished = submissionStatus.Equals("Valid", StringComparison.OrdinalIgnoreCase) || submissionStatus.Equals("Invalid", StringComparison.OrdinalIgnoreCase);
                var (status, error) = statuses.TryGetValue(receipt.EtaUuid, out var line) ? Status(line.Status)
                    : finished ? (EtaValidationStatus.Waiting, $"The ETA's submission {submissionUuid} is {submissionStatus} but does not list receipt {receipt.EtaUuid}; asked again in an hour.")
                    : (EtaValidationStatus.Waiting, null);
                var errors = status == EtaValidationStatus.Invalid ? line!.Errors : [];
                await documents.RecordEtaValidationAsync(receipt.Uuid, status, errors, error, error is null ? Backoff(receipt.Polls) : MaxDelay, cancellationToken).ConfigureAwait(false);
                _ = status switch
                {
                    EtaValidationStatus.Valid => valid++,
                    EtaValidationStatus.Invalid => invalid++,
                    EtaValidationStatus.Cancelled => cancelled++,
                    _ => waiting++,
                };
                if (status != EtaValidationStatus.Waiting)
                {
                    Log.EtaValidated(logger, receipt.Uuid, tillId, status, errors.Count);
                }
            }
        }

        return new EtaValidationRun(valid, invalid, cancelled, waiting);
    }

    private static readonly TimeSpan MaxDelay = TimeSpan.FromHours(1);

    /// <summary>30 seconds, then 1, 2, 4 … minutes, at most an hour: the ETA usually validates within minutes.</summary>
    private static TimeSpan Backoff(int polls) => TimeSpan.FromSeconds(Math.Min(MaxDelay.TotalSeconds, 30 * Math.Pow(2, Math.Min(polls, 10))));

    /// <summary>
    /// The receipt statuses of Get Receipt Submission: Valid, Invalid and Cancelled are final; Submitted (taken, not yet
    /// validated, as the ETA's document statuses name it) is asked again. Any other is not guessed at: it stays waiting
    /// with the status named, so a person sees it.
    /// </summary>
    private static (EtaValidationStatus Status, string? Error) Status(string status) => status.ToUpperInvariant() switch
    {
        "VALID" => (EtaValidationStatus.Valid, null),
        "INVALID" => (EtaValidationStatus.Invalid, null),
        "CANCELLED" => (EtaValidationStatus.Cancelled, null),
        "SUBMITTED" or "INPROGRESS" => (EtaValidationStatus.Waiting, null),
        _ => (EtaValidationStatus.Waiting, $"The ETA gave this receipt the status '{status}', which its API does not describe; asked again in an hour."),
    };

    private async Task WaitAsync(IEnumerable<DueEtaValidation> receipts, string reason, TimeSpan delay, CancellationToken cancellationToken)
    {
        foreach (var receipt in receipts)
        {
            await documents.RecordEtaValidationAsync(receipt.Uuid, EtaValidationStatus.Waiting, [], reason, delay, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Every page of the submission's details, by receipt uuid. One page failing fails the whole read: nothing half-read is stored.</summary>
    private async Task<(Dictionary<string, EtaReceiptStatus> Receipts, string Status)> ReadAsync(EtaPosCredentials credentials, string submissionUuid, int pageSize, CancellationToken cancellationToken)
    {
        var statuses = new Dictionary<string, EtaReceiptStatus>(StringComparer.OrdinalIgnoreCase);
        var submission = string.Empty;
        var pages = 1;
        for (var page = 1; page <= pages; page++)
        {
            var answer = await PageAsync(credentials, submissionUuid, page, pageSize, cancellationToken).ConfigureAwait(false);
            if (answer.TotalPages > MaxPages)
            {
                throw new ZatcaProtocolException($"The ETA's details of submission {submissionUuid} claim {answer.TotalPages} pages.");
            }

            pages = answer.TotalPages;
            submission = page == 1 ? answer.Status : submission;
            foreach (var receipt in answer.Receipts)
            {
                statuses[receipt.Uuid] = receipt;
            }
        }

        return (statuses, submission);
    }

    private async Task<EtaSubmissionPage> PageAsync(EtaPosCredentials credentials, string submissionUuid, int page, int pageSize, CancellationToken cancellationToken)
    {
        var token = await tokens.GetAsync(client, credentials, cancellationToken).ConfigureAwait(false);
        try
        {
            return await client.SubmissionDetailsAsync(token.AccessToken, submissionUuid, page, pageSize, cancellationToken).ConfigureAwait(false);
        }
        catch (ZatcaUnauthorizedException) when (token.FromCache)
        {
            // The ETA may end a token before its time: forget it and ask once with a new one.
            tokens.Forget(credentials);
            token = await tokens.GetAsync(client, credentials, cancellationToken).ConfigureAwait(false);
            return await client.SubmissionDetailsAsync(token.AccessToken, submissionUuid, page, pageSize, cancellationToken).ConfigureAwait(false);
        }
    }
}
