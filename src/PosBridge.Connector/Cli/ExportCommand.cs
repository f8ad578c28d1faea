using System.Globalization;
using PosBridge.Accounting.Export;
using PosBridge.Accounting.Setup;
using PosBridge.Connector.Ingestion;
using PosBridge.Core.Adapters;

namespace PosBridge.Connector.Cli;

/// <summary>
/// <c>posbridge export</c>: writes a ledger's journals for a period of business days from the sales the
/// connector holds. The ledger keeps only the sales of its store's business days (cut in its time zone),
/// so the inbox is read with a day's margin either side.
/// </summary>
internal static class ExportCommand
{
    public static async Task<int> RunAsync(IServiceProvider services, IReadOnlyDictionary<string, string> options, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        if (!TryDate(options, "from", out var from, out var problem) || !TryDate(options, "to", out var to, out problem))
        {
            return await FailAsync(error, problem!, CommandLine.Usage).ConfigureAwait(false);
        }

        if (to < from)
        {
            return await FailAsync(error, $"--to {to:yyyy-MM-dd} is before --from {from:yyyy-MM-dd}.", CommandLine.Usage).ConfigureAwait(false);
        }

        if (services.GetService<LedgerExports>() is not { } ledgers)
        {
            return await FailAsync(error, "no ledgers are configured: add them under Accounting:Ledgers in appsettings.json (see src/PosBridge.Accounting/README.md).", CommandLine.InputProblems).ConfigureAwait(false);
        }

        LedgerExport ledger;
        try
        {
            ledger = Choose(ledgers, options);
        }
        catch (ArgumentException ex)
        {
            // The message names the ledger or dialect; .NET's "(Parameter 'name')" tail is no help to a user.
            var message = ex.ParamName is null ? ex.Message : ex.Message.Replace($" (Parameter '{ex.ParamName}')", string.Empty, StringComparison.Ordinal);
            return await FailAsync(error, message, CommandLine.InputProblems).ConfigureAwait(false);
        }

        var margin = TimeSpan.FromHours(15);
        var fromUtc = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) - margin;
        var toUtc = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) + margin;
        var progress = new ProgressLines(error, services.GetRequiredService<TimeProvider>());
        var sales = WithProgressAsync(services.GetRequiredService<IInbox>().ForStoreAsync(ledger.StoreId, fromUtc, toUtc, cancellationToken), ledger.Name, from, to, progress, cancellationToken);
        var adjustments = await Ledgers.LedgerInputs.ForAsync(ledger, services, fromUtc, toUtc, cancellationToken).ConfigureAwait(false);
        var result = await ledger.WriteAsync(new LedgerPeriod(ledger.StoreId, from, to), sales, adjustments, options["out"], cancellationToken).ConfigureAwait(false);
        if (result.Outcome == LedgerWriteOutcome.Failed)
        {
            var which = result.SaleIds.Count == 0 ? string.Empty : $" Sales: {string.Join(", ", result.SaleIds.Take(20))}{(result.SaleIds.Count > 20 ? ", …" : string.Empty)}.";
            return await FailAsync(error, $"nothing was written: {result.Reason}{which}", CommandLine.InputProblems).ConfigureAwait(false);
        }

        await output.WriteLineAsync($"Ledger {ledger.Name} ({ledger.StoreId}), {from:yyyy-MM-dd} to {to:yyyy-MM-dd}: {result.JournalCount} journals in {result.Files.Count} file(s)").ConfigureAwait(false);
        foreach (var file in result.Files)
        {
            await output.WriteLineAsync($"  {file}").ConfigureAwait(false);
        }

        foreach (var note in result.Notes)
        {
            await output.WriteLineAsync($"  not in the file: {note}").ConfigureAwait(false);
        }

        return CommandLine.Ok;
    }

    /// <summary>
    /// The sales as the ledger reads them (by time), with "day N of M" on standard error as they pass: a year's export
    /// reads hundreds of thousands of sales, and a silent minute looks like a hang.
    /// </summary>
    private static async IAsyncEnumerable<Core.Sales.Sale> WithProgressAsync(
        IAsyncEnumerable<Core.Sales.Sale> sales, string ledger, DateOnly from, DateOnly to, ProgressLines progress, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var days = to.DayNumber - from.DayNumber + 1;
        await foreach (var sale in sales.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            var day = Math.Clamp(DateOnly.FromDateTime(sale.CreatedAtStoreTime.DateTime).DayNumber - from.DayNumber + 1, 1, days);
            await progress.ReportAsync(() => $"posbridge: export {ledger}: day {day} of {days} ({from.AddDays(day - 1):yyyy-MM-dd})", cancellationToken).ConfigureAwait(false);
            yield return sale;
        }
    }

    private static LedgerExport Choose(LedgerExports ledgers, IReadOnlyDictionary<string, string> options)
    {
        if (options.TryGetValue("ledger", out var name))
        {
            return ledgers.Get(name);
        }

        if (!options.TryGetValue("dialect", out var dialect))
        {
            throw new ArgumentException("name the ledger (--ledger NAME) or its dialect (--dialect D, with --store S when several stores have one).");
        }

        if (options.TryGetValue("store", out var store))
        {
            return ledgers.Find(store, dialect);
        }

        var stores = ledgers.All.Select(l => l.StoreId).Distinct(StringComparer.Ordinal).ToList();
        return stores.Count == 1
            ? ledgers.Find(stores[0], dialect)
            : throw new ArgumentException($"several stores have ledgers ({string.Join(", ", stores.Order(StringComparer.Ordinal))}); add --store.");
    }

    private static bool TryDate(IReadOnlyDictionary<string, string> options, string name, out DateOnly date, out string? problem)
    {
        problem = null;
        date = default;
        if (!options.TryGetValue(name, out var text))
        {
            problem = $"export needs --{name} YYYY-MM-DD.";
            return false;
        }

        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            problem = $"--{name} '{text}' is not a date like 2026-11-30.";
            return false;
        }

        return true;
    }

    private static async Task<int> FailAsync(TextWriter error, string message, int code)
    {
        await error.WriteLineAsync($"posbridge: {message}").ConfigureAwait(false);
        return code;
    }
}
