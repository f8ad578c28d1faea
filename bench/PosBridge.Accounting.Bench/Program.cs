using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PosBridge.Accounting.Dialects;
using PosBridge.Accounting.Dialects.Generic;
using PosBridge.Accounting.Export;
using PosBridge.Accounting.Journals;
using PosBridge.Accounting.Setup;
using PosBridge.Core.Adapters;
using PosBridge.Core.Amounts;
using PosBridge.Core.Sales;
using PosBridge.Core.Taxes;

// Fixed workload: 1,000,000 sales of one store over November 2026, per-sale journals in the generic
// dialect, streamed from a generator (as from the connector's store) so nothing holds them all.
const int SaleCount = 1_000_000;
var period = new LedgerPeriod("CAI1", new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30));
// Files go to memory (/dev/shm) when the machine has it, so the disk's write-back does not time either side.
var output = Path.Combine(args.Length > 0 ? args[0] : Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), "posbridge-accounting-bench");
if (Directory.Exists(output))
{
    Directory.Delete(output, recursive: true);
}

Directory.CreateDirectory(output);
var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
{
    ["Accounting:Stores:CAI1:TimeZone"] = "Africa/Cairo",
    ["Accounting:Stores:CAI1:Currency"] = "EGP",
    ["Accounting:Ledgers:bench:Store"] = "CAI1",
    ["Accounting:Ledgers:bench:Dialect"] = "generic",
    ["Accounting:Ledgers:bench:Taxes:vat14:Rate"] = "14",
    ["Accounting:Ledgers:bench:Taxes:vat14:Name"] = "VAT 14%",
    ["Accounting:Ledgers:bench:Taxes:vat5:Rate"] = "5",
    ["Accounting:Ledgers:bench:Taxes:vat5:Name"] = "Table tax 5%",
}).Build();
using var services = new ServiceCollection().AddAccounting(config).BuildServiceProvider();
var export = services.GetRequiredService<LedgerExports>().Get("bench");
var templates = Templates.Build();

// Warm up the JIT on a small export so the timed runs measure steady work.
await export.WriteAsync(new LedgerPeriod("CAI1", period.From, period.From), Templates.Stream(templates, 2_000), LedgerAdjustments.None, Path.Combine(output, "warmup"));

// 0. Where the time goes: reading the generated sales alone (best of three, CPU time), then building their
// journals without writing.
var sourceRounds = new List<Measure>();
var streamed = 0;
for (var round = 0; round < 3; round++)
{
    var source = Measure.Start();
    await foreach (var sale in Templates.Stream(templates, SaleCount))
    {
        streamed += sale.Lines.Count;
    }

    sourceRounds.Add(source.Stop());
}

var sourceSeconds = sourceRounds.Min(m => m.Cpu);
var phase = Stopwatch.StartNew();
var journalLines = 0L;
await foreach (var journal in export.JournalsAsync(period, Templates.Stream(templates, SaleCount), LedgerAdjustments.None, new JournalRun()))
{
    journalLines += journal.Lines.Count;
}

var journalSeconds = phase.Elapsed.TotalSeconds;

// The export's memory is measured on a first round alone, before the baseline's rows exist.
using var memory = new PeakMemory();
var first = Measure.Start();
var firstResult = await export.WriteAsync(period, Templates.Stream(templates, SaleCount), LedgerAdjustments.None, Path.Combine(output, "export"));
var firstRound = first.Stop();
memory.Stop();
if (firstResult.Outcome != LedgerWriteOutcome.Written)
{
    Console.Error.WriteLine($"Export failed: {firstResult.Reason}");
    return 1;
}

// CsvHelper alone writes the very rows the export wrote: the first 212,500 (about 50,000 sales, more
// than the CPU caches hold, as the export's rows are), read back from its file, again and again up to
// the export's line count.
const int PreparedRows = 212_500;
var prepared = new List<GenericRow>(PreparedRows);
using (var reader = CsvFiles.OpenReader(firstResult.Files[0], CsvFiles.Utf8))
{
    while (prepared.Count < PreparedRows && reader.Read())
    {
        prepared.Add(GenericRow.Read(reader));
    }
}

var perSale = (double)(CountLines(firstResult.Files[0]) - 1) / SaleCount;

