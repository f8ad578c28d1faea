using PosBridge.Core.Adapters;
using PosBridge.Core.Sync;
using Log = PosBridge.Connector.Hosting.Log;

namespace PosBridge.Connector.Shifts;

/// <summary>How a shift close was taken in.</summary>
internal enum ShiftClosingReceipt
{
    Accepted,
    Duplicate,

    /// <summary>The same shift was closed before with other figures: never overwritten.</summary>
    Conflict,
}

/// <summary>
/// Shift closes as stored, and each back office's state of them. A close is stored once per store, till and shift:
/// the same figures again are a duplicate, other figures a conflict, never overwritten.
/// </summary>
internal interface IShiftClosingStore
{
    /// <summary>
    /// Stores <paramref name="closing"/> durably before this returns, with the inbox position of the till's last sale
    /// stored by then (the till uploads its outbox in order, so every sale of the shift is in already).
    /// </summary>
    Task<ShiftClosingReceipt> ReceiveAsync(ShiftClosing closing, DateTimeOffset receivedAt, CancellationToken cancellationToken = default);

    /// <summary>
    /// Closes not yet closed (or given up) for <paramref name="adapter"/> and none of whose till's sales up to the close
    /// still waits for it (never tried, or to be retried); oldest first, at most <paramref name="limit"/>.
    /// </summary>
    Task<IReadOnlyList<(ShiftClosing Closing, int Attempts)>> DueAsync(string adapter, int limit, CancellationToken cancellationToken = default);

    /// <summary>Records <paramref name="adapter"/>'s state of a close ("closed", "nothing", "retry", "dead").</summary>
    Task RecordAsync(string adapter, ShiftClosing closing, string state, int attempts, string? error, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>The most recent shift closes with each adapter's state ("closed", "nothing", "retry", "dead"; missing: waiting).</summary>
    Task<IReadOnlyList<(ShiftClosing Closing, DateTimeOffset ReceivedAt, IReadOnlyDictionary<string, string> States)>> RecentAsync(int count, CancellationToken cancellationToken = default);

    /// <summary>
    /// A store's shift closes that closed from <paramref name="fromUtc"/> up to (not including) <paramref name="toUtc"/>,
    /// ordered by close time then till and shift, so ledger files made from them are the same on every export.
    /// </summary>
    Task<IReadOnlyList<ShiftClosing>> ForStoreAsync(string storeId, DateTimeOffset fromUtc, DateTimeOffset toUtc, CancellationToken cancellationToken = default);

    /// <summary>Each adapter's state for a shift's close, for status and tests.</summary>
    Task<IReadOnlyList<(string Adapter, string State, int Attempts, string? Error)>> StateAsync(string storeId, string tillId, string shiftId, CancellationToken cancellationToken = default);
}

/// <summary>
/// Shift closes (Z reports) from tills, stored durably before they are acknowledged, and handed to each back
/// office that keeps sessions once every sale the till uploaded before the close has reached it (delivered,
/// a duplicate, or dead-lettered) — so the session closes after its last sale, not before.
/// </summary>
internal sealed class ShiftClosings(IShiftClosingStore store, TimeProvider timeProvider, ILogger<ShiftClosings> logger)
{
    private const int MaxAttempts = 10;

    /// <summary>How many due closes one delivery run hands over.</summary>
    private const int DuePerRun = 50;

    public Task<ShiftClosingReceipt> ReceiveAsync(ShiftClosing closing, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(closing);
        return store.ReceiveAsync(closing, timeProvider.GetUtcNow(), cancellationToken);
    }

    /// <summary>Closes, in <paramref name="sink"/>, every shift whose sales have all reached it. Answers how many were closed.</summary>
    public async Task<int> CloseDueAsync(string adapter, IShiftSink sink, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var due = await store.DueAsync(adapter, DuePerRun, cancellationToken).ConfigureAwait(false);
        var closed = 0;
        foreach (var (closing, attempts) in due)
        {
            string state;
            string? error = null;
            try
            {
                state = await sink.CloseShiftAsync(closing, cancellationToken).ConfigureAwait(false) ? "closed" : "nothing";
                closed += state == "closed" ? 1 : 0;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                error = $"{ex.GetType().Name}: {ex.Message}";
                state = attempts + 1 >= MaxAttempts ? "dead" : "retry";
                Log.ShiftCloseFailed(logger, adapter, closing.TillId, closing.ShiftId, attempts + 1, error);
            }

            await store.RecordAsync(adapter, closing, state, attempts + 1, error, timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }

        return closed;
    }
}
