using System.Collections.Concurrent;

namespace PosBridge.Ecommerce.Stock;

/// <summary>
/// A whole-unit stock change sent, or about to be sent, to a web store and not yet known to have been applied:
/// the intent written before the call, so a crash between the call and the record of its result is settled
/// on the next delivery instead of applying the change twice.
/// </summary>
public sealed record PendingStockChange
{
    /// <summary>The platform request that carries the change (on Shopify, that request's idempotency key).</summary>
    public required string Batch { get; init; }

    public required string Sku { get; init; }

    /// <summary>The web store's location.</summary>
    public required string Location { get; init; }

    public required int Change { get; init; }

    /// <summary>Where the platform only takes absolute levels: the level read before the write, and the level written.</summary>
    public int? Before { get; init; }

    public int? After { get; init; }

    /// <summary>The stock deltas (<c>StockDelta.IdempotencyKey</c>) the change sums.</summary>
    public required IReadOnlyList<string> IdempotencyKeys { get; init; }
}

/// <summary>What a store knows of some changes: those applied, and the pending ones (whole requests) holding any of the others.</summary>
public sealed record DeltaStates(IReadOnlySet<string> Applied, IReadOnlyList<PendingStockChange> Pending);

/// <summary>
/// Remembers which stock changes (by <c>StockDelta.IdempotencyKey</c>) a web store has taken, and which were sent
/// without an answer recorded yet. The target records the intent before each request and the result after it;
/// a change still pending when it comes round again is settled with the platform first (Shopify: the same
/// request replayed under its idempotency key; others: the level read back). The connector keeps it in its database.
/// </summary>
public interface IAppliedDeltaStore
{
    /// <summary>
    /// Which of <paramref name="idempotencyKeys"/> are applied in <paramref name="store"/>, and every pending change
    /// of each request that holds one of the others.
    /// </summary>
    ValueTask<DeltaStates> FindAsync(string store, IReadOnlyCollection<string> idempotencyKeys, CancellationToken cancellationToken = default);

    /// <summary>Writes the intent: called, and committed, before the request carrying <paramref name="changes"/> is sent.</summary>
    ValueTask RecordPendingAsync(string store, IReadOnlyList<PendingStockChange> changes, CancellationToken cancellationToken = default);

    ValueTask MarkAppliedAsync(string store, IReadOnlyCollection<string> idempotencyKeys, CancellationToken cancellationToken = default);

    /// <summary>Drops pending changes known not to have been applied, so they are sent afresh.</summary>
    ValueTask ForgetPendingAsync(string store, IReadOnlyCollection<string> idempotencyKeys, CancellationToken cancellationToken = default);
}

/// <summary>For a single process and tests: forgets everything when the process ends.</summary>
public sealed class InMemoryAppliedDeltaStore : IAppliedDeltaStore
{
    private readonly ConcurrentDictionary<(string Store, string Key), PendingStockChange?> _deltas = new();

    public ValueTask<DeltaStates> FindAsync(string store, IReadOnlyCollection<string> idempotencyKeys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(idempotencyKeys);
        var applied = new HashSet<string>(StringComparer.Ordinal);
        var batches = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in idempotencyKeys)
        {
            if (_deltas.TryGetValue((store, key), out var pending))
            {
                if (pending is null)
                {
                    applied.Add(key);
                }
                else
                {
                    batches.Add(pending.Batch);
                }
            }
        }

        var inBatches = _deltas
            .Where(d => d.Key.Store == store && d.Value is { } p && batches.Contains(p.Batch))
            .Select(d => d.Value!)
            .Distinct()
            .ToList();
        return ValueTask.FromResult(new DeltaStates(applied, inBatches));
    }

    public ValueTask RecordPendingAsync(string store, IReadOnlyList<PendingStockChange> changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        foreach (var change in changes)
        {
            foreach (var key in change.IdempotencyKeys)
            {
                _deltas[(store, key)] = change;
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask MarkAppliedAsync(string store, IReadOnlyCollection<string> idempotencyKeys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(idempotencyKeys);
        foreach (var key in idempotencyKeys)
        {
            _deltas[(store, key)] = null;
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask ForgetPendingAsync(string store, IReadOnlyCollection<string> idempotencyKeys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(idempotencyKeys);
        foreach (var key in idempotencyKeys)
        {
            if (_deltas.TryGetValue((store, key), out var pending) && pending is not null)
            {
                _deltas.TryRemove((store, key), out _);
            }
        }

        return ValueTask.CompletedTask;
    }
}