// The machine is shared with other builds, so the two sides run alternately, three rounds each, and each
// is timed by the wall clock and by this process's CPU time (which other processes' load barely moves).
var exportRounds = new List<Measure>();
var baselineRounds = new List<Measure>();
LedgerWriteResult result = LedgerWriteResult.Failed("not run", []);
long lines = 0;
for (var round = 0; round < 3; round++)
{
    var measure = Measure.Start();
    result = await export.WriteAsync(period, Templates.Stream(templates, SaleCount), LedgerAdjustments.None, Path.Combine(output, "export"));
    exportRounds.Add(measure.Stop());
    if (result.Outcome != LedgerWriteOutcome.Written)
    {
        Console.Error.WriteLine($"Export failed: {result.Reason}");
        return 1;
    }

    lines = CountLines(result.Files[0]) - 1;
    var path = Path.Combine(output, "baseline.csv");
    measure = Measure.Start();
    using (var csv = CsvFiles.OpenWriter(path, CsvFiles.Utf8))
    {
        CsvFiles.WriteHeader(csv, GenericRow.Header);
        for (long i = 0; i < lines; i++)
        {
            prepared[(int)(i % prepared.Count)].WriteTo(csv);
            csv.EndRecord();
        }
    }

    baselineRounds.Add(measure.Stop());
    File.Delete(path);
}

