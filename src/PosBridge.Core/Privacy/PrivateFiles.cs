namespace PosBridge.Core.Privacy;

/// <summary>
/// Files that hold a shop's sales, credentials or keys (databases with their WAL and shared-memory files, key files,
/// backups, settings with a password hash) are created readable and writable by their owner only (0600; folders 0700),
/// and tightened when an older install left them open to other users. Windows keeps its ACLs: nothing is changed there.
/// </summary>
public static class PrivateFiles
{
    /// <summary>Owner read and write: 0600.</summary>
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Owner read, write and enter: 0700.</summary>
    public const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>
    /// Makes sure the SQLite database at <paramref name="path"/> and its <c>-wal</c>/<c>-shm</c>/<c>-journal</c> files are
    /// 0600 before SQLite opens it. SQLite gives the files it creates beside a database the database's own mode, so an
    /// empty database file created here at 0600 makes every later file 0600 too, whatever the process's umask.
    /// </summary>
    public static void PrepareDatabase(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var full = Path.GetFullPath(path);
        if (Path.GetDirectoryName(full) is { Length: > 0 } folder && !Directory.Exists(folder))
        {
            Directory.CreateDirectory(folder, FolderMode);
        }

        if (!File.Exists(full))
        {
            // An empty file is a valid empty SQLite database; CreateNew never truncates one made a moment ago by another process.
            try
            {
                using var created = new FileStream(full, new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = FileMode });
            }
            catch (IOException) when (File.Exists(full))
            {
            }
        }

        foreach (var file in new[] { full, full + "-wal", full + "-shm", full + "-journal" })
        {
            Tighten(file);
        }
    }

    /// <summary>Opens a new file for writing at 0600 from its first byte (no moment at which another user could open it).</summary>
    public static FileStream Create(string path, bool overwrite = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var options = new FileStreamOptions { Mode = overwrite ? System.IO.FileMode.Create : System.IO.FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = FileMode;
        }

        var stream = new FileStream(path, options);
        if (overwrite)
        {
            // UnixCreateMode applies only to a file made now; an existing one keeps its mode unless tightened.
            Tighten(path);
        }

        return stream;
    }

    /// <summary>
    /// Creates <paramref name="path"/> (and missing parents) as 0700. An existing folder keeps its mode: it may be one the
    /// owner chose for more than PosBridge (the files in it are 0600 all the same).
    /// </summary>
    public static void CreateFolder(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        Directory.CreateDirectory(path, FolderMode);
    }

    /// <summary>Sets an existing file to 0600 when other users (or the group) may read or write it; a missing file is left missing.</summary>
    public static void Tighten(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (OperatingSystem.IsWindows() || !File.Exists(path))
        {
            return;
        }

        try
        {
            if ((File.GetUnixFileMode(path) & ~FileMode) != 0)
            {
                File.SetUnixFileMode(path, FileMode);
            }
        }
        catch (FileNotFoundException)
        {
            // SQLite removed its -wal or -shm file in between: nothing left to protect.
        }
    }
}
