using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using PosBridge.Connector.Receipts;
using PosBridge.Connector.Tills;
using PosBridge.Core.Sync;

namespace PosBridge.Connector.Storage.Postgres;

/// <summary>
/// Receipt requests from tills (<c>receipt_messages</c>), stored durably before they are acknowledged, with the receipt
/// page each links to; the link's token kept as its SHA-256 and encrypted with the connector's secrets key, as on
/// SQLite. Several instances send: a message is claimed by one conditional update (only one instance's claim finds it
/// pending), the claim names the instance, and a run takes for cut off only its own instance's earlier claims, those of
/// no instance, and claims older than any send can take — never another instance's send in flight.
/// </summary>
internal sealed class PostgresReceiptMessageStore(PostgresDatabase database, SecretProtector protector, ConnectorInstance instance, TimeProvider timeProvider) : IReceiptMessageStore
{
    /// <summary>
    /// How long a claim may last before it counts as cut off although another instance made it: far longer than a
    /// gateway's answer takes (senders time out within minutes), so only a send whose instance died is taken for one.
    /// </summary>
    internal static readonly TimeSpan ClaimGivenUpAfter = TimeSpan.FromMinutes(30);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task<ReceiptRequestReceipt> ReceiveAsync(string storeId, string tillId, ReceiptMessageRequest request, TimeSpan linkLifetime, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        _ = ReceiptAddress.Normalize(request.Channel, request.To, out var recipient);
        var hash = Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request with { To = recipient }, Json)));
        var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var now = timeProvider.GetUtcNow();
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                // The sale may not have reached the connector yet (receipts and sales travel apart), but once it has
                // it must be this store's.
                var saleStore = await PostgresSql.ScalarAsync(connection, transaction, "SELECT store_id FROM sales WHERE id = @sale", cancellationToken, ("sale", request.SaleId.ToString("D"))).ConfigureAwait(false) as string;
                if (saleStore is not null && !string.Equals(saleStore, storeId, StringComparison.Ordinal))
                {
                    return ReceiptRequestReceipt.OtherStoresSale;
                }

                // One insert that does nothing when the request is there: two instances taking the same request at once
                // store it once, and the other compares with what was stored.
                var inserted = await PostgresSql.ExecuteAsync(
                    connection,
                    transaction,
                    """
                    INSERT INTO receipt_messages (request_id, store_id, till_id, sale_id, sale_number, channel, recipient, language, store_name,
                        content_hash, receipt_html, token_hash, token_protected, received_at, expires_at, state, attempts, next_attempt_at)
                    VALUES (@id, @store, @till, @sale, @number, @channel, @to, @lang, @storeName, @hash, @html, @tokenHash, @token, @now, @expires, 'pending', 0, @now)
                    ON CONFLICT (request_id) DO NOTHING
                    """,
                    cancellationToken,
                    ("id", request.RequestId.ToString()),
                    ("store", storeId),
                    ("till", tillId),
                    ("sale", request.SaleId.ToString()),
                    ("number", request.SaleNumber),
                    ("channel", request.Channel),
                    ("to", recipient),
                    ("lang", request.Language),
                    ("storeName", request.StoreName),
                    ("hash", hash),
                    ("html", request.ReceiptHtml),
                    ("tokenHash", TokenHash(token)),
                    ("token", protector.Protect(Encoding.UTF8.GetBytes(token))),
                    ("now", now.ToUnixTimeMilliseconds()),
                    ("expires", (now + linkLifetime).ToUnixTimeMilliseconds())).ConfigureAwait(false);
                if (inserted == 1)
                {
                    return ReceiptRequestReceipt.Accepted;
                }

                await using var existing = PostgresSql.Command(connection, transaction, "SELECT content_hash, store_id, till_id FROM receipt_messages WHERE request_id = @id", ("id", request.RequestId.ToString()));
                await using var reader = await existing.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                    && reader.GetString(0) == hash && reader.GetString(1) == storeId && reader.GetString(2) == tillId
                    ? ReceiptRequestReceipt.Duplicate
                    : ReceiptRequestReceipt.Conflict;
            },
            cancellationToken);
    }

    public async Task<string?> PageAsync(string token, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return (string?)await PostgresSql.ScalarAsync(
            connection,
            null,
            "SELECT receipt_html FROM receipt_messages WHERE token_hash = @hash AND expires_at > @now",
            cancellationToken,
            ("hash", TokenHash(token)),
            ("now", timeProvider.GetUtcNow().ToUnixTimeMilliseconds())).ConfigureAwait(false);
    }

    /// <summary>
    /// Messages left 'sending' by a run that never finished: this instance's own (its runs take turns, so none of its
    /// sends is in flight when a run starts), those no instance claimed by name, and any claimed longer ago than
    /// <see cref="ClaimGivenUpAfter"/> (its instance died). Whether the customer got them is unknown, so they become
    /// 'uncertain' and are not sent again.
    /// </summary>
    public async Task<int> SettleInterruptedAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await PostgresSql.ExecuteAsync(
            connection,
            null,
            """
            UPDATE receipt_messages SET state = 'uncertain', last_error = 'the connector stopped while sending; not sent again in case it arrived'
            WHERE state = 'sending' AND (claimed_by IS NULL OR claimed_by = @me OR claimed_at IS NULL OR claimed_at <= @givenUp)
            """,
            cancellationToken,
            ("me", instance.Id),
            ("givenUp", (timeProvider.GetUtcNow() - ClaimGivenUpAfter).ToUnixTimeMilliseconds())).ConfigureAwait(false);
    }

    public async Task<List<StoredReceiptMessage>> DueAsync(IReadOnlyCollection<string> channels, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channels);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var due = new List<StoredReceiptMessage>();
        await using var command = PostgresSql.Command(
            connection,
            null,
            """
            SELECT request_id, till_id, sale_number, channel, recipient, language, store_name, token_protected, attempts
            FROM receipt_messages WHERE state = 'pending' AND next_attempt_at <= @now AND expires_at > @now
            ORDER BY received_at, request_id COLLATE "C" LIMIT @limit
            """,
            ("now", timeProvider.GetUtcNow().ToUnixTimeMilliseconds()),
            ("limit", limit));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var channel = reader.GetString(3);
            if (!channels.Contains(channel))
            {
                continue;
            }

            due.Add(new StoredReceiptMessage(
                Guid.Parse(reader.GetString(0)),
                reader.GetString(1),
                reader.GetString(2),
                channel,
                reader.GetString(4),
                reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                Encoding.UTF8.GetString(protector.Unprotect(reader.GetString(7))),
                checked((int)reader.GetInt64(8))));
        }

        return due;
    }

    /// <summary>
    /// Marks the message 'sending' for this instance: one conditional update, so of two instances claiming at once the
    /// second finds it no longer pending (PostgreSQL re-reads the row it waited for) and is refused.
    /// </summary>
    public async Task<bool> ClaimAsync(Guid requestId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await PostgresSql.ExecuteAsync(
            connection,
            null,
            "UPDATE receipt_messages SET state = 'sending', attempts = attempts + 1, claimed_by = @me, claimed_at = @now WHERE request_id = @id AND state = 'pending'",
            cancellationToken,
            ("id", requestId.ToString()),
            ("me", instance.Id),
            ("now", timeProvider.GetUtcNow().ToUnixTimeMilliseconds())).ConfigureAwait(false) == 1;
    }

    public async Task RecordAsync(Guid requestId, string state, DateTimeOffset? nextAttempt, string? error, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await PostgresSql.ExecuteAsync(
            connection,
            null,
            """
            UPDATE receipt_messages SET state = @state, next_attempt_at = COALESCE(@next, next_attempt_at), last_error = @error,
                sent_at = CASE WHEN @state = 'sent' THEN @now ELSE sent_at END, claimed_by = NULL, claimed_at = NULL
            WHERE request_id = @id AND state = 'sending'
            """,
            cancellationToken,
            ("id", requestId.ToString()),
            ("state", state),
            ("next", nextAttempt?.ToUnixTimeMilliseconds()),
            ("error", error),
            ("now", timeProvider.GetUtcNow().ToUnixTimeMilliseconds())).ConfigureAwait(false);
    }

    public async Task<ReceiptMessageCounts> CountsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        await using var command = PostgresSql.Command(connection, null, "SELECT state, COUNT(*) FROM receipt_messages GROUP BY state");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            counts[reader.GetString(0)] = checked((int)reader.GetInt64(1));
        }

        return new ReceiptMessageCounts(
            counts.GetValueOrDefault("pending") + counts.GetValueOrDefault("sending"),
            counts.GetValueOrDefault("sent"),
            counts.GetValueOrDefault("dead"),
            counts.GetValueOrDefault("uncertain"));
    }

    public async Task<List<ReceiptProblem>> ProblemsAsync(int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = PostgresSql.Command(
            connection,
            null,
            """
            SELECT request_id, store_id, till_id, sale_number, channel, recipient, state, attempts, last_error, received_at, expires_at
            FROM receipt_messages WHERE state IN ('dead', 'uncertain') ORDER BY received_at DESC, request_id COLLATE "C" LIMIT @limit
            """,
            ("limit", limit));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var problems = new List<ReceiptProblem>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            problems.Add(new ReceiptProblem(
                Guid.Parse(reader.GetString(0)),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                reader.GetString(5),
                reader.GetString(6),
                checked((int)reader.GetInt64(7)),
                reader.IsDBNull(8) ? null : reader.GetString(8),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(9)),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(10))));
        }

        return problems;
    }

    public Task<ResendOutcome> ResendAsync(Guid requestId, CancellationToken cancellationToken = default)
    {
        var now = timeProvider.GetUtcNow();
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                // The row locked while it is judged, so two managers resending at once queue it once.
                await using (var read = PostgresSql.Command(connection, transaction, "SELECT state, expires_at FROM receipt_messages WHERE request_id = @id FOR UPDATE", ("id", requestId.ToString())))
                await using (var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        return ResendOutcome.NotFound;
                    }

                    if (reader.GetString(0) is not ("dead" or "uncertain"))
                    {
                        return ResendOutcome.NotStuck;
                    }

                    if (DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)) <= now)
                    {
                        return ResendOutcome.Expired;
                    }
                }

                await PostgresSql.ExecuteAsync(
                    connection,
                    transaction,
                    "UPDATE receipt_messages SET state = 'pending', attempts = 0, next_attempt_at = @now, last_error = NULL WHERE request_id = @id AND state IN ('dead', 'uncertain')",
                    cancellationToken,
                    ("id", requestId.ToString()),
                    ("now", now.ToUnixTimeMilliseconds())).ConfigureAwait(false);
                return ResendOutcome.Queued;
            },
            cancellationToken);
    }

    private static string TokenHash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token ?? string.Empty)));
}
