using PosBridge.Connector.Storage.Sqlite;

namespace PosBridge.Connector.Tests.Storage.Contracts;

/// <summary>
/// A fresh, empty database of one backend for one test class, named by settings as an operator would name it
/// (<c>Storage:Provider</c> and what that backend needs to find its database). A PostgreSQL backend implements this
/// too, and every contract runs against it unchanged.
/// </summary>
public interface IStorageBackend : IAsyncDisposable
{
    IReadOnlyDictionary<string, string?> Settings { get; }
}

/// <summary>A connector database file in a temporary data folder, deleted afterwards.</summary>
public sealed class SqliteBackend : IStorageBackend
{
    private readonly string _directory = Directory.CreateTempSubdirectory("posbridge-contract-").FullName;

    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Storage:Provider"] = "sqlite",
        ["PosBridge:DataDirectory"] = _directory,
    };

    public ValueTask DisposeAsync()
    {
        SqliteDatabaseFile.CloseAll();
        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }
}
