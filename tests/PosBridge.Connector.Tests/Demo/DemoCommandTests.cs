using System.Diagnostics;
using System.Text.Json.Nodes;
using Newtonsoft.Json.Linq;
using PosBridge.Erp.Odoo.Emulator;

namespace PosBridge.Connector.Tests.Demo;

/// <summary>
/// README command 1 (<c>dotnet run --project src/PosBridge.Connector -- demo</c>) as the user gets it: the connector's own
/// build (with the till the build puts beside it) run as a process in an empty folder, its <c>out/demo/summary.json</c>
/// checked against the files on disk.
/// </summary>
public sealed class DemoCommandTests : IDisposable
{
    private static readonly string[] Dialects = ["generic", "xero-journals", "xero-invoices", "quickbooks", "sage-cloud", "sage50", "datev", "zoho"];

    private readonly string _directory = Directory.CreateTempSubdirectory("posbridge-demo-").FullName;

    [Fact]
    public async Task Demo_FromTheBuild_EveryDialectWrittenFeedsWithItemsAndEverySaleDelivered()
    {
        using var demo = Start();
        var stdout = demo.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = demo.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await WaitAsync(demo, TimeSpan.FromMinutes(4));
        var text = await stdout + await stderr;
        TestContext.Current.TestOutputHelper?.WriteLine(text);

        Assert.True(demo.ExitCode == 0, text);
        var summary = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(_directory, "out", "demo", "summary.json"), TestContext.Current.CancellationToken))!;
        var made = summary["salesMade"]!.GetValue<int>();
        Assert.True(made > 20, text);
        Assert.True(summary["refunds"]!.GetValue<int>() > 0);
        Assert.Equal(made, summary["receivedByConnector"]!.GetValue<int>());
        var tills = summary["tills"]!.AsArray();
        Assert.Equal(2, tills.Count);
        Assert.Contains(tills, t => t!["madeOffline"]!.GetValue<int>() > 0);
        Assert.All(tills, t => Assert.NotNull(t!["shift"]));

        var backOffices = summary["backOffices"]!.AsArray();
        Assert.All(backOffices, b => Assert.Equal(made, b!["salesDelivered"]!.GetValue<int>()));
        foreach (var dialect in Dialects)
        {
            var ledger = Assert.Single(backOffices, b => b!["kind"]!.GetValue<string>() == "ledger" && b["dialect"]?.GetValue<string>() == dialect);
            var files = ledger!["files"]!.AsArray();
            Assert.NotEmpty(files);
            // Written and more than a header: a line per journal row.
            Assert.All(files, f => Assert.True(File.ReadAllLines(Path.Combine(_directory, f!.GetValue<string>())).Length > made, $"{dialect}: {f}"));
        }

        var feeds = summary["feeds"]!.AsArray();
        Assert.Equal(["google.tsv", "google.xml", "shopify.csv", "woocommerce.csv"], feeds.Select(f => f!["format"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.All(feeds, f => Assert.True(f!["items"]!.GetValue<int>() > 0));
        Assert.All(feeds, f => Assert.True(new FileInfo(Path.Combine(_directory, f!["file"]!.GetValue<string>())).Length > 0));

        // Every file listed is there with the size given, and every file under out/demo is listed.
        var listed = summary["files"]!.AsArray().ToDictionary(f => f!["path"]!.GetValue<string>(), f => f!["bytes"]!.GetValue<long>());
        var onDisk = Directory.GetFiles(Path.Combine(_directory, "out", "demo"), "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(_directory, f).Replace('\\', '/'))
            .Where(f => f != "out/demo/summary.json");
        Assert.Equal(onDisk.Order(StringComparer.Ordinal), listed.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("out/demo/products.csv", listed.Keys);
        Assert.Empty(TillProcesses());
    }

    /// <summary>
    /// README command 1 with an Odoo named in the environment as the real-Odoo tests name it (here the Odoo 17 emulator,
    /// which follows the published protocol; against a real server with <c>ODOO_URL</c> in <see cref="Demo_WithARealOdoo_DeliversTheDay"/>):
    /// the demo makes Odoo ready for the café by itself, every sale and refund becomes one paid POS order, and each shift's
    /// session is closed with the till's count. A second run finds everything it made and adds only its own day.
    /// </summary>
    [Fact]
    public async Task Demo_WithAnOdooInTheEnvironment_MakesItReadyAndDeliversTheDayIntoIt()
    {
        await using var odoo = await OdooEmulator.StartAsync(17);
        var environment = new Dictionary<string, string>
        {
            ["ODOO_URL"] = odoo.Url.ToString(),
            ["ODOO_DB"] = OdooEmulator.Database,
            ["ODOO_USER"] = OdooEmulator.Login,
            ["ODOO_PASSWORD"] = OdooEmulator.Password,
        };

        var first = await RunAsync(environment);
        var made = first.Summary["salesMade"]!.GetValue<int>();
        var delivered = Assert.Single(first.Summary["backOffices"]!.AsArray(), b => b!["name"]!.GetValue<string>() == "odoo");
        Assert.Equal(made, delivered!["salesDelivered"]!.GetValue<int>());
        Assert.Equal(0, delivered["deadLetters"]!.GetValue<int>());
        Assert.Contains("Register \"PosBridge demo CAI1/T1\"", first.Output, StringComparison.Ordinal);
        Assert.Contains("2 of 2 shifts closed there with their Z reports", first.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(OdooEmulator.Password + "\n", first.Output, StringComparison.Ordinal);

        var (configs, orders, sessions, products) = odoo.Read(store =>
        {
            var demoConfigs = store["pos.config"].Records.Values.Where(c => ((string?)c["name"])?.StartsWith("PosBridge demo CAI1/", StringComparison.Ordinal) == true).ToList();
            var ids = demoConfigs.Select(c => c["id"]!.Value<long>()).ToHashSet();
            return (
                demoConfigs.Count,
                store["pos.order"].Records.Values.Where(o => ids.Contains(o["config_id"]!.Value<long>())).ToList(),
                store["pos.session"].Records.Values.Where(x => ids.Contains(x["config_id"]!.Value<long>())).ToList(),
                store["product.product"].Records.Count);
        });
        Assert.Equal(2, configs);
        Assert.Equal(made, orders.Count);
        // The café weighs its dates to 0.125 kg: Odoo was set to keep quantities to 3 decimals, so they book at their weight.
        Assert.Equal(3, odoo.Read(store => store["decimal.precision"].Records.Values.Single(p => (string?)p["name"] == "Product Unit of Measure")["digits"]!.Value<int>()));
        Assert.Equal(0.001m, odoo.Read(store => store["uom.uom"].Records.Values.Single(u => (string?)u["name"] == "kg")["rounding"]!.Value<decimal>()));
        Assert.Equal(2L, odoo.Read(store => store["product.product"].Records.Values.Single(p => (string?)p["default_code"] == "GRO-DAT")["uom_id"]!.Value<long>()));
        Assert.All(orders, o => Assert.Contains((string)o["state"]!, new[] { "paid", "done" }));
        Assert.Equal(2, sessions.Count);
        Assert.All(sessions, x => Assert.Equal("closed", (string)x["state"]!));
        // The terrace counted 5.00 short; Odoo's difference is the till's, the front counter's 0.
        Assert.Equal([-5m, 0m], sessions.Select(x => x["cash_register_difference"]!.Value<decimal>()).Order());
        Assert.True(odoo.TotalsDisagreements.Count == 0, string.Join("\n", odoo.TotalsDisagreements.Take(8)));

        // The second run makes nothing new in Odoo but its own orders and sessions: the earlier run's sessions keep
        // their orders under their own names, the new shifts (numbered as before) get sessions of their own.
        var second = await RunAsync(environment);
        var again = Assert.Single(second.Summary["backOffices"]!.AsArray(), b => b!["name"]!.GetValue<string>() == "odoo");
        Assert.Equal(made, again!["salesDelivered"]!.GetValue<int>());
        var (configsAfter, ordersAfter, sessionsAfter, productsAfter) = odoo.Read(store =>
        {
            var ids = store["pos.config"].Records.Values.Where(c => ((string?)c["name"])?.StartsWith("PosBridge demo CAI1/", StringComparison.Ordinal) == true).Select(c => c["id"]!.Value<long>()).ToHashSet();
            return (
                ids.Count,
                store["pos.order"].Records.Values.Count(o => ids.Contains(o["config_id"]!.Value<long>())),
                store["pos.session"].Records.Values.Where(x => ids.Contains(x["config_id"]!.Value<long>())).ToList(),
                store["product.product"].Records.Count);
        });
        Assert.Equal(2, configsAfter);
        Assert.Equal(products, productsAfter);
        Assert.Equal(2 * made, ordersAfter);
        Assert.Equal(4, sessionsAfter.Count);
        Assert.All(sessionsAfter, x => Assert.Equal("closed", (string)x["state"]!));
        Assert.DoesNotContain(sessionsAfter, x => ((string?)x["rescue"]) == "True");
    }

    [Fact]
    public async Task Demo_WithAnOdooThatDoesNotAnswer_SaysSoAndStops()
    {
        var run = await RunAsync(new Dictionary<string, string> { ["ODOO_URL"] = "http://127.0.0.1:9/", ["ODOO_DB"] = "shop", ["ODOO_PASSWORD"] = "secret-pw" }, expectExit: 1);
        Assert.Contains("posbridge: the demo could not make the back office ready: Odoo at http://127.0.0.1:9/", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-pw", run.Output, StringComparison.Ordinal);
        Assert.Empty(TillProcesses());
    }

    /// <summary>With <c>ODOO_URL</c> set (see tests/PosBridge.Erp.Odoo.Tests/README.md), the demo's day into a real Odoo.</summary>
    [Fact]
    public async Task Demo_WithARealOdoo_DeliversTheDay()
    {
        Assert.SkipWhen(Environment.GetEnvironmentVariable("ODOO_URL") is not { Length: > 0 }, "ODOO_URL is not set: no real Odoo to run the demo's day into (see tests/PosBridge.Erp.Odoo.Tests/README.md).");
        var environment = new[] { "ODOO_URL", "ODOO_DB", "ODOO_USER", "ODOO_PASSWORD", "ODOO_API_KEY" }
            .Where(k => Environment.GetEnvironmentVariable(k) is { Length: > 0 })
            .ToDictionary(k => k, k => Environment.GetEnvironmentVariable(k)!);
        var run = await RunAsync(environment);
        var made = run.Summary["salesMade"]!.GetValue<int>();
        var odoo = Assert.Single(run.Summary["backOffices"]!.AsArray(), b => b!["name"]!.GetValue<string>() == "odoo");
        Assert.True(made == odoo!["salesDelivered"]!.GetValue<int>(), run.Output);
    }

    private async Task<(JsonNode Summary, string Output)> RunAsync(IReadOnlyDictionary<string, string> environment, int expectExit = 0)
    {
        using var demo = Start(environment);
        var stdout = demo.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = demo.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await WaitAsync(demo, TimeSpan.FromMinutes(4));
        var text = await stdout + await stderr;
        TestContext.Current.TestOutputHelper?.WriteLine(text);
        Assert.True(demo.ExitCode == expectExit, text);
        var summary = Path.Combine(_directory, "out", "demo", "summary.json");
        return (expectExit == 0 ? JsonNode.Parse(await File.ReadAllTextAsync(summary, TestContext.Current.CancellationToken))! : new JsonObject(), text);
    }

    [Fact]
    public async Task Demo_KilledMidDay_LeavesNoTillRunning()
    {
        using var demo = Start();
        // Wait until both tills run, then kill the demo outright (no chance to clean up): its tills see their input close and end.
        while (await demo.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken) is { } line && !line.Contains("Tills paired", StringComparison.Ordinal))
        {
        }

        Assert.NotEmpty(TillProcesses());
        demo.Kill(entireProcessTree: false);
        await demo.WaitForExitAsync(TestContext.Current.CancellationToken);

        var until = Stopwatch.StartNew();
        while (TillProcesses().Count > 0 && until.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        Assert.Empty(TillProcesses());
    }

    public void Dispose()
    {
        foreach (var pid in TillProcesses())
        {
            try
            {
                using var orphan = Process.GetProcessById(pid);
                orphan.Kill();
            }
            catch (ArgumentException)
            {
            }
        }

        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>The connector's build, as <c>dotnet run --project src/PosBridge.Connector</c> runs it, in an empty folder.</summary>
    private Process Start(IReadOnlyDictionary<string, string>? environment = null)
    {
        var build = ConnectorBuild();
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(build, "posbridge.dll"), "demo" },
            WorkingDirectory = _directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // The embedded default: no Odoo or other settings from the machine running the tests.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("PosBridge__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("ODOO_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        return Process.Start(start)!;
    }

    /// <summary>src/PosBridge.Connector/bin/CONFIGURATION/net10.0, built with this test project (and the till beside it, in till/).</summary>
    private static string ConnectorBuild()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = here.Parent!.Name;
        var root = here;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "PosBridge.sln")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        var build = Path.Combine(root.FullName, "src", "PosBridge.Connector", "bin", configuration, here.Name);
        Assert.True(File.Exists(Path.Combine(build, "till", "PosBridge.Terminal.dll")), $"no till beside the connector's build in {build}");
        return build;
    }

    /// <summary>Processes whose command line names this test's folder: the demo's tills (Linux's /proc; none elsewhere).</summary>
    private List<int> TillProcesses()
    {
        var found = new List<int>();
        if (!Directory.Exists("/proc"))
        {
            return found;
        }

        foreach (var entry in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out var pid))
            {
                continue;
            }

            try
            {
                var commandLine = File.ReadAllText(Path.Combine(entry, "cmdline")).Replace('\0', ' ');
                if (commandLine.Contains("session", StringComparison.Ordinal) && commandLine.Contains(_directory, StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked.
            }
        }

        return found;
    }

    private static async Task WaitAsync(Process process, TimeSpan limit)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
    }
}
