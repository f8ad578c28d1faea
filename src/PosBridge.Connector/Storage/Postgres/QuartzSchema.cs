using Quartz;

namespace PosBridge.Connector.Storage.Postgres;

/// <summary>
/// Quartz.NET's PostgreSQL tables, from the script Quartz ships inside its own assembly for
/// <see cref="SchemaProvisioning.CreateIfMissing"/>: every statement creates only what is missing, and they are
/// separated by a line reading <c>--;;</c>. Read from the Quartz this connector runs rather than copied here, so the
/// tables always match it. Quartz then validates them at start (its default), refusing a schema it cannot use.
/// </summary>
internal static class QuartzSchema
{
    /// <summary>Quartz's default table prefix; PostgreSQL folds the unquoted names to lower case.</summary>
    public const string TablePrefix = "qrtz_";

    private const string Resource = "Quartz.Impl.AdoJobStore.Schema.create_postgres.sql";

    public static IEnumerable<string> Statements()
    {
        using var stream = typeof(IScheduler).Assembly.GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException($"Quartz.NET no longer ships '{Resource}' in {typeof(IScheduler).Assembly.GetName()}; the PostgreSQL migration that creates its tables needs it.");
        using var reader = new StreamReader(stream);
        var script = reader.ReadToEnd().Replace("{0}", TablePrefix, StringComparison.Ordinal).Replace("{1}", TablePrefix, StringComparison.Ordinal);
        return [.. script.ReplaceLineEndings("\n").Split("\n--;;\n").Where(HasSql)];
    }

    private static bool HasSql(string piece) =>
        piece.Split('\n').Any(line => line.Trim().Length > 0 && !line.TrimStart().StartsWith("--", StringComparison.Ordinal));
}
