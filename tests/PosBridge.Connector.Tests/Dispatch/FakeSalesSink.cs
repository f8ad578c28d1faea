using System.Collections.Concurrent;
using PosBridge.Core.Adapters;
using PosBridge.Core.Sales;

namespace PosBridge.Connector.Tests.Dispatch;

/// <summary>
/// A back office for tests that can be made slow, failing or rejecting. It fails loudly if the connector
/// ever hands it a sale it already accepted: that would be a second order in a real back office.
/// </summary>
internal sealed class FakeSalesSink(string name, int batchSize = 100) : ISalesSink
{
    private readonly ConcurrentDictionary<Guid, int> _accepted = new();

    public string Name { get; } = name;

    public int PreferredBatchSize { get; } = batchSize;

    /// <summary>Throw instead of answering (the back office is down).</summary>
    public bool Down { get; set; }

    /// <summary>Sales (by sale number) to refuse, with the reason.</summary>
    public Dictionary<string, string> Refuse { get; } = new(StringComparer.Ordinal);

    /// <summary>Sales (by sale number) to answer "retry later".</summary>
    public HashSet<string> Busy { get; } = new(StringComparer.Ordinal);

    /// <summary>What a busy answer asks for, as a back office's Retry-After would.</summary>
    public TimeSpan? BusyRetryAfter { get; set; }

    /// <summary>When set, every call waits for it (a slow back office).</summary>
    public TaskCompletionSource? Gate { get; set; }

    public int Calls;

    public List<int> BatchSizes { get; } = [];

    public IReadOnlyCollection<Guid> Delivered => _accepted.Keys.ToList();

    public async Task<IReadOnlyList<SaleDeliveryResult>> DeliverAsync(IReadOnlyList<Sale> sales, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref Calls);
        lock (BatchSizes)
        {
            BatchSizes.Add(sales.Count);
        }

        Assert.True(sales.Count <= PreferredBatchSize, $"{Name} got {sales.Count} sales, more than its batch size {PreferredBatchSize}");
        if (Gate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        if (Down)
        {
            throw new HttpRequestException($"{Name} is unreachable");
        }

        var results = new List<SaleDeliveryResult>();
        foreach (var sale in sales)
        {
            if (Refuse.TryGetValue(sale.SaleNumber, out var reason))
            {
                results.Add(SaleDeliveryResult.Rejected(sale.Id, reason));
            }
            else if (Busy.Contains(sale.SaleNumber))
            {
                results.Add(SaleDeliveryResult.RetryLater(sale.Id, "locked, try again", BusyRetryAfter));
            }
            else
            {
                var times = _accepted.AddOrUpdate(sale.Id, 1, (_, n) => n + 1);
                Assert.True(times == 1, $"{Name} was handed sale {sale.SaleNumber} again after accepting it");
                results.Add(SaleDeliveryResult.Done(sale.Id, $"{Name}-{sale.SaleNumber}"));
            }
        }

        return results;
    }
}
