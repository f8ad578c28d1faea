using Microsoft.Extensions.DependencyInjection;
using PosBridge.Connector.Storage.Sqlite;
using PosBridge.Core.Sync;

namespace PosBridge.Connector.Tests.Hosting;

/// <summary>The bad-input corpus (<see cref="BadInputCorpus"/>) against the connector in process, group by group.</summary>
public sealed class BadInputCorpusTests
{
    public static TheoryData<string> Groups() => new(BadInputCorpus.Groups);

    [Theory]
    [MemberData(nameof(Groups))]
    public async Task Corpus_EveryBadRequest_IsRefusedNamingTheFieldAndChangesNothing(string group)
    {
        await using var host = await ConnectorHost.StartAsync(BadInputCorpus.Settings);
        using var target = await TargetAsync(host);
        var cases = BadInputCorpus.Cases(group, target).ToList();

        var failures = new List<string>();
        foreach (var bad in cases)
        {
            if (await BadInputCorpus.RunAsync(bad, target) is { } failure)
            {
                failures.Add(failure);
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"bad-input corpus, {group}: {cases.Count} cases");
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} {group} cases were not refused cleanly:\n" + string.Join("\n", failures.Take(40)));
        Assert.True(cases.Count >= MinimumCases(group), $"only {cases.Count} {group} cases were generated");
    }

    [Fact]
    public async Task Corpus_HasAtLeast600Cases()
    {
        await using var host = await ConnectorHost.StartAsync(BadInputCorpus.Settings);
        using var target = await TargetAsync(host);

        var counts = BadInputCorpus.Groups.ToDictionary(g => g, g => BadInputCorpus.Cases(g, target).Count());

        TestContext.Current.TestOutputHelper?.WriteLine("bad-input corpus: " + string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}")) + $", total {counts.Values.Sum()}");
        Assert.True(counts.Values.Sum() >= 600, string.Join(", ", counts));
    }

    private static int MinimumCases(string group) => group switch
    {
        "sale-fields" => 300,
        "auth" => 50,
        "receipts" or "shift-close" or "fiscal" => 40,
        _ => 5,
    };

    /// <summary>Tills CAI1/T1 and ALX1/T7 paired, and a sale of each stored, as the cases expect.</summary>
    internal static async Task<CorpusTarget> TargetAsync(ConnectorHost host)
    {
        var cairo = await host.PairTillAsync("CAI1", "T1");
        var alexandria = await host.PairTillAsync("ALX1", "T7");
        var target = new CorpusTarget(host.Client, host.Services.GetRequiredService<ConnectorDatabase>().Path, cairo.Pairing, alexandria.Pairing, () => host.Clock.GetUtcNow()) { Clock = host.Clock };
        target.CairoSale = new Sales(host.Clock, "CAI1", "T1").Next(quantity: 2m);
        target.AlexandriaSale = new Sales(host.Clock, "ALX1", "T7").Next(price: 41.25m, quantity: 3m);
        Assert.Equal(UploadStatus.Accepted, (await TestTill.ResultsAsync(await cairo.UploadAsync([target.CairoSale]))).Results[0].Status);
        Assert.Equal(UploadStatus.Accepted, (await TestTill.ResultsAsync(await alexandria.UploadAsync([target.AlexandriaSale]))).Results[0].Status);
        return target;
    }
}
