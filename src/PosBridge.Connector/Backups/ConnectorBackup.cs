using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using PosBridge.Connector.Storage.Sqlite;
using PosBridge.Core.Privacy;

namespace PosBridge.Connector.Backups;

/// <summary>
/// <c>posbridge backup</c> and <c>restore</c>: one file (a ZIP) holding the database, taken with SQLite's online backup so
/// it is consistent while <c>serve</c> keeps taking sales, the secrets key (without it the tills' signing keys and the
/// encrypted settings in the database cannot be read) and the stores' product files. A restore goes into a stopped
/// connector only and either puts everything in place or changes nothing: the backup is checked in a staging folder
/// first, and the data as it was is moved aside, never deleted.
/// </summary>
internal static class ConnectorBackup
{
    /// <summary>Folders of the data directory that travel with the database (a key file, the owners' product files).</summary>
    private static readonly string[] Folders = ["keys", "catalog"];

    private static readonly JsonSerializerOptions ManifestJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static async Task<BackupResult> BackupAsync(string dataDirectory, string outFile, TimeProvider timeProvider, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        ArgumentException.ThrowIfNullOrEmpty(outFile);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var data = Path.GetFullPath(dataDirectory);
        var database = Path.Combine(data, BackupManifest.DatabaseEntry);
        if (!File.Exists(database))
        {
            throw new BackupProblemException($"there is no connector database in {data} ({BackupManifest.DatabaseEntry}): give the folder the connector serves with --data DIR.");
        }

        var target = Path.GetFullPath(outFile);
        if (File.Exists(target) || Directory.Exists(target))
        {
            throw new BackupProblemException($"{target} already exists; give --out a new file name (backups are never overwritten).");
        }

        if (Path.GetDirectoryName(target) is not { } folder || !Directory.Exists(folder))
        {
            throw new BackupProblemException($"the folder of {target} does not exist; create it first or give --out another file.");
        }

        var stamp = timeProvider.GetUtcNow();
        var copy = target + ".db.part";
        var part = target + ".part";
        try
        {
            var (schema, sales, tills) = await SqliteDatabaseFile.SnapshotAsync(database, copy, cancellationToken).ConfigureAwait(false);
            var files = new List<string> { BackupManifest.DatabaseEntry };
            await using (var stream = PrivateFiles.Create(part, overwrite: true))
            {
                await using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
                {
                    await AddFileAsync(zip, copy, BackupManifest.DatabaseEntry, cancellationToken).ConfigureAwait(false);
                    foreach (var name in Folders)
                    {
                        var source = Path.Combine(data, name);
                        if (!Directory.Exists(source))
                        {
                            continue;
                        }

                        foreach (var file in Directory.GetFiles(source).Order(StringComparer.Ordinal))
                        {
                            var entry = name + "/" + Path.GetFileName(file);
                            await AddFileAsync(zip, file, entry, cancellationToken).ConfigureAwait(false);
                            files.Add(entry);
                        }
                    }

                    var includesKeys = files.Contains("keys/secrets.key");
                    var manifest = new BackupManifest(BackupManifest.CurrentFormat, stamp, schema, data, includesKeys, files);
                    var manifestEntry = zip.CreateEntry(BackupManifest.EntryName, CompressionLevel.Optimal);
                    await using var manifestStream = await manifestEntry.OpenAsync(cancellationToken).ConfigureAwait(false);
                    await JsonSerializer.SerializeAsync(manifestStream, manifest, ManifestJson, cancellationToken).ConfigureAwait(false);
                }

                // On disk before it gets its final name: a backup file that exists is a whole one.
                stream.Flush(flushToDisk: true);
            }

            File.Move(part, target);
            return new BackupResult(target, new FileInfo(target).Length, sales, tills, schema, File.Exists(Path.Combine(data, "keys", "secrets.key")));
        }
        finally
        {
            File.Delete(copy);
            File.Delete(part);
        }
    }

