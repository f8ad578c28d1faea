using System.Text.RegularExpressions;
using PosBridge.Connector.Tills;

namespace PosBridge.Connector.Tests.Hosting;

/// <summary>The pairing codes the documentation shows look like the ones `tills pair` and the dashboard make.</summary>
public sealed class PairingCodeDocsTests
{
    [Fact]
    public void Readme_PairingCodeExamples_HaveTheRealCodesShape()
    {
        var root = RepositoryRoot();
        var real = new Regex($"^[{Pairing.CodeAlphabet}]{{5}}-[{Pairing.CodeAlphabet}]{{5}}$");
        var shown = new List<string>();
        foreach (var file in new[] { "README.md", "docs/architecture.md", "src/PosBridge.Terminal/README.md" }.Select(f => Path.Combine(root, f)).Where(File.Exists))
        {
            foreach (Match match in Regex.Matches(File.ReadAllText(file), @"--pair\s+(?<code>[^\s\]`]+)|\bpair\s+(?<code>[A-Z0-9]+-[A-Z0-9]+)\b"))
            {
                shown.Add($"{Path.GetFileName(file)}: {match.Groups["code"].Value}");
            }
        }

        Assert.NotEmpty(shown);
        Assert.All(shown, s => Assert.Matches(real, s[(s.IndexOf(": ", StringComparison.Ordinal) + 2)..]));
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "PosBridge.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (PosBridge.sln) is not above the test's folder.");
    }
}
