using System.Globalization;
using System.Text.Json;
using PosBridge.Connector.Cli;
using PosBridge.Connector.Stores;

namespace PosBridge.Connector.Reports;

/// <summary>
/// <c>posbridge report</c>: the dashboard's report figures on the command line (the same queries), as text, JSON
/// (the API's document) or one table as CSV or XLSX; and <c>report rebuild</c>, which adds up the aggregates again
/// from the raw sales.
/// </summary>
internal static class ReportCommand
{
    public static readonly IReadOnlyList<string> Flags = ["store", "period", "from", "to", "format", "table", "out", "data"];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Checks the arguments before any service starts; null when they are usable.</summary>
    public static string? Check(IReadOnlyList<string> positional, IReadOnlyDictionary<string, string> options)
    {
        ArgumentNullException.ThrowIfNull(positional);
        ArgumentNullException.ThrowIfNull(options);
        if (positional is ["rebuild"])
        {
            return options.Keys.Any(k => k != "data") ? "report rebuild takes --data DIR only." : null;
        }

        if (positional.Count > 0)
        {
            return $"'{positional[0]}' is not a report command; use 'report [--store S] [--period P] …' or 'report rebuild'.";
        }

        if (options.Keys.FirstOrDefault(k => !Flags.Contains(k)) is { } unknown)
        {
            return $"report does not take --{unknown}; it takes {string.Join(", ", Flags.Select(f => "--" + f))}.";
        }

        var format = options.GetValueOrDefault("format") ?? "text";
        if (format is not ("text" or "json" or "csv" or "xlsx"))
        {
            return $"--format '{format}' is not text, json, csv or xlsx.";
        }

        if (format is "csv" or "xlsx")
        {
            if (!options.TryGetValue("table", out var table) || !ReportTables.Names.Contains(table))
            {
                return $"--format {format} writes one table: add --table with one of {string.Join(", ", ReportTables.Names)}.";
            }

            if (format == "xlsx" && !options.ContainsKey("out"))
            {
                return "--format xlsx needs --out FILE (a spreadsheet is not written to the terminal).";
            }
        }
        else if (options.ContainsKey("table"))
        {
            return "--table goes with --format csv or xlsx.";
        }

        return null;
    }

    public static async Task<int> RunAsync(IServiceProvider services, IReadOnlyList<string> positional, IReadOnlyDictionary<string, string> options, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var aggregates = services.GetRequiredService<IReportAggregates>();
        if (positional is ["rebuild"])
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var rebuilt = await aggregates.RebuildAsync(cancellationToken).ConfigureAwait(false);
            var took = System.Diagnostics.Stopwatch.GetElapsedTime(started);
            await output.WriteLineAsync($"Report aggregates rebuilt from {rebuilt.Sales} sale(s): {rebuilt.Rows} row(s) in {took.TotalSeconds:0.0} s.").ConfigureAwait(false);
            return CommandLine.Ok;
        }

        var (request, problem) = ReportRequest.Parse(
            options.GetValueOrDefault("store"),
            options.GetValueOrDefault("period"),
            options.GetValueOrDefault("from"),
            options.GetValueOrDefault("to"),
            services.GetRequiredService<StoreDirectory>(),
            services.GetRequiredService<TimeProvider>().GetUtcNow());
        if (request is null)
        {
            await error.WriteLineAsync($"posbridge: {problem}").ConfigureAwait(false);
            await error.WriteLineAsync("Run 'posbridge report --help' for the options.").ConfigureAwait(false);
            return CommandLine.Usage;
        }

        // A database from before the reports has sales and no aggregates yet: the first report builds them.
        await aggregates.EnsureBuiltAsync(cancellationToken).ConfigureAwait(false);
        var report = await services.GetRequiredService<IReportQueries>().RunAsync(request, cancellationToken).ConfigureAwait(false);
        var format = options.GetValueOrDefault("format") ?? "text";
        switch (format)
        {
            case "json":
                await WriteAsync(options, output, JsonSerializer.SerializeToUtf8Bytes(report, Json), cancellationToken).ConfigureAwait(false);
                return CommandLine.Ok;
            case "csv":
                await WriteAsync(options, output, ReportTables.Csv(ReportTables.Find(report, options["table"])!), cancellationToken).ConfigureAwait(false);
                return CommandLine.Ok;
            case "xlsx":
                await File.WriteAllBytesAsync(options["out"], ReportTables.Xlsx(ReportTables.Find(report, options["table"])!), cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync($"Wrote {options["out"]}.").ConfigureAwait(false);
                return CommandLine.Ok;
            default:
                await output.WriteAsync(Text(report)).ConfigureAwait(false);
                return CommandLine.Ok;
        }
    }

    /// <summary>The report as a person reads it in a terminal: the days, then per currency the figures against a week earlier.</summary>
    internal static string Text(Report report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var text = new System.Text.StringBuilder();
        var c = CultureInfo.InvariantCulture;
        foreach (var s in report.Stores)
        {
            text.AppendLine(c, $"{s.StoreId} ({s.Name}, {s.TimeZone}): {s.From} to {s.To}, against {s.CompareFrom} to {s.CompareTo}");
        }

        if (report.Summary.Count == 0)
        {
            text.AppendLine("No sales in the period.");
        }

        foreach (var s in report.Summary)
        {
            text.AppendLine(c, $"{s.Currency}                 now     week earlier");
            void Line(string name, object now, object before) => text.AppendLine(c, $"  {name,-14} {now,14} {before,14}");
            Line("sales", s.Current.Sales, s.WeekEarlier.Sales);
            Line("refunds", s.Current.Refunds, s.WeekEarlier.Refunds);
            Line("discounts", s.Current.Discounts, s.WeekEarlier.Discounts);
            Line("net", s.Current.Net, s.WeekEarlier.Net);
            Line("tax", s.Current.Tax, s.WeekEarlier.Tax);
            Line("transactions", s.Current.Transactions, s.WeekEarlier.Transactions);
            Line("average basket", s.Current.AverageBasket, s.WeekEarlier.AverageBasket);
        }

        foreach (var p in report.Payments)
        {
            text.AppendLine(c, $"  payment {p.Currency} {p.Kind} {p.MethodId}: {p.Count} for {p.Amount}");
        }

        foreach (var u in report.Undelivered)
        {
            text.AppendLine(c, $"  not yet in {u.Adapter}: {u.Count} sale(s) of {u.StoreId}, {u.Currency} {u.Amount}");
        }

        return text.ToString();
    }

    private static async Task WriteAsync(IReadOnlyDictionary<string, string> options, TextWriter output, byte[] content, CancellationToken cancellationToken)
    {
        if (options.TryGetValue("out", out var path))
        {
            await File.WriteAllBytesAsync(path, content, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"Wrote {path}.").ConfigureAwait(false);
        }
        else
        {
            await output.WriteAsync(System.Text.Encoding.UTF8.GetString(content)).ConfigureAwait(false);
            await output.WriteLineAsync().ConfigureAwait(false);
        }
    }
}
