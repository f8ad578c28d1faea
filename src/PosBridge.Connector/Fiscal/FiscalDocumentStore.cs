namespace PosBridge.Connector.Fiscal;

/// <summary>A fiscal document as a till uploads it: its uuid, place in the till's chain, hash, and the signed XML or receipt JSON.</summary>
internal sealed record FiscalUpload(string Authority, Guid Uuid, string SaleNumber, long Counter, string Hash, string Document, DateTimeOffset IssuedAt);

/// <summary>
/// Where a document stands with its authority: <c>waiting</c> (not yet answered: sent again until it is),
/// <c>reported</c>, <c>warnings</c> (reported, with ZATCA's warnings to fix in later invoices), <c>rejected</c>
/// (refused with errors: the invoice must be corrected and issued again), <c>attention</c> (stopped: credentials
/// refused or an answer the API does not describe; someone must look).
/// </summary>
internal sealed record FiscalDocumentState(Guid Uuid, string Authority, string StoreId, string TillId, string SaleNumber, long Counter, string State, int Attempts, IReadOnlyList<ZatcaMessage> Warnings, IReadOnlyList<ZatcaMessage> Errors, string? LastError, DateTimeOffset IssuedAt, DateTimeOffset? AnsweredAt)
{
    /// <summary>ZATCA's clearance answer for a standard invoice sent for clearance; null for a reported document.</summary>
    public ZatcaClearanceState? Clearance { get; init; }

    /// <summary>The ETA's validation of an e-receipt it accepted; null for anything else.</summary>
    public EtaValidation? Validation { get; init; }

    /// <summary>
    /// Which advice fits: the state, except <c>not-cleared</c> for a standard invoice ZATCA refused to clear — never
    /// issued, so nothing to credit — where a refused reported invoice was already in the customer's hands; and
    /// <c>eta-rejected</c> for an e-receipt the ETA refused, which the ETA never registered, so a return receipt would
    /// refer to a receipt it does not hold.
    /// </summary>
    public string Advice => State switch
    {
        "rejected" when Clearance == ZatcaClearanceState.NotCleared => "not-cleared",
        "rejected" when Authority == "ETA" => "eta-rejected",
        "reported" when Validation is { } validation => validation.Status switch
        {
            EtaValidationStatus.Valid => "eta-valid",
            EtaValidationStatus.Invalid => "eta-invalid",
            EtaValidationStatus.Cancelled => "eta-cancelled",
            _ => "eta-validating",
        },
        _ => State,
    };

    /// <summary>What the owner should do now, in words.</summary>
    public string WhatToDo => Advice switch
    {
        "waiting" => $"Nothing yet: the connector sends it and retries until {Authority} answers (within 24 hours of the sale).",
        "reported" => $"Nothing: {Authority} accepted it.",
        "warnings" => "Reported. Fix what the warnings say in the till's settings so later invoices are clean.",
        "not-cleared" => "ZATCA did not clear this standard invoice, so it was never issued and must not be given to the buyer: correct what the errors say (often the buyer's VAT number or address) and issue a new invoice for the sale at the till, or a simplified invoice if the buyer agrees.",
        "rejected" => $"Refused by {Authority}: correct what the errors say, then issue a credit note (return receipt) for this sale and sell again.",
        "eta-validating" => "Nothing yet: the ETA took this receipt and validates it; the connector asks for the result until the ETA says valid or invalid. Until then it is not yet a confirmed e-receipt.",
        "eta-valid" => "Nothing: the ETA validated it; it is a valid e-receipt.",
        "eta-invalid" => "The ETA found this receipt invalid, so it is not a valid tax document. Correct what the errors say — usually this till's ETA settings (Till:Fiscal:Eta: registration number, branch code, activity code) or an item's code registered with the ETA — then issue a new receipt for this sale at the till. Do not issue a return receipt against the invalid one: it would refer to a receipt the ETA does not accept. Tell your accountant which sale's receipt was invalid.",
        "eta-cancelled" => "Cancelled at the ETA, so it is no longer a valid tax document: if the sale stands, issue a new receipt for it at the till.",
        "eta-rejected" => "Refused by the ETA, so this receipt is not registered and is not a valid e-receipt; sent again as it is, it is refused again. Correct what the errors say — usually this till's ETA settings (Till:Fiscal:Eta: registration number, branch code, activity code) or an item's code registered with the ETA — so the till's next receipts are accepted. Do not issue a return receipt for this sale: it would refer to a receipt the ETA never registered. Tell your accountant which sale has no valid e-receipt.",
        _ => "Sending stopped for this till: read the last error (usually onboard the till again) — waiting documents are sent once it is fixed.",
    };
}

