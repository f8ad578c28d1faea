using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using PosBridge.Accounting.Accounts;
using PosBridge.Accounting.Dialects;
using PosBridge.Accounting.Journals;
using PosBridge.Accounting.Setup;
using PosBridge.Core.Adapters;
using PosBridge.Core.Amounts;
using PosBridge.Core.Sales;

namespace PosBridge.Accounting.Export;

/// <summary>A ledger's settings once validated: the store, its time zone and currency, the dialect and accounts.</summary>
internal sealed record LedgerSettings(
    string Name,
    ILedgerDialect Dialect,
    string StoreId,
    TimeZoneInfo Zone,
    Currency StoreCurrency,
    string BaseCurrency,
    decimal ExchangeRate,
    AccountMap Map,
    LedgerOptions Options);

/// <summary>
/// One configured ledger: writes a store's journals for a period in one dialect. Files are written to a
/// staging folder and moved into place only when every journal was written, so a failed export leaves the
/// output folder as it was. The same sales in the same order give byte-identical files.
/// </summary>
public sealed class LedgerExport : ILedgerWriter
{
    private readonly LedgerSettings _settings;
    private readonly ILogger _logger;

    internal LedgerExport(LedgerSettings settings, ILogger logger)
    {
        _settings = settings;
        _logger = logger;
    }

    public string Name => _settings.Name;

    /// <summary>The dialect's name as configuration gives it (<c>xero-journals</c>).</summary>
    public string DialectName => _settings.Dialect.Name;

    internal ILedgerDialect Dialect => _settings.Dialect;

    public string StoreId => _settings.StoreId;

    public JournalMode Mode => _settings.Options.Mode;

    /// <summary>Revenue is booked per product category: give the catalog's categories in <see cref="LedgerAdjustments.ProductCategories"/>.</summary>
    public bool BooksRevenueByCategory => _settings.Map.ByCategory;

