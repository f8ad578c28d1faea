using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using PosBridge.Connector.Receipts;
using PosBridge.Connector.Tills;
using PosBridge.Core.Sync;

namespace PosBridge.Connector.Storage.Sqlite;

/// <summary>
/// Receipt requests from tills, stored durably before they are acknowledged, with the receipt page each links
/// to. The link's token is random (256 bits), kept as its SHA-256 for look-up and encrypted with the
/// connector's secrets key so a retry can send the same link; the database alone never gives the link away.
/// </summary>
internal sealed class SqliteReceiptMessageStore(ConnectorDatabase database, SecretProtector protector, TimeProvider timeProvider) : IReceiptMessageStore
{
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
                await using (var existing = Sql.Command(connection, transaction, "SELECT content_hash, store_id, till_id FROM receipt_messages WHERE request_id = $id", ("$id", request.RequestId.ToString())))
                await using (var reader = await existing.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        return reader.GetString(0) == hash && reader.GetString(1) == storeId && reader.GetString(2) == tillId
                            ? ReceiptRequestReceipt.Duplicate
                            : ReceiptRequestReceipt.Conflict;
                    }
                }

                // The sale may not have reached the connector yet (receipts and sales travel apart), but once it has
                // it must be this store's.
                var saleStore = await Sql.ScalarAsync(connection, transaction, "SELECT store_id FROM sales WHERE id = $sale", cancellationToken, ("$sale", request.SaleId.ToString("D"))).ConfigureAwait(false) as string;
                if (saleStore is not null && !string.Equals(saleStore, storeId, StringComparison.Ordinal))
                {
                    return ReceiptRequestReceipt.OtherStoresSale;
                }

                await Sql.ExecuteAsync(
                    connection,
                    transaction,
                    """
                    INSERT INTO receipt_messages (request_id, store_id, till_id, sale_id, sale_number, channel, recipient, language, store_name,
                        content_hash, receipt_html, token_hash, token_protected, received_at, expires_at, state, attempts, next_attempt_at)
                    VALUES ($id, $store, $till, $sale, $number, $channel, $to, $lang, $storeName, $hash, $html, $tokenHash, $token, $now, $expires, 'pending', 0, $now)
                    """,
                    cancellationToken,
                    ("$id", request.RequestId.ToString()),
                    ("$store", storeId),
                    ("$till", tillId),
                    ("$sale", request.SaleId.ToString()),
                    ("$number", request.SaleNumber),
                    ("$channel", request.Channel),
                    ("$to", recipient),
                    ("$lang", request.Language),
                    ("$storeName", request.StoreName),
                    ("$hash", hash),
                    ("$html", request.ReceiptHtml),
                    ("$tokenHash", TokenHash(token)),
                    ("$token", protector.Protect(Encoding.UTF8.GetBytes(token))),
                    ("$now", Sql.ToUnixMs(now)),
                    ("$expires", Sql.ToUnixMs(now + linkLifetime))).ConfigureAwait(false);
                return ReceiptRequestReceipt.Accepted;
            },
            cancellationToken);
    }

    /// <summary>The receipt page a link names, while the link lasts; null for an unknown or expired token.</summary>
    public Task<string?> PageAsync(string token, CancellationToken cancellationToken = default) =>
        database.ReadAsync(
            async connection => (string?)await Sql.ScalarAsync(
                connection,
                null,
                "SELECT receipt_html FROM receipt_messages WHERE token_hash = $hash AND expires_at > $now",
                cancellationToken,
                ("$hash", TokenHash(token)),
                ("$now", Sql.ToUnixMs(timeProvider.GetUtcNow()))).ConfigureAwait(false),
            cancellationToken);

    /// <summary>
    /// Messages left 'sending' by a run that never finished (the process died mid-send): whether the customer got
    /// them is unknown, so they become 'uncertain' and are not sent again. Answers how many.
    /// </summary>
    public Task<int> SettleInterruptedAsync(CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            async (connection, transaction) =>
            {
                await using var command = Sql.Command(connection, transaction, "UPDATE receipt_messages SET state = 'uncertain', last_error = 'the connector stopped while sending; not sent again in case it arrived' WHERE state = 'sending'");
                return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);

    /// <summary>Pending messages on <paramref name="channels"/> whose next try is due, oldest first.</summary>
    public Task<List<StoredReceiptMessage>> DueAsync(IReadOnlyCollection<string> channels, int limit, CancellationToken cancellationToken = default) =>
        database.ReadAsync(
            async connection =>
            {
                var due = new List<StoredReceiptMessage>();
                await using var command = Sql.Command(
                    connection,
                    null,
                    """
                    SELECT request_id, till_id, sale_number, channel, recipient, language, store_name, token_protected, attempts
                    FROM receipt_messages WHERE state = 'pending' AND next_attempt_at <= $now AND expires_at > $now
                    ORDER BY received_at, request_id LIMIT $limit
                    """,
                    ("$now", Sql.ToUnixMs(timeProvider.GetUtcNow())),
                    ("$limit", limit));
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
                        reader.GetInt32(8)));
                }

                return due;
            },
            cancellationToken);

    /// <summary>Marks the message 'sending' (one more try) before anything leaves; false if another run took it.</summary>
    public Task<bool> ClaimAsync(Guid requestId, CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            async (connection, transaction) =>
            {
                await using var command = Sql.Command(connection, transaction, "UPDATE receipt_messages SET state = 'sending', attempts = attempts + 1 WHERE request_id = $id AND state = 'pending'", ("$id", requestId.ToString()));
                return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
            },
            cancellationToken);

    /// <summary>Records a try's outcome: 'sent', 'dead', or 'pending' again from <paramref name="nextAttempt"/>.</summary>
    public Task RecordAsync(Guid requestId, string state, DateTimeOffset? nextAttempt, string? error, CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            async (connection, transaction) =>
            {
                await Sql.ExecuteAsync(
                    connection,
                    transaction,
                    """
                    UPDATE receipt_messages SET state = $state, next_attempt_at = COALESCE($next, next_attempt_at), last_error = $error,
                        sent_at = CASE WHEN $state = 'sent' THEN $now ELSE sent_at END
                    WHERE request_id = $id AND state = 'sending'
                    """,
                    cancellationToken,
                    ("$id", requestId.ToString()),
                    ("$state", state),
                    ("$next", nextAttempt is { } next ? Sql.ToUnixMs(next) : null),
                    ("$error", error),
                    ("$now", Sql.ToUnixMs(timeProvider.GetUtcNow()))).ConfigureAwait(false);
                return 0;
            },
            cancellationToken);

    public Task<ReceiptMessageCounts> CountsAsync(CancellationToken cancellationToken = default) =>
        database.ReadAsync(
            async connection =>
            {
                var counts = new Dictionary<string, int>(StringComparer.Ordinal);
                await using var command = Sql.Command(connection, null, "SELECT state, COUNT(*) FROM receipt_messages GROUP BY state");
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    counts[reader.GetString(0)] = reader.GetInt32(1);
                }

                return new ReceiptMessageCounts(
                    counts.GetValueOrDefault("pending") + counts.GetValueOrDefault("sending"),
                    counts.GetValueOrDefault("sent"),
                    counts.GetValueOrDefault("dead"),
                    counts.GetValueOrDefault("uncertain"));
            },
            cancellationToken);

    /// <summary>Dead and uncertain messages, newest first.</summary>
    public Task<List<ReceiptProblem>> ProblemsAsync(int limit, CancellationToken cancellationToken = default) =>
        database.ReadAsync(
            async connection =>
            {
                await using var command = Sql.Command(
                    connection,
                    null,
                    """
                    SELECT request_id, store_id, till_id, sale_number, channel, recipient, state, attempts, last_error, received_at, expires_at
                    FROM receipt_messages WHERE state IN ('dead', 'uncertain') ORDER BY received_at DESC, request_id LIMIT $limit
                    """,
                    ("$limit", limit));
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
                        reader.GetInt32(7),
                        reader.IsDBNull(8) ? null : reader.GetString(8),
                        Sql.FromUnixMs(reader.GetInt64(9)),
                        Sql.FromUnixMs(reader.GetInt64(10))));
                }

                return problems;
            },
            cancellationToken);

    /// <summary>
    /// Puts a dead or uncertain message back in the queue, due now with its tries counted from zero: a manager's
    /// decision (an uncertain one may reach the customer twice). Refused while its link would no longer open.
    /// </summary>
    public Task<ResendOutcome> ResendAsync(Guid requestId, CancellationToken cancellationToken = default)
    {
        var now = timeProvider.GetUtcNow();
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                await using (var read = Sql.Command(connection, transaction, "SELECT state, expires_at FROM receipt_messages WHERE request_id = $id", ("$id", requestId.ToString())))
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

                    if (Sql.FromUnixMs(reader.GetInt64(1)) <= now)
                    {
                        return ResendOutcome.Expired;
                    }
                }

                await Sql.ExecuteAsync(
                    connection,
                    transaction,
                    "UPDATE receipt_messages SET state = 'pending', attempts = 0, next_attempt_at = $now, last_error = NULL WHERE request_id = $id AND state IN ('dead', 'uncertain')",
                    cancellationToken,
                    ("$id", requestId.ToString()),
                    ("$now", Sql.ToUnixMs(now))).ConfigureAwait(false);
                return ResendOutcome.Queued;
            },
            cancellationToken);
    }

    public static string TokenHash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token ?? string.Empty)));
}
