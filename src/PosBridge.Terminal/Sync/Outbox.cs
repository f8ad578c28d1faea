using PosBridge.Terminal.Storage;
using PosBridge.Till.Sync;

namespace PosBridge.Terminal.Sync;

/// <summary>
/// The till's outbox: committed sales and shift closes in commit order, each marked sent only on the
/// connector's acknowledgement.
/// </summary>
public sealed class Outbox
{
    private const string EntrySelect =
        "SELECT o.Seq, o.Kind, COALESCE(o.SaleId, '') AS SaleId, COALESCE(s.SaleNumber, o.ShiftId) AS SaleNumber, o.State, o.Attempts, o.LastError FROM Outbox o LEFT JOIN Sales s ON s.Id = o.SaleId ";

    private readonly TillDatabase _database;
    private readonly TimeProvider _timeProvider;

    public Outbox(TillDatabase database, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _database = database;
        _timeProvider = timeProvider;
    }

    /// <summary>Rows (sales and shift closes) not yet acknowledged.</summary>
    public int PendingCount => _database.Scalar<int>("SELECT COUNT(*) FROM Outbox WHERE State = 0");

    /// <summary>Refused rows (sales and shift closes) waiting for the manager: the count of <see cref="Problems"/>.</summary>
    public int ProblemCount => _database.Scalar<int>("SELECT COUNT(*) FROM Outbox WHERE State = 2");

    /// <summary>Sales (and refunds) acknowledged by the connector.</summary>
    public int SentCount => _database.Scalar<int>("SELECT COUNT(*) FROM Outbox WHERE State = 1 AND Kind = 0");

    /// <summary>When the oldest sale still waiting to upload was made; null when none waits.</summary>
    public DateTimeOffset? OldestPendingCreatedAtUtc() =>
        _database.Scalar<string?>("SELECT MIN(s.CreatedAtUtc) FROM Outbox o JOIN Sales s ON s.Id = o.SaleId WHERE o.State = 0") is { } oldest
            ? TillDatabase.Instant(oldest)
            : null;

    /// <summary>Sales the connector refused, with why, for the manager's screen.</summary>
    public IReadOnlyList<OutboxEntry> Rejected() => Entries("WHERE o.State = 2 AND o.Kind = 0");

    /// <summary>Every refused row (sales and shift closes), with why: what the manager must look at.</summary>
    public IReadOnlyList<OutboxEntry> Problems() => Entries("WHERE o.State = 2");

    /// <summary>Shift closes, in order, whatever their state.</summary>
    public IReadOnlyList<OutboxEntry> ShiftClosings() => Entries("WHERE o.Kind = 1");

    /// <summary>
    /// The next sales to send: pending, in order, and all before the first pending shift close, so a close
    /// never overtakes a sale and no sale after it goes before it.
    /// </summary>
    internal IReadOnlyList<(long Seq, Guid SaleId, string Json)> NextBatch(int size) =>
        _database.Query<BatchRow>(
                """
                SELECT o.Seq, o.SaleId, s.Json FROM Outbox o JOIN Sales s ON s.Id = o.SaleId
                WHERE o.State = 0 AND o.Kind = 0
                  AND o.Seq < COALESCE((SELECT MIN(c.Seq) FROM Outbox c WHERE c.State = 0 AND c.Kind = 1), 9223372036854775807)
                ORDER BY o.Seq LIMIT ?
                """,
                size)
            .ConvertAll(r => (r.Seq, Guid.Parse(r.SaleId), r.Json));

    /// <summary>The first pending shift close, if no pending sale is ahead of it.</summary>
    internal (long Seq, string ShiftId, string Json)? NextShiftClosing()
    {
        var row = _database.Query<ClosingRow>(
                """
                SELECT o.Seq, o.ShiftId, o.Json FROM Outbox o
                WHERE o.State = 0 AND o.Kind = 1
                  AND NOT EXISTS (SELECT 1 FROM Outbox e WHERE e.State = 0 AND e.Seq < o.Seq)
                ORDER BY o.Seq LIMIT 1
                """)
            .FirstOrDefault();
        return row is null ? null : (row.Seq, row.ShiftId, row.Json);
    }

    /// <summary>Records one upload's outcome for its rows, in one transaction.</summary>
    internal void Record(IEnumerable<(long Seq, bool Sent, string? Error)> outcomes)
    {
        var now = TillDatabase.Text(_timeProvider.GetUtcNow());
        _database.InTransaction(() =>
        {
            foreach (var (seq, sent, error) in outcomes)
            {
                if (sent)
                {
                    _database.Execute("UPDATE Outbox SET State = 1, SentAtUtc = ?, Attempts = Attempts + 1, LastError = NULL WHERE Seq = ?", now, seq);
                }
                else
                {
                    _database.Execute("UPDATE Outbox SET State = 2, Attempts = Attempts + 1, LastError = ? WHERE Seq = ?", error, seq);
                }
            }

            return 0;
        });
    }

    /// <summary>Counts a failed try of a row that stays pending (the connector could not be reached), with why.</summary>
    internal void RecordAttempt(long seq, string error) =>
        _database.Execute("UPDATE Outbox SET Attempts = Attempts + 1, LastError = ? WHERE Seq = ? AND State = 0", error, seq);

    /// <summary>Puts a refused sale back in line (after the manager fixed the cause at the connector).</summary>
    public void Requeue(Guid saleId) => _database.Execute("UPDATE Outbox SET State = 0 WHERE SaleId = ? AND State = 2", saleId.ToString());

    private List<OutboxEntry> Entries(string where) =>
        _database.Query<EntryRow>(EntrySelect + where + " ORDER BY o.Seq")
            .ConvertAll(r => new OutboxEntry(
                r.Seq,
                r.SaleId.Length == 0 ? Guid.Empty : Guid.Parse(r.SaleId),
                r.SaleNumber,
                (OutboxState)r.State,
                r.Attempts,
                r.LastError,
                (OutboxKind)r.Kind));

    private sealed class BatchRow
    {
        public long Seq { get; set; }

        public string SaleId { get; set; } = string.Empty;

        public string Json { get; set; } = string.Empty;
    }

    private sealed class ClosingRow
    {
        public long Seq { get; set; }

        public string ShiftId { get; set; } = string.Empty;

        public string Json { get; set; } = string.Empty;
    }

    private sealed class EntryRow
    {
        public long Seq { get; set; }

        public int Kind { get; set; }

        public string SaleId { get; set; } = string.Empty;

        public string SaleNumber { get; set; } = string.Empty;

        public int State { get; set; }

        public int Attempts { get; set; }

        public string? LastError { get; set; }
    }
}
