using System.Globalization;
using PosBridge.Connector.Tills;
using PosBridge.Core.Sync;

namespace PosBridge.Connector.Storage.Postgres;

/// <summary>
/// The numbering epochs of tills on PostgreSQL (<c>till_numbering</c>), as the SQLite store keeps
/// them. An epoch is issued by one conditional upsert, so two instances answering the same till at once issue the same
/// epoch and never one twice or one lower.
/// </summary>
internal sealed class PostgresNumberingEpochs(PostgresDatabase database, TimeProvider timeProvider) : INumberingEpochs
{
    /// <summary>The epoch a till starts in, before any restore (as on SQLite).</summary>
    public const int First = 1;

    public async Task<TillNumbering> FactsAsync(string tillId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var epoch = await PostgresSql.ScalarAsync(connection, null, "SELECT epoch FROM till_numbering WHERE till_id = @till", cancellationToken, ("till", tillId)).ConfigureAwait(false);
        var lastSale = (string?)await PostgresSql.ScalarAsync(connection, null, "SELECT id FROM sales WHERE till_id = @till ORDER BY seq DESC LIMIT 1", cancellationToken, ("till", tillId)).ConfigureAwait(false);
        // PostgreSQL has no insertion order to break a tie of the same instant (SQLite's rowid): the shift id does.
        var lastShift = (string?)await PostgresSql.ScalarAsync(connection, null, "SELECT shift_id FROM shift_closings WHERE till_id = @till ORDER BY received_at DESC, shift_id DESC LIMIT 1", cancellationToken, ("till", tillId)).ConfigureAwait(false);
        var chains = new List<FiscalChainHead>();
        await using (var command = PostgresSql.Command(
            connection,
            null,
            "SELECT f.authority, f.counter, f.hash FROM fiscal_documents f WHERE f.till_id = @till AND f.counter = (SELECT MAX(g.counter) FROM fiscal_documents g WHERE g.till_id = f.till_id AND g.authority = f.authority) ORDER BY f.authority",
            ("till", tillId)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                chains.Add(new FiscalChainHead(reader.GetString(0), reader.GetInt64(1), reader.GetString(2)));
            }
        }

        return new TillNumbering
        {
            Epoch = epoch is null ? First : Convert.ToInt32(epoch, CultureInfo.InvariantCulture),
            LastSaleId = lastSale is null ? null : Guid.Parse(lastSale, CultureInfo.InvariantCulture),
            LastClosedShiftId = lastShift,
            FiscalChains = chains,
        };
    }

    public Task<int> NextAsync(string tillId, int after, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(after, First);
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                // Written only when what is stored is not later than 'after'; otherwise the later epoch is given again.
                var issued = await PostgresSql.ScalarAsync(
                    connection,
                    transaction,
                    """
                    INSERT INTO till_numbering (till_id, epoch, issued_at) VALUES (@till, @epoch, @now)
                    ON CONFLICT (till_id) DO UPDATE SET epoch = excluded.epoch, issued_at = excluded.issued_at
                    WHERE till_numbering.epoch <= @after
                    RETURNING epoch
                    """,
                    cancellationToken,
                    ("till", tillId), ("epoch", (long)after + 1), ("after", (long)after), ("now", timeProvider.GetUtcNow().ToUnixTimeMilliseconds())).ConfigureAwait(false)
                    ?? await PostgresSql.ScalarAsync(connection, transaction, "SELECT epoch FROM till_numbering WHERE till_id = @till", cancellationToken, ("till", tillId)).ConfigureAwait(false);
                return Convert.ToInt32(issued, CultureInfo.InvariantCulture);
            },
            cancellationToken);
    }
}
