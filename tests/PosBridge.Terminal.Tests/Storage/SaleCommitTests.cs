using System.Text;
using PosBridge.Core.Sales;

namespace PosBridge.Terminal.Tests.Storage;

public sealed class SaleCommitTests
{
    /// <summary>
    /// Fault injection in place of a kill: before each statement of the commit (and after COMMIT) the
    /// database files are copied as they are on disk at that instant — what a killed process leaves —
    /// and each copy is opened the way a restarted till opens it.
    /// </summary>
    [Fact]
    public void Commit_InterruptedAtEveryStatement_LeavesSaleWhollyPresentOrAbsent()
    {
        using var till = new TestTill();
        var first = till.SellForCash();
        var snapshots = new List<(string Statement, string Directory)>();
        till.Database.BeforeStatement = sql => snapshots.Add((sql, Snapshot(till)));
        var second = till.SellForCash();
        till.Database.BeforeStatement = null;
        snapshots.Add(("after COMMIT", Snapshot(till)));

        // Every statement the commit runs was intercepted, in order, so each gap between two of them was a kill point.
        var commit = snapshots.Select(s => s.Statement).SkipWhile(s => s != "BEGIN IMMEDIATE").ToList();
        // The restore mark is read inside the transaction (so it matches what commits) and written after COMMIT.
        string[] expected = ["BEGIN IMMEDIATE", "UPDATE Shifts SET LastSeq", "SELECT Id, Number, LastSeq FROM Shifts", "INSERT INTO Sales", "INSERT INTO Outbox", "SELECT Id FROM Sales ORDER BY rowid", "SELECT Id FROM Shifts ORDER BY Number", "SELECT Authority, LastCounter, LastHash FROM FiscalChains", "COMMIT", "after COMMIT"];
        Assert.Equal(expected.Length, commit.Count);
        Assert.All(expected.Zip(commit), p => Assert.StartsWith(p.First, p.Second, StringComparison.Ordinal));
        var outcomes = new List<int>();
        foreach (var (statement, directory) in snapshots)
        {
            using var recovered = new TestTill(directory, ownsDirectory: true);
            var count = recovered.Sales.Count();
            outcomes.Add(count);
            Assert.True(count is 1 or 2, $"{statement}: {count} sales");
            Assert.Equal(count, recovered.Database.Scalar<int>("SELECT COUNT(*) FROM Outbox"));
            Assert.NotNull(recovered.Sales.FindByNumber(first.SaleNumber));
            var stored = recovered.Sales.FindById(second.Id);
            Assert.Equal(count == 2, stored is not null);
            if (stored is not null)
            {
                Assert.True(stored.Validate().IsValid);
                Assert.Equal(second.Totals, stored.Totals with { Taxes = second.Totals.Taxes });
            }

            // The next number follows the last stored one: none skipped, none reused.
            var next = recovered.SellForCash();
            Assert.EndsWith(count == 2 ? "-000003" : "-000002", next.SaleNumber, StringComparison.Ordinal);
        }

        Assert.Contains(1, outcomes);
        Assert.Contains(2, outcomes);
    }

    [Fact]
    public void SaleNumbers_AcrossReopenAndShifts_AreGapFreeAndNeverReused()
    {
        using var till = new TestTill();
        var numbers = new List<string> { till.SellForCash().SaleNumber, till.SellForCash().SaleNumber };
        till.Database.Dispose();
        using (var reopened = new TestTill(till.Directory))
        {
            numbers.Add(reopened.SellForCash().SaleNumber);
            reopened.Shifts.Close(0m);
            numbers.Add(reopened.SellForCash().SaleNumber);
        }

        Assert.Equal(["CAI1-T2-0001-000001", "CAI1-T2-0001-000002", "CAI1-T2-0001-000003", "CAI1-T2-0002-000001"], numbers);
    }

    [Fact]
    public void Complete_WithNoOpenShift_CommitsNothing()
    {
        using var till = new TestTill();
        var cart = till.Checkout.NewCart(TestTill.Cashier);
        cart.Add(TestTill.Milk);
        till.Checkout.PayCash(cart, 100m);
        var result = till.Checkout.Complete(cart);
        Assert.False(result.IsCommitted);
        Assert.Contains("No shift is open", result.Message, StringComparison.Ordinal);
        Assert.Equal(0, till.Sales.Count());
    }

    [Fact]
    public async Task DatabaseAndLogs_AfterCardSales_HoldNoCardNumber()
    {
        using var till = new TestTill();
        till.Shifts.Open(TestTill.Cashier, 100m);
        foreach (var pan in new[] { "4111111111111111", "5555555555554444", "378282246310005" })
        {
            till.Terminal.CardNumber = pan;
            var cart = till.Checkout.NewCart(TestTill.Cashier);
            cart.Add(TestTill.Coffee);
            Assert.True((await till.Checkout.PayByTerminalAsync(cart, PaymentKind.Card, "card", cancellationToken: TestContext.Current.CancellationToken)).IsAccepted);
            Assert.True(till.Checkout.Complete(cart).IsCommitted);
        }

        var stored = new StringBuilder();
        foreach (var file in Directory.GetFiles(till.Directory))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream, Encoding.Latin1);
            stored.Append(await reader.ReadToEndAsync(TestContext.Current.CancellationToken));
        }

        stored.AppendJoin('\n', till.Logs.Lines);
        Assert.Contains("1111", stored.ToString(), StringComparison.Ordinal); // the last four are kept, as receipts need them
        // Product barcodes are long digit runs by design; blank them so only other runs are judged.
        foreach (var barcode in new[] { "0" + TestTill.Milk.Barcode, TestTill.Coffee.Barcode!, TestTill.Milk.Barcode! })
        {
            stored.Replace(barcode, new string('#', barcode.Length));
        }

        var cardLike = CardNumbers.Find(stored.ToString()).ToList();
        Assert.True(cardLike.Count == 0, "card-like digit runs: " + string.Join(", ", cardLike));
    }

    internal static string Snapshot(TestTill till)
    {
        var directory = Directory.CreateTempSubdirectory("posbridge-snapshot-").FullName;
        // The -shm index is rebuilt from the WAL on open, as after a crash; the WAL, database and restore mark are copied as they are.
        foreach (var suffix in new[] { string.Empty, "-wal", ".mark" })
        {
            var source = till.DatabasePath + suffix;
            if (File.Exists(source))
            {
                using var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var output = File.Create(Path.Combine(directory, "till.db" + suffix));
                input.CopyTo(output);
            }
        }

        return directory;
    }
}

/// <summary>Finds digit runs that look like card numbers: 13–19 digits passing the Luhn check.</summary>
internal static class CardNumbers
{
    public static IEnumerable<string> Find(string text)
    {
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var digit = i < text.Length && char.IsAsciiDigit(text[i]);
            if (digit && start < 0)
            {
                start = i;
            }
            else if (!digit && start >= 0)
            {
                var run = text[start..i];
                start = -1;
                // A longer run may hide a card number inside it: check every window.
                for (var length = 13; length <= Math.Min(19, run.Length); length++)
                {
                    for (var offset = 0; offset + length <= run.Length; offset++)
                    {
                        var candidate = run.Substring(offset, length);
                        if (Luhn(candidate))
                        {
                            yield return candidate;
                        }
                    }
                }
            }
        }
    }

    private static bool Luhn(string digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 1)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
        }

        return sum % 10 == 0;
    }
}
