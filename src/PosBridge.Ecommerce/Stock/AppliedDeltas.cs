using System.Collections.Concurrent;

namespace PosBridge.Ecommerce.Stock;

/// <summary>
/// Remembers which stock changes (by <c>StockDelta.IdempotencyKey</c>) a web store has taken, for platforms
/// that cannot refuse a repeated change themselves (WooCommerce). The connector implements it durably.
/// </summary>
public interface IAppliedDeltaStore
{
    ValueTask<IReadOnlySet<string>> FindAppliedAsync(string store, IReadOnlyCollection<string> idempotencyKeys, CancellationToken cancellationToken = default);

    ValueTask MarkAppliedAsync(string store, IReadOnlyCollection<string> idempotencyKeys, CancellationToken cancellationToken = default);
}

public sealed class InMemoryAppliedDeltaStore : IAppliedDeltaStore
{
    private readonly ConcurrentDictionary<(string Store, string Key), byte> _applied = new();

    public ValueTask<IReadOnlySet<string>> FindAppliedAsync(string store, IReadOnlyCollection<string> idempotencyKeys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(idempotencyKeys);
        var found = idempotencyKeys.Where(key => _applied.ContainsKey((store, key))).ToHashSet(StringComparer.Ordinal);
        return ValueTask.FromResult<IReadOnlySet<string>>(found);
    }

    public ValueTask MarkAppliedAsync(string store, IReadOnlyCollection<string> idempotencyKeys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(idempotencyKeys);
        foreach (var key in idempotencyKeys)
        {
            _applied[(store, key)] = 0;
        }

        return ValueTask.CompletedTask;
    }
}
