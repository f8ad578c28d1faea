using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PosBridge.Connector.Demo;

/// <summary>A back office of the day: a dispatch adapter (<c>sales</c>) or a ledger, with the sales it got.</summary>
internal sealed record DemoBackOffice(string Name, string Kind, string? Dialect, long Delivered, long DeadLetters, long Missing, string? Problem, IReadOnlyList<string> Files);

/// <summary>One feed file as served, with its item count.</summary>
internal sealed record DemoFeed(string Store, string Format, string File, int Items);

/// <summary>What went where: printed at the end and written as <c>summary.json</c>.</summary>
internal sealed class DemoSummary(string root, DateOnly businessDay, string connector, IReadOnlyList<TillDay> tills)
{
    public IReadOnlyList<TillDay> Tills => tills;

    public string Root { get; } = root;

    public DateOnly BusinessDay { get; } = businessDay;

    /// <summary>Every sale number the tills made, refunds included.</summary>
    public IReadOnlyList<string> Documents { get; } = tills.SelectMany(t => t.Documents).ToList();

    public int Made => Documents.Count;

    public int Sales => tills.Sum(t => t.Sales.Count);

    public int Refunds => tills.Sum(t => t.Refunds.Count);

    public long ReceivedByConnector { get; set; }

    public List<DemoBackOffice> BackOffices { get; } = [];

    public List<DemoFeed> Feeds { get; } = [];

    public double ElapsedSeconds { get; set; }

    /// <summary>Whether every back office got every sale made and every feed has items.</summary>
    public bool AllDelivered =>
        ReceivedByConnector == Made && BackOffices.All(b => b.Delivered == Made && b.Problem is null) && Feeds.All(f => f.Items > 0);

    /// <summary>Prints the table of what went where and writes <c>summary.json</c>; true when everything arrived.</summary>
    public async Task<bool> WriteAsync(TextWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        var path = Path.Combine(Root, "summary.json");
        var files = Directory.GetFiles(Root, "*", SearchOption.AllDirectories)
            .Where(f => !string.Equals(f, path, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(f => new JsonObject { ["path"] = DemoCommand.Relative(f), ["bytes"] = new FileInfo(f).Length })
            .ToArray<JsonNode?>();
        var json = new JsonObject
        {
            ["store"] = DemoShop.Store,
            ["businessDay"] = BusinessDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["connector"] = connector,
            ["elapsedSeconds"] = Math.Round(ElapsedSeconds, 1),
            ["salesMade"] = Made,
            ["sales"] = Sales,
            ["refunds"] = Refunds,
            ["receivedByConnector"] = ReceivedByConnector,
            ["allDelivered"] = AllDelivered,
            ["tills"] = new JsonArray(tills.Select(t => (JsonNode?)new JsonObject
            {
                ["till"] = t.TillId,
                ["shift"] = t.ShiftId,
                ["sales"] = t.Sales.Count,
                ["refunds"] = t.Refunds.Count,
                ["madeOffline"] = t.MadeOffline,
                ["mostWaitingOnTill"] = t.MostWaiting,
                ["expectedCash"] = t.ExpectedCash,
                ["countedCash"] = t.CountedCash,
            }).ToArray()),
            ["backOffices"] = new JsonArray(BackOffices.Select(b => (JsonNode?)new JsonObject
            {
                ["name"] = b.Name,
                ["kind"] = b.Kind,
                ["dialect"] = b.Dialect,
                ["salesMade"] = Made,
                ["salesDelivered"] = b.Delivered,
                ["deadLetters"] = b.DeadLetters,
                ["problem"] = b.Problem,
                ["files"] = new JsonArray(b.Files.Select(f => (JsonNode?)DemoCommand.Relative(f)).ToArray()),
            }).ToArray()),
            ["feeds"] = new JsonArray(Feeds.Select(f => (JsonNode?)new JsonObject
            {
                ["store"] = f.Store,
                ["format"] = f.Format,
                ["file"] = DemoCommand.Relative(f.File),
                ["items"] = f.Items,
            }).ToArray()),
            ["files"] = new JsonArray(files),
        };
        await File.WriteAllTextAsync(path, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n", new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);

        var table = new StringBuilder();
        table.AppendLine();
        table.AppendLine(CultureInfo.InvariantCulture, $"Business day {BusinessDay:yyyy-MM-dd} of store {DemoShop.Store}: {Made} sale documents made on {tills.Count} tills ({Sales} sales, {Refunds} refunds), {ReceivedByConnector} received by the connector.");
        table.AppendLine(CultureInfo.InvariantCulture, $"  {"back office",-22} {"kind",-8} {"made",5} {"delivered",9}");
        foreach (var b in BackOffices)
        {
            table.AppendLine(CultureInfo.InvariantCulture, $"  {b.Name,-22} {b.Kind,-8} {Made,5} {b.Delivered,9}{(b.Delivered == Made && b.Problem is null ? string.Empty : "  ← " + (b.Problem ?? "not all delivered"))}");
        }

        foreach (var f in Feeds)
        {
            table.AppendLine(CultureInfo.InvariantCulture, $"  feed {f.Store}/{f.Format}: {f.Items} items");
        }

        table.AppendLine(CultureInfo.InvariantCulture, $"{files.Length} files written under {DemoCommand.Relative(Root)}/, listed with these counts in {DemoCommand.Relative(path)}.");
        table.AppendLine(AllDelivered
            ? string.Create(CultureInfo.InvariantCulture, $"Every sale made reached every back office ({ElapsedSeconds:0.0} s).")
            : "Not every sale reached every back office: see the lines marked ←.");
        await output.WriteAsync(table.ToString()).ConfigureAwait(false);
        return AllDelivered;
    }
}