    public static async Task<RestoreResult> RestoreAsync(string dataDirectory, string backupFile, TimeProvider timeProvider, Action<string>? beforePlacing = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        ArgumentException.ThrowIfNullOrEmpty(backupFile);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var data = Path.GetFullPath(dataDirectory);
        var source = Path.GetFullPath(backupFile);
        if (!File.Exists(source))
        {
            throw new BackupProblemException($"the backup file {source} does not exist.");
        }

        using var exclusive = RunningConnector.TryTakeExclusive(data)
            ?? throw new BackupProblemException($"a connector is serving {data}: stop it first (systemctl stop posbridge, or end 'posbridge serve'), then restore. Nothing was changed.");
        var stamp = timeProvider.GetUtcNow().UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var staging = Path.Combine(data, ".restore-" + stamp);
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        PrivateFiles.CreateFolder(staging);
        try
        {
            var manifest = await ExtractAsync(source, staging, cancellationToken).ConfigureAwait(false);
            var (sales, tills) = await SqliteDatabaseFile.CheckAsync(Path.Combine(staging, BackupManifest.DatabaseEntry), source, cancellationToken).ConfigureAwait(false);
            var key = Path.Combine(staging, "keys", "secrets.key");
            if (File.Exists(key) && new FileInfo(key).Length != 32)
            {
                throw new BackupProblemException($"the secrets key in {source} is damaged (not 32 bytes). Nothing was changed.");
            }

            var keptAside = Swap(data, staging, "before-restore-" + stamp, beforePlacing);
            return new RestoreResult(sales, tills, manifest.CreatedAt, keptAside);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    private static async Task AddFileAsync(ZipArchive zip, string file, string entryName, CancellationToken cancellationToken)
    {
        var entry = zip.CreateEntry(entryName, CompressionLevel.Optimal);
        await using var to = await entry.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var from = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        await from.CopyToAsync(to, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<BackupManifest> ExtractAsync(string source, string staging, CancellationToken cancellationToken)
    {
        BackupManifest? manifest = null;
        try
        {
            await using var zip = await ZipFile.OpenReadAsync(source, cancellationToken).ConfigureAwait(false);
            foreach (var entry in zip.Entries)
            {
                // Only what a backup holds, and never a path out of the staging folder.
                var parts = entry.FullName.Split('/');
                var known = entry.FullName is BackupManifest.EntryName or BackupManifest.DatabaseEntry
                    || (parts.Length == 2 && Folders.Contains(parts[0]) && parts[1].Length > 0 && parts[1] is not ("." or "..") && parts[1].IndexOfAny(['\\', ':']) < 0);
                if (!known)
                {
                    throw new BackupProblemException($"{source} holds '{entry.FullName}', which no PosBridge backup has: it is not a backup made by 'posbridge backup'. Nothing was changed.");
                }

                if (entry.FullName == BackupManifest.EntryName)
                {
                    await using var stream = await entry.OpenAsync(cancellationToken).ConfigureAwait(false);
                    manifest = await JsonSerializer.DeserializeAsync<BackupManifest>(stream, ManifestJson, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                var target = Path.Combine(staging, Path.Combine(parts));
                PrivateFiles.CreateFolder(Path.GetDirectoryName(target)!);
                await using var to = PrivateFiles.Create(target);
                await using var from = await entry.OpenAsync(cancellationToken).ConfigureAwait(false);
                await from.CopyToAsync(to, cancellationToken).ConfigureAwait(false);
                to.Flush(flushToDisk: true);
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or JsonException or NotSupportedException)
        {
            throw new BackupProblemException($"{source} cannot be read as a PosBridge backup ({ex.Message}). Nothing was changed.");
        }

        if (manifest is null || !File.Exists(Path.Combine(staging, BackupManifest.DatabaseEntry)))
        {
            throw new BackupProblemException($"{source} has no {(manifest is null ? BackupManifest.EntryName : BackupManifest.DatabaseEntry)}: it is not a whole PosBridge backup. Nothing was changed.");
        }

        if (manifest.Format != BackupManifest.CurrentFormat)
        {
            throw new BackupProblemException($"{source} is a backup of format {manifest.Format}; this connector reads format {BackupManifest.CurrentFormat}. Use the connector version that made it. Nothing was changed.");
        }

        return manifest;
    }

    /// <summary>
    /// Moves the data folder's database (with its WAL), keys and product files into <paramref name="asideName"/> and the
    /// staged ones into their place. Renames within one folder: if one fails, those done are undone.
    /// </summary>
    private static string? Swap(string data, string staging, string asideName, Action<string>? beforePlacing)
    {
        var aside = Path.Combine(data, asideName);
        string[] current = [BackupManifest.DatabaseEntry, BackupManifest.DatabaseEntry + "-wal", BackupManifest.DatabaseEntry + "-shm", BackupManifest.DatabaseEntry + "-journal", .. Folders];
        var movedAside = new List<string>();
        var placed = new List<string>();
        try
        {
            foreach (var name in current.Where(n => File.Exists(Path.Combine(data, n)) || Directory.Exists(Path.Combine(data, n))))
            {
                PrivateFiles.CreateFolder(aside);
                Move(Path.Combine(data, name), Path.Combine(aside, name));
                movedAside.Add(name);
            }

            foreach (var name in new[] { BackupManifest.DatabaseEntry }.Concat(Folders).Where(n => File.Exists(Path.Combine(staging, n)) || Directory.Exists(Path.Combine(staging, n))))
            {
                beforePlacing?.Invoke(name);
                Move(Path.Combine(staging, name), Path.Combine(data, name));
                placed.Add(name);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or BackupProblemException)
        {
            foreach (var name in placed)
            {
                Move(Path.Combine(data, name), Path.Combine(staging, name));
            }

            foreach (var name in movedAside)
            {
                Move(Path.Combine(aside, name), Path.Combine(data, name));
            }

            if (Directory.Exists(aside) && !Directory.EnumerateFileSystemEntries(aside).Any())
            {
                Directory.Delete(aside);
            }

            throw new BackupProblemException($"the restore could not put the backup in place ({ex.Message}); it was undone and {data} is as it was.");
        }

        return movedAside.Count == 0 ? null : aside;
    }

    private static void Move(string from, string to)
    {
        if (Directory.Exists(from))
        {
            Directory.Move(from, to);
        }
        else
        {
            File.Move(from, to);
        }
    }
}
