using System.Text.RegularExpressions;

namespace PosBridge.Connector.Tests.Storage;

/// <summary>
/// The rule that keeps two backends possible: SQL lives in <c>Storage/Sqlite</c> and <c>Storage/Postgres</c>, SQLite's
/// types in <c>Storage/Sqlite</c> only; every other folder reaches the database through its feature's store interface.
/// </summary>
public sealed partial class StorageBoundaryTests
{
    private static readonly string Source = Path.Combine(FindRoot(), "src", "PosBridge.Connector");

    // Files outside Storage/Sqlite that may name the SQLite backend itself, and why.
    private static readonly Dictionary<string, string> MayNameTheBackend = new(StringComparer.Ordinal)
    {
        ["Storage/StorageSetup.cs"] = "chooses the backend",
        ["Backups/ConnectorBackup.cs"] = "backup and restore copy the database file",
        ["Demo/DemoCommand.cs"] = "closes the file before listing the data folder",
        ["Storage/StoreMigration.cs"] = "copies a SQLite connector into PostgreSQL",
    };

    // Files outside the two backends' folders that may run SQL, and why.
    private static readonly Dictionary<string, string> MayRunSql = new(StringComparer.Ordinal)
    {
        ["Storage/StoreMigration.cs"] = "reads the SQLite file and writes PostgreSQL, table by table",
        ["Storage/ReportAccumulator.cs"] = "the report aggregates' upserts, the same SQL on both backends",
        ["Storage/ReportQuerySql.cs"] = "the report queries, the same SQL on both backends (only a collation name differs)",
        ["Storage/CustomerDataSql.cs"] = "a person's data found and erased, the same SQL on both backends (a few dialect fragments)",
        ["Storage/DbSql.cs"] = "the ADO.NET helpers of the SQL shared by both backends",
    };

    [Fact]
    public void SourceOutsideTheBackends_RunsNoSqlAndNamesNoSqliteType()
    {
        var offenders = Files()
            .Where(f => !f.StartsWith("Storage/Postgres/", StringComparison.Ordinal) && !MayRunSql.ContainsKey(f))
            .Where(f => SqliteOrSql().IsMatch(File.ReadAllText(Path.Combine(Source, f))))
            .ToList();

        Assert.Empty(offenders);
    }

    [Fact]
    public void SourceOutsideStorageSqlite_NamesTheSqliteBackendOnlyWhereListed()
    {
        var offenders = Files()
            .Where(f => !MayNameTheBackend.ContainsKey(f) && File.ReadAllText(Path.Combine(Source, f)).Contains("Storage.Sqlite", StringComparison.Ordinal))
            .ToList();

        Assert.Empty(offenders);
    }

    private static IEnumerable<string> Files() =>
        Directory.EnumerateFiles(Source, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Source, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("Storage/Sqlite/", StringComparison.Ordinal) && !f.StartsWith("obj/", StringComparison.Ordinal) && !f.StartsWith("bin/", StringComparison.Ordinal));

    [GeneratedRegex(@"Microsoft\.Data\.Sqlite|\bSqlite(Connection|Transaction|Command|DataReader|Exception)\b|\bConnectorDatabase\b|\bSql\.(Execute|Scalar|Command)|\bCommandText\b")]
    private static partial Regex SqliteOrSql();

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
