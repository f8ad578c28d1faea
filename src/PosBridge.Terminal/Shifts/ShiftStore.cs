using System.Globalization;
using System.Text.Json;
using PosBridge.Core.Sales;
using PosBridge.Core.Sync;
using PosBridge.Terminal.Storage;
using PosBridge.Till;
using PosBridge.Till.Shifts;

namespace PosBridge.Terminal.Shifts;

/// <summary>Opens and closes shifts, records cash in and out, and makes the X and Z reports.</summary>
public sealed class ShiftStore
{
    private readonly TillDatabase _database;
    private readonly TillOptions _options;
    private readonly Catalog.CatalogStore _catalog;
    private readonly TimeProvider _timeProvider;

    public ShiftStore(TillDatabase database, TillOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _database = database;
        _options = options;
        _timeProvider = timeProvider;
        _catalog = new Catalog.CatalogStore(database, options);
    }

    public Shift? Current => _database.Query<ShiftRow>("SELECT * FROM Shifts WHERE ClosedAtUtc IS NULL").FirstOrDefault()?.ToShift();

    /// <summary>Whether a shift is open, without reading it: what a refund checks before any money moves.</summary>
    public bool AnyOpen() => _database.Scalar<int>("SELECT COUNT(*) FROM Shifts WHERE ClosedAtUtc IS NULL") > 0;

    /// <summary>Opens a shift with the counted float. Throws when one is already open: close it first.</summary>
    public Shift Open(Cashier cashier, decimal openingFloat)
    {
        ArgumentNullException.ThrowIfNull(cashier);
        ArgumentOutOfRangeException.ThrowIfNegative(openingFloat);
        Storage.RestoreMark? mark = null;
        return _database.InTransaction(
            () =>
        {
            if (Current is { } open)
            {
                throw new InvalidOperationException($"Shift {open.Id} is still open; close it before opening another.");
            }

            var number = _database.Scalar<int>("SELECT COALESCE(MAX(Number), 0) + 1 FROM Shifts");
            var id = ShiftId(Sync.TillNumberingCheck.Epoch(_database), number);
            var now = _timeProvider.GetUtcNow();
            _database.Execute(
                "INSERT INTO Shifts(Id, Number, CashierId, OpenedAtUtc, OpeningFloat) VALUES (?, ?, ?, ?, ?)",
                id, number, cashier.Id, TillDatabase.Text(now), TillDatabase.Text(openingFloat));
            mark = Storage.RestoreMark.Of(_database);
            return new Shift(id, number, cashier.Id, now, openingFloat, null, null);
        },
            _ => mark?.TryWrite(_database.Path));
    }

    /// <summary>
    /// A shift's id, which its sales' numbers begin with: <c>STORE-TILL-0007</c> in the first numbering epoch,
    /// <c>STORE-TILL-E2-0007</c> after the till was restored or reinstalled, so it never names a shift sent before.
    /// </summary>
    private string ShiftId(int epoch, int number) => epoch <= Sync.TillNumberingCheck.FirstEpoch
        ? string.Create(CultureInfo.InvariantCulture, $"{_options.StoreId}-{_options.TillId}-{number:D4}")
        : string.Create(CultureInfo.InvariantCulture, $"{_options.StoreId}-{_options.TillId}-E{epoch}-{number:D4}");

    /// <summary>Records cash put in (positive) or taken out (negative) of the open shift's drawer, with its reason.</summary>
    public CashMovement MoveCash(decimal amount, string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        if (amount == 0m)
        {
            throw new ArgumentOutOfRangeException(nameof(amount), "A cash movement needs an amount.");
        }

        var shift = Current ?? throw new InvalidOperationException("No shift is open; open one before moving cash.");
        var now = _timeProvider.GetUtcNow();
        _database.Execute(
            "INSERT INTO CashMovements(ShiftId, Amount, Reason, AtUtc) VALUES (?, ?, ?, ?)",
            shift.Id, TillDatabase.Text(amount), reason, TillDatabase.Text(now));
        return new CashMovement(amount, reason, now);
    }

    /// <summary>The running report of the open shift (X report); nothing is closed.</summary>
    public ShiftReport XReport()
    {
        var shift = Current ?? throw new InvalidOperationException("No shift is open.");
        return Report(shift, ShiftReportKind.X);
    }

