using PosBridge.Core.Amounts;
using PosBridge.Core.Sales;

namespace PosBridge.Accounting.Journals;

/// <summary>What a journal line books, so dialects can pick tax codes and texts per kind.</summary>
public enum JournalLineKind
{
    /// <summary>Money received by a payment method (debit), or paid back on a refund (credit).</summary>
    Payment,

    /// <summary>Net revenue for one tax rate (credit; debit on a refund).</summary>
    Revenue,

    /// <summary>Output tax per tax, exactly the sale document's <c>Totals.Taxes</c>.</summary>
    OutputTax,

    /// <summary>The cash-rounding adjustment of the amount due.</summary>
    CashRounding,

    /// <summary>The difference between counted and expected cash at a shift's close.</summary>
    CashOverShort,

    /// <summary>Tips taken into the till that are owed to staff.</summary>
    Tips,

    /// <summary>A fee a card or wallet provider kept, against the method's clearing account.</summary>
    ProviderFee,
}

/// <summary>An account of the ledger's chart: the code and the name the software knows it by.</summary>
public sealed record LedgerAccount(string Code, string Name);

/// <summary>A tax as a ledger names it: the sale document's tax id, the ledger's code and display name, the rate in percent.</summary>
public sealed record JournalTax(string TaxId, string Code, string Name, decimal Rate);

/// <summary>
/// One line of a journal. <see cref="Amount"/> is signed: positive is a debit, negative a credit, always
/// in whole minor units of the journal's currency. A struct: an export makes millions, held in one array
/// per journal.
/// </summary>
public readonly record struct JournalLine
{
    public required int LineNo { get; init; }

    public required JournalLineKind Kind { get; init; }

    public required LedgerAccount Account { get; init; }

    public required decimal Amount { get; init; }

    public required string Description { get; init; }

    /// <summary>The tax a revenue or output-tax line belongs to; null on payment and cash lines.</summary>
    public JournalTax? Tax { get; init; }

    /// <summary>The sale the line comes from; null on summary and shift journals.</summary>
    public Guid? SaleId { get; init; }

    public string? TillId { get; init; }

    /// <summary>The customer, on lines that book to the customer's account.</summary>
    public string? ContactName { get; init; }

    public decimal Debit => Amount > 0m ? Amount : 0m;

    public decimal Credit => Amount < 0m ? -Amount : 0m;
}

/// <summary>A balanced double-entry journal: one sale, one business day's summary, or one shift's cash count.</summary>
public sealed record Journal
{
    private string? _narration;
    private IReadOnlyList<Guid>? _saleIds;

    /// <summary>Unique within an export: the sale id, or store and day for a summary.</summary>
    public required string Id { get; init; }

    /// <summary>A short reference people read: the sale number, or store and day.</summary>
    public required string Reference { get; init; }

    /// <summary>A sentence that names the journal and carries its id, unique per journal.</summary>
    /// <remarks>Made on first use for a sale's journal: most dialects never read it, and exports make millions.</remarks>
    public string Narration
    {
        get => _narration ??= Sale switch
        {
            { RefundOf: { } original } => $"POS refund {Sale.SaleNumber} of {original.SaleNumber} ({Id})",
            not null => $"POS sale {Sale.SaleNumber} ({Id})",
            null => Id,
        };
        init => _narration = value;
    }

    /// <summary>The business day in the store's time zone.</summary>
    public required DateOnly Date { get; init; }

    public required string StoreId { get; init; }

    public required Currency Currency { get; init; }

    public required IReadOnlyList<JournalLine> Lines { get; init; }

    /// <summary>The sales the journal books (empty for a shift's cash count).</summary>
    /// <remarks>For a sale's journal it is made from <see cref="Sale"/> when first read.</remarks>
    public IReadOnlyList<Guid> SaleIds
    {
        get => _saleIds ??= Sale is { } sale ? [sale.Id] : [];
        init => _saleIds = value;
    }

    /// <summary>The sale document of a per-sale journal (dialects such as invoices need its customer).</summary>
    public Sale? Sale { get; init; }
}
