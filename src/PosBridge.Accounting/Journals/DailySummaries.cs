using System.Globalization;
using PosBridge.Core.Amounts;

namespace PosBridge.Accounting.Journals;

/// <summary>
/// Folds sale journals into one journal per business day: lines with the same kind, account and tax add
/// up, sales and refunds kept apart so refunds still read as reversals. Only the sums are held, so a
/// month of sales takes a few lines of memory per day.
/// </summary>
internal sealed class DailySummaries
{
    private readonly string _storeId;
    private readonly Currency _currency;
    private readonly SortedDictionary<DateOnly, Day> _days = [];

    public DailySummaries(string storeId, Currency currency)
    {
        _storeId = storeId;
        _currency = currency;
    }

    public void Add(Journal saleJournal, bool isRefund)
    {
        if (!_days.TryGetValue(saleJournal.Date, out var day))
        {
            day = new Day();
            _days[saleJournal.Date] = day;
        }

        day.SaleIds.Add(saleJournal.Sale!.Id);
        foreach (var line in saleJournal.Lines)
        {
            var key = (line.Kind, line.Account.Code, line.Tax?.TaxId, isRefund);
            if (day.Index.TryGetValue(key, out var at))
            {
                day.Sums[at] = day.Sums[at] with { Amount = day.Sums[at].Amount + line.Amount };
            }
            else
            {
                day.Index[key] = day.Sums.Count;
                day.Sums.Add(new Sum(line, isRefund, line.Amount));
            }
        }
    }

    /// <summary>The day journals in date order; a day that does not balance is added to <paramref name="run"/> with its sales.</summary>
    public IEnumerable<Journal> Build(Export.JournalRun run)
    {
        foreach (var (date, day) in _days)
        {
            var text = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var lines = new List<JournalLine>(day.Sums.Count);
            foreach (var sum in day.Sums)
            {
                if (sum.Amount == 0m)
                {
                    continue;
                }

                var what = sum.Line.Kind switch
                {
                    JournalLineKind.Payment => sum.Line.Account.Name,
                    // The sale line's own text: the tax, and the category's account when revenue is split by category.
                    JournalLineKind.Revenue => sum.Line.Description,
                    JournalLineKind.OutputTax => sum.Line.Tax!.Name,
                    _ => "Cash rounding",
                };
                lines.Add(sum.Line with
                {
                    LineNo = lines.Count + 1,
                    Amount = sum.Amount,
                    Description = $"{what}, {(sum.IsRefund ? "refunds" : "sales")} {text}",
                    SaleId = null,
                    TillId = null,
                    ContactName = null,
                });
            }

            var journal = new Journal
            {
                Id = $"{_storeId}-{date:yyyyMMdd}",
                Reference = $"{_storeId}-{date:yyyyMMdd}",
                Narration = $"POS sales {_storeId} {text}",
                Date = date,
                StoreId = _storeId,
                Currency = _currency,
                Lines = lines,
                SaleIds = day.SaleIds,
            };
            var imbalance = JournalBalance.Imbalance(lines, _currency);
            if (imbalance != 0)
            {
                run.Add(day.SaleIds, $"the summary of {_storeId} for {text} does not balance by {imbalance} minor units of {_currency.Code}");
                yield break;
            }

            yield return journal;
        }
    }

    private sealed record Sum(JournalLine Line, bool IsRefund, decimal Amount);

    private sealed class Day
    {
        public Dictionary<(JournalLineKind, string, string?, bool), int> Index { get; } = [];

        public List<Sum> Sums { get; } = [];

        public List<Guid> SaleIds { get; } = [];
    }
}
