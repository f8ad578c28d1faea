using System.Xml.Linq;

namespace PosBridge.Core.Tests.Architecture;

/// <summary>The one rule between projects: Core references nothing of ours; an adapter references Core only.</summary>
public sealed class ProjectReferencesTests
{
    private static readonly string Root = FindRoot();

    [Fact]
    public void Core_ReferencesNoProjectAndNoPackage()
    {
        var project = Load("src/PosBridge.Core/PosBridge.Core.csproj");

        Assert.Empty(ProjectReferences(project));
        Assert.Empty(project.Descendants("PackageReference"));
    }

    [Theory]
    [InlineData("PosBridge.Terminal")]
    [InlineData("PosBridge.Erp.Odoo")]
    [InlineData("PosBridge.Accounting")]
    [InlineData("PosBridge.Ecommerce")]
    public void Adapter_ReferencesCoreOnly(string name)
    {
        var references = ProjectReferences(Load($"src/{name}/{name}.csproj"));

        Assert.Equal(["PosBridge.Core"], references);
    }

    [Fact]
    public void EverySourceProject_IsCoveredHere()
    {
        var projects = Directory.GetDirectories(Path.Combine(Root, "src")).Select(Path.GetFileName).Order(StringComparer.Ordinal);

        Assert.Equal(
            ["PosBridge.Accounting", "PosBridge.Connector", "PosBridge.Core", "PosBridge.Ecommerce", "PosBridge.Erp.Odoo", "PosBridge.Terminal"],
            projects);
    }

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
