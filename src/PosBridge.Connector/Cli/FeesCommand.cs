using System.Globalization;
using Microsoft.Extensions.Options;
using PosBridge.Accounting.Export;
using PosBridge.Accounting.Setup;
using PosBridge.Connector.Catalog;
using PosBridge.Connector.Fees;
using PosBridge.Connector.Ingestion;
using PosBridge.Connector.Ledgers;
using PosBridge.Core.Amounts;

namespace PosBridge.Connector.Cli;

/// <summary>
/// <c>posbridge fees import</c> and <c>fees list</c>: card and wallet providers' fees from their settlement reports,
/// kept in the database for the ledgers to book on their business day (close of day and <c>posbridge export</c>).
/// </summary>
internal static class FeesCommand
{
    private const int ProblemsShown = 50;

    public static async Task<int> ImportAsync(IServiceProvider services, IReadOnlyDictionary<string, string> options, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var storeId = options["store"];
        var path = options["file"];
        if (Store(services, storeId, out var store, out var ledgers) is { } storeProblem)
        {
            return await FailAsync(error, storeProblem).ConfigureAwait(false);
        }

        if (!File.Exists(path))
        {
            return await FailAsync(error, $"no file '{path}'.").ConfigureAwait(false);
        }

        var method = options.GetValueOrDefault("method");
        if (method is { Length: 0 })
        {
            return await FailAsync(error, "--method is empty.").ConfigureAwait(false);
        }

        var zone = TimeZoneInfo.FindSystemTimeZoneById(store.TimeZone!);
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var methods = await StoreMethods.ForAsync(storeId, services.GetRequiredService<ICatalogSnapshot>(), services.GetRequiredService<IInbox>(), cancellationToken).ConfigureAwait(false);
        var context = new SettlementContext(
            storeId,
            zone,
            Currency.FromCode(store.Currency!),
            methods,
            method,
            DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime),
            ledgers);
        var read = SettlementFile.Read(path, context);
        if (read.Problems.Count > 0)
        {
            foreach (var problem in read.Problems.Take(ProblemsShown))
            {
                await error.WriteLineAsync(problem).ConfigureAwait(false);
            }

            var more = read.Problems.Count > ProblemsShown ? $" ({read.Problems.Count - ProblemsShown} more not shown)" : string.Empty;
            return await FailAsync(error, $"{read.Problems.Count} problem(s){more}; nothing was imported.").ConfigureAwait(false);
        }

        var fileName = Path.GetFileName(path);
        var result = await services.GetRequiredService<IProviderFeeStore>().ImportAsync(read.Fees, fileName, now, cancellationToken).ConfigureAwait(false);
        if (result.Refused)
        {
            foreach (var (incoming, stored) in result.Conflicts.Take(ProblemsShown))
            {
                await error.WriteLineAsync(
                    $"{fileName}:{incoming.Line}: reference '{incoming.Fee.Reference}' of method '{incoming.Fee.MethodId}' was imported on {stored.ImportedAt:yyyy-MM-dd HH:mm}Z from {stored.SourceFile} line {stored.SourceLine} "
                    + $"as {Describe(stored.Fee)}; this file says {Describe(incoming.Fee)}. A stored fee is never changed, since the ledgers may have booked it.").ConfigureAwait(false);
            }

            return await FailAsync(error, $"{result.Conflicts.Count} fee(s) differ from what is stored; nothing was imported.").ConfigureAwait(false);
        }

        var total = read.Fees.Sum(f => f.Fee.Amount);
        await output.WriteLineAsync(
            $"{fileName}: {read.Fees.Count} fee(s) of store {storeId}, {CurrencyText(total, context.Currency)}: {result.Added} added, {result.AlreadyThere} already there.").ConfigureAwait(false);
        if (result.Added > 0)
        {
            await WarnAboutWrittenDaysAsync(services.GetRequiredService<ILedgerDays>(), ledgers, read.Fees.Select(f => DayOf(f.Fee.ReportedAtUtc, zone)).ToHashSet(), output, cancellationToken).ConfigureAwait(false);
        }

