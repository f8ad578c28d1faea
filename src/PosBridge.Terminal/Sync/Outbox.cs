using PosBridge.Terminal.Storage;

namespace PosBridge.Terminal.Sync;

public enum OutboxState
{
    Pending = 0,
    Sent = 1,

    /// <summary>Refused by the connector: kept, not retried, shown to the manager.</summary>
    Rejected = 2,
}

/// <summary>A sale waiting to go, or refused, with the connector's reason.</summary>
public sealed record OutboxEntry(long Seq, Guid SaleId, string SaleNumber, OutboxState State, int Attempts, string? LastError);

/// <summary>The till's outbox: committed sales in commit order, each marked sent only on the connector's acknowledgement.</summary>
public sealed class Outbox
{
    private readonly TillDatabase _database;
    private readonly TimeProvider _timeProvider;

    public Outbox(TillDatabase database, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _database = database;
        _timeProvider = timeProvider;
    }

    public int PendingCount => _database.Scalar<int>("SELECT COUNT(*) FROM Outbox WHERE State = 0");

    public int SentCount => _database.Scalar<int>("SELECT COUNT(*) FROM Outbox WHERE State = 1");

    /// <summary>Sales the connector refused, with why, for the manager's screen.</summary>
    public IReadOnlyList<OutboxEntry> Rejected() => Entries("WHERE o.State = 2");

    internal IReadOnlyList<(long Seq, Guid SaleId, string Json)> NextBatch(int size) =>
        _database.Query<BatchRow>(
                "SELECT o.Seq, o.SaleId, s.Json FROM Outbox o JOIN Sales s ON s.Id = o.SaleId WHERE o.State = 0 ORDER BY o.Seq LIMIT ?", size)
            .ConvertAll(r => (r.Seq, Guid.Parse(r.SaleId), r.Json));

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

    /// <summary>Puts a refused sale back in line (after the manager fixed the cause at the connector).</summary>
    public void Requeue(Guid saleId) => _database.Execute("UPDATE Outbox SET State = 0 WHERE SaleId = ? AND State = 2", saleId.ToString());

    private List<OutboxEntry> Entries(string where) =>
        _database.Query<EntryRow>(
                "SELECT o.Seq, o.SaleId, s.SaleNumber, o.State, o.Attempts, o.LastError FROM Outbox o JOIN Sales s ON s.Id = o.SaleId " + where + " ORDER BY o.Seq")
            .ConvertAll(r => new OutboxEntry(r.Seq, Guid.Parse(r.SaleId), r.SaleNumber, (OutboxState)r.State, r.Attempts, r.LastError));

    private sealed class BatchRow
    {
        public long Seq { get; set; }

        public string SaleId { get; set; } = string.Empty;

        public string Json { get; set; } = string.Empty;
    }

    private sealed class EntryRow
    {
        public long Seq { get; set; }

        public string SaleId { get; set; } = string.Empty;

        public string SaleNumber { get; set; } = string.Empty;

        public int State { get; set; }

        public int Attempts { get; set; }

        public string? LastError { get; set; }
    }
}
