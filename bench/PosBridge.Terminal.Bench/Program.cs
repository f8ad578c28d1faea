using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using PosBridge.Core.Catalog;
using PosBridge.Core.Sales;
using PosBridge.Core.Taxes;
using PosBridge.Terminal.Catalog;
using PosBridge.Terminal.Sales;
using PosBridge.Terminal.Shifts;
using PosBridge.Terminal.Storage;
using PosBridge.Till;
using PosBridge.Till.Catalog;
using PosBridge.Till.Payments;

// Two fixed workloads: `sale` (below) and `backlog` (BacklogUpload.cs); no argument runs both.
var workload = args.Length > 0 ? args[0] : "all";
if (workload is not ("all" or "sale" or "backlog"))
{
    Console.Error.WriteLine("usage: PosBridge.Terminal.Bench [sale|backlog|all]");
    return 2;
}

if (workload is "all" or "sale")
{
    RunSaleBench();
}

if (workload is "all" or "backlog")
{
    await BacklogUpload.RunAsync();
}

return 0;

// One complete sale as a cashier makes it: five scans (barcode lookups in a 2,000-product catalog),
// a cash payment, and the durable commit (sale + outbox row, WAL, synchronous=FULL).
// Fixed workload: 300 warm-up sales, then 3,000 measured ones. Targets: median ≤ 2 ms, p99 ≤ 10 ms.
static void RunSaleBench()
{
    const int Products = 2_000;
    const int Warmup = 300;
    const int Measured = 3_000;

    var directory = Directory.CreateTempSubdirectory("posbridge-till-bench-").FullName;
    try
    {
        var options = new TillOptions { StoreId = "CAI1", TillId = "T2", Currency = "EGP", TimeZone = "Africa/Cairo" };
        using var database = TillDatabase.Open(Path.Combine(directory, "till.db"));
        var time = TimeProvider.System;
        var catalog = new CatalogStore(database, options);
        var shifts = new ShiftStore(database, options, time);
        var checkout = new Checkout(catalog, new SaleStore(database, options, time), options, new SimulatedPaymentTerminal(), new ManualNetworkStatus(), time, NullLogger<Checkout>.Instance);
        catalog.Upsert(new TaxDefinition { Id = "vat14", Name = "VAT 14%", AmountType = TaxAmountType.Percent, Amount = 14m });
        var barcodes = new string[Products];
        for (var i = 0; i < Products; i++)
        {
            var body = string.Create(CultureInfo.InvariantCulture, $"622{i:D9}");
            barcodes[i] = body + Barcode.CheckDigit(body).ToString(CultureInfo.InvariantCulture);
            catalog.Upsert(new Product
            {
                Id = string.Create(CultureInfo.InvariantCulture, $"p{i}"),
                Name = string.Create(CultureInfo.InvariantCulture, $"Product {i}"),
                Barcode = barcodes[i],
                Unit = "Units",
                ListPrice = 5m + (i % 97),
                Currency = "EGP",
                TaxIds = ["vat14"],
            });
        }

        var cashier = new Cashier { Id = "c1", Name = "Bench" };
        shifts.Open(cashier, 1_000m);
        var random = new Random(42);
        var timings = new double[Measured];
        for (var n = 0; n < Warmup + Measured; n++)
        {
            var start = Stopwatch.GetTimestamp();
            var cart = checkout.NewCart(cashier);
            for (var scan = 0; scan < 5; scan++)
            {
                cart.Add(catalog.FindByBarcode(barcodes[random.Next(Products)])!);
            }

            checkout.PayCash(cart, 10_000m);
            if (!checkout.Complete(cart).IsCommitted)
            {
                throw new InvalidOperationException("a bench sale was not committed");
            }

            if (n >= Warmup)
            {
                timings[n - Warmup] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }

        Array.Sort(timings);
        var median = timings[Measured / 2];
        var p99 = timings[(int)Math.Ceiling(Measured * 0.99) - 1];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"complete sale (5 scans, cash, durable commit), {Measured} sales after {Warmup} warm-up:"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  median {median:F3} ms (target <= 2), p99 {p99:F3} ms (target <= 10), mean {timings.Average():F3} ms, max {timings[^1]:F3} ms"));
    }
    finally
    {
        Directory.Delete(directory, recursive: true);
    }
}
