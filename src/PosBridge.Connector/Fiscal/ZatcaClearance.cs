using PosBridge.Connector.Hosting;

namespace PosBridge.Connector.Fiscal;

/// <summary>Where a standard invoice stands after the clearance call.</summary>
internal enum ZatcaClearanceState
{
    /// <summary>ZATCA cleared it (200): the till gives the customer ZATCA's cleared XML and its QR.</summary>
    Cleared,

    /// <summary>Cleared with warnings (202): given as cleared; the warnings are for later invoices.</summary>
    ClearedWithWarnings,

    /// <summary>Not cleared (400): it must never be given; the till issues a new invoice (the next ICV) instead.</summary>
    NotCleared,

    /// <summary>ZATCA switched clearance off (303): the invoice is reported like a simplified one, and the till gives its own XML.</summary>
    ReportInstead,
}

/// <summary>The clearance of one standard invoice, as the till is told it (again, for a retry by the same uuid).</summary>
internal sealed record ZatcaClearanceResult(ZatcaClearanceState State, string? ClearedInvoice, IReadOnlyList<ZatcaMessage> Warnings, IReadOnlyList<ZatcaMessage> Errors);

/// <summary>The till sent another document under a uuid (or counter) the connector already holds: never overwritten.</summary>
internal sealed class FiscalConflictException(string message) : Exception(message);

/// <summary>The till has no production CSID on this connector: it must be onboarded before it can clear invoices.</summary>
internal sealed class ZatcaNotOnboardedException(string message) : Exception(message);

/// <summary>
/// Clears a standard (B2B) invoice with ZATCA while the till waits, before the invoice is given to the customer. The
/// uuid is the key: an answered invoice is answered again from the connector's record without calling ZATCA, so a till
/// that lost the answer (a timeout, a crash) retries safely. Nothing is recorded until ZATCA answered, so a call that
/// failed (ZATCA down) leaves nothing behind and the same invoice is sent again on the retry. A 303 (clearance switched
/// off) keeps the invoice as 'waiting' so the reporter reports it, as ZATCA asks.
/// </summary>
internal sealed class ZatcaClearance(ZatcaClient client, IZatcaUnits units, IFiscalDocumentStore documents, ILogger<ZatcaClearance> logger)
{
    /// <exception cref="FiscalConflictException">Another document is stored under this uuid or the till's counter.</exception>
    /// <exception cref="ZatcaNotOnboardedException">The till has no production CSID.</exception>
    /// <exception cref="ZatcaUnavailableException">ZATCA did not answer now: nothing was recorded; retry with the same invoice.</exception>
    public async Task<ZatcaClearanceResult> ClearAsync(string storeId, string tillId, FiscalUpload invoice, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(storeId);
        ArgumentException.ThrowIfNullOrWhiteSpace(tillId);
        ArgumentNullException.ThrowIfNull(invoice);
        if (await documents.FindClearanceAsync(tillId, invoice, cancellationToken).ConfigureAwait(false) is { } earlier)
        {
            return earlier;
        }

        var csid = await units.ProductionAsync(tillId, cancellationToken).ConfigureAwait(false)
            ?? throw new ZatcaNotOnboardedException($"Till {tillId} has no ZATCA production certificate on this connector: onboard it (type the portal's OTP on the till) before clearing invoices.");
        var answer = await client.ClearAsync(csid, invoice.Hash, invoice.Uuid, invoice.Document, cancellationToken).ConfigureAwait(false);
        var result = answer.Outcome switch
        {
            ZatcaOutcome.Accepted => new ZatcaClearanceResult(ZatcaClearanceState.Cleared, answer.ClearedInvoice, answer.Warnings, answer.Errors),
            ZatcaOutcome.AcceptedWithWarnings => new ZatcaClearanceResult(ZatcaClearanceState.ClearedWithWarnings, answer.ClearedInvoice, answer.Warnings, answer.Errors),
            ZatcaOutcome.ReportInstead => new ZatcaClearanceResult(ZatcaClearanceState.ReportInstead, null, [], []),
            _ => new ZatcaClearanceResult(ZatcaClearanceState.NotCleared, null, answer.Warnings, answer.Errors),
        };
        await documents.RecordClearanceAsync(storeId, tillId, invoice, result, cancellationToken).ConfigureAwait(false);
        Log.ZatcaClearanceAnswered(logger, invoice.Uuid, tillId, result.State, result.Warnings.Count, result.Errors.Count);
        // Two retries racing: the first answer recorded is the one every caller gets.
        return await documents.FindClearanceAsync(tillId, invoice, cancellationToken).ConfigureAwait(false) ?? result;
    }
}
