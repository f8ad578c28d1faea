using System.Diagnostics;
using System.Text.Json.Nodes;

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
    private Process Start()
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
