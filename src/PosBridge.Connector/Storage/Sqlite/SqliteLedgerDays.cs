using System.Globalization;
using PosBridge.Connector.Ledgers;

namespace PosBridge.Connector.Storage.Sqlite;

/// <summary>Written days in <c>ledger_days</c>, the day as <c>yyyy-MM-dd</c> text so it sorts as it reads.</summary>
internal sealed class SqliteLedgerDays(ConnectorDatabase database) : ILedgerDays
{
    public Task<DateOnly?> LastWrittenAsync(string ledger, CancellationToken cancellationToken = default) =>
        database.ReadAsync(
            async connection => await Sql.ScalarAsync(connection, null, "SELECT MAX(business_day) FROM ledger_days WHERE ledger = $ledger", cancellationToken, ("$ledger", ledger)).ConfigureAwait(false) is string text
                ? DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture)
                : (DateOnly?)null,
            cancellationToken);

    public Task RecordWrittenAsync(string ledger, DateOnly day, int journals, DateTimeOffset writtenAt, CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            async (connection, transaction) =>
            {
                await Sql.ExecuteAsync(
                    connection,
                    transaction,
                    "INSERT INTO ledger_days (ledger, business_day, journals, written_at) VALUES ($ledger, $day, $journals, $now) ON CONFLICT (ledger, business_day) DO NOTHING",
                    cancellationToken,
                    ("$ledger", ledger), ("$day", day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), ("$journals", journals), ("$now", Sql.ToUnixMs(writtenAt))).ConfigureAwait(false);
                return 0;
            },
            cancellationToken);
}
