using PosBridge.Accounting.Journals;

namespace PosBridge.Accounting.Tests.Fixtures;

/// <summary>A line read back from a written file, in the terms every dialect can be reduced to.</summary>
public sealed record ReadLine(string Key, DateOnly Date, string Account, decimal Amount);

public static class ReadBack
{
    /// <summary>
    /// Checks the file's lines against the journals: the same journals, each balancing in the file, on the
    /// same date, with the same amount on each account.
    /// </summary>
    public static void AssertMatches(IReadOnlyList<Journal> journals, IEnumerable<ReadLine> lines, Func<Journal, string> keyOf, Func<LedgerAccount, string> accountOf)
    {
        var read = lines.GroupBy(l => l.Key).ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(journals.Select(keyOf).Order(StringComparer.Ordinal), read.Keys.Order(StringComparer.Ordinal));
        foreach (var journal in journals)
        {
            var rows = read[keyOf(journal)];
            Assert.Equal(0m, rows.Sum(r => r.Amount));
            Assert.All(rows, r => Assert.Equal(journal.Date, r.Date));
            var expected = journal.Lines.GroupBy(l => accountOf(l.Account)).ToDictionary(g => g.Key, g => g.Sum(l => l.Amount));
            var actual = rows.GroupBy(r => r.Account).ToDictionary(g => g.Key, g => g.Sum(r => r.Amount));
            Assert.Equal(expected.Where(e => e.Value != 0m).OrderBy(e => e.Key, StringComparer.Ordinal), actual.Where(a => a.Value != 0m).OrderBy(a => a.Key, StringComparer.Ordinal));
        }
    }
}
