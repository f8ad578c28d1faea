using System.Text.Json;
using Npgsql;
using PosBridge.Connector.Fiscal;

namespace PosBridge.Connector.Storage.Postgres;

/// <summary>
/// The connector's record of fiscal documents (<c>fiscal_documents</c>, <c>zatca_clearances</c>, <c>eta_validations</c>):
/// stored durably before the till is told, keyed by uuid so a re-upload adds nothing, and with the authority's answer
/// per document. Several instances report: asking for what is due claims it (<c>FOR UPDATE SKIP LOCKED</c>, its next
/// attempt moved <see cref="ClaimFor"/> ahead), so two instances asking at once never get the same document or
/// validation, and one whose instance died before recording an answer is due again when the claim runs out.
/// </summary>
internal sealed class PostgresFiscalDocumentStore(PostgresDatabase database, TimeProvider timeProvider) : IFiscalDocumentStore
{
    /// <summary>How long a claimed document or validation is left to the instance that claimed it: longer than a run takes.</summary>
    internal static readonly TimeSpan ClaimFor = TimeSpan.FromMinutes(10);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task<FiscalUploadResult> ReceiveAsync(string storeId, string tillId, FiscalUpload upload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(upload);
        var now = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                // Nothing is inserted when the uuid or the till's counter is taken: two instances taking the same upload
                // at once store it once, and the other compares with what was stored.
                var inserted = await PostgresSql.ExecuteAsync(
                    connection,
                    transaction,
                    """
                    INSERT INTO fiscal_documents (uuid, authority, store_id, till_id, sale_number, counter, hash, document, issued_at, received_at, state, attempts, next_attempt_at)
                    VALUES (@uuid, @authority, @store, @till, @number, @counter, @hash, @document, @issued, @now, 'waiting', 0, @now)
                    ON CONFLICT DO NOTHING
                    """,
                    cancellationToken,
                    ("uuid", upload.Uuid.ToString()), ("authority", upload.Authority), ("store", storeId), ("till", tillId), ("number", upload.SaleNumber),
                    ("counter", upload.Counter), ("hash", upload.Hash), ("document", upload.Document), ("issued", upload.IssuedAt.ToUnixTimeMilliseconds()), ("now", now)).ConfigureAwait(false);
                if (inserted == 1)
                {
                    return FiscalUploadResult.Accepted;
                }

                await using var existing = PostgresSql.Command(connection, transaction, "SELECT hash, document, till_id FROM fiscal_documents WHERE uuid = @uuid OR (authority = @authority AND till_id = @till AND counter = @counter) ORDER BY uuid = @uuid DESC LIMIT 1", ("uuid", upload.Uuid.ToString()), ("authority", upload.Authority), ("till", tillId), ("counter", upload.Counter));
                await using var reader = await existing.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                    && reader.GetString(0) == upload.Hash && reader.GetString(1) == upload.Document && reader.GetString(2) == tillId
                    ? FiscalUploadResult.Duplicate
                    : FiscalUploadResult.Conflict;
            },
            cancellationToken);
    }

    public async Task<ZatcaClearanceResult?> FindClearanceAsync(string tillId, FiscalUpload invoice, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = PostgresSql.Command(
            connection,
            null,
            """
            SELECT d.uuid, d.hash, d.document, d.till_id, d.warnings, d.errors, c.state, c.cleared_invoice
            FROM fiscal_documents d LEFT JOIN zatca_clearances c ON c.uuid = d.uuid
            WHERE d.uuid = @uuid OR (d.authority = 'ZATCA' AND d.till_id = @till AND d.counter = @counter)
            ORDER BY d.uuid = @uuid DESC
            LIMIT 1
            """,
            ("uuid", invoice.Uuid.ToString()), ("till", tillId), ("counter", invoice.Counter));
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
    }

    public Task RecordClearanceAsync(string storeId, string tillId, FiscalUpload invoice, ZatcaClearanceResult result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        ArgumentNullException.ThrowIfNull(result);
        var now = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
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
                var inserted = await PostgresSql.ScalarAsync(
                    connection,
                    transaction,
                    """
                    INSERT INTO fiscal_documents (uuid, authority, store_id, till_id, sale_number, counter, hash, document, issued_at, received_at, state, attempts, next_attempt_at, warnings, errors, answered_at)
                    VALUES (@uuid, 'ZATCA', @store, @till, @number, @counter, @hash, @document, @issued, @now, @state, @attempts, @now, @warnings, @errors, @answered)
                    ON CONFLICT DO NOTHING
                    RETURNING uuid
                    """,
                    cancellationToken,
                    ("uuid", invoice.Uuid.ToString()), ("store", storeId), ("till", tillId), ("number", invoice.SaleNumber), ("counter", invoice.Counter), ("hash", invoice.Hash),
                    ("document", invoice.Document), ("issued", invoice.IssuedAt.ToUnixTimeMilliseconds()), ("now", now), ("state", state), ("attempts", answered ? 1L : 0L),
                    ("warnings", result.Warnings.Count == 0 ? null : JsonSerializer.Serialize(result.Warnings, Json)),
                    ("errors", result.Errors.Count == 0 ? null : JsonSerializer.Serialize(result.Errors, Json)), ("answered", answered ? now : null)).ConfigureAwait(false);
                if (inserted is not null)
                {
                    await PostgresSql.ExecuteAsync(
                        connection,
                        transaction,
                        "INSERT INTO zatca_clearances (uuid, state, cleared_invoice, answered_at) VALUES (@uuid, @state, @cleared, @now)",
                        cancellationToken,
                        ("uuid", invoice.Uuid.ToString()), ("state", result.State.ToString()), ("cleared", result.ClearedInvoice), ("now", now)).ConfigureAwait(false);
                }

                return 0;
            },
            cancellationToken);
    }

    /// <summary>
    /// Documents waiting whose next attempt is due, oldest first, in each till's chain order — claimed for this caller:
    /// rows another instance is claiming are skipped, and those returned are not due again for <see cref="ClaimFor"/>
    /// unless an answer is recorded first.
    /// </summary>
    public async Task<IReadOnlyList<DueFiscalDocument>> DueAsync(string authority, int limit, CancellationToken cancellationToken = default)
    {
        var now = timeProvider.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = PostgresSql.Command(
            connection,
            null,
            """
            WITH due AS (
                SELECT uuid FROM fiscal_documents
                WHERE authority = @authority AND state = 'waiting' AND next_attempt_at <= @now
                ORDER BY issued_at, till_id COLLATE "C", counter
                LIMIT @limit
                FOR UPDATE SKIP LOCKED)
            UPDATE fiscal_documents d SET next_attempt_at = @claimedUntil FROM due WHERE d.uuid = due.uuid
            RETURNING d.uuid, d.till_id, d.hash, d.document, d.attempts, d.issued_at, d.counter
            """,
            ("authority", authority), ("now", now.ToUnixTimeMilliseconds()), ("limit", limit), ("claimedUntil", (now + ClaimFor).ToUnixTimeMilliseconds()));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var due = new List<(long IssuedAt, long Counter, DueFiscalDocument Document)>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            due.Add((reader.GetInt64(5), reader.GetInt64(6), new DueFiscalDocument(Guid.Parse(reader.GetString(0)), reader.GetString(1), reader.GetString(2), reader.GetString(3), checked((int)reader.GetInt64(4)))));
        }

        // RETURNING keeps no order: the claimed rows are put back in the order they were chosen in.
        return [.. due.OrderBy(d => d.IssuedAt).ThenBy(d => d.Document.TillId, StringComparer.Ordinal).ThenBy(d => d.Counter).Select(d => d.Document)];
    }

    public async Task RecordAsync(Guid uuid, string state, IReadOnlyList<ZatcaMessage> warnings, IReadOnlyList<ZatcaMessage> errors, string? lastError, TimeSpan? retryAfter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(warnings);
        ArgumentNullException.ThrowIfNull(errors);
        var now = timeProvider.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await PostgresSql.ExecuteAsync(
            connection,
            null,
            """
            UPDATE fiscal_documents SET state = @state, attempts = attempts + 1, next_attempt_at = @next, warnings = @warnings, errors = @errors,
                last_error = @error, answered_at = CASE WHEN @state IN ('reported', 'warnings', 'rejected') THEN @now ELSE answered_at END
            WHERE uuid = @uuid AND state IN ('waiting', 'attention')
            """,
            cancellationToken,
            ("uuid", uuid.ToString()), ("state", state), ("next", (now + (retryAfter ?? TimeSpan.Zero)).ToUnixTimeMilliseconds()),
            ("warnings", warnings.Count == 0 ? null : JsonSerializer.Serialize(warnings, Json)),
            ("errors", errors.Count == 0 ? null : JsonSerializer.Serialize(errors, Json)), ("error", lastError), ("now", now.ToUnixTimeMilliseconds())).ConfigureAwait(false);
    }

    public Task RecordEtaSubmittedAsync(Guid uuid, string submissionUuid, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(submissionUuid);
        var now = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                var reported = await PostgresSql.ScalarAsync(
                    connection,
                    transaction,
                    """
                    UPDATE fiscal_documents SET state = 'reported', attempts = attempts + 1, warnings = NULL, errors = NULL, last_error = @error, answered_at = @now
                    WHERE uuid = @uuid AND authority = 'ETA' AND state IN ('waiting', 'attention')
                    RETURNING uuid
                    """,
                    cancellationToken,
                    ("uuid", uuid.ToString()), ("error", $"submission {submissionUuid}"), ("now", now)).ConfigureAwait(false);
                if (reported is not null)
                {
                    await PostgresSql.ExecuteAsync(
                        connection,
                        transaction,
                        """
                        INSERT INTO eta_validations (uuid, submission_uuid, status, polls, next_poll_at, submitted_at)
                        VALUES (@uuid, @submission, 'waiting', 0, @now, @now)
                        ON CONFLICT (uuid) DO NOTHING
                        """,
                        cancellationToken,
                        ("uuid", uuid.ToString()), ("submission", submissionUuid), ("now", now)).ConfigureAwait(false);
                }

                return 0;
            },
            cancellationToken);
    }

    /// <summary>
    /// Accepted e-receipts waiting for their validation whose next poll is due, oldest submission first — claimed as
    /// <see cref="DueAsync"/> claims documents, so two instances never poll the same receipt at once.
    /// </summary>
    public async Task<IReadOnlyList<DueEtaValidation>> DueEtaValidationsAsync(int limit, CancellationToken cancellationToken = default)
    {
        var now = timeProvider.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = PostgresSql.Command(
            connection,
            null,
            """
            WITH due AS (
                SELECT v.uuid FROM eta_validations v JOIN fiscal_documents d ON d.uuid = v.uuid
                WHERE v.status = 'waiting' AND v.next_poll_at <= @now
                ORDER BY v.submitted_at, v.submission_uuid COLLATE "C", d.counter
                LIMIT @limit
                FOR UPDATE OF v SKIP LOCKED)
            UPDATE eta_validations v SET next_poll_at = @claimedUntil FROM due, fiscal_documents d
            WHERE v.uuid = due.uuid AND d.uuid = v.uuid
            RETURNING v.uuid, d.till_id, d.hash, v.submission_uuid, v.polls, v.submitted_at, d.counter
            """,
            ("now", now.ToUnixTimeMilliseconds()), ("limit", limit), ("claimedUntil", (now + ClaimFor).ToUnixTimeMilliseconds()));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var due = new List<(long SubmittedAt, long Counter, DueEtaValidation Validation)>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            due.Add((reader.GetInt64(5), reader.GetInt64(6), new DueEtaValidation(Guid.Parse(reader.GetString(0)), reader.GetString(1), reader.GetString(2), reader.GetString(3), checked((int)reader.GetInt64(4)))));
        }

        return [.. due.OrderBy(d => d.SubmittedAt).ThenBy(d => d.Validation.SubmissionUuid, StringComparer.Ordinal).ThenBy(d => d.Counter).Select(d => d.Validation)];
    }

    public async Task RecordEtaValidationAsync(Guid uuid, EtaValidationStatus status, IReadOnlyList<ZatcaMessage> errors, string? lastError, TimeSpan pollAgainAfter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var now = timeProvider.GetUtcNow();
        var final = status != EtaValidationStatus.Waiting;
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await PostgresSql.ExecuteAsync(
            connection,
            null,
            """
            UPDATE eta_validations SET status = @status, polls = polls + 1, next_poll_at = @next, errors = @errors, last_error = @error, validated_at = @validated
            WHERE uuid = @uuid AND status = 'waiting'
            """,
            cancellationToken,
            ("uuid", uuid.ToString()), ("status", status.ToString().ToLowerInvariant()), ("next", (now + pollAgainAfter).ToUnixTimeMilliseconds()),
            ("errors", errors.Count == 0 ? null : JsonSerializer.Serialize(errors, Json)), ("error", lastError), ("validated", final ? now.ToUnixTimeMilliseconds() : null)).ConfigureAwait(false);
    }

    public async Task ResumeAsync(string authority, string tillId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await PostgresSql.ExecuteAsync(connection, null, "UPDATE fiscal_documents SET state = 'waiting', next_attempt_at = 0 WHERE authority = @authority AND till_id = @till AND state = 'attention'", cancellationToken, ("authority", authority), ("till", tillId)).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<FiscalDocumentState>> ListAsync(int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = PostgresSql.Command(
            connection,
            null,
            """
            SELECT d.uuid, d.authority, d.store_id, d.till_id, d.sale_number, d.counter, d.state, d.attempts, d.warnings, d.errors, d.last_error, d.issued_at, d.answered_at, c.state,
                v.submission_uuid, v.status, v.errors, v.polls, v.last_error, v.validated_at
            FROM fiscal_documents d LEFT JOIN zatca_clearances c ON c.uuid = d.uuid LEFT JOIN eta_validations v ON v.uuid = d.uuid
            ORDER BY CASE WHEN d.state = 'rejected' OR v.status IN ('invalid', 'cancelled') THEN 0 WHEN d.state = 'attention' THEN 1 WHEN d.state = 'waiting' OR v.status = 'waiting' THEN 2 WHEN d.state = 'warnings' THEN 3 ELSE 4 END, d.issued_at DESC
            LIMIT @limit
            """,
            ("limit", limit));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<FiscalDocumentState>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(new FiscalDocumentState(
                Guid.Parse(reader.GetString(0)), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetInt64(5), reader.GetString(6), checked((int)reader.GetInt64(7)),
                Messages(reader, 8), Messages(reader, 9), reader.IsDBNull(10) ? null : reader.GetString(10),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(11)), reader.IsDBNull(12) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(12)))
            {
                Clearance = reader.IsDBNull(13) ? null : Enum.Parse<ZatcaClearanceState>(reader.GetString(13)),
                Validation = reader.IsDBNull(14) ? null : new EtaValidation(
                    reader.GetString(14), Enum.Parse<EtaValidationStatus>(reader.GetString(15), ignoreCase: true), Messages(reader, 16), checked((int)reader.GetInt64(17)),
                    reader.IsDBNull(18) ? null : reader.GetString(18), reader.IsDBNull(19) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(19))),
            });
        }

        return list;
    }

    private static List<ZatcaMessage> Messages(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? [] : JsonSerializer.Deserialize<List<ZatcaMessage>>(reader.GetString(ordinal), Json) ?? [];
}