/// <summary>Where the ETA's validation of an accepted e-receipt stands.</summary>
internal enum EtaValidationStatus
{
    /// <summary>Submitted, waiting for the ETA's validation: polled until Valid or Invalid.</summary>
    Waiting,
    Valid,

    /// <summary>The ETA's validation failed: not a valid tax document; the errors say why.</summary>
    Invalid,
    Cancelled,
}

/// <summary>The ETA's validation of one accepted receipt: the submission that took it, its status, and when Invalid the ETA's errors.</summary>
internal sealed record EtaValidation(string SubmissionUuid, EtaValidationStatus Status, IReadOnlyList<ZatcaMessage> Errors, int Polls, string? LastError, DateTimeOffset? ValidatedAt);

/// <summary>An accepted receipt whose next poll is due: its ETA uuid, the submission to ask about, and how often it was asked.</summary>
internal sealed record DueEtaValidation(Guid Uuid, string TillId, string EtaUuid, string SubmissionUuid, int Polls);

/// <summary>A document whose next attempt is due: what the reporter sends, and how often it was tried.</summary>
internal sealed record DueFiscalDocument(Guid Uuid, string TillId, string Hash, string Document, int Attempts);

internal enum FiscalUploadResult
{
    Accepted,
    Duplicate,

    /// <summary>The uuid (or the till's counter) arrived before with other content: never overwritten.</summary>
    Conflict,
}

/// <summary>
/// The connector's record of fiscal documents: stored durably before the till is told, keyed by uuid so a
/// re-upload adds nothing, and with the authority's answer per document.
/// </summary>
internal interface IFiscalDocumentStore
{
    Task<FiscalUploadResult> ReceiveAsync(string storeId, string tillId, FiscalUpload upload, CancellationToken cancellationToken = default);

    /// <summary>
    /// The recorded clearance of a standard invoice, or null when it was never answered. Another document under its
    /// uuid or the till's counter (or the same uuid uploaded for reporting) is a conflict, never overwritten.
    /// </summary>
    Task<ZatcaClearanceResult?> FindClearanceAsync(string tillId, FiscalUpload invoice, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records ZATCA's clearance answer with the invoice, in one transaction: cleared as 'reported' (or 'warnings'),
    /// not cleared as 'rejected' (both final: the reporter never sends them), and 'report instead' as 'waiting' so the
    /// reporter reports it. A record already there (a racing retry) is kept.
    /// </summary>
    Task RecordClearanceAsync(string storeId, string tillId, FiscalUpload invoice, ZatcaClearanceResult result, CancellationToken cancellationToken = default);

    /// <summary>
    /// Documents waiting whose next attempt is due, oldest first, in each till's chain order. A backend several
    /// instances share claims what it returns for a while, so another instance asking meanwhile does not send them too.
    /// </summary>
    Task<IReadOnlyList<DueFiscalDocument>> DueAsync(string authority, int limit, CancellationToken cancellationToken = default);

    /// <summary>Records the authority's answer, or (for a retry) when to try again; the answer is final for reported, warnings and rejected.</summary>
    Task RecordAsync(Guid uuid, string state, IReadOnlyList<ZatcaMessage> warnings, IReadOnlyList<ZatcaMessage> errors, string? lastError, TimeSpan? retryAfter, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records that the ETA accepted an e-receipt in submission <paramref name="submissionUuid"/>: the receipt becomes
    /// 'reported' (never submitted again) and waits for its validation, both in one transaction. A receipt already
    /// answered is left as it is.
    /// </summary>
    Task RecordEtaSubmittedAsync(Guid uuid, string submissionUuid, CancellationToken cancellationToken = default);

    /// <summary>Accepted e-receipts waiting for their validation whose next poll is due, oldest submission first (claimed as <see cref="DueAsync"/> claims).</summary>
    Task<IReadOnlyList<DueEtaValidation>> DueEtaValidationsAsync(int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records a poll of a receipt's validation: its final status (Valid, Invalid with <paramref name="errors"/>,
    /// Cancelled), or for <see cref="EtaValidationStatus.Waiting"/> when to ask again and why. Only a waiting validation
    /// changes, so a late or repeated poll never overwrites a final status.
    /// </summary>
    Task RecordEtaValidationAsync(Guid uuid, EtaValidationStatus status, IReadOnlyList<ZatcaMessage> errors, string? lastError, TimeSpan pollAgainAfter, CancellationToken cancellationToken = default);

    /// <summary>Puts a till's stopped documents back to waiting (after it was onboarded again).</summary>
    Task ResumeAsync(string authority, string tillId, CancellationToken cancellationToken = default);

    /// <summary>Documents for the dashboard: those that need someone first, then the newest.</summary>
    Task<IReadOnlyList<FiscalDocumentState>> ListAsync(int limit, CancellationToken cancellationToken = default);
}
