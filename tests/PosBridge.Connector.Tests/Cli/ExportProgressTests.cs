using Microsoft.Extensions.Time.Testing;
using PosBridge.Connector.Cli;
using PosBridge.Connector.Tests.Hosting;

namespace PosBridge.Connector.Tests.Cli;

/// <summary><c>posbridge export</c> over many days says how far it is on standard error; standard output and the files stay the same.</summary>
public sealed class ExportProgressTests
{
    [Fact]
    public async Task Export_SlowOverSeveralDays_ShowsDayNOfMOnStandardErrorAndTheSameOutput()
    {
        await using var host = await ConnectorHost.StartAsync(PosBridge.Connector.Tests.Ledgers.CloseOfDayExporterTests.Settings);
        // 1 March 2027, 10:00 in Cairo (UTC+2); two sales a day for five days.
        host.Clock.SetUtcNow(new DateTimeOffset(2027, 3, 1, 8, 0, 0, TimeSpan.Zero));
        var till = await host.PairTillAsync();
        var sales = new Sales(host.Clock);
        for (var day = 0; day < 5; day++)
        {
            (await till.UploadAsync(sales.Many(2))).EnsureSuccessStatusCode();
            host.Clock.Advance(TimeSpan.FromDays(1));
        }

        var folder = Path.Combine(host.Directory, "ledger");
        var quick = await ExportAsync(host.Services, folder);
        var quickFiles = Directory.GetFiles(folder).Select(File.ReadAllBytes).ToList();
        // A clock on which every reading is a second later: each sale read looks like a second's work.
        var slow = await ExportAsync(new WithClock(host.Services, new FakeTimeProvider { AutoAdvanceAmount = TimeSpan.FromSeconds(1) }), folder);

        Assert.Equal(CommandLine.Ok, quick.Code);
        Assert.Equal(string.Empty, quick.Error);
        Assert.Equal(CommandLine.Ok, slow.Code);
        Assert.Equal(quick.Output, slow.Output);
        Assert.Equal(quickFiles, Directory.GetFiles(folder).Select(File.ReadAllBytes).ToList());
        Assert.Equal(
            Enumerable.Range(1, 5).Select(d => $"posbridge: export books: day {d} of 7 (2027-03-0{d})"),
            slow.Error.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }

    private static async Task<(int Code, string Output, string Error)> ExportAsync(IServiceProvider services, string folder)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var options = new Dictionary<string, string> { ["ledger"] = "books", ["from"] = "2027-03-01", ["to"] = "2027-03-07", ["out"] = folder };
        var code = await ExportCommand.RunAsync(services, options, output, error, TestContext.Current.CancellationToken);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>The connector's services with another clock for the command.</summary>
    private sealed class WithClock(IServiceProvider inner, TimeProvider clock) : IServiceProvider
    {
        public object? GetService(Type serviceType) => serviceType == typeof(TimeProvider) ? clock : inner.GetService(serviceType);
    }
}
