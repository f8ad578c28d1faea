using System.Xml.Linq;

namespace PosBridge.Core.Tests.Architecture;

/// <summary>
/// The one rule between projects: Core references nothing of ours; an adapter references Core only; the connector
/// takes its adapters from the one list, <c>src/Adapters.props</c>.
/// </summary>
public sealed class ProjectReferencesTests
{
    private static readonly string Root = FindRoot();

    [Fact]
    public void Core_ReferencesNoProjectAndOnlyTheAbstractionsItsAdapterContractSpeaks()
    {
        var project = Load("src/PosBridge.Core/PosBridge.Core.csproj");

        Assert.Empty(ProjectReferences(project));
        Assert.Equal(
            ["Microsoft.Extensions.Configuration.Abstractions", "Microsoft.Extensions.DependencyInjection.Abstractions"],
            project.Descendants("PackageReference").Select(p => p.Attribute("Include")!.Value).Order(StringComparer.Ordinal));
    }

    public static TheoryData<string> Adapters() => [.. BuiltInAdapters()];

    [Theory]
    [MemberData(nameof(Adapters))]
    [InlineData("PosBridge.Till")]
    public void Adapter_ReferencesCoreOnly(string name)
    {
        var references = ProjectReferences(Load($"src/{name}/{name}.csproj"));

        Assert.Equal(["PosBridge.Core"], references);
    }

    [Fact]
    public void TillEngine_ReferencesNoHostAndNoDatabase_SoItRunsInABrowser()
    {
        var engine = Load("src/PosBridge.Till/PosBridge.Till.csproj");
        var packages = engine.Descendants("PackageReference").Select(p => p.Attribute("Include")!.Value).ToList();

        Assert.Empty(engine.Descendants("FrameworkReference"));
        Assert.DoesNotContain(packages, p => p.Contains("sqlite", StringComparison.OrdinalIgnoreCase) || p.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        Assert.Equal(["PosBridge.Core", "PosBridge.Till"], ProjectReferences(Load("src/PosBridge.Terminal/PosBridge.Terminal.csproj")));
    }

    [Fact]
    public void Connector_ReferencesAdaptersOnlyThroughTheOneList()
    {
        var connector = Load("src/PosBridge.Connector/PosBridge.Connector.csproj");

        Assert.Equal(["../Adapters.props"], connector.Descendants("Import").Select(i => i.Attribute("Project")!.Value));
        Assert.Equal(["PosBridge.Core", "PosBridge.Terminal"], ProjectReferences(connector));
        Assert.Equal("false", connector.Descendants("ProjectReference").Single(r => r.Attribute("Include")!.Value.Contains("PosBridge.Terminal", StringComparison.Ordinal)).Attribute("ReferenceOutputAssembly")?.Value);
    }

    [Fact]
    public void TheOneList_HoldsEveryAdapterProject()
    {
        string[] notAdapters = ["PosBridge.Connector", "PosBridge.Core", "PosBridge.Terminal", "PosBridge.Till"];
        var projects = Directory.GetDirectories(Path.Combine(Root, "src")).Select(Path.GetFileName).Except(notAdapters).Order(StringComparer.Ordinal);

        Assert.Equal(projects, BuiltInAdapters().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void EverySourceProject_IsCoveredHere()
    {
        var projects = Directory.GetDirectories(Path.Combine(Root, "src")).Select(Path.GetFileName).Order(StringComparer.Ordinal);

        Assert.Equal(
            ["PosBridge.Accounting", "PosBridge.Connector", "PosBridge.Core", "PosBridge.Ecommerce", "PosBridge.Erp.Odoo", "PosBridge.Terminal", "PosBridge.Till"],
            projects);
    }

    private static List<string> BuiltInAdapters() =>
        Load("src/Adapters.props").Descendants("BuiltInAdapter").Select(a => a.Attribute("Include")!.Value).ToList();

    private static XDocument Load(string relative) => XDocument.Load(Path.Combine(Root, relative));

    private static List<string> ProjectReferences(XDocument project) =>
        project.Descendants("ProjectReference")
            .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/')))
            .ToList();

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "PosBridge.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("PosBridge.sln not found above the test's directory.");
    }
}
