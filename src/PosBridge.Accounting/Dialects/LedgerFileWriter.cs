using PosBridge.Accounting.Accounts;
using PosBridge.Accounting.Journals;
using PosBridge.Accounting.Setup;
using PosBridge.Core.Adapters;
using PosBridge.Core.Amounts;

namespace PosBridge.Accounting.Dialects;

/// <summary>What a dialect writer needs to know about the ledger and the period it writes.</summary>
internal sealed record LedgerFileContext(
    string Directory,
    string FileStem,
    LedgerPeriod Period,
    Currency StoreCurrency,
    string BaseCurrency,
    decimal ExchangeRate,
    AccountMap Map,
    LedgerOptions Options);

/// <summary>
/// Writes journals into one dialect's files, in the staging folder the export publishes from. Journals
/// arrive one at a time so a month of sales never sits in memory.
/// </summary>
internal abstract class LedgerFileWriter : IDisposable
{
    protected LedgerFileWriter(LedgerFileContext context) => Context = context;

    protected LedgerFileContext Context { get; }

    /// <summary>What the dialect left out on purpose and why (never a sale: that is refused), for the export's result.</summary>
    public List<string> Notes { get; } = [];

    /// <exception cref="JournalRefusedException">The dialect cannot hold this journal as it is.</exception>
    public abstract void Write(Journal journal);

    /// <summary>Flushes and closes; returns the files written, in order.</summary>
    public abstract IReadOnlyList<string> Complete();

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected abstract void Dispose(bool disposing);

    /// <summary>"Cash sale CAI1-T1-0001-000001 (id 0193…)": what the line is, the receipt's number and the sale id.</summary>
    protected static string Memo(JournalLine line, Journal journal) =>
        line.SaleId is { } saleId ? $"{line.Description} {journal.Reference} (id {saleId:D})"
        : line.Description.Contains(journal.Reference, StringComparison.Ordinal) ? line.Description
        : $"{line.Description} {journal.Reference}";

    protected string PathFor(string suffix = "") => Path.Combine(Context.Directory, Context.FileStem + suffix + ".csv");
}

/// <summary>A dialect cannot hold a journal as it is (text it cannot encode, a line it cannot express).</summary>
internal sealed class JournalRefusedException : Exception
{
    public JournalRefusedException()
    {
    }

    public JournalRefusedException(string message)
        : base(message)
    {
    }

    public JournalRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