        return CommandLine.Ok;
    }

    public static async Task<int> ListAsync(IServiceProvider services, IReadOnlyDictionary<string, string> options, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        if (!TryDate(options["from"], "from", out var from, out var problem) || !TryDate(options["to"], "to", out var to, out problem))
        {
            return await FailAsync(error, problem!, CommandLine.Usage).ConfigureAwait(false);
        }

        if (to < from)
        {
            return await FailAsync(error, $"--to {to:yyyy-MM-dd} is before --from {from:yyyy-MM-dd}.", CommandLine.Usage).ConfigureAwait(false);
        }

        var accounting = services.GetService<IOptions<AccountingOptions>>()?.Value;
        if (accounting is null || accounting.Stores.Count == 0)
        {
            return await FailAsync(error, "no stores are configured under PosBridge:Stores, so no fee can have been imported.").ConfigureAwait(false);
        }

        var storeId = options.GetValueOrDefault("store");
        if (storeId is not null && !accounting.Stores.ContainsKey(storeId))
        {
            return await FailAsync(error, $"store '{storeId}' is not configured under PosBridge:Stores; configured: {string.Join(", ", accounting.Stores.Keys.Order(StringComparer.Ordinal))}.").ConfigureAwait(false);
        }

        // Business days are cut in each store's zone: read with a margin, then keep the fees of the days asked for.
        var margin = TimeSpan.FromHours(15);
        var stored = await services.GetRequiredService<IProviderFeeStore>().ForStoreAsync(
            storeId,
            new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) - margin,
            new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) + margin,
            cancellationToken).ConfigureAwait(false);
        var rows = stored
            .Where(s => accounting.Stores.ContainsKey(s.Fee.StoreId))
            .Select(s => (Stored: s, Day: DayOf(s.Fee.ReportedAtUtc, TimeZoneInfo.FindSystemTimeZoneById(accounting.Stores[s.Fee.StoreId].TimeZone!))))
            .Where(r => r.Day >= from && r.Day <= to)
            .OrderBy(r => r.Stored.Fee.StoreId, StringComparer.Ordinal).ThenBy(r => r.Day).ThenBy(r => r.Stored.Fee.ReportedAtUtc)
            .ThenBy(r => r.Stored.Fee.MethodId, StringComparer.Ordinal).ThenBy(r => r.Stored.Fee.Reference, StringComparer.Ordinal)
            .ToList();
        if (rows.Count == 0)
        {
            await output.WriteLineAsync($"No provider fees {(storeId is null ? string.Empty : $"of store {storeId} ")}on business days {from:yyyy-MM-dd} to {to:yyyy-MM-dd}.").ConfigureAwait(false);
            return CommandLine.Ok;
        }

        await output.WriteLineAsync($"{"store",-8} {"day",-10} {"method",-14} {"kind",-7} {"reference",-24} {"amount",12} currency  from").ConfigureAwait(false);
        foreach (var (s, day) in rows)
        {
            var fee = s.Fee;
            await output.WriteLineAsync(
                $"{fee.StoreId,-8} {day:yyyy-MM-dd} {fee.MethodId,-14} {fee.Kind.ToString().ToLowerInvariant(),-7} {fee.Reference,-24} {Amount(fee),12} {fee.Currency,-9} {s.SourceFile}:{s.SourceLine}").ConfigureAwait(false);
        }

        foreach (var group in rows.GroupBy(r => (r.Stored.Fee.StoreId, r.Stored.Fee.Currency)).OrderBy(g => g.Key.StoreId, StringComparer.Ordinal))
        {
            var total = group.Sum(r => r.Stored.Fee.Amount);
            await output.WriteLineAsync($"Total {group.Key.StoreId}: {group.Count()} fee(s), {(Currency.TryFromCode(group.Key.Currency, out var c) ? CurrencyText(total, c) : $"{total.ToString(CultureInfo.InvariantCulture)} {group.Key.Currency}")}").ConfigureAwait(false);
        }

        return CommandLine.Ok;
    }

    /// <summary>The store's settings and its ledgers, or why fees cannot be imported for it.</summary>
    private static string? Store(IServiceProvider services, string storeId, out StoreOptions store, out IReadOnlyList<LedgerExport> ledgers)
    {
        store = null!;
        ledgers = [];
        if (services.GetService<LedgerExports>() is not { } exports || services.GetService<IOptions<AccountingOptions>>()?.Value is not { } accounting)
        {
            return "no ledgers are configured: fees are booked by the ledgers under Accounting:Ledgers (see src/PosBridge.Accounting/README.md), so configure them first.";
        }

        if (!accounting.Stores.TryGetValue(storeId, out var found))
        {
            return $"store '{storeId}' is not configured under PosBridge:Stores; configured: {string.Join(", ", accounting.Stores.Keys.Order(StringComparer.Ordinal).DefaultIfEmpty("none"))}.";
        }

        store = found;
        ledgers = [.. exports.All.Where(l => string.Equals(l.StoreId, storeId, StringComparison.Ordinal)).OrderBy(l => l.Name, StringComparer.Ordinal)];
        return ledgers.Count == 0 ? $"store {storeId} has no ledger under Accounting:Ledgers, so its fees would be booked nowhere." : null;
    }

    /// <summary>
    /// Fees of a business day the close-of-day run has already written are in <c>posbridge export</c> of that day
    /// from now on, but not in the file written then: say which, and how to write them.
    /// </summary>
    private static async Task WarnAboutWrittenDaysAsync(ILedgerDays ledgerDays, IReadOnlyList<LedgerExport> ledgers, HashSet<DateOnly> days, TextWriter output, CancellationToken cancellationToken)
    {
        foreach (var ledger in ledgers)
        {
            if (await ledgerDays.LastWrittenAsync(ledger.Name, cancellationToken).ConfigureAwait(false) is not { } last)
            {
                continue;
            }

            var written = days.Where(d => d <= last).Order().ToList();
            if (written.Count > 0)
            {
                await output.WriteLineAsync(
                    $"Note: the close of day has already written ledger {ledger.Name} for {string.Join(", ", written.Select(d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)))}, "
                    + $"so those files do not have these fees. Write them with: posbridge export --ledger {ledger.Name} --from {written[0]:yyyy-MM-dd} --to {written[^1]:yyyy-MM-dd} --out DIR").ConfigureAwait(false);
            }
        }
    }

    private static DateOnly DayOf(DateTimeOffset utc, TimeZoneInfo zone) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(utc, zone).DateTime);

    private static string Describe(Accounting.Journals.ProviderFee fee) =>
        $"{fee.Kind.ToString().ToLowerInvariant()} {Amount(fee)} {fee.Currency} at {fee.ReportedAtUtc:yyyy-MM-dd HH:mm:ss}Z";

    private static string Amount(Accounting.Journals.ProviderFee fee) =>
        Currency.TryFromCode(fee.Currency, out var currency)
            ? fee.Amount.ToString("F" + currency.MinorUnits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)
            : fee.Amount.ToString(CultureInfo.InvariantCulture);

    private static string CurrencyText(decimal amount, Currency currency) =>
        $"{amount.ToString("F" + currency.MinorUnits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)} {currency.Code}";

    private static bool TryDate(string text, string name, out DateOnly date, out string? problem)
    {
        problem = null;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            return true;
        }

        problem = $"--{name} '{text}' is not a date like 2026-11-30.";
        return false;
    }

    private static async Task<int> FailAsync(TextWriter error, string message, int code = CommandLine.InputProblems)
    {
        await error.WriteLineAsync($"posbridge: {message}").ConfigureAwait(false);
        return code;
    }
}
