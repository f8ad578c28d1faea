using System.Globalization;
using PosBridge.Core.Sales;
using PosBridge.Terminal.Fiscal;
using PosBridge.Terminal.Loyalty;
using PosBridge.Terminal.Storage;
using PosBridge.Till;
using PosBridge.Till.Loyalty;

namespace PosBridge.Terminal.Sales;

/// <summary>Thrown inside the commit when the built document fails Core's validation; nothing is written.</summary>
public sealed class SaleInvalidException(SaleValidationResult validation)
    : InvalidOperationException("The sale failed validation and was not saved:" + Environment.NewLine + validation)
{
    public SaleValidationResult Validation { get; } = validation;
}

/// <summary>Thrown inside the commit when the sale spends more points than the customer has here; nothing is written.</summary>
public sealed class LoyaltyPointsShortException(string message) : InvalidOperationException(message);

/// <summary>Thrown inside the commit when the sale's promotion code no longer applies to its cart; nothing is written.</summary>
public sealed class PromotionNotMetException(string message) : InvalidOperationException(message);

/// <summary>Thrown when a sale is committed with no shift open: a sale always belongs to an open shift.</summary>
public sealed class NoOpenShiftException() : InvalidOperationException("No shift is open: a sale always belongs to an open shift; open one first.");

/// <summary>
/// Commits completed sales: the sale number, the document and its outbox row in one transaction, so
/// a crash at any point leaves the sale wholly saved or not at all, and a number is used once.
/// </summary>
public sealed class SaleStore
{
    private readonly TillDatabase _database;
    private readonly TillOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly FiscalChain? _fiscal;

    public SaleStore(TillDatabase database, TillOptions options, TimeProvider timeProvider)
        : this(database, options, timeProvider, null)
    {
    }

    /// <summary>A store whose commits also issue each sale's fiscal document (ZATCA invoice, ETA receipt) in the same transaction.</summary>
    public SaleStore(TillDatabase database, TillOptions options, TimeProvider timeProvider, FiscalChain? fiscal)
    {
        _fiscal = fiscal;
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _database = database;
        _options = options;
        _timeProvider = timeProvider;
    }

    /// <summary>
    /// Numbers, stamps, validates and saves the sale <paramref name="builder"/> describes, with its outbox row.
    /// </summary>
    /// <remarks>
    /// A refund (<see cref="SaleBuilder.RefundOf"/> set) is checked against its original and the refunds
    /// already stored, read inside the same IMMEDIATE transaction that writes it: the write lock is held
    /// from the read to the commit, so two refunds racing for the same items (from two threads, or two
    /// processes on one file) can never together give back more than was sold.
    /// </remarks>
    /// <param name="builder">The sale.</param>
    /// <param name="alsoInTransaction">Writes that must commit with the sale or not at all (a refund's intent marked recorded).</param>
    /// <exception cref="NoOpenShiftException">No shift is open.</exception>
    /// <exception cref="SaleInvalidException">The document fails Core's validation (a refund: also against what is left to refund).</exception>
    internal Sale Commit(SaleBuilder builder, Action<Sale>? alsoInTransaction = null)
    {
        var timeZone = _options.TimeZoneInfo;
        Storage.RestoreMark? mark = null;
        return _database.InTransaction(
            () =>
        {
            // The number is taken inside the transaction: a crash before COMMIT gives it back, and after
            // COMMIT it belongs to this sale for good, so numbers are gap-free and never reused.
            if (_database.Execute("UPDATE Shifts SET LastSeq = LastSeq + 1 WHERE ClosedAtUtc IS NULL") != 1)
            {
                throw new NoOpenShiftException();
            }

            var shift = _database.Query<ShiftSeq>("SELECT Id, Number, LastSeq FROM Shifts WHERE ClosedAtUtc IS NULL")[0];
            var now = _timeProvider.GetUtcNow().ToUniversalTime();
            // Truncated to the millisecond so the instant reads back identical from the JSON document.
            now = new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
            builder.Id = SaleId.At(now);
            builder.ShiftId = shift.Id;
            // The shift's id carries the till's numbering epoch, so a restored till's numbers are new ones.
            builder.SaleNumber = string.Create(CultureInfo.InvariantCulture, $"{shift.Id}-{shift.LastSeq:D6}");
            builder.CreatedAtUtc = now;
            builder.StoreUtcOffset = timeZone.GetUtcOffset(now);
            var sale = builder.Build();
            var refundHistory = sale.RefundOf is { } refundOf ? History(refundOf.SaleId) : null;
            if (refundHistory is not null && builder.Loyalty is null && sale.Customer is not null
                && LoyaltyRules.ForRefund(refundHistory.Original, refundHistory.EarlierRefunds, sale.Totals.AmountDue) is { } pointsBack)
            {
                // A refund moves the original's points back in proportion, read here beside the earlier refunds.
                builder.Loyalty = pointsBack;
                sale = builder.Build();
            }

            var validation = refundHistory is null && sale.RefundOf is { } missing
                ? new SaleValidationResult([new ValidationError("refundOf.saleId", $"sale {missing.SaleNumber} ({missing.SaleId}) is not stored on this till.")])
                : sale.Validate(refundHistory);
            if (!validation.IsValid)
            {
                throw new SaleInvalidException(validation);
            }

            var id = sale.Id.ToString();
            var loyalty = sale.Loyalty is { } points && sale.Customer is { } customer ? (points, customer) : default;
            if (loyalty.customer is not null && sale.RefundOf is null && loyalty.points.Spent > 0m)
            {
                // Checked again under the write lock: two carts of one customer cannot spend the same points.
                var available = new LoyaltyBalanceStore(_database).Balance(loyalty.customer.Id, loyalty.points.ProgramId).Available;
                if (available < loyalty.points.Spent)
                {
                    throw new LoyaltyPointsShortException($"{loyalty.customer.Name ?? loyalty.customer.Id} has {available} points here, less than the {loyalty.points.Spent} this sale spends; nothing was saved.");
                }
            }

            _database.Execute(
                "INSERT INTO Sales(Id, SaleNumber, ShiftId, Seq, CreatedAtUtc, RefundOfId, Json) VALUES (?, ?, ?, ?, ?, ?, ?)",
                id, sale.SaleNumber, shift.Id, shift.LastSeq, TillDatabase.Text(now), sale.RefundOf?.SaleId.ToString(), SaleJson.Serialize(sale));
            _database.Execute("INSERT INTO Outbox(SaleId) VALUES (?)", id);
            if (loyalty.customer is not null)
            {
                _database.Execute(
                    "INSERT INTO LoyaltyMoves(SaleId, CustomerId, ProgramId, Earned, Spent, AtUtc) VALUES (?, ?, ?, ?, ?, ?)",
                    id, loyalty.customer.Id, loyalty.points.ProgramId, TillDatabase.Text(loyalty.points.Earned), TillDatabase.Text(loyalty.points.Spent), TillDatabase.Text(now));
            }

            alsoInTransaction?.Invoke(sale);
            // Last, so every check that can refuse the sale has run before the fiscal counter moves.
            _fiscal?.IssueInTransaction(sale);
            mark = Storage.RestoreMark.Of(_database);
            return sale;
        },
            _ => mark?.TryWrite(_database.Path));
    }

