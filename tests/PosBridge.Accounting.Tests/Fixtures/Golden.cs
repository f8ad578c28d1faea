using System.Runtime.CompilerServices;

namespace PosBridge.Accounting.Tests.Fixtures;

/// <summary>
/// Golden files live beside the tests in Golden/. A file that differs fails the test; run with
/// POSBRIDGE_UPDATE_GOLDEN=1 to rewrite them after a deliberate change, then review the diff.
/// </summary>
public static class Golden
{
    public static void AssertMatches(string writtenPath, string goldenName, [CallerFilePath] string caller = "")
    {
        var root = Path.Combine(FindTestsRoot(caller), "Golden");
        var golden = Path.Combine(root, goldenName);
        var written = File.ReadAllBytes(writtenPath);
        if (Environment.GetEnvironmentVariable("POSBRIDGE_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(golden)!);
            File.WriteAllBytes(golden, written);
            return;
        }

        Assert.True(File.Exists(golden), $"No golden file {golden}; run with POSBRIDGE_UPDATE_GOLDEN=1 to create it and review it.");
        var expected = File.ReadAllBytes(golden);
        if (!expected.AsSpan().SequenceEqual(written))
        {
            var at = expected.AsSpan().CommonPrefixLength(written);
            Assert.Fail($"{Path.GetFileName(writtenPath)} differs from {goldenName} at byte {at} ({written.Length} bytes written, {expected.Length} expected).");
        }
    }

    private static string FindTestsRoot(string caller)
    {
        var dir = Path.GetDirectoryName(caller);
        while (dir is not null && !File.Exists(Path.Combine(dir, "PosBridge.Accounting.Tests.csproj")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return dir ?? throw new InvalidOperationException("Cannot find the test project folder.");
    }
}
