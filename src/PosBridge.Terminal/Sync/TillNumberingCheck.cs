using System.Globalization;
using Microsoft.Extensions.Logging;
using PosBridge.Core.Sync;
using PosBridge.Terminal.Storage;
using PosBridge.Till.Sync;

namespace PosBridge.Terminal.Sync;

/// <summary>What the first contact found: the epoch the till numbers in, and why it changed, when it did.</summary>
/// <param name="Epoch">The numbering epoch shifts are now numbered in.</param>
/// <param name="Restored">Why the till's database was taken for a restored or reinstalled one; null when it was not.</param>
/// <param name="EndedShiftId">The restored open shift that was ended on this till (its close is not sent again), if any.</param>
public sealed record NumberingAgreement(int Epoch, string? Restored, string? EndedShiftId);

/// <summary>
/// Agrees the till's numbering with the connector at its first contact. A till restored from a backup, or reinstalled,
/// has a database older than what it already sent: the connector holds a sale it does not have, the close of a shift it
/// has open or not at all, or an epoch later than its own. Such a till would reuse shift and sale numbers (and its shift's
/// close would conflict with the one the connector holds), so it asks for a new epoch, which every later shift id and
/// sale number carries, and ends the shift the backup left open without sending its close again.
/// </summary>
/// <remarks>
/// Epochs only grow; one lost answer may skip one. A database restored into its own folder is found before the first
/// contact, when it opens (<see cref="Storage.RestoreMark"/>), so sales made offline after the restore are numbered in a
/// new epoch already; that epoch is claimed here. A database restored onto another machine has no mark: sales made there
/// before the first contact are numbered in the old epoch: they still arrive once (their ids are new), but their numbers
/// may repeat earlier ones.
/// </remarks>
public sealed class TillNumberingCheck(TillDatabase database, ConnectorClient client, TimeProvider timeProvider, ILogger<TillNumberingCheck> logger)
{
    /// <summary>The epoch of a till never restored: its numbers keep the form they always had.</summary>
    public const int FirstEpoch = 1;

    internal const string EpochKey = "NumberingEpoch";

    /// <summary>An epoch the till took by itself when it found its database restored (<see cref="Storage.RestoreMark"/>), to claim at the first contact.</summary>
    internal const string ClaimKey = "NumberingEpochToClaim";

    /// <summary>The shift the till ended when it found its database restored.</summary>
    internal const string EndedShiftKey = "NumberingEndedShift";

    /// <summary>Whether this process has agreed the numbering already (once is enough: the database cannot go back under it).</summary>
    public bool IsAgreed { get; private set; }

    /// <summary>The epoch the till numbers its shifts in.</summary>
    public static int Epoch(TillDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        return int.TryParse(database.GetSetting(EpochKey), NumberStyles.None, CultureInfo.InvariantCulture, out var epoch) ? epoch : FirstEpoch;
    }

