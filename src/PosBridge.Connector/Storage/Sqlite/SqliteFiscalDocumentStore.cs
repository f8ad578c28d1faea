using System.Text.Json;
using Microsoft.Data.Sqlite;
using PosBridge.Connector.Fiscal;

namespace PosBridge.Connector.Storage.Sqlite;

/// <summary>
/// The connector's record of fiscal documents: stored durably before the till is told, keyed by uuid so a
/// re-upload adds nothing, and with the authority's answer per document.
/// </summary>
internal sealed class SqliteFiscalDocumentStore(ConnectorDatabase database, TimeProvider timeProvider) : IFiscalDocumentStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task<FiscalUploadResult> ReceiveAsync(string storeId, string tillId, FiscalUpload upload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(upload);
        var now = Sql.ToUnixMs(timeProvider.GetUtcNow());
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                await using (var existing = Sql.Command(connection, transaction, "SELECT hash, document, till_id FROM fiscal_documents WHERE uuid = $uuid OR (authority = $authority AND till_id = $till AND counter = $counter)", ("$uuid", upload.Uuid.ToString()), ("$authority", upload.Authority), ("$till", tillId), ("$counter", upload.Counter)))
                await using (var reader = await existing.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        return reader.GetString(0) == upload.Hash && reader.GetString(1) == upload.Document && reader.GetString(2) == tillId
                            ? FiscalUploadResult.Duplicate
                            : FiscalUploadResult.Conflict;
                    }
                }

                await Sql.ExecuteAsync(
                    connection,
                    transaction,
                    """
                    INSERT INTO fiscal_documents (uuid, authority, store_id, till_id, sale_number, counter, hash, document, issued_at, received_at, state, attempts, next_attempt_at)
                    VALUES ($uuid, $authority, $store, $till, $number, $counter, $hash, $document, $issued, $now, 'waiting', 0, $now)
                    """,
                    cancellationToken,
                    ("$uuid", upload.Uuid.ToString()), ("$authority", upload.Authority), ("$store", storeId), ("$till", tillId), ("$number", upload.SaleNumber),
                    ("$counter", upload.Counter), ("$hash", upload.Hash), ("$document", upload.Document), ("$issued", Sql.ToUnixMs(upload.IssuedAt)), ("$now", now)).ConfigureAwait(false);
                return FiscalUploadResult.Accepted;
            },
            cancellationToken);
    }

    /// <summary>
    /// The recorded clearance of a standard invoice, or null when it was never answered. Another document under its
    /// uuid or the till's counter (or the same uuid uploaded for reporting) is a conflict, never overwritten.
    /// </summary>
    public Task<ZatcaClearanceResult?> FindClearanceAsync(string tillId, FiscalUpload invoice, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        return database.ReadAsync(
            async connection =>
            {
                await using var command = Sql.Command(
                    connection,
                    null,
                    """
                    SELECT d.uuid, d.hash, d.document, d.till_id, d.warnings, d.errors, c.state, c.cleared_invoice
                    FROM fiscal_documents d LEFT JOIN zatca_clearances c ON c.uuid = d.uuid
                    WHERE d.uuid = $uuid OR (d.authority = 'ZATCA' AND d.till_id = $till AND d.counter = $counter)
                    """,
                    ("$uuid", invoice.Uuid.ToString()), ("$till", tillId), ("$counter", invoice.Counter));
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }

                if (reader.GetString(0) != invoice.Uuid.ToString() || reader.GetString(1) != invoice.Hash || reader.GetString(2) != invoice.Document || reader.GetString(3) != tillId)
                {
                    throw new FiscalConflictException($"The connector already holds another invoice under uuid {invoice.Uuid} or counter {invoice.Counter} of till {tillId}; an invoice is never replaced: issue a new one.");
                }

                if (reader.IsDBNull(6))
                {
                    throw new FiscalConflictException($"Invoice {invoice.Uuid} reached the connector for reporting, not clearance; a simplified invoice is not cleared.");
                }

                return new ZatcaClearanceResult(Enum.Parse<ZatcaClearanceState>(reader.GetString(6)), reader.IsDBNull(7) ? null : reader.GetString(7), Messages(reader, 4), Messages(reader, 5));
            },
            cancellationToken);
    }

    /// <summary>
    /// Records ZATCA's clearance answer with the invoice, in one transaction: cleared as 'reported' (or 'warnings'),
    /// not cleared as 'rejected' (both final: the reporter never sends them), and 'report instead' as 'waiting' so the
    /// reporter reports it. A record already there (a racing retry) is kept.
    /// </summary>
    public Task RecordClearanceAsync(string storeId, string tillId, FiscalUpload invoice, ZatcaClearanceResult result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        ArgumentNullException.ThrowIfNull(result);
        var now = Sql.ToUnixMs(timeProvider.GetUtcNow());
        var (state, answered) = result.State switch
        {
            ZatcaClearanceState.Cleared => ("reported", true),
            ZatcaClearanceState.ClearedWithWarnings => ("warnings", true),
            ZatcaClearanceState.NotCleared => ("rejected", true),
            _ => ("waiting", false),
        };
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                var inserted = await Sql.ScalarAsync(
                    connection,
                    transaction,
                    """
                    INSERT INTO fiscal_documents (uuid, authority, store_id, till_id, sale_number, counter, hash, document, issued_at, received_at, state, attempts, next_attempt_at, warnings, errors, answered_at)
                    VALUES ($uuid, 'ZATCA', $store, $till, $number, $counter, $hash, $document, $issued, $now, $state, $attempts, $now, $warnings, $errors, $answered)
                    ON CONFLICT DO NOTHING
                    RETURNING uuid
                    """,
                    cancellationToken,
                    ("$uuid", invoice.Uuid.ToString()), ("$store", storeId), ("$till", tillId), ("$number", invoice.SaleNumber), ("$counter", invoice.Counter), ("$hash", invoice.Hash),
                    ("$document", invoice.Document), ("$issued", Sql.ToUnixMs(invoice.IssuedAt)), ("$now", now), ("$state", state), ("$attempts", answered ? 1 : 0),
                    ("$warnings", result.Warnings.Count == 0 ? null : JsonSerializer.Serialize(result.Warnings, Json)),
                    ("$errors", result.Errors.Count == 0 ? null : JsonSerializer.Serialize(result.Errors, Json)), ("$answered", answered ? now : null)).ConfigureAwait(false);
                if (inserted is not null)
                {
                    await Sql.ExecuteAsync(
                        connection,
                        transaction,
                        "INSERT INTO zatca_clearances (uuid, state, cleared_invoice, answered_at) VALUES ($uuid, $state, $cleared, $now)",
                        cancellationToken,
                        ("$uuid", invoice.Uuid.ToString()), ("$state", result.State.ToString()), ("$cleared", result.ClearedInvoice), ("$now", now)).ConfigureAwait(false);
                }

                return 0;
            },
            cancellationToken);
    }

    /// <summary>Documents waiting whose next attempt is due, oldest first, in each till's chain order.</summary>
    public Task<IReadOnlyList<DueFiscalDocument>> DueAsync(string authority, int limit, CancellationToken cancellationToken = default)
    {
        var now = Sql.ToUnixMs(timeProvider.GetUtcNow());
        return database.ReadAsync<IReadOnlyList<DueFiscalDocument>>(
            async connection =>
            {
                await using var command = Sql.Command(connection, null, "SELECT uuid, till_id, hash, document, attempts FROM fiscal_documents WHERE authority = $authority AND state = 'waiting' AND next_attempt_at <= $now ORDER BY issued_at, till_id, counter LIMIT $limit", ("$authority", authority), ("$now", now), ("$limit", limit));
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                var due = new List<DueFiscalDocument>();
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    due.Add(new DueFiscalDocument(Guid.Parse(reader.GetString(0)), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4)));
                }

                return due;
            },
            cancellationToken);
    }

    /// <summary>Records the authority's answer, or (for a retry) when to try again; the answer is final for reported, warnings and rejected.</summary>
    public Task RecordAsync(Guid uuid, string state, IReadOnlyList<ZatcaMessage> warnings, IReadOnlyList<ZatcaMessage> errors, string? lastError, TimeSpan? retryAfter, CancellationToken cancellationToken = default)
    {
        var now = timeProvider.GetUtcNow();
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                await Sql.ExecuteAsync(
                    connection,
                    transaction,
                    """
                    UPDATE fiscal_documents SET state = $state, attempts = attempts + 1, next_attempt_at = $next, warnings = $warnings, errors = $errors,
                        last_error = $error, answered_at = CASE WHEN $state IN ('reported', 'warnings', 'rejected') THEN $now ELSE answered_at END
                    WHERE uuid = $uuid AND state IN ('waiting', 'attention')
                    """,
                    cancellationToken,
                    ("$uuid", uuid.ToString()), ("$state", state), ("$next", Sql.ToUnixMs(now + (retryAfter ?? TimeSpan.Zero))),
                    ("$warnings", warnings.Count == 0 ? null : JsonSerializer.Serialize(warnings, Json)),
                    ("$errors", errors.Count == 0 ? null : JsonSerializer.Serialize(errors, Json)), ("$error", lastError), ("$now", Sql.ToUnixMs(now))).ConfigureAwait(false);
                return 0;
            },
            cancellationToken);
    }

    public Task RecordEtaSubmittedAsync(Guid uuid, string submissionUuid, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(submissionUuid);
        var now = Sql.ToUnixMs(timeProvider.GetUtcNow());
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                var reported = await Sql.ScalarAsync(
                    connection,
                    transaction,
                    """
                    UPDATE fiscal_documents SET state = 'reported', attempts = attempts + 1, warnings = NULL, errors = NULL, last_error = $error, answered_at = $now
                    WHERE uuid = $uuid AND authority = 'ETA' AND state IN ('waiting', 'attention')
                    RETURNING uuid
                    """,
                    cancellationToken,
                    ("$uuid", uuid.ToString()), ("$error", $"submission {submissionUuid}"), ("$now", now)).ConfigureAwait(false);
                if (reported is not null)
                {
                    await Sql.ExecuteAsync(
                        connection,
                        transaction,
                        """
                        INSERT INTO eta_validations (uuid, submission_uuid, status, polls, next_poll_at, submitted_at)
                        VALUES ($uuid, $submission, 'waiting', 0, $now, $now)
                        ON CONFLICT (uuid) DO NOTHING
                        """,
                        cancellationToken,
                        ("$uuid", uuid.ToString()), ("$submission", submissionUuid), ("$now", now)).ConfigureAwait(false);
                }

                return 0;
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<DueEtaValidation>> DueEtaValidationsAsync(int limit, CancellationToken cancellationToken = default)
    {
        var now = Sql.ToUnixMs(timeProvider.GetUtcNow());
        return database.ReadAsync<IReadOnlyList<DueEtaValidation>>(
            async connection =>
            {
                await using var command = Sql.Command(
                    connection,
                    null,
                    """
                    SELECT v.uuid, d.till_id, d.hash, v.submission_uuid, v.polls
                    FROM eta_validations v JOIN fiscal_documents d ON d.uuid = v.uuid
                    WHERE v.status = 'waiting' AND v.next_poll_at <= $now
                    ORDER BY v.submitted_at, v.submission_uuid, d.counter
                    LIMIT $limit
                    """,
                    ("$now", now), ("$limit", limit));
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                var due = new List<DueEtaValidation>();
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    due.Add(new DueEtaValidation(Guid.Parse(reader.GetString(0)), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4)));
                }

                return due;
            },
            cancellationToken);
    }

    public Task RecordEtaValidationAsync(Guid uuid, EtaValidationStatus status, IReadOnlyList<ZatcaMessage> errors, string? lastError, TimeSpan pollAgainAfter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var now = timeProvider.GetUtcNow();
        var final = status != EtaValidationStatus.Waiting;
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                await Sql.ExecuteAsync(
                    connection,
                    transaction,
                    """
                    UPDATE eta_validations SET status = $status, polls = polls + 1, next_poll_at = $next, errors = $errors, last_error = $error, validated_at = $validated
                    WHERE uuid = $uuid AND status = 'waiting'
                    """,
                    cancellationToken,
                    ("$uuid", uuid.ToString()), ("$status", status.ToString().ToLowerInvariant()), ("$next", Sql.ToUnixMs(now + pollAgainAfter)),
                    ("$errors", errors.Count == 0 ? null : JsonSerializer.Serialize(errors, Json)), ("$error", lastError), ("$validated", final ? Sql.ToUnixMs(now) : null)).ConfigureAwait(false);
                return 0;
            },
            cancellationToken);
    }

    /// <summary>Puts a till's stopped documents back to waiting (after it was onboarded again).</summary>
    public Task ResumeAsync(string authority, string tillId, CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            async (connection, transaction) =>
            {
                await Sql.ExecuteAsync(connection, transaction, "UPDATE fiscal_documents SET state = 'waiting', next_attempt_at = 0 WHERE authority = $authority AND till_id = $till AND state = 'attention'", cancellationToken, ("$authority", authority), ("$till", tillId)).ConfigureAwait(false);
                return 0;
            },
            cancellationToken);

    /// <summary>Documents for the dashboard: those that need someone first, then the newest.</summary>
    public Task<IReadOnlyList<FiscalDocumentState>> ListAsync(int limit, CancellationToken cancellationToken = default) =>
        database.ReadAsync<IReadOnlyList<FiscalDocumentState>>(
            async connection =>
            {
                await using var command = Sql.Command(
                    connection,
                    null,
                    """
                    SELECT d.uuid, d.authority, d.store_id, d.till_id, d.sale_number, d.counter, d.state, d.attempts, d.warnings, d.errors, d.last_error, d.issued_at, d.answered_at, c.state,
                        v.submission_uuid, v.status, v.errors, v.polls, v.last_error, v.validated_at
                    FROM fiscal_documents d LEFT JOIN zatca_clearances c ON c.uuid = d.uuid LEFT JOIN eta_validations v ON v.uuid = d.uuid
                    ORDER BY CASE WHEN d.state = 'rejected' OR v.status IN ('invalid', 'cancelled') THEN 0 WHEN d.state = 'attention' THEN 1 WHEN d.state = 'waiting' OR v.status = 'waiting' THEN 2 WHEN d.state = 'warnings' THEN 3 ELSE 4 END, d.issued_at DESC
                    LIMIT $limit
                    """,
                    ("$limit", limit));
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                var list = new List<FiscalDocumentState>();
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    list.Add(new FiscalDocumentState(
                        Guid.Parse(reader.GetString(0)), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetInt64(5), reader.GetString(6), reader.GetInt32(7),
                        Messages(reader, 8), Messages(reader, 9), reader.IsDBNull(10) ? null : reader.GetString(10),
                        Sql.FromUnixMs(reader.GetInt64(11)), reader.IsDBNull(12) ? null : Sql.FromUnixMs(reader.GetInt64(12)))
                    {
                        Clearance = reader.IsDBNull(13) ? null : Enum.Parse<ZatcaClearanceState>(reader.GetString(13)),
                        Validation = reader.IsDBNull(14) ? null : new EtaValidation(
                            reader.GetString(14), Enum.Parse<EtaValidationStatus>(reader.GetString(15), ignoreCase: true), Messages(reader, 16), reader.GetInt32(17),
                            reader.IsDBNull(18) ? null : reader.GetString(18), reader.IsDBNull(19) ? null : Sql.FromUnixMs(reader.GetInt64(19))),
                    });
                }

                return list;
            },
            cancellationToken);

    private static List<ZatcaMessage> Messages(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? [] : JsonSerializer.Deserialize<List<ZatcaMessage>>(reader.GetString(ordinal), Json) ?? [];
}
