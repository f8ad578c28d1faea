using System.Globalization;
using PosBridge.Connector.Stores;

namespace PosBridge.Connector.Reports;

/// <summary>The periods a report covers; each is cut in each store's own time zone.</summary>
internal enum PeriodKind
{
    Today,
    Yesterday,

    /// <summary>Monday of this week to today.</summary>
    Week,

    /// <summary>From one local day to another, both included.</summary>
    Range,
}

/// <summary>The local days one store's part of a report covers, both included.</summary>
internal sealed record StoreDays(Store Store, DateOnly From, DateOnly To)
{
    public StoreDays WeekEarlier() => this with { From = From.AddDays(-7), To = To.AddDays(-7) };

    public string FromText => From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public string ToText => To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The instants the days span in the store's zone: [start of From, start of the day after To).</summary>
    public (DateTimeOffset FromUtc, DateTimeOffset ToUtc) Instants() =>
        (Start(From), Start(To.AddDays(1)));

    private DateTimeOffset Start(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        // A midnight skipped by a clock change starts the day at the first instant that exists.
        while (Store.TimeZone.IsInvalidTime(local))
        {
            local = local.AddMinutes(30);
        }

        return new DateTimeOffset(local, Store.TimeZone.GetUtcOffset(local)).ToUniversalTime();
    }
}

/// <summary>A checked report request: which stores, and which local days of each.</summary>
internal sealed record ReportRequest(string? StoreId, PeriodKind Period, IReadOnlyList<StoreDays> Days)
{
    /// <summary>The longest range a report covers: a year and a day, so a leap year fits.</summary>
    public const int MaxDays = 367;

    public static readonly IReadOnlyList<string> PeriodNames = ["today", "yesterday", "week", "range"];

    /// <summary>
    /// Reads a request as the API and the command line take it: <paramref name="store"/> (empty or null: every store),
    /// <paramref name="period"/> (today, yesterday, week, range; default today) and, for a range, <paramref name="from"/>
    /// and <paramref name="to"/> (yyyy-MM-dd). Answers the request or a message a user can act on.
    /// </summary>
    public static (ReportRequest? Request, string? Problem) Parse(string? store, string? period, string? from, string? to, StoreDirectory stores, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(stores);
        var all = stores.All.ToList();
        if (all.Count == 0)
        {
            return (null, "no stores are configured; add them under PosBridge:Stores.");
        }

        IReadOnlyList<Store> chosen;
        if (string.IsNullOrWhiteSpace(store) || store == "all")
        {
            chosen = all;
            store = null;
        }
        else if (stores.Find(store) is { } one)
        {
            chosen = [one];
        }
        else
        {
            return (null, $"store '{Clip(store)}' is not configured; use one of {string.Join(", ", all.Select(s => s.Id))}, or leave it out for every store.");
        }

        var kindText = string.IsNullOrWhiteSpace(period) ? "today" : period.Trim().ToLowerInvariant();
        PeriodKind kind;
        switch (kindText)
        {
            case "today": kind = PeriodKind.Today; break;
            case "yesterday": kind = PeriodKind.Yesterday; break;
            case "week": kind = PeriodKind.Week; break;
            case "range": kind = PeriodKind.Range; break;
            default: return (null, $"period '{Clip(period!)}' is not one of {string.Join(", ", PeriodNames)}.");
        }

        DateOnly rangeFrom = default, rangeTo = default;
        if (kind == PeriodKind.Range)
        {
            if (!TryDay(from, "from", out rangeFrom, out var problem) || !TryDay(to, "to", out rangeTo, out problem))
            {
                return (null, problem);
            }

            if (rangeTo < rangeFrom)
            {
                return (null, $"to {rangeTo:yyyy-MM-dd} is before from {rangeFrom:yyyy-MM-dd}.");
            }

            if (rangeTo.DayNumber - rangeFrom.DayNumber + 1 > MaxDays)
            {
                return (null, $"the range has {rangeTo.DayNumber - rangeFrom.DayNumber + 1} days; a report covers at most {MaxDays} days (ask for a year at a time).");
            }
        }
        else if (!string.IsNullOrEmpty(from) || !string.IsNullOrEmpty(to))
        {
            return (null, "from and to go with period=range only.");
        }

        var days = chosen.Select(s =>
        {
            var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, s.TimeZone).DateTime);
            return kind switch
            {
                PeriodKind.Today => new StoreDays(s, today, today),
                PeriodKind.Yesterday => new StoreDays(s, today.AddDays(-1), today.AddDays(-1)),
                PeriodKind.Week => new StoreDays(s, today.AddDays(-(((int)today.DayOfWeek + 6) % 7)), today),
                _ => new StoreDays(s, rangeFrom, rangeTo),
            };
        }).ToList();
        return (new ReportRequest(store, kind, days), null);
    }

    private static bool TryDay(string? text, string name, out DateOnly day, out string? problem)
    {
        problem = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            day = default;
            problem = $"period=range needs {name} as a date like 2026-11-30.";
            return false;
        }

        if (!DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day) || day.Year < 2000 || day.Year > 2099)
        {
            problem = $"{name} '{Clip(text)}' is not a date like 2026-11-30 (years 2000 to 2099).";
            return false;
        }

        return true;
    }

    /// <summary>Echoes at most 40 characters of what the user sent, so a huge value does not come back whole.</summary>
    private static string Clip(string text) => text.Length > 40 ? text[..40] + "…" : text;
}