    /// <summary>Checks the till's database against what the connector holds, once per process, and moves to a new epoch when it is older.</summary>
    /// <exception cref="ConnectorUnavailableException">The connector did not answer; ask again at the next contact.</exception>
    public async Task<NumberingAgreement> AgreeAsync(TillCredentials credentials, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var local = Epoch(database);
        if (IsAgreed)
        {
            return new NumberingAgreement(local, null, null);
        }

        if (database.GetSetting(ClaimKey) is { } claim && int.Parse(claim, NumberStyles.None, CultureInfo.InvariantCulture) == local)
        {
            return await ClaimAsync(credentials, local, cancellationToken).ConfigureAwait(false);
        }

        var facts = await client.NumberingAsync(credentials, cancellationToken).ConfigureAwait(false);
        if (facts is null || OlderBecause(facts, local) is not { } restored)
        {
            IsAgreed = true;
            return new NumberingAgreement(local, null, null);
        }

        // After the later of the two: an epoch the connector issued but this database never saw may have been used by
        // an earlier restore of the same backup, so it is never taken again.
        var issued = await client.NextEpochAsync(credentials, Math.Max(local, facts.Epoch), cancellationToken).ConfigureAwait(false);
        var ended = database.InTransaction(() =>
        {
            database.SetSetting(EpochKey, issued.Epoch.ToString(CultureInfo.InvariantCulture));
            var open = database.Query<OpenShift>("SELECT Id FROM Shifts WHERE ClosedAtUtc IS NULL").FirstOrDefault()?.Id;
            if (open is not null)
            {
                // The drawer's count belongs to the shift's real close, which the backup never saw; no close is queued,
                // so none can conflict with one the connector holds. The back office closes its session when the next
                // shift's sales arrive.
                database.Execute("UPDATE Shifts SET ClosedAtUtc = ? WHERE Id = ? AND ClosedAtUtc IS NULL", TillDatabase.Text(timeProvider.GetUtcNow()), open);
            }

            // The fiscal chains continue from the last document the connector received, when it is ahead of the backup's:
            // its counters were reported already, and the next invoice must follow them (ICV, previous hash or uuid).
            foreach (var head in facts.FiscalChains)
            {
                if (Enum.TryParse<Fiscal.FiscalAuthority>(head.Authority, ignoreCase: true, out var authority))
                {
                    database.Execute(
                        "INSERT INTO FiscalChains(Authority, LastCounter, LastHash) VALUES (?, ?, ?) ON CONFLICT(Authority) DO UPDATE SET LastCounter = excluded.LastCounter, LastHash = excluded.LastHash WHERE excluded.LastCounter > FiscalChains.LastCounter",
                        authority.ToString(),
                        head.Counter,
                        head.Hash);
                }
            }

            return open;
        });
        IsAgreed = true;
        Log.NumberingRestored(logger, restored, local, issued.Epoch, ended ?? "none");
        return new NumberingAgreement(issued.Epoch, restored, ended);
    }

    /// <summary>
    /// The till found its database restored by itself and numbered in a new epoch since, offline perhaps: the connector
    /// records that epoch as issued (so no later restore takes it). When the connector had issued it already (another
    /// copy of this till), later shifts move to the one it issues; the shift now open keeps its number.
    /// </summary>
    private async Task<NumberingAgreement> ClaimAsync(TillCredentials credentials, int local, CancellationToken cancellationToken)
    {
        var issued = await client.NextEpochAsync(credentials, local - 1, cancellationToken).ConfigureAwait(false);
        var epoch = issued.Epoch == local ? local : (await client.NextEpochAsync(credentials, Math.Max(local, issued.Epoch), cancellationToken).ConfigureAwait(false)).Epoch;
        var ended = database.GetSetting(EndedShiftKey);
        database.InTransaction(() =>
        {
            database.SetSetting(EpochKey, epoch.ToString(CultureInfo.InvariantCulture));
            database.Execute("DELETE FROM Settings WHERE Key IN (?, ?)", ClaimKey, EndedShiftKey);
            return 0;
        });
        IsAgreed = true;
        const string Reason = "the till found its database older than its restore mark when it opened";
        Log.NumberingRestored(logger, Reason, local, epoch, ended ?? "none");
        return new NumberingAgreement(epoch, Reason, ended);
    }

    private string? OlderBecause(TillNumbering facts, int local)
    {
        if (facts.Epoch > local)
        {
            return string.Create(CultureInfo.InvariantCulture, $"the connector issued numbering epoch {facts.Epoch} to this till, and its database is in epoch {local}");
        }

        if (facts.LastSaleId is { } sale && database.Scalar<int>("SELECT COUNT(*) FROM Sales WHERE Id = ?", sale.ToString()) == 0)
        {
            return $"the connector holds sale {sale} from this till, which its database does not have";
        }

        if (facts.LastClosedShiftId is { } shift
            && database.Query<OpenShift>("SELECT Id FROM Shifts WHERE Id = ? AND ClosedAtUtc IS NOT NULL", shift).Count == 0)
        {
            return $"the connector holds the close of shift {shift}, which this till's database has open or not at all";
        }

        return null;
    }

    private sealed class OpenShift
    {
        public string Id { get; set; } = string.Empty;
    }
}
