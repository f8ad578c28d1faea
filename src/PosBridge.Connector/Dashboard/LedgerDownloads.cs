using System.Text.RegularExpressions;
using PosBridge.Accounting.Setup;
using PosBridge.Connector.Hosting;
using PosBridge.Connector.Ledgers;

namespace PosBridge.Connector.Dashboard;

/// <summary>A ledger file the close-of-day run wrote, as the dashboard lists it.</summary>
internal sealed record LedgerFileView(string Ledger, string Name, long Bytes, DateTimeOffset WrittenAt);

/// <summary>
/// The close-of-day ledger files offered for download in the dashboard, when <c>CloseOfDay:Downloads</c> is on.
/// Only files directly in a configured ledger's folder, named as ledgers name their files, are ever served: the
/// name from the request is checked, then the full path must still lie in that folder, and links are refused.
/// </summary>
internal sealed partial class LedgerDownloads(ConnectorOptions options, LedgerExports? ledgers)
{
    public bool Enabled => options.CloseOfDay.Downloads && ledgers is not null;

    /// <summary>The newest <paramref name="max"/> files of every ledger, newest first.</summary>
    public IReadOnlyList<LedgerFileView> List(int max)
    {
        if (!Enabled)
        {
            return [];
        }

        var files = new List<LedgerFileView>();
        foreach (var ledger in ledgers!.All)
        {
            var folder = CloseOfDayFolder.For(options, ledger.Name);
            if (!Directory.Exists(folder))
            {
                continue;
            }

            foreach (var path in Directory.EnumerateFiles(folder, "*.csv", SearchOption.TopDirectoryOnly))
            {
                var info = new FileInfo(path);
                if (IsServable(info))
                {
                    files.Add(new LedgerFileView(ledger.Name, info.Name, info.Length, new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero)));
                }
            }
        }

        return [.. files
            .OrderByDescending(f => f.WrittenAt)
            .ThenBy(f => f.Ledger, StringComparer.Ordinal)
            .ThenBy(f => f.Name, StringComparer.Ordinal)
            .Take(max)];
    }

    /// <summary>The full path of a ledger's file, or null when there is no such file to serve.</summary>
    public string? Find(string ledger, string file)
    {
        if (!Enabled || !ledgers!.All.Any(l => string.Equals(l.Name, ledger, StringComparison.Ordinal)) || !FileName().IsMatch(file))
        {
            return null;
        }

        var folder = Path.GetFullPath(CloseOfDayFolder.For(options, ledger)) + Path.DirectorySeparatorChar;
        var path = Path.GetFullPath(Path.Combine(folder, file));
        if (!path.StartsWith(folder, StringComparison.Ordinal) || Path.GetDirectoryName(path) + Path.DirectorySeparatorChar != folder)
        {
            return null;
        }

        var info = new FileInfo(path);
        return info.Exists && IsServable(info) ? path : null;
    }

    // A staging folder's files (".name.partial") and links that could point elsewhere are never offered.
    private static bool IsServable(FileInfo info) => FileName().IsMatch(info.Name) && info.LinkTarget is null;

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_\-]*(\.[A-Za-z0-9_\-]+)*\.csv$", RegexOptions.CultureInvariant)]
    private static partial Regex FileName();
}
