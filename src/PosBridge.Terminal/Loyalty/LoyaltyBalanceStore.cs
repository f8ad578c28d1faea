using PosBridge.Terminal.Storage;

namespace PosBridge.Terminal.Loyalty;

/// <summary>
/// Where the till keeps a customer's points: the balance the back office last gave for a card, and the points this
/// till's sales and refunds moved. A desktop till keeps them in SQLite (<see cref="LoyaltyBalanceStore"/>); a browser
/// till will keep them in its own store behind this interface.
/// </summary>
public interface ILoyaltyBalanceStore
{
    /// <summary>
    /// The customer's points in a program as this till sees them: the back office's balance (zero and no instant when
    /// it never gave one) plus the points moved by sales the connector had not acknowledged before that balance's
    /// as-of instant (every move when there is no balance). See <see cref="LoyaltyBalance"/>.
    /// </summary>
    LoyaltyBalance Balance(string customerId, string programId);

    /// <summary>Records (or replaces) the back office's balance of a customer's points as of <paramref name="asOf"/>.</summary>
    void SetBackOffice(string customerId, string programId, decimal points, DateTimeOffset asOf);

    /// <summary>Forgets the back office's balance unless the customer still has a back-office card in the program.</summary>
    void ForgetBackOfficeUnlessCarded(string customerId, string programId);
}

/// <summary>The till's SQLite loyalty balances (tables <c>LoyaltyBalances</c> and <c>LoyaltyMoves</c>).</summary>
public sealed class LoyaltyBalanceStore : ILoyaltyBalanceStore
{
    private readonly TillDatabase _database;

    public LoyaltyBalanceStore(TillDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    public LoyaltyBalance Balance(string customerId, string programId)
    {
        ArgumentException.ThrowIfNullOrEmpty(customerId);
        ArgumentException.ThrowIfNullOrEmpty(programId);
        var known = _database.Query<BalanceRow>("SELECT Points, AsOfUtc FROM LoyaltyBalances WHERE CustomerId = ? AND ProgramId = ?", customerId, programId).FirstOrDefault();
        // Instants are stored as round-trip UTC text of one width, so they compare as text.
        var moves = known is null
            ? _database.Query<MoveRow>("SELECT Earned, Spent FROM LoyaltyMoves WHERE CustomerId = ? AND ProgramId = ?", customerId, programId)
            : _database.Query<MoveRow>(
                """
                SELECT m.Earned, m.Spent FROM LoyaltyMoves m LEFT JOIN Outbox o ON o.SaleId = m.SaleId
                WHERE m.CustomerId = ? AND m.ProgramId = ? AND (o.SentAtUtc IS NULL OR o.SentAtUtc > ?)
                """,
                customerId,
                programId,
                known.AsOfUtc);
        return new LoyaltyBalance(
            customerId,
            programId,
            known is null ? 0m : TillDatabase.Decimal(known.Points),
            known is null ? null : TillDatabase.Instant(known.AsOfUtc),
            moves.Sum(m => TillDatabase.Decimal(m.Earned)),
            moves.Sum(m => TillDatabase.Decimal(m.Spent)));
    }

    public void SetBackOffice(string customerId, string programId, decimal points, DateTimeOffset asOf)
    {
        ArgumentException.ThrowIfNullOrEmpty(customerId);
        ArgumentException.ThrowIfNullOrEmpty(programId);
        _database.Execute(
            "INSERT INTO LoyaltyBalances(CustomerId, ProgramId, Points, AsOfUtc) VALUES (?, ?, ?, ?) ON CONFLICT(CustomerId, ProgramId) DO UPDATE SET Points = excluded.Points, AsOfUtc = excluded.AsOfUtc",
            customerId, programId, TillDatabase.Text(points), TillDatabase.Text(asOf));
    }

    public void ForgetBackOfficeUnlessCarded(string customerId, string programId) =>
        _database.Execute(
            "DELETE FROM LoyaltyBalances WHERE CustomerId = ? AND ProgramId = ? AND NOT EXISTS (SELECT 1 FROM LoyaltyCards WHERE CustomerId = ? AND ProgramId = ?)",
            customerId, programId, customerId, programId);

    private sealed class BalanceRow
    {
        public string Points { get; set; } = "0";

        public string AsOfUtc { get; set; } = string.Empty;
    }

    private sealed class MoveRow
    {
        public string Earned { get; set; } = "0";

        public string Spent { get; set; } = "0";
    }
}
