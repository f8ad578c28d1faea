using PosBridge.Core.Sync;

namespace PosBridge.Connector.Tills;

/// <summary>
/// The numbering epochs of tills (<c>till_numbering</c>). A till tells from <see cref="FactsAsync"/> whether its
/// database is older than what it sent (a restore or a reinstall) and then continues in the epoch
/// <see cref="NextAsync"/> issues; numbers carry the epoch, so they never collide with numbers sent before.
/// </summary>
internal interface INumberingEpochs
{
    /// <summary>The epoch a till starts in, before any restore.</summary>
    public const int First = 1;

    /// <summary>What the connector holds of the till's numbering: its latest epoch, last sale and last closed shift.</summary>
    Task<TillNumbering> FactsAsync(string tillId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Issues the epoch after <paramref name="after"/>: when one later than it was issued already (the till asking again
    /// after a lost answer, or a till older still), that one is given again, so epochs only grow and a retry never burns one.
    /// </summary>
    Task<int> NextAsync(string tillId, int after, CancellationToken cancellationToken = default);
}
