namespace PosBridge.Connector.Backups;

/// <summary>What a backup file says about itself (<c>manifest.json</c> in the archive), checked before anything is restored.</summary>
internal sealed record BackupManifest(int Format, DateTimeOffset CreatedAt, int SchemaVersion, string DataDirectory, bool IncludesKeys, IReadOnlyList<string> Files)
{
    public const int CurrentFormat = 1;
    public const string EntryName = "manifest.json";
    public const string DatabaseEntry = "connector.db";
}

/// <summary>What a backup wrote, for the command's report.</summary>
internal sealed record BackupResult(string File, long Bytes, long SalesReceived, int Tills, int SchemaVersion, bool IncludesKeys);

/// <summary>What a restore replaced, and where the data as it was is kept.</summary>
internal sealed record RestoreResult(long SalesReceived, int Tills, DateTimeOffset BackupCreatedAt, string? KeptAside);

/// <summary>A backup or restore that cannot go ahead; the message says why and what to do. Nothing was changed.</summary>
internal sealed class BackupProblemException(string message) : InvalidOperationException(message);
