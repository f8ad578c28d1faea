using System.Diagnostics;
using System.Globalization;
using PosBridge.Core.Amounts;
using PosBridge.Core.Taxes;

namespace PosBridge.Bench.Taxes;

/// <summary>
/// The tax engine computing a 50-line receipt (lines and document totals), single-threaded.
/// Target: at least 200,000 receipts per second on the 2-core build machine.
/// </summary>
internal static class TaxEngineBench
{
    private const int LinesPerReceipt = 50;
    private const int ReceiptsPerRound = 200_000;
    private const int Rounds = 7;

    public static void Run()
    {
        var vatIncluded = new TaxDefinition { Id = "vat14i", Name = "VAT 14%", AmountType = TaxAmountType.Percent, Amount = 14m, PriceInclude = true };
        var vatExcluded = new TaxDefinition { Id = "vat14e", Name = "VAT 14%", AmountType = TaxAmountType.Percent, Amount = 14m };
        var fee = new TaxDefinition { Id = "fee", Name = "Fee", AmountType = TaxAmountType.Fixed, Amount = 0.25m };
        var excise = new TaxDefinition { Id = "excise", Name = "Excise", AmountType = TaxAmountType.Percent, Amount = 10m, IncludeBaseAmount = true, Sequence = 0 };
        var single = new[] { TaxSet.Create(vatIncluded), TaxSet.Create(vatExcluded), TaxSet.Create(vatIncluded) };
        var compound = new[] { TaxSet.Create(vatExcluded, fee), TaxSet.Create(excise, vatExcluded) };

        // Two fixed receipts. "typical": what a supermarket or cafe basket in Egypt or Saudi Arabia looks
        // like: one VAT per line (mostly price-included), some weighed goods, 1 line in 10 with a compound
        // tax (bottle fee, excise). "heavy": 1 line in 3 with a compound tax, as a worst case.
        var workloads = new[] { ("typical", Receipt(single, compound, compoundEvery: 10)), ("heavy", Receipt(single, compound, compoundEvery: 3)) };
        foreach (var (name, lines) in workloads)
        {
            foreach (var method in new[] { TaxRoundingMethod.RoundPerLine, TaxRoundingMethod.RoundGlobally })
            {
                var engine = new TaxEngine(Currency.EGP, method);
                var checksum = RunRound(engine, lines, ReceiptsPerRound / 10); // warm-up and tiering
                var rates = new List<double>();
                for (var round = 0; round < Rounds; round++)
                {
                    var watch = Stopwatch.StartNew();
                    checksum += RunRound(engine, lines, ReceiptsPerRound);
                    watch.Stop();
                    rates.Add(ReceiptsPerRound / watch.Elapsed.TotalSeconds);
                }

                rates.Sort();
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"tax engine, {LinesPerReceipt}-line {name} receipt, {method}: median {rates[Rounds / 2]:N0} receipts/s (min {rates[0]:N0}, max {rates[^1]:N0}; {ReceiptsPerRound:N0} receipts x {Rounds} rounds; target >= 200,000) [checksum {checksum}]"));
            }
        }
    }

    private static (TaxSet Taxes, decimal Price, decimal Quantity, decimal Discount)[] Receipt(TaxSet[] single, TaxSet[] compound, int compoundEvery)
    {
        var lines = new (TaxSet Taxes, decimal Price, decimal Quantity, decimal Discount)[LinesPerReceipt];
        for (var i = 0; i < LinesPerReceipt; i++)
        {
            var price = ((i * 7919) % 10_000 + 1) / 100m;
            var quantity = i % 5 == 0 ? ((i * 37) % 2000 + 5) / 1000m : 1 + (i % 3);
            var taxes = i % compoundEvery == compoundEvery - 1 ? compound[i % compound.Length] : single[i % single.Length];
            lines[i] = (taxes, price, quantity, i % 7 == 0 ? 10m : 0m);
        }

        return lines;
    }

    private static decimal RunRound(TaxEngine engine, (TaxSet Taxes, decimal Price, decimal Quantity, decimal Discount)[] lines, int receipts)
    {
        var checksum = 0m;
        for (var r = 0; r < receipts; r++)
        {
            var document = engine.StartDocument();
            for (var i = 0; i < lines.Length; i++)
            {
                var (taxes, price, quantity, discount) = lines[i];
                document.Add(engine.ComputeLine(taxes, price, quantity, discount));
            }

            checksum += document.Build().Total;
        }

        return checksum;
    }
}
