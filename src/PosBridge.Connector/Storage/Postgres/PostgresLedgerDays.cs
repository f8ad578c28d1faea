using System.Globalization;
using PosBridge.Connector.Ledgers;

namespace PosBridge.Connector.Storage.Postgres;

/// <summary>
/// Written days in <c>ledger_days</c>, the day as <c>yyyy-MM-dd</c> text so it sorts as it reads. A day recorded twice
/// (two instances writing the same ledger) keeps the first record, as on SQLite.
/// </summary>
internal sealed class PostgresLedgerDays(PostgresDatabase database) : ILedgerDays
{
    public async Task<DateOnly?> LastWrittenAsync(string ledger, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await PostgresSql.ScalarAsync(connection, null, "SELECT MAX(business_day COLLATE \"C\") FROM ledger_days WHERE ledger = @ledger", cancellationToken, ("ledger", ledger)).ConfigureAwait(false) is string text
            ? DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture)
            : null;
    }

    public async Task RecordWrittenAsync(string ledger, DateOnly day, int journals, DateTimeOffset writtenAt, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await PostgresSql.ExecuteAsync(
            connection,
            null,
            "INSERT INTO ledger_days (ledger, business_day, journals, written_at) VALUES (@ledger, @day, @journals, @now) ON CONFLICT (ledger, business_day) DO NOTHING",
            cancellationToken,
            ("ledger", ledger), ("day", day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), ("journals", (long)journals), ("now", writtenAt.ToUnixTimeMilliseconds())).ConfigureAwait(false);
    }
}