    /// <summary>
    /// Closes the open shift with the cash counted in the drawer and returns its Z report. The close is queued
    /// for the connector (<see cref="ShiftClosing"/>) in the same transaction, behind every sale of the shift.
    /// </summary>
    public ShiftReport Close(decimal countedCash)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(countedCash);
        // Why one IMMEDIATE transaction: the shift is closed and its close is queued together or not at all, and
        // no sale can commit in between (a sale takes the same write lock and needs the shift open), so the
        // close's outbox Seq is after every sale of the shift.
        return _database.InTransaction(() =>
        {
            var shift = Current ?? throw new InvalidOperationException("No shift is open.");
            var now = _timeProvider.GetUtcNow().ToUniversalTime();
            // Millisecond precision, so the close reads back identical from its JSON document.
            now = new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
            _database.Execute(
                "UPDATE Shifts SET ClosedAtUtc = ?, CountedCash = ? WHERE Id = ? AND ClosedAtUtc IS NULL",
                TillDatabase.Text(now), TillDatabase.Text(countedCash), shift.Id);
            var report = Report(shift with { ClosedAtUtc = now, CountedCash = countedCash }, ShiftReportKind.Z);
            var closing = new ShiftClosing
            {
                StoreId = _options.StoreId,
                TillId = _options.TillId,
                ShiftId = shift.Id,
                OpenedAtUtc = shift.OpenedAtUtc.ToUniversalTime(),
                ClosedAtUtc = now,
                Currency = _options.Currency,
                OpeningFloat = shift.OpeningFloat,
                CashIn = report.CashIn,
                CashOut = report.CashOut,
                ExpectedCash = report.ExpectedCash,
                CountedCash = countedCash,
                SaleCount = report.SalesCount + report.RefundsCount,
            };
            _database.Execute(
                "INSERT INTO Outbox(Kind, ShiftId, Json) VALUES (?, ?, ?)",
                (int)PosBridge.Till.Sync.OutboxKind.ShiftClosing, shift.Id, JsonSerializer.Serialize(closing, PosBridge.Till.Sync.ConnectorClient.Json));
            return report;
        });
    }

    /// <summary>The Z report of a closed shift, again (a reprint).</summary>
    public ShiftReport ZReport(string shiftId)
    {
        var shift = _database.Query<ShiftRow>("SELECT * FROM Shifts WHERE Id = ?", shiftId).FirstOrDefault()?.ToShift()
            ?? throw new ArgumentException($"No shift {shiftId}.", nameof(shiftId));
        return shift.IsOpen ? throw new InvalidOperationException($"Shift {shiftId} is open; its running report is the X report.") : Report(shift, ShiftReportKind.Z);
    }

    private ShiftReport Report(Shift shift, ShiftReportKind kind)
    {
        var sales = _database.Query<JsonRow>("SELECT Json FROM Sales WHERE ShiftId = ? ORDER BY Seq", shift.Id)
            .ConvertAll(r => SaleJson.Parse(r.Json).Sale ?? throw new InvalidOperationException("A stored sale no longer parses."));
        var movements = _database.Query<MovementRow>("SELECT Amount, Reason, AtUtc FROM CashMovements WHERE ShiftId = ? ORDER BY Id", shift.Id)
            .ConvertAll(m => new CashMovement(TillDatabase.Decimal(m.Amount), m.Reason, TillDatabase.Instant(m.AtUtc)));
        var voids = _database.Query<VoidRow>("SELECT Amount FROM Voids WHERE ShiftId = ? ORDER BY Id", shift.Id)
            .ConvertAll(v => TillDatabase.Decimal(v.Amount));
        return ShiftReport.Build(kind, shift, sales, movements, voids, _options.CurrencyInfo, _catalog.PaymentMethodName);
    }

    private sealed class JsonRow
    {
        public string Json { get; set; } = string.Empty;
    }

    private sealed class VoidRow
    {
        public string Amount { get; set; } = "0";
    }

    private sealed class MovementRow
    {
        public string Amount { get; set; } = "0";

        public string Reason { get; set; } = string.Empty;

        public string AtUtc { get; set; } = string.Empty;
    }

    private sealed class ShiftRow
    {
        public string Id { get; set; } = string.Empty;

        public int Number { get; set; }

        public string CashierId { get; set; } = string.Empty;

        public string OpenedAtUtc { get; set; } = string.Empty;

        public string OpeningFloat { get; set; } = "0";

        public string? ClosedAtUtc { get; set; }

        public string? CountedCash { get; set; }

        public Shift ToShift() => new(
            Id,
            Number,
            CashierId,
            TillDatabase.Instant(OpenedAtUtc),
            TillDatabase.Decimal(OpeningFloat),
            ClosedAtUtc is null ? null : TillDatabase.Instant(ClosedAtUtc),
            CountedCash is null ? null : TillDatabase.Decimal(CountedCash));
    }
}