var exportRate = lines / exportRounds.Min(m => m.Wall);
var baselineRate = lines / baselineRounds.Min(m => m.Wall);
var exportCpuRate = lines / exportRounds.Min(m => m.Cpu);
var baselineCpuRate = lines / baselineRounds.Min(m => m.Cpu);
var pairRatios = exportRounds.Zip(baselineRounds, (e, b) => b.Wall / e.Wall).Order().ToList();

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
    PosBridge.Accounting bench ({Environment.ProcessorCount} cores, .NET {Environment.Version}, {(Debugger.IsAttached ? "debugger" : "no debugger")})
    sales exported          {SaleCount:N0} (per-sale journals, generic dialect, {perSale:F2} lines per sale on average)
    journals written        {result.JournalCount:N0}
    lines written           {lines:N0} in {result.Files.Count} file(s), {new FileInfo(result.Files[0]).Length / 1024 / 1024:N0} MB, in {output}
    reading the sales alone {sourceSeconds:F2} s CPU (the generator standing in for the connector's store)
    sales + journals only   {journalSeconds:F2} s ({journalLines:N0} journal lines, nothing written)
    export, first round     {Measure.Rounds([firstRound])}, memory measured on it
    export, 3 more rounds   {Measure.Rounds(exportRounds)}
    export rate             {exportRate:N0} lines/s wall clock, {exportCpuRate:N0} lines/s of CPU time (best rounds)
    peak working set        {memory.PeakWorkingSet / 1024 / 1024:N0} MB (sampled every 20 ms during the first export, target flat < 200 MB)
    peak managed heap       {memory.PeakManaged / 1024 / 1024:N0} MB
    CsvHelper alone, 3      {Measure.Rounds(baselineRounds)}, alternating with the export (same rows prepared beforehand, no journal logic)
    CsvHelper alone rate    {baselineRate:N0} lines/s wall clock, {baselineCpuRate:N0} lines/s of CPU time (best rounds)
    ratio export/CsvHelper  {exportCpuRate / baselineCpuRate:F2} by CPU time, {exportRate / baselineRate:F2} by wall clock, rounds side by side {string.Join(" / ", pairRatios.Select(r => r.ToString("F2", CultureInfo.InvariantCulture)))} (target >= 0.70)
    same, store's share out {baselineRounds.Min(m => m.Cpu) / (exportRounds.Min(m => m.Cpu) - sourceSeconds):F2} by CPU time (export CPU minus reading the sales alone)
    """));
Directory.Delete(output, recursive: true);
return 0;

static long CountLines(string path)
{
    using var stream = File.OpenRead(path);
    var buffer = new byte[1 << 20];
    long count = 0;
    int read;
    while ((read = stream.Read(buffer)) > 0)
    {
        count += buffer.AsSpan(0, read).Count((byte)'\n');
    }

    return count;
}

/// <summary>A pool of valid sales (cash, card, split, two rates, discounts) the stream repeats with new ids and times.</summary>
internal static class Templates
{
    public static List<Sale> Build()
    {
        var vat14 = new TaxDefinition { Id = "vat14", Name = "VAT 14%", AmountType = TaxAmountType.Percent, Amount = 14m, PriceInclude = true };
        var vat5 = new TaxDefinition { Id = "vat5", Name = "Table tax 5%", AmountType = TaxAmountType.Percent, Amount = 5m, PriceInclude = true };
        var card = new CardDetails { Scheme = "visa", Last4 = "4242", AuthorizationCode = "A1", ProviderReference = "p1" };
        var sales = new List<Sale>();
        for (var n = 0; n < 256; n++)
        {
            var builder = new SaleBuilder(Currency.EGP, n % 2 == 0 ? TaxRoundingMethod.RoundPerLine : TaxRoundingMethod.RoundGlobally)
            {
                StoreId = "CAI1",
                TillId = "T" + (n % 4),
                ShiftId = "S1",
                Cashier = new Cashier { Id = "c1", Name = "Mona" },
                StoreUtcOffset = TimeSpan.FromHours(2),
            }.AddTax(vat14).AddTax(vat5);
            builder.AddLine("p1", "Koshari", 1 + (n % 3), 45.00m + n, ["vat14"], discountPercent: n % 5 == 0 ? 10m : 0m);
            switch (n % 4)
            {
                case 0:
                    builder.PayCash(1000m);
                    break;
                case 1:
                    builder.PayRemaining("card", PaymentKind.Card, card);
                    break;
                case 2:
                    builder.AddLine("p2", "Tea", 2m, 12.50m, ["vat5"]).PayRemaining("card", PaymentKind.Card, card);
                    break;
                default:
                    builder.AddLine("p2", "Tea", 1m, 12.50m, ["vat5"]).PayCash(20m).PayRemaining("card", PaymentKind.Card, card);
                    break;
            }

            sales.Add(builder.Build());
        }

        return sales;
    }

    public static async IAsyncEnumerable<Sale> Stream(List<Sale> templates, int count)
    {
        var start = new DateTimeOffset(2026, 11, 1, 6, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < count; i++)
        {
            var template = templates[i % templates.Count];
            yield return template with
            {
                Id = new Guid(0x0193b000, 0, 0x7000, 0x80, 0, (byte)(i >> 40), (byte)(i >> 32), (byte)(i >> 24), (byte)(i >> 16), (byte)(i >> 8), (byte)i),
                SaleNumber = string.Create(CultureInfo.InvariantCulture, $"CAI1-{template.TillId}-0001-{i:000000000}"),
                CreatedAtUtc = start.AddSeconds(i * 2.5),
            };
        }

        await Task.CompletedTask;
    }
}

/// <summary>Wall-clock and CPU time of one round.</summary>
internal readonly record struct Measure(double Wall, double Cpu)
{
    private static readonly Stopwatch Clock = Stopwatch.StartNew();

    private double WallStart { get; init; }

    private double CpuStart { get; init; }

    public static Measure Start()
    {
        GC.Collect();
        return new Measure(0, 0) { WallStart = Clock.Elapsed.TotalSeconds, CpuStart = CpuNow() };
    }

    public Measure Stop() => new(Clock.Elapsed.TotalSeconds - WallStart, CpuNow() - CpuStart);

    public static string Rounds(IEnumerable<Measure> rounds) =>
        string.Join(" / ", rounds.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Wall:F2} s ({m.Cpu:F2} s CPU)")));

    private static double CpuNow()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime.TotalSeconds;
    }
}

/// <summary>Samples the process's working set and managed heap while the export runs.</summary>
internal sealed class PeakMemory : IDisposable
{
    private readonly Timer _timer;

    public PeakMemory() => _timer = new Timer(_ => Sample(), null, 0, 20);

    public long PeakWorkingSet { get; private set; }

    public long PeakManaged { get; private set; }

    public void Stop() => _timer.Dispose();

    public void Dispose() => _timer.Dispose();

    private void Sample()
    {
        using var process = Process.GetCurrentProcess();
        PeakWorkingSet = Math.Max(PeakWorkingSet, process.WorkingSet64);
        PeakManaged = Math.Max(PeakManaged, GC.GetTotalMemory(forceFullCollection: false));
    }
}
