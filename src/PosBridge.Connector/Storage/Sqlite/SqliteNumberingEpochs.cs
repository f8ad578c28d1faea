using System.Globalization;
using PosBridge.Connector.Tills;
using PosBridge.Core.Sync;

namespace PosBridge.Connector.Storage.Sqlite;

/// <summary>
/// The numbering epochs of tills (<c>till_numbering</c>). A till tells from <see cref="FactsAsync"/> whether its
/// database is older than what it sent (a restore or a reinstall) and then continues in the epoch
/// <see cref="NextAsync"/> issues; numbers carry the epoch, so they never collide with numbers sent before.
/// </summary>
internal sealed class SqliteNumberingEpochs(ConnectorDatabase database, TimeProvider timeProvider) : INumberingEpochs
{
    /// <summary>The epoch a till starts in, before any restore.</summary>
    public const int First = 1;

    /// <summary>What the connector holds of the till's numbering: its latest epoch, last sale and last closed shift.</summary>
    public Task<TillNumbering> FactsAsync(string tillId, CancellationToken cancellationToken = default) =>
        database.ReadAsync(
            async connection =>
            {
                var epoch = await Sql.ScalarAsync(connection, null, "SELECT epoch FROM till_numbering WHERE till_id = $till", cancellationToken, ("$till", tillId)).ConfigureAwait(false);
                var lastSale = (string?)await Sql.ScalarAsync(connection, null, "SELECT id FROM sales WHERE till_id = $till ORDER BY seq DESC LIMIT 1", cancellationToken, ("$till", tillId)).ConfigureAwait(false);
                var lastShift = (string?)await Sql.ScalarAsync(connection, null, "SELECT shift_id FROM shift_closings WHERE till_id = $till ORDER BY received_at DESC, rowid DESC LIMIT 1", cancellationToken, ("$till", tillId)).ConfigureAwait(false);
                var chains = new List<FiscalChainHead>();
                await using (var command = Sql.Command(
                    connection,
                    null,
                    "SELECT f.authority, f.counter, f.hash FROM fiscal_documents f WHERE f.till_id = $till AND f.counter = (SELECT MAX(g.counter) FROM fiscal_documents g WHERE g.till_id = f.till_id AND g.authority = f.authority) ORDER BY f.authority",
                    ("$till", tillId)))
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
            },
            cancellationToken);

    /// <summary>
    /// Issues the epoch after <paramref name="after"/>: when one later than it was issued already (the till asking again
    /// after a lost answer, or a till older still), that one is given again, so epochs only grow and a retry never burns one.
    /// </summary>
    public Task<int> NextAsync(string tillId, int after, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(after, First);
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                var stored = await Sql.ScalarAsync(connection, transaction, "SELECT epoch FROM till_numbering WHERE till_id = $till", cancellationToken, ("$till", tillId)).ConfigureAwait(false);
                var current = stored is null ? First : Convert.ToInt32(stored, CultureInfo.InvariantCulture);
                if (current > after)
                {
                    return current;
                }

                await Sql.ExecuteAsync(
                    connection,
                    transaction,
                    "INSERT INTO till_numbering (till_id, epoch, issued_at) VALUES ($till, $epoch, $now) ON CONFLICT (till_id) DO UPDATE SET epoch = excluded.epoch, issued_at = excluded.issued_at",
                    cancellationToken,
                    ("$till", tillId),
                    ("$epoch", after + 1),
                    ("$now", Sql.ToUnixMs(timeProvider.GetUtcNow()))).ConfigureAwait(false);
                return after + 1;
            },
            cancellationToken);
    }
}