    public Sale? FindByNumber(string saleNumber) => One("SELECT Json FROM Sales WHERE SaleNumber = ?", saleNumber.Trim());

    public Sale? FindById(Guid id) => One("SELECT Json FROM Sales WHERE Id = ?", id.ToString());

    /// <summary>The refunds already made of a sale, for Core's refund checks.</summary>
    public IReadOnlyList<Sale> RefundsOf(Guid saleId) =>
        _database.Query<JsonRow>("SELECT Json FROM Sales WHERE RefundOfId = ? ORDER BY CreatedAtUtc", saleId.ToString()).ConvertAll(Parse);

    public int Count() => _database.Scalar<int>("SELECT COUNT(*) FROM Sales");

    /// <summary>Sales and refunds committed in the shift: the screen compares it with its count before a commit to learn whether the commit landed.</summary>
    internal int CountInShift(string shiftId) => _database.Scalar<int>("SELECT COUNT(*) FROM Sales WHERE ShiftId = ?", shiftId);

    /// <summary>The sale committed last in the shift (the one a till that died mid-commit finished).</summary>
    internal Sale LastInShift(string shiftId) =>
        SaleJson.Parse(_database.Scalar<string>("SELECT Json FROM Sales WHERE ShiftId = ? ORDER BY Seq DESC LIMIT 1", shiftId)).Sale
            ?? throw new InvalidOperationException("A stored sale no longer parses.");

    /// <summary>Stored sales (not refunds) completed in [<paramref name="fromUtc"/>, <paramref name="toUtc"/>), newest first.</summary>
    internal IReadOnlyList<Sale> Find(DateTimeOffset fromUtc, DateTimeOffset toUtc, int limit) =>
        _database.Query<JsonRow>(
                "SELECT Json FROM Sales WHERE RefundOfId IS NULL AND CreatedAtUtc >= ? AND CreatedAtUtc < ? ORDER BY CreatedAtUtc DESC LIMIT ?",
                TillDatabase.Text(fromUtc), TillDatabase.Text(toUtc), limit)
            .ConvertAll(Parse);

    /// <summary>Records a voided cart against the open shift (if any), for the X and Z reports.</summary>
    internal void RecordVoid(Cashier cashier, string reason, decimal amount, int lines, IReadOnlyList<string> reversedReferences) =>
        _database.Execute(
            "INSERT INTO Voids(ShiftId, AtUtc, CashierId, Reason, Amount, Lines, ReversedReferences) VALUES ((SELECT Id FROM Shifts WHERE ClosedAtUtc IS NULL), ?, ?, ?, ?, ?, ?)",
            TillDatabase.Text(_timeProvider.GetUtcNow()), cashier.Id, reason, TillDatabase.Text(amount), lines, string.Join(' ', reversedReferences));

    /// <summary>The original sale and its stored refunds, or null when the sale is not on this till.</summary>
    internal RefundHistory? History(Guid saleId) =>
        FindById(saleId) is { } original ? new RefundHistory(original, RefundsOf(saleId)) : null;
    private Sale? One(string sql, string key) => _database.Query<JsonRow>(sql, key).Select(Parse).FirstOrDefault();

    private static Sale Parse(JsonRow row) =>
        SaleJson.Parse(row.Json).Sale ?? throw new InvalidOperationException("A stored sale no longer parses.");

    private sealed class JsonRow
    {
        public string Json { get; set; } = string.Empty;
    }

    private sealed class ShiftSeq
    {
        public string Id { get; set; } = string.Empty;

        public int Number { get; set; }

        public long LastSeq { get; set; }
    }
}
