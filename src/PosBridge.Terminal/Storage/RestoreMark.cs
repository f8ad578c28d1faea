using System.Globalization;
using System.Text.Json;
using PosBridge.Core.Privacy;

namespace PosBridge.Terminal.Storage;

/// <summary>
/// How far the till's database has gone, kept in a small file beside it (<c>till.db.mark</c>): the last sale and the
/// last shift committed, the numbering epoch, and the head of each fiscal chain (ZATCA's counter and hash, the ETA's
/// last receipt). Written after every committed sale and shift, under the database's write lock. A database restored
/// from a backup into the same folder is older than its mark: the till finds it by itself when it opens the database,
/// before any sale and without the connector (a shop restores when the network is down as often as not), and then
/// numbers in a new epoch, ends the shift the backup left open, and continues each fiscal chain from the mark's head.
/// </summary>
/// <remarks>
/// A mark not written (a full disk) or lost with the disk only weakens the check: the connector's check at the first
/// contact (<see cref="Sync.TillNumberingCheck"/>) still finds the restore. A crash after a commit and before its mark
/// leaves the mark behind the database, which is never taken for a restore.
/// </remarks>
public sealed record RestoreMark(string? LastSaleId, string? LastShiftId, int Epoch, IReadOnlyDictionary<string, ChainHead> Chains)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The file beside <paramref name="databasePath"/>.</summary>
    public static string PathFor(string databasePath) => databasePath + ".mark";

    /// <summary>What the database holds now; read inside the transaction that commits, so the mark matches it.</summary>
    internal static RestoreMark Of(TillDatabase database)
    {
        var lastSale = database.Scalar<string?>("SELECT Id FROM Sales ORDER BY rowid DESC LIMIT 1");
        var lastShift = database.Scalar<string?>("SELECT Id FROM Shifts ORDER BY Number DESC LIMIT 1");
        var chains = database.Query<ChainRow>("SELECT Authority, LastCounter, LastHash FROM FiscalChains")
            .ToDictionary(r => r.Authority, r => new ChainHead(r.LastCounter, r.LastHash), StringComparer.Ordinal);
        return new RestoreMark(lastSale, lastShift, Sync.TillNumberingCheck.Epoch(database), chains);
    }

    /// <summary>Writes the mark beside the database (a new file renamed over the old one); a failure leaves the old mark.</summary>
    internal void TryWrite(string databasePath)
    {
        var path = PathFor(databasePath);
        var temporary = path + ".new";
        try
        {
            // 0600 from its first byte, like the database it describes; the rename keeps the mode.
            using (var file = PrivateFiles.Create(temporary, overwrite: true))
            {
                JsonSerializer.Serialize(file, this, Json);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The sale or shift is committed already; without its mark only an offline restore check is weaker.
        }
    }

    internal static RestoreMark? Read(string databasePath)
    {
        var path = PathFor(databasePath);
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<RestoreMark>(File.ReadAllText(path), Json) : null;
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Compares the database with its mark as it opens, and when it is older (restored from a backup, or recreated
    /// empty, in the same folder) moves it on: a new numbering epoch past both, to be claimed from the connector at the
    /// first contact; the backup's open shift ended without a close (its real close, if any, is the connector's); each
    /// fiscal chain continued from the mark. Answers why, or null when the database is not older than its mark.
    /// </summary>
    internal static string? CheckOnOpen(TillDatabase database, TimeProvider timeProvider)
    {
        if (Read(database.Path) is not { } mark || OlderBecause(database, mark) is null)
        {
            return null;
        }

        var (reason, moved) = database.InTransaction(
            () =>
            {
                // Another connection of this till may have moved it on between the look and the lock.
                if (OlderBecause(database, mark) is not { } why || database.GetSetting(HandledKey) == mark.Key)
                {
                    return ((string?)null, (RestoreMark?)null);
                }

                var epoch = Math.Max(Sync.TillNumberingCheck.Epoch(database), mark.Epoch) + 1;
                database.SetSetting(Sync.TillNumberingCheck.EpochKey, epoch.ToString(CultureInfo.InvariantCulture));
                database.SetSetting(Sync.TillNumberingCheck.ClaimKey, epoch.ToString(CultureInfo.InvariantCulture));
                database.SetSetting(HandledKey, mark.Key);
                var open = database.Scalar<string?>("SELECT Id FROM Shifts WHERE ClosedAtUtc IS NULL LIMIT 1");
                if (open is not null)
                {
                    database.Execute("UPDATE Shifts SET ClosedAtUtc = ? WHERE Id = ?", TillDatabase.Text(timeProvider.GetUtcNow()), open);
                    database.SetSetting(Sync.TillNumberingCheck.EndedShiftKey, open);
                }

                foreach (var (authority, head) in mark.Chains)
                {
                    database.Execute(
                        "INSERT INTO FiscalChains(Authority, LastCounter, LastHash) VALUES (?, ?, ?) ON CONFLICT(Authority) DO UPDATE SET LastCounter = excluded.LastCounter, LastHash = excluded.LastHash WHERE excluded.LastCounter > FiscalChains.LastCounter",
                        authority,
                        head.Counter,
                        head.Hash);
                }

                return (why, Of(database));
            });
        moved?.TryWrite(database.Path);
        return reason;
    }

    /// <summary>What identifies the mark a restore was handled for.</summary>
    private string Key => $"{LastSaleId}|{LastShiftId}|{Epoch.ToString(CultureInfo.InvariantCulture)}";

    private const string HandledKey = "RestoreMarkHandled";

    private static string? OlderBecause(TillDatabase database, RestoreMark mark)
    {
        if (mark.LastSaleId is { } sale && database.Scalar<int>("SELECT COUNT(*) FROM Sales WHERE Id = ?", sale) == 0)
        {
            return $"its database does not have sale {sale}, which this till committed before";
        }

        if (mark.LastShiftId is { } shift && database.Scalar<int>("SELECT COUNT(*) FROM Shifts WHERE Id = ?", shift) == 0)
        {
            return $"its database does not have shift {shift}, which this till opened before";
        }

        return mark.Epoch > Sync.TillNumberingCheck.Epoch(database)
            ? string.Create(CultureInfo.InvariantCulture, $"its database is in numbering epoch {Sync.TillNumberingCheck.Epoch(database)}, and this till had reached epoch {mark.Epoch}")
            : null;
    }

    private sealed class ChainRow
    {
        public string Authority { get; set; } = string.Empty;

        public long LastCounter { get; set; }

        public string LastHash { get; set; } = string.Empty;
    }
}

/// <summary>The last document of a fiscal chain: its counter (ZATCA's ICV) and its hash (the ETA: its uuid).</summary>
public sealed record ChainHead(long Counter, string Hash);