    /// <summary>
    /// Writes the period's journals from a list of sales (ordered here by time and id, so the files do not
    /// depend on the order given). Sales of other stores or days are left out and logged.
    /// </summary>
    public Task<LedgerWriteResult> WriteAsync(LedgerPeriod period, IReadOnlyList<Sale> sales, string outputDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sales);
        var ordered = sales.OrderBy(s => s.CreatedAtUtc).ThenBy(s => s.Id).ToArray();
        return WriteAsync(period, ToAsync(ordered, cancellationToken), LedgerAdjustments.None, outputDirectory, cancellationToken);
    }

    /// <summary>
    /// Writes the period's journals streaming: sales are read one at a time, in the order the store gives
    /// them (give them in a stable order, e.g. by time then id, for byte-identical re-exports); shift cash
    /// counts add over/short and tips journals, provider fees their own. Expected failures come back as a
    /// failed result that names the sales concerned; nothing is written then.
    /// </summary>
    public async Task<LedgerWriteResult> WriteAsync(
        LedgerPeriod period,
        IAsyncEnumerable<Sale> sales,
        LedgerAdjustments adjustments,
        string outputDirectory,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(period);
        ArgumentNullException.ThrowIfNull(sales);
        ArgumentNullException.ThrowIfNull(adjustments);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDirectory);

        if (!string.Equals(period.StoreId, StoreId, StringComparison.Ordinal))
        {
            return Fail(period, $"Ledger '{Name}' exports store {StoreId}, not {period.StoreId}.", []);
        }

        if (Dialect.CheckPeriod(period, _settings.Options) is { } rangeProblem)
        {
            return Fail(period, rangeProblem, []);
        }

        Directory.CreateDirectory(outputDirectory);
        var staging = Path.Combine(outputDirectory, $".{Name}.partial");
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        Directory.CreateDirectory(staging);
        try
        {
            return await ExportAsync(period, sales, adjustments, outputDirectory, staging, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    private async Task<LedgerWriteResult> ExportAsync(
        LedgerPeriod period,
        IAsyncEnumerable<Sale> sales,
        LedgerAdjustments adjustments,
        string outputDirectory,
        string staging,
        CancellationToken cancellationToken)
    {
        var context = Context(staging, period);
        var run = new JournalRun();
        var journalCount = 0;
        var salesWritten = 0;
        using var writer = Dialect.CreateWriter(context);
        var notes = new List<string>();
        await foreach (var journal in JournalsAsync(period, sales, adjustments, run, cancellationToken).ConfigureAwait(false))
        {
            if (journal.Lines.Count == 0)
            {
                // A sale of nothing but free items (or the refund of one) moves no money: no ledger takes an empty
                // journal, so it is counted as booked and said so.
                notes.Add($"sale {journal.Reference} ({journal.Id}) totals zero, so it has nothing to book");
                salesWritten += journal.SaleIds.Count;
                continue;
            }

            try
            {
                writer.Write(journal);
                journalCount++;
                salesWritten += journal.SaleIds.Count;
            }
            catch (JournalRefusedException e)
            {
                run.Add(journal.SaleIds, $"journal {journal.Reference} {e.Message}");
            }
        }

        if (run.Outside > 0)
        {
            Log.SalesOutsidePeriod(_logger, Name, run.Outside, StoreId, period.From, period.To);
        }

        if (run.OffsetMismatches > 0)
        {
            Log.StoreOffsetMismatch(_logger, Name, run.OffsetMismatches, StoreId, _settings.Zone.Id);
        }

        // A day with no sales may still have a shift's count (a till opened and closed with over/short) to book.
        if (run.SaleCount == 0 && journalCount == 0 && !run.HasProblems)
        {
            return Fail(period, $"No sales, shift counts or provider fees of store {StoreId} fall on business days {period.From:yyyy-MM-dd} to {period.To:yyyy-MM-dd}; there is nothing to export.", []);
        }

        if (!run.HasProblems && salesWritten != run.SaleCount)
        {
            // Every sale of the period is in a written journal, or the export fails: a ledger never leaves a sale out.
            run.Add([], $"{run.SaleCount} sale(s) fall on the period but {salesWritten} were written");
        }

        IReadOnlyList<string> staged = [];
        try
        {
            staged = writer.Complete();
        }
        catch (JournalRefusedException e)
        {
            run.Add([], e.Message);
        }

        if (run.HasProblems)
        {
            return Fail(period, run.Describe(), run.SaleIds);
        }

        // A re-export may need fewer numbered files than the last one; an old extra file would be imported twice.
        foreach (var old in Directory.EnumerateFiles(outputDirectory, context.FileStem + "*.csv"))
        {
            if (!staged.Any(f => string.Equals(Path.GetFileName(f), Path.GetFileName(old), StringComparison.Ordinal)))
            {
                File.Delete(old);
            }
        }

        var files = new List<string>(staged.Count);
        foreach (var file in staged)
        {
            var target = Path.Combine(outputDirectory, Path.GetFileName(file));
            File.Move(file, target, overwrite: true);
            files.Add(Path.GetFullPath(target));
        }

        Log.ExportWritten(_logger, Name, journalCount, StoreId, period.From, period.To, files.Count);
        notes.AddRange(writer.Notes);
        foreach (var note in notes)
        {
            Log.ExportNote(_logger, Name, note);
        }

        return LedgerWriteResult.Written(files, journalCount, notes);
    }

    /// <summary>
    /// The period's journals in the order they are written: per sale as the sales come, or one per business
    /// day at the end; then the shifts' cash journals and the providers' fees. Problems are collected in <paramref name="run"/>; once
    /// there is one, per-sale journals are still given (so the dialect names every sale it cannot hold) but no summaries,
    /// counts or fees, and the export writes nothing.
    /// </summary>
    internal async IAsyncEnumerable<Journal> JournalsAsync(
        LedgerPeriod period,
        IAsyncEnumerable<Sale> sales,
        LedgerAdjustments adjustments,
        JournalRun run,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var builder = new JournalBuilder(_settings.Map, StoreId, _settings.StoreCurrency, _settings.Zone, adjustments.ProductCategories);
        var summaries = Mode == JournalMode.DailySummary ? new DailySummaries(StoreId, _settings.StoreCurrency) : null;
        await foreach (var sale in sales.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            var offset = builder.OffsetAt(sale.CreatedAtUtc);
            var day = DateOnly.FromDateTime(sale.CreatedAtUtc.UtcDateTime + offset);
            if (!string.Equals(sale.StoreId, StoreId, StringComparison.Ordinal) || day < period.From || day > period.To)
            {
                run.Outside++;
                continue;
            }

            if (offset != sale.StoreUtcOffset)
            {
                // The configured time zone decides the day; a till that disagrees is worth someone's look.
                run.OffsetMismatches++;
            }

            run.SaleCount++;
            var journal = builder.TryBuild(sale, day, out var problem);
            if (journal is null)
            {
                run.Add([sale.Id], $"sale {sale.SaleNumber} ({sale.Id}) {problem}");
            }
            else if (summaries is null)
            {
                // Written even after a problem, so the dialect names every sale it cannot hold; the files are dropped.
                yield return journal;
            }
            else if (!run.HasProblems)
            {
                summaries.Add(journal, sale.IsRefund);
            }
        }

        if (summaries is not null && !run.HasProblems)
        {
            foreach (var journal in summaries.Build(run))
            {
                yield return journal;
            }
        }

        foreach (var count in adjustments.ShiftCounts)
        {
            if (!run.HasProblems && Books(count.StoreId, count.ClosedAtUtc)
                && Checked(builder.TryBuild(count, out var problem), problem, $"shift {count.ShiftId} of till {count.TillId}") is { } journal)
            {
                yield return journal;
            }
        }

        foreach (var fee in adjustments.ProviderFees)
        {
            if (!run.HasProblems && Books(fee.StoreId, fee.ReportedAtUtc)
                && Checked(builder.TryBuild(fee, out var problem), problem, $"provider fee {fee.Reference}") is { } journal)
            {
                yield return journal;
            }
        }

        bool Books(string storeId, DateTimeOffset utc)
        {
            var day = builder.BusinessDay(utc);
            return string.Equals(storeId, StoreId, StringComparison.Ordinal) && day >= period.From && day <= period.To;
        }

        Journal? Checked(Journal? journal, string? problem, string what)
        {
            if (problem is not null)
            {
                run.Add([], $"{what} {problem}");
            }

            return journal;
        }
    }

    /// <summary>
    /// Why this ledger could not book <paramref name="fee"/> on its business day, or null when it can: the fee's
    /// journal is built with the ledger's account map and written by its dialect into a scratch folder that is
    /// deleted again, so every rule an export applies (accounts, the currency's decimals, the dialect's
    /// reference lengths and characters) is checked before a fee is accepted for later exports.
    /// </summary>
    public string? CheckFee(ProviderFee fee)
    {
        ArgumentNullException.ThrowIfNull(fee);
        if (!string.Equals(fee.StoreId, StoreId, StringComparison.Ordinal))
        {
            return $"ledger '{Name}' books store {StoreId}, not {fee.StoreId}";
        }

        var builder = new JournalBuilder(_settings.Map, StoreId, _settings.StoreCurrency, _settings.Zone);
        var journal = builder.TryBuild(fee, out var problem);
        if (journal is null)
        {
            return problem ?? "books nothing";
        }

        var day = builder.BusinessDay(fee.ReportedAtUtc);
        var period = new LedgerPeriod(StoreId, day, day);
        var scratch = Directory.CreateTempSubdirectory("posbridge-fee-check-");
        try
        {
            var context = Context(scratch.FullName, period);
            using var writer = Dialect.CreateWriter(context);
            writer.Write(journal);
            writer.Complete();
            return null;
        }
        catch (JournalRefusedException e)
        {
            return $"journal {journal.Reference} {e.Message}";
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    private LedgerWriteResult Fail(LedgerPeriod period, string reason, IReadOnlyList<Guid> saleIds)
    {
        Log.ExportFailed(_logger, Name, period.StoreId, period.From, period.To, reason);
        return LedgerWriteResult.Failed(reason, saleIds);
    }

    private static async IAsyncEnumerable<Sale> ToAsync(Sale[] sales, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var sale in sales)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return sale;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <summary>How this ledger's files for <paramref name="period"/> are named and written, in <paramref name="directory"/>.</summary>
    private LedgerFileContext Context(string directory, LedgerPeriod period) =>
        new(directory, Dialect.FileStem(period), period, _settings.StoreCurrency, _settings.BaseCurrency, _settings.ExchangeRate, _settings.Map, _settings.Options);
}

/// <summary>
/// What one export run met: how many sales it booked or left out, and what could not be booked. Every sale
/// concerned is kept, but only the first problems' texts, so a month of bad sales cannot fill memory.
/// </summary>
internal sealed class JournalRun
{
    private const int ProblemsNamed = 20;
    private readonly List<string> _named = [];
    private readonly HashSet<Guid> _saleIds = [];
    private readonly List<Guid> _saleIdsInOrder = [];
    private int _count;

    public int SaleCount { get; set; }

    public int Outside { get; set; }

    /// <summary>Sales whose till-reported UTC offset differs from the store's time zone at that instant.</summary>
    public int OffsetMismatches { get; set; }

    public bool HasProblems => _count > 0;

    public IReadOnlyList<string> Problems => _named;

    public IReadOnlyList<Guid> SaleIds => _saleIdsInOrder;

    public void Add(IReadOnlyList<Guid> saleIds, string problem)
    {
        _count++;
        if (_named.Count < ProblemsNamed)
        {
            _named.Add(problem);
        }

        foreach (var id in saleIds)
        {
            if (_saleIds.Add(id))
            {
                _saleIdsInOrder.Add(id);
            }
        }
    }

    public string Describe()
    {
        var more = _count > _named.Count ? $"; and {_count - _named.Count} more" : string.Empty;
        return $"{_count} journal(s) cannot be written, so nothing was: {string.Join("; ", _named)}{more}.";
    }
}
