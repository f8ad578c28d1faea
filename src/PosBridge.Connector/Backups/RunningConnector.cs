namespace PosBridge.Connector.Backups;

/// <summary>
/// Marks a data folder as served: <c>serve</c> holds <c>connector.lock</c> with a shared lock for as long as it runs (several
/// connectors may serve one folder), and <c>restore</c> takes it exclusively, so a restore never swaps the database under
/// a running connector and a connector never starts in the middle of a restore. The operating system drops the lock when
/// the process ends, also on a crash or SIGKILL, so a stale lock cannot block a restore.
/// </summary>
internal sealed class RunningConnector : IDisposable
{
    public const string FileName = "connector.lock";
    private readonly FileStream _lock;

    private RunningConnector(FileStream held) => _lock = held;

    /// <summary>Taken by <c>serve</c> for its lifetime; null when a restore holds the folder.</summary>
    public static RunningConnector? TryServe(string dataDirectory) => TryTake(dataDirectory, FileShare.ReadWrite);

    /// <summary>Taken by <c>restore</c>; null while any connector serves the folder.</summary>
    public static RunningConnector? TryTakeExclusive(string dataDirectory) => TryTake(dataDirectory, FileShare.None);

    public void Dispose() => _lock.Dispose();

    private static RunningConnector? TryTake(string dataDirectory, FileShare share)
    {
        var path = Path.Combine(dataDirectory, FileName);
        try
        {
            // .NET locks the file with flock: LOCK_SH for a shared open, LOCK_EX for FileShare.None.
            var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = share };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = Core.Privacy.PrivateFiles.FileMode;
            }

            return new RunningConnector(new FileStream(path, options));
        }
        catch (IOException) when (File.Exists(path))
        {
            return null;
        }
    }
}
