using System.Globalization;
using Newtonsoft.Json.Linq;

namespace PosBridge.Erp.Odoo.Rpc;

/// <summary>One page of a model's records changed since a cursor, oldest change first.</summary>
internal sealed record ChangedRows(IReadOnlyList<JObject> Rows, string NextCursor, bool HasMore);

/// <summary>
/// Walks a model's records by <c>write_date</c> with the id as tie-break, so a large first pull can be paged and
/// resumed. Odoo stores write_date with microseconds but answers it in whole seconds, so a cursor cannot compare on
/// it exactly. The cursor is <c>"&lt;second&gt;|&lt;id&gt;"</c>: every change before that second is taken, and within it
/// every id up to <c>&lt;id&gt;</c>. A page ends on a whole second; a second with more changes than a page is walked in
/// id order. The rows read must include <c>id</c> and <c>write_date</c>.
/// <para>
/// Odoo stamps <c>write_date</c> with the start of the writing transaction, so a long one (an import of thousands of
/// products) commits rows dated before changes a pull has already walked past. The page that ends a pull therefore
/// hands back a cursor no later than <c>now - window</c>: the next pull reads the last <c>window</c> of changes again
/// (a reader stores them idempotently), and a transaction shorter than the window is never skipped. The same re-read
/// catches a record changed twice within one second. The window allows for our clock running ahead of Odoo's too.
/// </para>
/// </summary>
internal static class WriteDatePager
{
    /// <summary>How far back the page that ends a pull rewinds its cursor, unless configured.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMinutes(10);

    /// <summary>A search the pager runs: domain, order, limit.</summary>
    public delegate Task<IReadOnlyList<JObject>> Search(JArray domain, string order, int limit);

    public static async Task<ChangedRows> NextAsync(Search search, JArray baseDomain, string? cursor, int pageSize, DateTimeOffset now, TimeSpan window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var (second, afterId) = ParseCursor(cursor);
        var rows = new List<JObject>();
        if (second is not null)
        {
            rows.AddRange(await search(With(baseDomain, OdooValues.Leaf("write_date", ">=", Format(second.Value)), OdooValues.Leaf("write_date", "<", Format(second.Value.AddSeconds(1))), OdooValues.Leaf("id", ">", afterId)), "id asc", pageSize).ConfigureAwait(false));
            if (rows.Count == pageSize)
            {
                return new ChangedRows(rows, $"{Format(second.Value)}|{rows[^1]["id"]!.Value<long>()}", HasMore: true);
            }
        }

        var rest = pageSize - rows.Count;
        var later = await search(second is null ? With(baseDomain) : With(baseDomain, OdooValues.Leaf("write_date", ">=", Format(second.Value.AddSeconds(1)))), "write_date asc, id asc", rest).ConfigureAwait(false);
        bool hasMore;
        if (later.Count < rest)
        {
            rows.AddRange(later);
            hasMore = false;
        }
        else
        {
            var lastSecond = SecondOf(later[^1]);
            var complete = later.Where(r => SecondOf(r) < lastSecond).ToList();
            if (complete.Count == 0 && rows.Count == 0)
            {
                // One second holds more changes than a page: walk it by id from the next call.
                return new ChangedRows([], $"{Format(lastSecond)}|0", HasMore: true);
            }

            rows.AddRange(complete);
            hasMore = true;
        }

        if (rows.Count == 0)
        {
            return new ChangedRows([], cursor ?? string.Empty, HasMore: false);
        }

        var newest = rows.Max(SecondOf);
        var newestId = rows.Where(r => SecondOf(r) == newest).Max(r => r["id"]!.Value<long>());
        if (second == newest)
        {
            newestId = Math.Max(newestId, afterId);
        }

        var settled = SecondOf(now - window);
        return !hasMore && newest >= settled
            ? new ChangedRows(rows, $"{Format(settled)}|0", HasMore: false)
            : new ChangedRows(rows, $"{Format(newest)}|{newestId.ToString(CultureInfo.InvariantCulture)}", hasMore);
    }

    /// <summary>A cursor that continues after <paramref name="row"/> (read with <c>id</c> and <c>write_date</c>).</summary>
    public static string CursorAt(JObject row) =>
        $"{Format(SecondOf(row))}|{row["id"]!.Value<long>().ToString(CultureInfo.InvariantCulture)}";

    private static JArray With(JArray baseDomain, params JArray[] leaves)
    {
        var domain = new JArray();
        foreach (var term in baseDomain)
        {
            domain.Add(term.DeepClone());
        }

        foreach (var leaf in leaves)
        {
            domain.Add(leaf);
        }

        return domain;
    }

    private static DateTimeOffset SecondOf(JObject row) =>
        OdooValues.Instant(row["write_date"]) is { } instant ? SecondOf(instant) : DateTimeOffset.UnixEpoch;

    private static DateTimeOffset SecondOf(DateTimeOffset instant) => instant.AddTicks(-(instant.UtcTicks % TimeSpan.TicksPerSecond)).ToUniversalTime();

    private static string Format(DateTimeOffset second) => OdooValues.FormatInstant(second);

    private static (DateTimeOffset? Second, long AfterId) ParseCursor(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return (null, 0);
        }

        var bar = cursor.LastIndexOf('|');
        return bar > 0
            && long.TryParse(cursor.AsSpan(bar + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            && OdooValues.Instant(cursor[..bar]) is { } second
            ? (second, id)
            : throw new ArgumentException($"'{cursor}' is not a cursor this source made.", nameof(cursor));
    }
}
