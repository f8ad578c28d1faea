using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using PosBridge.Core.Sales;
using PosBridge.Terminal.Catalog;
using PosBridge.Terminal.Sales;
using PosBridge.Terminal.Shifts;
using PosBridge.Terminal.Storage;
using PosBridge.Terminal.Sync;
using PosBridge.Till;
using PosBridge.Till.Payments;
using PosBridge.Till.Sync;

/// <summary>
/// A day offline, then the connector comes back: 10,000 sales (3 lines, cash) waiting in the outbox are uploaded to
/// the real connector (its Release build, a child process on loopback with its SQLite inbox: WAL, synchronous=FULL)
/// by <see cref="SaleUploader"/> in its default batches of 200. Timed from the first request to the last
/// acknowledgement. Target: 10 s. The connector is a child process because the till's SQLitePCLRaw 3 and the
/// connector's 2.1 cannot share one process.
/// </summary>
internal static class BacklogUpload
{
    private const int Backlog = 10_000;

    public static async Task RunAsync()
    {
        var directory = Directory.CreateTempSubdirectory("posbridge-backlog-bench-").FullName;
        var connectorData = Path.Combine(directory, "connector");
        Process? connector = null;
        try
        {
            var dll = await ConnectorDllAsync();
            var port = FreePort();
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
            connector = Start(dll, ["serve", "--data", connectorData, "--create", "--urls", http.BaseAddress.ToString().TrimEnd('/')], redirect: false);
            await WaitReadyAsync(http, connector);
            var pairing = await RunToEndAsync(dll, ["tills", "pair", "--store", "CAI1", "--till", "T2", "--name", "Bench", "--data", connectorData]);
            var codeLine = pairing.Split('\n').First(l => l.StartsWith("Pairing code", StringComparison.Ordinal));
            var code = codeLine[(codeLine.LastIndexOf(':') + 1)..].Trim();

            var options = new TillOptions { StoreId = "CAI1", TillId = "T2", Currency = "EGP", TimeZone = "Africa/Cairo" };
            using var database = TillDatabase.Open(Path.Combine(directory, "till.db"));
            var time = TimeProvider.System;
            var catalog = new CatalogStore(database, options);
            var shifts = new ShiftStore(database, options, time);
            var checkout = new Checkout(catalog, new SaleStore(database, options, time), options, new SimulatedPaymentTerminal(), new ManualNetworkStatus(), time, NullLogger<Checkout>.Instance);
            catalog.Upsert(new PosBridge.Core.Taxes.TaxDefinition { Id = "vat14", Name = "VAT 14%", AmountType = PosBridge.Core.Taxes.TaxAmountType.Percent, Amount = 14m });
            var products = Enumerable.Range(0, 50).Select(i => new PosBridge.Core.Catalog.Product
            {
                Id = string.Create(CultureInfo.InvariantCulture, $"p{i}"),
                Name = string.Create(CultureInfo.InvariantCulture, $"Product {i}"),
                Unit = "Units",
                ListPrice = 5m + i,
                Currency = "EGP",
                TaxIds = ["vat14"],
            }).ToList();
            products.ForEach(p => catalog.Upsert(p));
            var cashier = new Cashier { Id = "c1", Name = "Bench" };
            shifts.Open(cashier, 1_000m);
            for (var n = 0; n < Backlog; n++)
            {
                var cart = checkout.NewCart(cashier);
                cart.Add(products[n % 50]);
                cart.Add(products[(n * 7) % 50], 2m);
                cart.Add(products[(n * 13) % 50]);
                checkout.PayCash(cart, 10_000m);
                if (!checkout.Complete(cart).IsCommitted)
                {
                    throw new InvalidOperationException("a bench sale was not committed");
                }
            }

            var outbox = new Outbox(database, time);
            var uploader = new SaleUploader(database, outbox, new ConnectorClient(http, time), time, NullLogger<SaleUploader>.Instance);
            await uploader.PairAsync(code, "bench till");
            var clock = Stopwatch.StartNew();
            var report = await uploader.UploadPendingAsync();
            var elapsed = clock.Elapsed;
            if (report.Sent != Backlog || report.Pending != 0 || report.ConnectorUnavailable)
            {
                throw new InvalidOperationException($"the backlog did not upload whole: {report}");
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"backlog upload, {Backlog} offline sales (3 lines, cash) to a local connector in batches of {uploader.BatchSize}:"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {elapsed.TotalSeconds:F2} s (target <= 10), {Backlog / elapsed.TotalSeconds:F0} sales/s"));
        }
        finally
        {
            if (connector is { HasExited: false })
            {
                connector.Kill(entireProcessTree: true);
                await connector.WaitForExitAsync();
            }

            connector?.Dispose();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static Process Start(string dll, string[] arguments, bool redirect)
    {
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["PosBridge__Stores__CAI1__Currency"] = "EGP";
        info.Environment["PosBridge__Stores__CAI1__TimeZone"] = "Africa/Cairo";
        var process = Process.Start(info) ?? throw new InvalidOperationException("the connector did not start");
        if (!redirect)
        {
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        return process;
    }

    private static async Task<string> RunToEndAsync(string dll, string[] arguments)
    {
        using var process = Start(dll, arguments, redirect: true);
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"posbridge {string.Join(' ', arguments)} failed: {error}");
    }

    private static async Task WaitReadyAsync(HttpClient http, Process connector)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (connector.HasExited)
            {
                throw new InvalidOperationException("the connector exited during start-up");
            }

            try
            {
                if ((await http.GetAsync(new Uri("/health/ready", UriKind.Relative))).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("the connector did not become ready in 60 s");
    }

    /// <summary>The connector's Release build from this checkout, built now if it is missing.</summary>
    private static async Task<string> ConnectorDllAsync()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "PosBridge.sln")))
        {
            root = root.Parent;
        }

        if (root is null)
        {
            throw new InvalidOperationException("run the bench from the repository (PosBridge.sln not found above it)");
        }

        var project = Path.Combine(root.FullName, "src", "PosBridge.Connector");
        var dll = Path.Combine(project, "bin", "Release", "net10.0", "posbridge.dll");
        if (!File.Exists(dll))
        {
            using var build = Process.Start(new ProcessStartInfo("dotnet", ["build", project, "-c", "Release", "-v", "q"]) { UseShellExecute = false })!;
            await build.WaitForExitAsync();
            if (build.ExitCode != 0)
            {
                throw new InvalidOperationException("the connector did not build");
            }
        }

        return dll;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
